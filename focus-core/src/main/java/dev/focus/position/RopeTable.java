package dev.focus.position;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;

/**
 * Precomputed cos/sin of one sequence's rotary angles, and the rotation of q or k in place.
 *
 * <p>Legend: T tokens, NH heads, HS head size, d = rotary dim ≤ HS (partial rotary rotates the
 * leading d dims of each head), P = d/2 pairs, A coordinate axes.
 *
 * <p>Forward (RoFormer, Su et al. 2021, eq. 13–15; spec 04 §3.1, §4): pair i of token t turns by
 * φ_{t,i} = coords[t][axisOf[i]]·θ_i, computed in float64 exactly as {@code coord * theta[i]} so that
 * text coordinates (n, n[, n]) reproduce RoPE-1D bit for bit:
 * <pre>  y_a = x_a·cos φ − x_b·sin φ,   y_b = x_b·cos φ + x_a·sin φ   (a, b = the pair's dims)</pre>
 * An attention factor s (YaRN, LongRoPE) multiplies cos and sin; s = 1 is exact.
 *
 * <p>Backward: y = s·R(φ)x, so dx = s·R(φ)ᵀdy = s·R(−φ)dy: the same loop with sin negated. Both
 * overwrite their buffer (q/k gradients are activation gradients: overwritten, not accumulated).
 *
 * <p>float32 data is rotated with float64 cos/sin and rounded once per element. Build one table per
 * sequence (or per decode step) and reuse it for q and k in every layer: no Math.cos in the hot loop.
 */
public final class RopeTable implements Cloneable {
  private final FrequencyPlan plan;
  private final int tokens;     // T
  private final int pairs;      // P
  private final int[] first;    // (P,) dim of each pair's first element
  private final int[] second;   // (P,) dim of each pair's second element
  private final double[] cos;   // (T, P) s·cos φ
  private final double[] sin;   // (T, P) s·sin φ
  private final float[] cosF;   // (T, P) the same in float32, for the contiguous fast path
  private final float[] sinF;
  private final int contiguousA, contiguousB; // dims of pair 0 when pair i is (a0 + i, b0 + i), else −1
  private final double attentionFactor;
  private int rowsPerSequence; // 0: row p serves position p of every sequence; S: sequence b owns rows b·S.. (set once, by perSequence)

  private RopeTable(FrequencyPlan plan, double[][] coords, double attentionFactor) {
    if (!(attentionFactor > 0) || Double.isInfinite(attentionFactor)) {
      throw new IllegalArgumentException("attentionFactor=" + attentionFactor + " must be finite and > 0");
    }
    this.plan = plan;
    this.tokens = coords.length;
    this.pairs = plan.pairs();
    this.attentionFactor = attentionFactor;
    this.first = new int[pairs];
    this.second = new int[pairs];
    for (int i = 0; i < pairs; i++) {
      first[i] = plan.layout().first(i, pairs);
      second[i] = plan.layout().second(i, pairs);
    }
    boolean contiguous = pairs > 0 && Math.abs(second[0] - first[0]) >= pairs;
    for (int i = 0; i < pairs && contiguous; i++) contiguous = first[i] == first[0] + i && second[i] == second[0] + i;
    this.contiguousA = contiguous ? first[0] : -1;
    this.contiguousB = contiguous ? second[0] : -1;
    int axes = plan.axes();
    this.cos = new double[tokens * pairs];
    this.sin = new double[tokens * pairs];
    for (int t = 0; t < tokens; t++) {
      double[] c = coords[t];
      if (c == null || c.length < axes) {
        throw new IllegalArgumentException("coords[" + t + "] has " + (c == null ? 0 : c.length)
            + " axes but the rotary plan needs " + axes);
      }
      for (int a = 0; a < c.length; a++) {
        if (!Double.isFinite(c[a])) throw new IllegalArgumentException("coords[" + t + "][" + a + "]=" + c[a] + " is not finite");
      }
      for (int i = 0; i < pairs; i++) {
        double phi = c[plan.axisAt(i)] * plan.thetaAt(i);
        cos[t * pairs + i] = Math.cos(phi) * attentionFactor;
        sin[t * pairs + i] = Math.sin(phi) * attentionFactor;
      }
    }
    this.cosF = new float[cos.length];
    this.sinF = new float[sin.length];
    for (int j = 0; j < cos.length; j++) {
      cosF[j] = (float) cos[j];
      sinF[j] = (float) sin[j];
    }
    this.rowsPerSequence = 0;
  }

  /** The table for per-token coordinates {@code coords} (T, A), attention factor 1. */
  public static RopeTable of(FrequencyPlan plan, double[][] coords) { return new RopeTable(plan, coords, 1.0); }

  /** The table with an attention factor multiplying cos and sin (YaRN, LongRoPE; spec 04 §3.2). */
  public static RopeTable of(FrequencyPlan plan, double[][] coords, double attentionFactor) {
    return new RopeTable(plan, coords, attentionFactor);
  }

  /** Convenience for flat 1-D positions 0..T−1. */
  public static RopeTable flat(FrequencyPlan plan, int tokens) {
    double[][] c = new double[tokens][plan.axes()];
    for (int t = 0; t < tokens; t++) java.util.Arrays.fill(c[t], t);
    return new RopeTable(plan, c, 1.0);
  }

  public FrequencyPlan plan() { return plan; }

  /**
   * This table read as one block of {@code rows} rows per sequence: token i of sequence b of a batch
   * turns by row b·rows + i, for coordinates that differ from sequence to sequence (a multimodal batch
   * of packed layouts, (B·S, A) coordinates). A plain table's row p serves position p of every sequence.
   */
  public RopeTable perSequence(int rows) {
    if (rows < 1) throw new IllegalArgumentException("rows per sequence=" + rows + " must be >= 1");
    try {
      RopeTable view = (RopeTable) clone(); // every field, the arrays shared; only the row rule differs
      view.rowsPerSequence = rows;
      return view;
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** The row that turns token {@code pos} (0-based, within its sequence) of sequence {@code b}. */
  public int row(int b, int pos) { return b * rowsPerSequence + pos; }

  /** T, the number of rows (tokens). */
  public int tokens() { return tokens; }

  public int rotaryDim() { return 2 * pairs; }

  public double attentionFactor() { return attentionFactor; }

  /** s·cos φ_{t,i}. */
  public double cos(int t, int i) { return cos[t * pairs + i]; }

  /** s·sin φ_{t,i}. */
  public double sin(int t, int i) { return sin[t * pairs + i]; }

  // ---------------------------------------------------------------- float32, (T, NH, HS) blocks

  /** Rotates all T tokens of {@code x} (T, NH, HS) row-major, in place. */
  public void rotate(float[] x, int nHeads, int headDim) { rotate(x, 0, 0, tokens, nHeads, headDim, false); }

  /** Backward of {@link #rotate(float[], int, int)}: dx = Rᵀ·dy in place. */
  public void rotateBackward(float[] dx, int nHeads, int headDim) { rotate(dx, 0, 0, tokens, nHeads, headDim, true); }

  /**
   * Rotates {@code count} tokens stored at {@code x[off..]} as (count, NH, HS) in place, using table
   * rows row0..row0+count−1 (e.g. one decode step: count = 1, row0 = its row). With {@code inverse}
   * it turns by −φ: the backward pass, dx = Rᵀ·dy (one routine, the sign of sin apart).
   */
  public void rotate(float[] x, int off, int row0, int count, int nHeads, int headDim, boolean inverse) {
    apply(x, off, row0, count, nHeads, headDim, inverse ? -1.0 : 1.0);
  }

  /**
   * Rotates a (B, T, NH, HS) batch in place: token i of sequence b by row {@link #row}(b, offset + i),
   * offset being the position of the batch's first token (the cache length when decoding). With
   * {@code inverse} it turns by −φ: the backward pass, dx = Rᵀ·dy (one routine, the sign of sin apart).
   */
  public void rotateBatch(float[] x, int batch, int t, int offset, int nHeads, int headDim, boolean inverse) {
    long w = (long) nHeads * headDim;
    for (int b = 0; b < batch; b++) apply(x, (int) (b * t * w), row(b, offset), t, nHeads, headDim, inverse ? -1.0 : 1.0);
  }

  private void apply(float[] x, int off, int row0, int count, int nHeads, int headDim, double sign) {
    check(x.length, off, row0, count, nHeads, headDim);
    if (contiguousA >= 0) {
      // rotate_half-style layouts: pair i is (a0 + i, b0 + i), the kernel set's turn of whole token rows,
      // in float32 with the table rounded to float32 (within an ulp of the float64 path)
      KernelSet k = Kernels.get();
      boolean inverse = sign < 0;
      int minChunk = Math.max(1, 8192 / Math.max(1, nHeads * pairs));
      Parallel.forRange(count, minChunk, (lo, hi) -> k.rotateRows(x, off + lo * nHeads * headDim, hi - lo, nHeads, headDim,
          contiguousA, contiguousB, cosF, sinF, row0 + lo, pairs, inverse));
      return;
    }
    forEachRow(off, row0, count, nHeads, headDim, (base, row) -> {
      for (int i = 0; i < pairs; i++) {
        double c = cos[row + i], s = sign * sin[row + i];
        int ia = base + first[i], ib = base + second[i];
        double a = x[ia], b = x[ib];
        x[ia] = (float) (a * c - b * s);
        x[ib] = (float) (b * c + a * s);
      }
    });
  }

  /** One head row: its first element in the array, and its first entry in the table (row · pairs). */
  private interface Row {
    void rotate(int base, int tableRow);
  }

  /** Calls {@code row} for every (token, head) row of {@code count} tokens at {@code off} as (count, NH, HS), tokens in parallel. */
  private void forEachRow(int off, int row0, int count, int nHeads, int headDim, Row row) {
    int minChunk = Math.max(1, 8192 / Math.max(1, nHeads * pairs));
    Parallel.forRange(count, minChunk, (lo, hi) -> {
      for (int t = lo; t < hi; t++) {
        for (int h = 0; h < nHeads; h++) row.rotate(off + (t * nHeads + h) * headDim, (row0 + t) * pairs);
      }
    });
  }

  // ---------------------------------------------------------------- float64 twin (tests, CLI)
  // The float64 pair loop repeats the float32 one but for the rounding (arrays of another primitive
  // type): it is the exact path that the property tests, the PyTorch oracle and `focus rope` check the
  // float32 one against.

  /** float64 twin of {@link #rotate(float[], int, int)}: all T tokens, or by −φ with {@code inverse}. */
  public void rotate(double[] x, int nHeads, int headDim, boolean inverse) { rotate(x, 0, 0, tokens, nHeads, headDim, inverse); }

  /** float64 twin of {@link #rotate(float[], int, int, int, int, int, boolean)}. */
  public void rotate(double[] x, int off, int row0, int count, int nHeads, int headDim, boolean inverse) {
    check(x.length, off, row0, count, nHeads, headDim);
    double sign = inverse ? -1.0 : 1.0;
    forEachRow(off, row0, count, nHeads, headDim, (base, row) -> {
      for (int i = 0; i < pairs; i++) {
        double c = cos[row + i], s = sign * sin[row + i];
        int ia = base + first[i], ib = base + second[i];
        double a = x[ia], b = x[ib];
        x[ia] = a * c - b * s;
        x[ib] = b * c + a * s;
      }
    });
  }

  /** Rotates one head vector (HS ≥ d) of token {@code row}, in place; returns it. */
  public double[] rotateVector(double[] v, int row) {
    rotate(v, 0, row, 1, 1, v.length, false);
    return v;
  }

  private void check(int length, int off, int row0, int count, int nHeads, int headDim) {
    if (nHeads < 1) throw new IllegalArgumentException("nHeads=" + nHeads + " must be >= 1");
    if (headDim < 2 * pairs) {
      throw new IllegalArgumentException("headDim=" + headDim + " is smaller than the rotary dim " + 2 * pairs);
    }
    if (row0 < 0 || count < 0 || row0 + count > tokens) {
      throw new IllegalArgumentException("rows [" + row0 + ", " + (row0 + count) + ") outside the table's " + tokens + " rows");
    }
    long need = (long) count * nHeads * headDim;
    if (off < 0 || off + need > length) {
      throw new IllegalArgumentException("rope: needs " + need + " elements from offset " + off + " but the array has " + length);
    }
  }
}
