package dev.focus.attention;

/**
 * State carried between incremental decoding steps: a {@link KvCache} for softmax attention, a
 * {@link LinearState} (running d×d sums) for linear attention.
 */
public sealed interface DecodeState permits KvCache, LinearState {
  /** Batch rows. */
  int batch();

  /** Tokens consumed so far (the position of the next token). */
  int length();
}
