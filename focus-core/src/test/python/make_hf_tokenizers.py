#!/usr/bin/env python3
"""Writes the small tokenizer.json files that Focus's Hugging Face tokenizer tests read.

Five files in the Hugging Face tokenizers JSON format, two vocabularies trained here by plain BPE on
the corpus below (deterministic: ties go to the smallest pair):

  gpt2     byte-level BPE, ByteLevel pre-tokenizer with its own regex; merges as "a b" strings
  llama3   the same vocabulary, Split on the Llama 3 regex + ByteLevel, ignore_merges, a
           TemplateProcessing that adds <|begin_of_text|>; merges as [a, b] pairs
  qwen2    the same vocabulary, NFC + Split on the Qwen2 regex (single digits) + ByteLevel
  llama2   SentencePiece-style BPE over characters with byte fallback <0xNN> (ids 3..258),
           Prepend/Replace normalizer, Replace/ByteFallback/Fuse/Strip decoder, <s> template
  mistral  the llama2 vocabulary with the newer Metaspace pre-tokenizer (prepend_scheme "first")
           and a Metaspace/ByteFallback/Fuse decoder

Characters outside the SentencePiece alphabet (CJK, emoji, most symbols) fall back to bytes.
Run: python3 focus-core/src/test/python/make_hf_tokenizers.py  (no third-party modules).
The reference ids are then written by HfTokenizerReferenceTest (see its class comment).
"""
import json
import os
import re
from collections import Counter

OUT = os.path.join(os.path.dirname(__file__), '..', 'resources', 'dev', 'focus', 'tokenizer', 'hf')

CORPUS = """
Focus is a toolkit and lab for decoder-only Transformers. It turns research notes into building
blocks: attention variants, position encodings, a training engine and a report site.
Attention focus asks whether linear attention can concentrate like softmax attention. The sparsity
of a row is the ratio of its l1 and l2 norms, normalised by the length; a one-hot row gives the
smallest value and a uniform row gives one. The participation ratio counts the attended tokens.
Why do decoders need positions? Under a causal mask the variance of a head's output falls like one
over the position, so a model without position encodings can still tell where it is.
The model was trained for 2000 steps at a learning rate of 0.003 with batch 16 and context 64.
In 1998 the corpus had 1,000,000 words; 3.14159 and 2.71828 are constants; 42 is an answer.
She said: "I'm sure you'll like it, and we've seen they'd agree." Don't worry, it's fine!
def attention(q, k, v):
    scores = q @ k.T / sqrt(d)
    return softmax(scores) @ v
Les modèles apprennent à prêter attention; déjà vu, naïve café, Straße, Ærø.
Die Aufmerksamkeit eines Kopfes ist über die Positionen verteilt.
Внимание модели распределено по позициям.
"""


def bytes_to_unicode():
    """GPT-2's printable alphabet for the 256 bytes, in GPT-2's order."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [(b, chr(c)) for b, c in zip(bs, cs)]


def train(words, merges_wanted):
    """Plain BPE on {tuple(symbols): count}; returns the merges in order."""
    words = dict(words)
    merges = []
    for _ in range(merges_wanted):
        pairs = Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break
        a, b = best[0]
        merges.append((a, b))
        new = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + c
        words = new
    return merges


def added(id_, content, special=True, normalized=False, lstrip=False, rstrip=False, single_word=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": normalized, "special": special}


def byte_level():
    alphabet = bytes_to_unicode()
    enc = {b: c for b, c in alphabet}
    pieces = re.findall(r"'(?:s|t|re|ve|m|ll|d)| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+", CORPUS)
    words = Counter(tuple(enc[b] for b in p.encode('utf-8')) for p in pieces)
    merges = train(words, 360)
    vocab = {c: i for i, (_, c) in enumerate(alphabet)}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    return vocab, merges


def bpe_model(vocab, merges, pairs, **extra):
    model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
             "vocab": vocab, "merges": [[a, b] for a, b in merges] if pairs else [a + " " + b for a, b in merges]}
    model.update(extra)
    return model


def template(token, id_):
    return {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": token, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": token, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": token, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {token: {"id": token, "ids": [id_], "tokens": [token]}}}


BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def file(normalizer, pre_tokenizer, post_processor, decoder, model, added_tokens):
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added_tokens,
            "normalizer": normalizer, "pre_tokenizer": pre_tokenizer, "post_processor": post_processor,
            "decoder": decoder, "model": model}


def byte_level_files():
    vocab, merges = byte_level()
    n = len(vocab)
    gpt2 = file(None, BYTE_LEVEL, dict(BYTE_LEVEL, use_regex=True), dict(BYTE_LEVEL),
                bpe_model(dict(vocab, **{"<|endoftext|>": n}), merges, False), [added(n, "<|endoftext|>")])
    split = lambda rx: {"type": "Split", "pattern": {"Regex": rx}, "behavior": "Isolated", "invert": False}
    no_regex = dict(BYTE_LEVEL, use_regex=False)
    llama3_added = [added(n, "<|begin_of_text|>"), added(n + 1, "<|end_of_text|>"), added(n + 2, "<|eot_id|>"),
                    added(n + 3, "<tool>", special=False, normalized=True)]
    llama3 = file(None, {"type": "Sequence", "pretokenizers": [split(LLAMA3_REGEX), no_regex]},
                  {"type": "Sequence", "processors": [dict(BYTE_LEVEL, use_regex=False), template("<|begin_of_text|>", n)]},
                  dict(BYTE_LEVEL), bpe_model(vocab, merges, True, ignore_merges=True), llama3_added)
    qwen2_added = [added(n, "<|endoftext|>"), added(n + 1, "<|im_start|>"), added(n + 2, "<|im_end|>")]
    qwen2 = file({"type": "NFC"}, {"type": "Sequence", "pretokenizers": [split(QWEN2_REGEX), no_regex]},
                 dict(BYTE_LEVEL, use_regex=False), dict(BYTE_LEVEL), bpe_model(vocab, merges, True), qwen2_added)
    return {"gpt2": gpt2, "llama3": llama3, "qwen2": qwen2}


def sentencepiece_files():
    text = CORPUS.replace('\n', ' ')
    counts = Counter(text)
    # The alphabet: characters seen at least twice, except digits 7-9 and 'ß', 'Æ' and 'ø', which
    # then reach the model only through byte fallback.
    alphabet = sorted(c for c, k in counts.items() if k >= 2 and c not in '789ßÆø' and c != ' ') + ['▁']
    words = Counter()
    for w in re.findall(r' ?[^ ]+', ' ' + ' '.join(text.split())):
        words[tuple('▁' if c == ' ' else c for c in w if c == ' ' or c in alphabet)] += 1
    merges = train(words, 300)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    for c in alphabet:
        vocab.setdefault(c, len(vocab))
    model = bpe_model(vocab, merges, False, unk_token="<unk>", fuse_unk=True, byte_fallback=True)
    specials = [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")]
    llama2 = file({"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                       {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
                  None, template("<s>", 1),
                  {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                                                    {"type": "ByteFallback"}, {"type": "Fuse"},
                                                    {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
                  model, specials)
    meta = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}
    decoder = {"type": "Sequence", "decoders": [dict(meta), {"type": "ByteFallback"}, {"type": "Fuse"}]}
    mistral = file(None, meta, template("<s>", 1), decoder, dict(model, merges=[[a, b] for a, b in merges]), specials)
    return {"llama2": llama2, "mistral": mistral}


def main():
    for name, content in {**byte_level_files(), **sentencepiece_files()}.items():
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
        with open(os.path.join(OUT, name, 'tokenizer.json'), 'w', encoding='utf-8') as f:
            json.dump(content, f, ensure_ascii=False, indent=1)
            f.write('\n')
        print(name, len(content['model']['vocab']), 'ids,', len(content['model']['merges']), 'merges')


if __name__ == '__main__':
    main()
