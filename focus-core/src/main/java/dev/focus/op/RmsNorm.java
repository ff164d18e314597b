package dev.focus.op;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;

/**
 * RMSNorm (Zhang &amp; Sennrich 2019, eq. 4): y = x / rms(x) ⊙ w, rms(x) = sqrt(mean(x²) + ε), as in
 * Hugging Face {@code LlamaRMSNorm} (ε inside the root, gain without offset).
 *
 * <p>Legend: N rows (B·T), C width.
 *
 * <p>Backward: with x̂ = x·r (r = 1/rms) and g = dy ⊙ w,
 * dx = r·(g − x̂·mean(g ⊙ x̂)) and dw = Σ_rows dy ⊙ x̂.
 */
public final class RmsNorm {
  private RmsNorm() {}

  private static final int MIN_ROWS = 32;
  /** Rows whose statistics are taken side by side (each is a chain of dependent adds). */
  private static final int GROUP = 4;

  /**
   * @param out    (N, C) normalised rows, overwritten
   * @param invRms (N) saved 1/rms per row, overwritten
   * @param inp    (N, C) input rows
   * @param w      (C) gain
   */
  public static void forward(float[] out, float[] invRms, float[] inp, float[] w, int n, int c, float eps) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ROWS, (lo, hi) -> {
      // the statistics of four rows, then the rows: four reductions in flight instead of one at a time
      int r = lo;
      for (; r + GROUP <= hi; r += GROUP) {
        float s0 = k.sumSquares(inp, r * c, c), s1 = k.sumSquares(inp, (r + 1) * c, c);
        float s2 = k.sumSquares(inp, (r + 2) * c, c), s3 = k.sumSquares(inp, (r + 3) * c, c);
        invRms[r] = invRms(s0, c, eps);
        invRms[r + 1] = invRms(s1, c, eps);
        invRms[r + 2] = invRms(s2, c, eps);
        invRms[r + 3] = invRms(s3, c, eps);
      }
      for (; r < hi; r++) invRms[r] = invRms(k.sumSquares(inp, r * c, c), c, eps);
      for (r = lo; r < hi; r++) {
        int o = r * c;
        float inv = invRms[r];
        for (int j = 0; j < c; j++) out[o + j] = (inp[o + j] * inv) * w[j];
      }
    });
  }

  /** 1/rms of a row whose squares sum to {@code sumSquares}. */
  private static float invRms(float sumSquares, int c, float eps) {
    return (float) (1.0 / Math.sqrt(sumSquares / c + eps));
  }

  /**
   * @param dInp   (N, C) input gradient, <b>accumulated</b> (the input is the residual stream)
   * @param dW     (C) gain gradient, accumulated
   * @param dOut   (N, C) upstream gradient
   * @param inp    (N, C) forward input
   * @param w      (C) gain
   * @param invRms (N) from forward
   */
  public static void backward(float[] dInp, float[] dW, float[] dOut, float[] inp, float[] w, float[] invRms,
                              int n, int c) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ROWS, (lo, hi) -> {
      float[] g = new float[c]; // (C) dy ⊙ w of one row
      for (int r = lo; r < hi; r++) {
        int o = r * c;
        float inv = invRms[r];
        k.mul(g, 0, dOut, o, w, 0, c);
        float mean = k.dot(g, 0, inp, o, c) * inv / c;   // mean(g ⊙ x̂)
        k.axpy(inv, g, 0, dInp, o, c);                    // dx += r·g
        k.axpy(-inv * inv * mean, inp, o, dInp, o, c);    // dx −= r·x̂·mean, x̂ = r·x
      }
    });
    Parallel.forRange(c, 16, (lo, hi) -> {
      for (int r = 0; r < n; r++) {
        int o = r * c;
        float inv = invRms[r];
        for (int j = lo; j < hi; j++) dW[j] += dOut[o + j] * inp[o + j] * inv;
      }
    });
  }
}
