package dev.focus.op;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;

/**
 * The affine map y = x·Wᵀ + b with W stored [OUT, IN] like PyTorch's {@code nn.Linear} (so Hugging Face
 * weights load without a transpose).
 *
 * <p>Legend: N rows (B·T), IN input width, OUT output width.
 *
 * <p>Backward: dx = dy·W (matmul), dW += dyᵀ·x (matmulTN), db += Σ_rows dy. Each product is one kernel
 * call over all N rows, so the kernel packs the weight once and splits the work across the shared pool
 * itself; no transposed copies are made.
 */
public final class Linear {
  private Linear() {}

  /**
   * @param out (N, OUT) overwritten
   * @param inp (N, IN)
   * @param w   (OUT, IN)
   * @param b   (OUT) or null
   */
  public static void forward(float[] out, float[] inp, float[] w, float[] b, int n, int in, int outDim) {
    KernelSet k = Kernels.get();
    k.matmulNT(out, 0, inp, 0, w, 0, n, in, outDim, false);
    if (b != null) {
      Parallel.forRange(n, Math.max(1, 16384 / outDim), (lo, hi) -> {
        for (int r = lo; r < hi; r++) k.add(out, r * outDim, out, r * outDim, b, 0, outDim);
      });
    }
  }

  /**
   * dInp (=|+=) dOut·W.
   *
   * @param dInp       (N, IN) overwritten, or accumulated when {@code accumulate}
   * @param dOut       (N, OUT)
   * @param w          (OUT, IN)
   */
  public static void backwardInput(float[] dInp, float[] dOut, float[] w, int n, int in, int outDim, boolean accumulate) {
    Kernels.get().matmul(dInp, 0, dOut, 0, w, 0, n, outDim, in, accumulate);
  }

  /**
   * dW += dOutᵀ·inp and dB += Σ_rows dOut.
   *
   * @param dW      (OUT, IN) accumulated
   * @param dB      (OUT) accumulated, or null
   * @param dOut    (N, OUT)
   * @param inp     (N, IN)
   */
  public static void backwardWeights(float[] dW, float[] dB, float[] dOut, float[] inp, int n, int in, int outDim) {
    KernelSet k = Kernels.get();
    k.matmulTN(dW, 0, dOut, 0, inp, 0, outDim, n, in, true);
    if (dB != null) {
      Parallel.forRange(outDim, 16, (lo, hi) -> {
        for (int r = 0; r < n; r++) {
          int o = r * outDim;
          for (int j = lo; j < hi; j++) dB[j] += dOut[o + j];
        }
      });
    }
  }

  /** dInp = dOut·W (overwritten), dW += dOutᵀ·inp, dB += Σ dOut. See {@link #backwardInput} and {@link #backwardWeights}. */
  public static void backward(float[] dInp, float[] dW, float[] dB, float[] dOut, float[] inp, float[] w,
                              int n, int in, int outDim) {
    backwardInput(dInp, dOut, w, n, in, outDim, false);
    backwardWeights(dW, dB, dOut, inp, n, in, outDim);
  }

  /** As {@link #backwardWeights(float[], float[], float[], float[], int, int, int)}; {@code scratch} is not needed and may be null. */
  public static void backwardWeights(float[] dW, float[] dB, float[] dOut, float[] inp, int n, int in, int outDim,
                                     float[] scratch) {
    backwardWeights(dW, dB, dOut, inp, n, in, outDim);
  }

  /** As {@link #backward(float[], float[], float[], float[], float[], float[], int, int, int)}; {@code scratch} may be null. */
  public static void backward(float[] dInp, float[] dW, float[] dB, float[] dOut, float[] inp, float[] w,
                              int n, int in, int outDim, float[] scratch) {
    backward(dInp, dW, dB, dOut, inp, w, n, in, outDim);
  }
}
