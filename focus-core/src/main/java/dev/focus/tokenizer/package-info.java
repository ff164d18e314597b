/**
 * Tokenizers: text to token ids and back, losslessly.
 *
 * <p>Focus's own tokenizers are byte-level: ids 0..255 are the UTF-8 bytes, so any (well-formed)
 * Unicode string round-trips ({@code decode(encode(s)).equals(s)}) and there is no unknown token.
 * Ids 256..260 are the special tokens of {@link dev.focus.tokenizer.Special}, the same in every
 * tokenizer; a {@link dev.focus.tokenizer.BpeTokenizer} numbers its merges from 261 upwards.
 *
 * <p>{@link dev.focus.tokenizer.HfTokenizer} reads the tokenizers that pretrained checkpoints come
 * with ({@code tokenizer.json} in the Hugging Face format: byte-level BPE as in GPT-2, Llama 3 and
 * Qwen2, SentencePiece-style BPE with byte fallback as in Llama 2 and Mistral) with those files' own
 * ids and special tokens.
 */
package dev.focus.tokenizer;
