package dev.focus.metrics;

/**
 * Builds raw attention weights (before any value mixing) for the kinds of {@link WeightKind}, so the
 * metrics can be measured on synthetic Q, K (spec 01 §3 "weight generators", lab E2–E6).
 *
 * <p>Shapes: R query rows, C keys, D head size. q {@code (R, D)}, k {@code (C, D)}, keyBias {@code (C)}
 * or null, result {@code (R, C)} row-major. Masked entries are exactly 0.
 */
public final class AttentionWeights {
  private AttentionWeights() {}

  /**
   * Raw weights and the mask they were built under.
   *
   * @param a {@code (rows, cols)} weights, 0 where masked
   */
  public record Weights(double[] a, int rows, int cols, KeyMask mask) {
    /** Row r as a fresh array of its visible entries. */
    public double[] visibleRow(int r) {
      return Sparsity.visibleRow(a, 0, r, cols, mask);
    }

    /** Visible key counts per row. */
    public int[] counts() {
      return Sparsity.visibleCounts(rows, cols, mask);
    }
  }

  /**
   * a = kind(scale·q·kᵀ + bias) under {@code mask}.
   *
   * @param q {@code (rows, d)} queries
   * @param k {@code (cols, d)} keys
   * @param scale logit scale (e.g. 1/√d)
   * @param keyBias {@code (cols)} added to every row's logits, or null (ignored by LINEAR and DECAY)
   */
  public static Weights generate(WeightKind kind, double[] q, double[] k, int rows, int cols, int d,
      double scale, double[] keyBias, KeyMask mask) {
    if (rows < 1 || cols < 1 || d < 1) throw new IllegalArgumentException("rows=" + rows + ", cols=" + cols + ", d=" + d + " must be >= 1");
    if (!(kind instanceof WeightKind.Decay)) {
      if (q.length != rows * d) throw new IllegalArgumentException("q length " + q.length + " != rows*d=" + rows + "*" + d);
      if (k.length != cols * d) throw new IllegalArgumentException("k length " + k.length + " != cols*d=" + cols + "*" + d);
    }
    if (keyBias != null && keyBias.length != cols) throw new IllegalArgumentException("keyBias length " + keyBias.length + " != cols=" + cols);
    if (!Double.isFinite(scale)) throw new IllegalArgumentException("scale=" + scale + " must be finite");
    mask.check(rows, cols);
    double[] a = new double[rows * cols];
    if (kind instanceof WeightKind.Decay dk) {
      boolean causal = mask instanceof KeyMask.Causal;
      for (int r = 0; r < rows; r++) {
        int p = mask.queryPosition(r);
        for (int c = 0; c < cols; c++) {
          if (!mask.visible(r, c)) continue;
          int dist = causal ? p - c : Math.abs(p - c);
          a[r * cols + c] = Math.pow(dk.lambda(), dist);
        }
      }
      return new Weights(a, rows, cols, mask);
    }
    if (kind instanceof WeightKind.Linear lk) {
      double[] hk = new double[cols * d];
      for (int c = 0; c < cols; c++) for (int j = 0; j < d; j++) hk[c * d + j] = lk.h().apply(k[c * d + j]);
      for (int r = 0; r < rows; r++) {
        double[] gq = new double[d];
        for (int j = 0; j < d; j++) gq[j] = lk.g().apply(scale * q[r * d + j]);
        for (int c = 0; c < cols; c++) {
          if (!mask.visible(r, c)) continue;
          double s = 0;
          for (int j = 0; j < d; j++) s += gq[j] * hk[c * d + j];
          a[r * cols + c] = s;
        }
      }
      return new Weights(a, rows, cols, mask);
    }
    for (int r = 0; r < rows; r++) {
      int n = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        if (!mask.visible(r, c)) continue;
        double s = 0;
        for (int j = 0; j < d; j++) s += q[r * d + j] * k[c * d + j];
        s = scale * s + (keyBias == null ? 0.0 : keyBias[c]);
        a[r * cols + c] = s;
        max = Math.max(max, s);
        n++;
      }
      if (n == 0) continue;
      if (kind instanceof WeightKind.Softmax) {
        double sum = 0;
        for (int c = 0; c < cols; c++) {
          if (!mask.visible(r, c)) continue;
          double e = Math.exp(a[r * cols + c] - max);
          a[r * cols + c] = e;
          sum += e;
        }
        for (int c = 0; c < cols; c++) a[r * cols + c] /= sum;
      } else if (kind instanceof WeightKind.Relu2 rk) {
        double div = rk.divideByN() ? n : 1.0;
        for (int c = 0; c < cols; c++) {
          double s = a[r * cols + c];
          a[r * cols + c] = s > 0 ? s * s / div : 0.0;
        }
      }
      // Identity: the logits themselves
    }
    return new Weights(a, rows, cols, mask);
  }
}
