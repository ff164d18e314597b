#!/usr/bin/env python3
"""Small pretrained-style checkpoints in the layout Hugging Face writes, with their reference logits.

Usage: hf_pretrained.py OUT_DIR

For each variant below, writes OUT_DIR/NAME/ as `save_pretrained` lays it out: config.json with the
family's standard fields only (no focus_* key), and model.safetensors or shards
model-0000i-of-0000n.safetensors with model.safetensors.index.json, every tensor in the variant's
16-bit dtype (round to nearest even from float32, as torch's .to() does). Then reads the files back
through hf_llama.py's loader (16-bit widened to float32), runs hf_llama.py's module tree in float32 on
fixed token rows, and writes OUT_DIR/reference/NAME.safetensors: "tokens" (B, T) and "logits" (B, T, V)
as F32, with the SHA-256 of every checkpoint file in the metadata ("files").

The weights are not torch's random numbers: every value is splitmix64 over (seed, name, index) mapped
to [-1, 1), so the files are the same bytes on every machine and torch version (norm gains 1 + 0.1u,
biases 0.1u, other weights 0.17u). Only the logits depend on the float32 arithmetic of the machine.
"""
import hashlib
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_llama  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZERS = os.path.join(HERE, "..", "resources", "dev", "focus", "tokenizer", "hf")

SIZES = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4}

COMMON = {"attention_dropout": 0.0, "hidden_act": "silu", "initializer_range": 0.02, "transformers_version": "4.46.0",
          "use_cache": True}

VARIANTS = [
    # the documented example: a Llama 3-style directory in three BF16 shards with its tokenizer.json
    dict(name="llama-bf16-sharded", dtype="bfloat16", shards=3, tokenizer="llama3", seed=1, config=dict(
        architectures=["LlamaForCausalLM"], model_type="llama", num_key_value_heads=2, vocab_size=410,
        max_position_embeddings=512, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=False,
        rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 64, "rope_type": "llama3"},
        attention_bias=False, mlp_bias=False, pretraining_tp=1, head_dim=8, bos_token_id=406, eos_token_id=407)),
    dict(name="llama-f16", dtype="float16", shards=1, seed=2, config=dict(
        architectures=["LlamaForCausalLM"], model_type="llama", num_key_value_heads=2, vocab_size=64,
        max_position_embeddings=256, rope_theta=500000.0, rms_norm_eps=1e-6, tie_word_embeddings=False, rope_scaling=None,
        attention_bias=False, mlp_bias=False, pretraining_tp=1, bos_token_id=1, eos_token_id=2)),
    dict(name="llama-bf16-tied", dtype="bfloat16", shards=1, seed=3, config=dict(
        architectures=["LlamaForCausalLM"], model_type="llama", num_key_value_heads=4, vocab_size=64,
        max_position_embeddings=256, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=True,
        rope_scaling={"factor": 2.0, "rope_type": "linear"}, attention_bias=False, mlp_bias=False, pretraining_tp=1,
        bos_token_id=1, eos_token_id=[2, 3])),
    dict(name="qwen2-f16-sharded", dtype="float16", shards=2, seed=4, config=dict(
        architectures=["Qwen2ForCausalLM"], model_type="qwen2", num_key_value_heads=2, vocab_size=64,
        max_position_embeddings=256, rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_scaling=None,
        use_sliding_window=False, sliding_window=128, max_window_layers=2, bos_token_id=60, eos_token_id=61)),
    dict(name="mistral-bf16-sharded", dtype="bfloat16", shards=2, seed=5, config=dict(
        architectures=["MistralForCausalLM"], model_type="mistral", num_key_value_heads=1, vocab_size=64,
        max_position_embeddings=256, rope_theta=1000000.0, rms_norm_eps=1e-5, tie_word_embeddings=False,
        sliding_window=None, bos_token_id=1, eos_token_id=2)),
]

BATCH, STEPS = 2, 12
MASK = (1 << 64) - 1


def splitmix_uniform(base, n):
    """splitmix64 of base + i for i < n, mapped to [-1, 1) (53 bits)."""
    z = np.arange(n, dtype=np.uint64) + np.uint64(base & MASK) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -52 - 1.0


def name_hash(name):
    h = 0xcbf29ce484222325  # FNV-1a, 64 bits
    for b in name.encode():
        h = ((h ^ b) * 0x100000001b3) & MASK
    return h


def tensors_of(c, seed):
    """name -> float32 array, in the order LlamaForCausalLM's state_dict lists them."""
    model = hf_llama.LlamaForCausalLM(c)
    out = {}
    for name, p in model.state_dict().items():
        if name == "lm_head.weight" and c["tie_word_embeddings"]:
            continue  # save_pretrained drops the tied head
        u = splitmix_uniform(seed * 0x9E3779B97F4A7C15 ^ name_hash(name), p.numel()).reshape(tuple(p.shape))
        v = 1 + 0.1 * u if name.endswith("norm.weight") else 0.1 * u if name.endswith(".bias") else 0.17 * u
        out[name] = v.astype(np.float32)
    return out


SAFETENSORS_DTYPE = {"bfloat16": ("BF16", torch.bfloat16), "float16": ("F16", torch.float16), "float32": ("F32", torch.float32)}


def stored_bytes(a, dtype):
    """The little-endian bytes of float32 array a rounded to dtype (torch's round to nearest even)."""
    t = torch.from_numpy(a).to(SAFETENSORS_DTYPE[dtype][1])
    if dtype == "float32":
        return t.numpy().astype("<f4").tobytes()
    return t.view(torch.int16).numpy().astype("<i2").tobytes()


def write_safetensors(path, tensors, dtype_name, metadata):
    """tensors: name -> (shape, bytes); header sorted by name, padded with spaces to 8 bytes."""
    header, offset = {"__metadata__": metadata}, 0
    for name in sorted(tensors):
        shape, data = tensors[name]
        header[name] = {"dtype": dtype_name, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name in sorted(tensors):
            f.write(tensors[name][1])


def write_variant(out, v):
    d = os.path.join(out, v["name"])
    os.makedirs(d)
    c = dict(SIZES)
    c.update(COMMON)
    c.update(v["config"])
    c["torch_dtype"] = v["dtype"]
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)
        f.write("\n")
    tensors = {k: (a.shape, stored_bytes(a, v["dtype"])) for k, a in tensors_of(c, v["seed"]).items()}
    dtype_name = SAFETENSORS_DTYPE[v["dtype"]][0]
    n = v["shards"]
    if n == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), tensors, dtype_name, {"format": "pt"})
    else:  # consecutive tensors in state_dict order, a new shard once one holds its share of the bytes
        total = sum(len(b) for _, b in tensors.values())
        shards, current, size = [], {}, 0
        for name, t in tensors.items():
            if size >= total / n * (len(shards) + 1) and len(shards) < n - 1:
                shards.append(current)
                current = {}
            current[name] = t
            size += len(t[1])
        shards.append(current)
        weight_map = {}
        for i, s in enumerate(shards):
            file = f"model-{i + 1:05d}-of-{n:05d}.safetensors"
            write_safetensors(os.path.join(d, file), s, dtype_name, {"format": "pt"})
            weight_map.update({k: file for k in s})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
            f.write("\n")
    if v.get("tokenizer"):
        shutil.copyfile(os.path.join(TOKENIZERS, v["tokenizer"], "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    return d, c


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__)
    out = argv[0]
    os.makedirs(os.path.join(out, "reference"), exist_ok=True)
    for v in VARIANTS:
        d, c = write_variant(out, v)
        state = hf_llama.load_weights(d)  # the 16-bit files read back, widened to float32
        vocab = c["vocab_size"]
        tokens = (((splitmix_uniform(v["seed"] * 7919, BATCH * STEPS) + 1) / 2 * vocab).astype(np.int64) % vocab)
        tokens = tokens.reshape(BATCH, STEPS).tolist()
        logits = hf_llama.reference_logits(c, state, tokens).numpy().astype(np.float32)
        files = ",".join(f"{f}:{hashlib.sha256(open(os.path.join(d, f), 'rb').read()).hexdigest()}" for f in sorted(os.listdir(d)))
        ref = {"tokens": ((BATCH, STEPS), np.array(tokens, dtype="<f4").tobytes()),
               "logits": (logits.shape, logits.astype("<f4").tobytes())}
        write_safetensors(os.path.join(out, "reference", v["name"] + ".safetensors"), ref, "F32", {"files": files})
        print(f"{v['name']}: {v['dtype']}, {v['shards']} file(s), logits {list(logits.shape)}, max |logit| {np.abs(logits).max():.4g}")


if __name__ == "__main__":
    main(sys.argv[1:])
