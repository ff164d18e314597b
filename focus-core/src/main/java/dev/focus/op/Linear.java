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
 * <p>Backward: dx = dy·W (matmul), dW += dyᵀ·x (matmulTN), db += Σ_rows dy. Rows are split across the
 * shared pool; the weight gradient is split over output rows, which needs dyᵀ in a scratch array.
 */
public final class Linear {
  private Linear() {}

  /** Rows per parallel chunk: enough work to amortise a fork. */
  private static int minRows(int in, int out) {
    return Math.max(1, 32768 / Math.max(1, in + out));
  }

  /**
   * @param out (N, OUT) overwritten
   * @param inp (N, IN)
   * @param w   (OUT, IN)
   * @param b   (OUT) or null
   */
  public static void forward(float[] out, float[] inp, float[] w, float[] b, int n, int in, int outDim) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, minRows(in, outDim), (lo, hi) -> {
      k.matmulNT(out, lo * outDim, inp, lo * in, w, 0, hi - lo, in, outDim, false);
      if (b != null) for (int r = lo; r < hi; r++) k.add(out, r * outDim, out, r * outDim, b, 0, outDim);
    });
  }

  /**
   * dInp (=|+=) dOut·W.
   *
   * @param dInp       (N, IN) overwritten, or accumulated when {@code accumulate}
   * @param dOut       (N, OUT)
   * @param w          (OUT, IN)
   */
  public static void backwardInput(float[] dInp, float[] dOut, float[] w, int n, int in, int outDim, boolean accumulate) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, minRows(in, outDim), (lo, hi) ->
        k.matmul(dInp, lo * in, dOut, lo * outDim, w, 0, hi - lo, outDim, in, accumulate));
  }

  /**
   * dW += dOutᵀ·inp and dB += Σ_rows dOut.
   *
   * @param dW      (OUT, IN) accumulated
   * @param dB      (OUT) accumulated, or null
   * @param dOut    (N, OUT)
   * @param inp     (N, IN)
   * @param scratch at least N·OUT floats for dOutᵀ, or null to run on one thread
   */
  public static void backwardWeights(float[] dW, float[] dB, float[] dOut, float[] inp, int n, int in, int outDim,
                                     float[] scratch) {
    KernelSet k = Kernels.get();
    if (scratch == null || Parallel.threads() == 1 || outDim < 2) {
      k.matmulTN(dW, 0, dOut, 0, inp, 0, outDim, n, in, true);
      if (dB != null) for (int r = 0; r < n; r++) k.axpy(1f, dOut, r * outDim, dB, 0, outDim);
      return;
    }
    if (scratch.length < (long) n * outDim) {
      throw new IllegalArgumentException("scratch holds " + scratch.length + " floats, needs N*OUT=" + (long) n * outDim);
    }
    // dOutᵀ: (OUT, N), so that each thread owns a contiguous block of dW rows.
    Parallel.forRange(outDim, 8, (lo, hi) -> {
      for (int o = lo; o < hi; o++) {
        int so = o * n;
        for (int r = 0; r < n; r++) scratch[so + r] = dOut[r * outDim + o];
      }
    });
    Parallel.forRange(outDim, Math.max(1, 8192 / Math.max(1, in)), (lo, hi) -> {
      k.matmul(dW, lo * in, scratch, lo * n, inp, 0, hi - lo, n, in, true);
      if (dB != null) for (int o = lo; o < hi; o++) dB[o] += k.sum(scratch, o * n, n);
    });
  }

  /** dInp = dOut·W (overwritten), dW += dOutᵀ·inp, dB += Σ dOut. See {@link #backwardInput} and {@link #backwardWeights}. */
  public static void backward(float[] dInp, float[] dW, float[] dB, float[] dOut, float[] inp, float[] w,
                              int n, int in, int outDim, float[] scratch) {
    backwardInput(dInp, dOut, w, n, in, outDim, false);
    backwardWeights(dW, dB, dOut, inp, n, in, outDim, scratch);
  }
}
