/**
 * Tokenizers: text to token ids and back, losslessly.
 *
 * <p>Every Focus tokenizer is byte-level: ids 0..255 are the UTF-8 bytes, so any (well-formed)
 * Unicode string round-trips ({@code decode(encode(s)).equals(s)}) and there is no unknown token.
 * Ids 256..260 are the special tokens of {@link dev.focus.tokenizer.Special}, the same in every
 * tokenizer; a {@link dev.focus.tokenizer.BpeTokenizer} numbers its merges from 261 upwards.
 */
package dev.focus.tokenizer;
