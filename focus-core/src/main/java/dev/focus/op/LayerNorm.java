package dev.focus.op;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.kernel.ScalarKernels;

/**
 * LayerNorm (Ba et al. 2016, eq. 4): y = (x − μ)/σ ⊙ w + b, σ = sqrt(var(x) + ε) with the biased
 * (1/C) variance, as in PyTorch {@code nn.LayerNorm}.
 *
 * <p>Legend: N rows (B·T), C width.
 *
 * <p>Backward: with x̂ = (x − μ)·r (r = 1/σ) and g = dy ⊙ w,
 * dx = r·(g − mean(g) − x̂·mean(g ⊙ x̂)); dw = Σ_rows dy ⊙ x̂; db = Σ_rows dy.
 */
public final class LayerNorm {
  private LayerNorm() {}

  private static final int MIN_ROWS = 32;

  /**
   * @param out    (N, C) overwritten
   * @param mean   (N) saved μ per row
   * @param invStd (N) saved 1/σ per row
   * @param inp    (N, C) input
   * @param w      (C) gain
   * @param b      (C) shift, or null for none
   */
  public static void forward(float[] out, float[] mean, float[] invStd, float[] inp, float[] w, float[] b,
                             int n, int c, float eps) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ROWS, (lo, hi) -> {
      for (int r = lo; r < hi; r++) ScalarKernels.layerNormRow(k, out, mean, invStd, inp, w, b, r, c, eps);
    });
  }

  /**
   * @param dInp (N, C) input gradient, <b>accumulated</b> (residual stream)
   * @param dW   (C) accumulated
   * @param dB   (C) accumulated, or null when there is no shift
   */
  public static void backward(float[] dInp, float[] dW, float[] dB, float[] dOut, float[] inp, float[] w,
                              float[] mean, float[] invStd, int n, int c) {
    Parallel.forRange(n, MIN_ROWS, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int o = r * c;
        float mu = mean[r], inv = invStd[r];
        float sumG = 0f, sumGx = 0f;
        for (int j = 0; j < c; j++) {
          float g = dOut[o + j] * w[j];
          sumG += g;
          sumGx += g * (inp[o + j] - mu) * inv;
        }
        float mg = sumG / c, mgx = sumGx / c;
        for (int j = 0; j < c; j++) {
          float xh = (inp[o + j] - mu) * inv;
          dInp[o + j] += inv * (dOut[o + j] * w[j] - mg - xh * mgx);
        }
      }
    });
    Parallel.forRange(c, 16, (lo, hi) -> {
      for (int r = 0; r < n; r++) {
        int o = r * c;
        float mu = mean[r], inv = invStd[r];
        for (int j = lo; j < hi; j++) {
          dW[j] += dOut[o + j] * (inp[o + j] - mu) * inv;
          if (dB != null) dB[j] += dOut[o + j];
        }
      }
    });
  }
}
