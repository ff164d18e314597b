package dev.focus.data;

import java.util.Arrays;

/**
 * One batch of B sequences of T tokens, row-major.
 *
 * <pre>
 *   tokens   (B, T)  input ids
 *   targets  (B, T)  id to predict after reading tokens[b, 0..t], or IGNORE (−1)
 * </pre>
 */
public record Batch(int[] tokens, int[] targets, int batch, int seqLen) {
  /** Target value of positions that carry no loss. */
  public static final int IGNORE = -1;

  public Batch {
    if (batch < 1 || seqLen < 1) throw new IllegalArgumentException("batch=" + batch + " and seqLen=" + seqLen + " must be >= 1");
    if (tokens.length != batch * seqLen) throw new IllegalArgumentException("tokens.length=" + tokens.length + " != batch*seqLen=" + batch * seqLen);
    if (targets.length != batch * seqLen) throw new IllegalArgumentException("targets.length=" + targets.length + " != batch*seqLen=" + batch * seqLen);
  }

  /** Number of targets that are not {@link #IGNORE}. */
  public int countTargets() {
    int n = 0;
    for (int t : targets) if (t != IGNORE) n++;
    return n;
  }

  /** Rows {@code [from, from+count)} as a batch of {@code count} sequences (a micro-batch). */
  public Batch rows(int from, int count) {
    if (from < 0 || count < 1 || from + count > batch) {
      throw new IllegalArgumentException("rows [" + from + ", " + (from + count) + ") outside batch of " + batch);
    }
    int a = from * seqLen, b = (from + count) * seqLen;
    return new Batch(Arrays.copyOfRange(tokens, a, b), Arrays.copyOfRange(targets, a, b), count, seqLen);
  }
}
