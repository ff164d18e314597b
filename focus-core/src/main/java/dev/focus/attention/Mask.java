package dev.focus.attention;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which keys each query may see. Every mask here gives each query row one contiguous window of
 * visible keys {@code [start, end)}, which lets the tiled kernels skip whole blocks; masked entries
 * contribute exactly 0 to the output, the row maximum and every gradient (spec 05 §3.1, spec 02 §3.5).
 *
 * <ul>
 *   <li>{@link #causal()}: query at position i sees keys j ≤ i.
 *   <li>{@link #bidirectional()}: every query sees every key.
 *   <li>{@link #causalWithBlocks}: causal overall, bidirectional inside each span {@code [start, end)}
 *       (an image block, spec 02 §3.5): a query inside a span also sees the later keys of its span.
 * </ul>
 *
 * <p>Query positions are the query's index plus an offset (nonzero when decoding against a KV cache);
 * key positions are key indices. Masks are immutable.
 */
public final class Mask {

  /** The three mask families. */
  public enum Kind { CAUSAL, BIDIRECTIONAL, BLOCK_CAUSAL }

  private static final Mask CAUSAL = new Mask(Kind.CAUSAL, null, false);
  private static final Mask BIDIRECTIONAL = new Mask(Kind.BIDIRECTIONAL, null, false);

  private final Kind kind;
  /** spans[b] = sorted flattened [start0, end0, start1, end1, …] of batch row b (or of all rows). */
  private final int[][] spans;
  private final boolean perBatch;

  private Mask(Kind kind, int[][] spans, boolean perBatch) {
    this.kind = kind;
    this.spans = spans;
    this.perBatch = perBatch;
  }

  /** Query i sees keys j ≤ i. */
  public static Mask causal() { return CAUSAL; }

  /** Every query sees every key. */
  public static Mask bidirectional() { return BIDIRECTIONAL; }

  /**
   * Causal overall, bidirectional within each span {@code [start, end)}, the same spans for every
   * batch row. Spans must be non-empty and must not overlap; they may come in any order.
   */
  public static Mask causalWithBlocks(List<int[]> spans) {
    return new Mask(Kind.BLOCK_CAUSAL, new int[][] {flatten(spans, "spans")}, false);
  }

  /** As {@link #causalWithBlocks(List)} with its own list of spans per batch row. */
  public static Mask causalWithBlocksPerBatch(List<List<int[]>> spansPerBatch) {
    int[][] s = new int[spansPerBatch.size()][];
    for (int b = 0; b < s.length; b++) s[b] = flatten(spansPerBatch.get(b), "spans of batch row " + b);
    return new Mask(Kind.BLOCK_CAUSAL, s, true);
  }

  private static int[] flatten(List<int[]> spans, String what) {
    List<int[]> sorted = new ArrayList<>(spans);
    for (int[] s : sorted) {
      if (s == null || s.length != 2) {
        throw new IllegalArgumentException(what + ": each span must be {start, end}, got " + Arrays.toString(s));
      }
      if (s[0] < 0 || s[1] <= s[0]) {
        throw new IllegalArgumentException(what + ": span [" + s[0] + ", " + s[1] + ") must satisfy 0 <= start < end");
      }
    }
    sorted.sort((x, y) -> Integer.compare(x[0], y[0]));
    int[] flat = new int[2 * sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0 && sorted.get(i)[0] < sorted.get(i - 1)[1]) {
        throw new IllegalArgumentException(what + ": spans " + Arrays.toString(sorted.get(i - 1)) + " and "
            + Arrays.toString(sorted.get(i)) + " overlap");
      }
      flat[2 * i] = sorted.get(i)[0];
      flat[2 * i + 1] = sorted.get(i)[1];
    }
    return flat;
  }

  public Kind kind() { return kind; }

  /** True for the masks that never let a query see a later key (only {@link Kind#CAUSAL}). */
  public boolean isCausal() { return kind == Kind.CAUSAL; }

  /** First visible key of the query at position {@code pos} in batch row {@code b} (always 0 here). */
  public int start(int b, int pos) { return 0; }

  /**
   * One past the last key visible to the query at position {@code pos} in batch row {@code b}, before
   * clamping to the number of keys: pos + 1 (causal), the span end (inside a span), or
   * {@link Integer#MAX_VALUE} (bidirectional).
   */
  public int end(int b, int pos) {
    switch (kind) {
      case CAUSAL:
        return pos + 1;
      case BIDIRECTIONAL:
        return Integer.MAX_VALUE;
      default: {
        int[] s = spansOf(b);
        // binary search for the last span with start <= pos
        int lo = 0, hi = s.length / 2 - 1, found = -1;
        while (lo <= hi) {
          int mid = (lo + hi) >>> 1;
          if (s[2 * mid] <= pos) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
        }
        if (found >= 0 && pos < s[2 * found + 1]) return s[2 * found + 1];
        return pos + 1;
      }
    }
  }

  /** Whether the query at position {@code pos} of batch row {@code b} sees key {@code j}. */
  public boolean allowed(int b, int pos, int j) {
    return j >= start(b, pos) && j < end(b, pos);
  }

  /** The largest span end in any row (0 when there are none); spans must fit in the sequence. */
  int maxSpanEnd() {
    int m = 0;
    if (spans != null) for (int[] s : spans) for (int i = 1; i < s.length; i += 2) m = Math.max(m, s[i]);
    return m;
  }

  /** Throws unless the mask fits a batch of {@code batch} rows of {@code t} positions. */
  void checkFits(int batch, int t) {
    if (perBatch && spans.length != batch) {
      throw new IllegalArgumentException("mask has spans for " + spans.length + " batch rows but batch=" + batch);
    }
    int m = maxSpanEnd();
    if (m > t) throw new IllegalArgumentException("mask span end " + m + " exceeds the sequence length T=" + t);
  }

  private int[] spansOf(int b) { return perBatch ? spans[b] : spans[0]; }

  @Override
  public String toString() {
    if (kind != Kind.BLOCK_CAUSAL) return kind.name().toLowerCase();
    StringBuilder sb = new StringBuilder("causal with blocks ");
    for (int r = 0; r < spans.length; r++) {
      if (r > 0) sb.append(" | ");
      for (int i = 0; i < spans[r].length; i += 2) sb.append('[').append(spans[r][i]).append(',').append(spans[r][i + 1]).append(')');
    }
    return sb.toString();
  }
}
