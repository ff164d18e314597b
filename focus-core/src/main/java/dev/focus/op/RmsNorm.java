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

  /**
   * @param out    (N, C) normalised rows, overwritten
   * @param invRms (N) saved 1/rms per row, overwritten
   * @param inp    (N, C) input rows
   * @param w      (C) gain
   */
  public static void forward(float[] out, float[] invRms, float[] inp, float[] w, int n, int c, float eps) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ROWS, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int o = r * c;
        float inv = (float) (1.0 / Math.sqrt(k.sumSquares(inp, o, c) / c + eps));
        invRms[r] = inv;
        for (int j = 0; j < c; j++) out[o + j] = (inp[o + j] * inv) * w[j];
      }
    });
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
