package dev.focus.op;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;

/**
 * Softmax cross-entropy over the vocabulary, fused: ℓ_n = logsumexp(z_n) − z_n[y_n], averaged over the
 * rows whose target is not {@link #IGNORE} (PyTorch {@code F.cross_entropy(..., ignore_index=-1)}).
 *
 * <p>Legend: N rows (B·T), V vocabulary.
 *
 * <p>Backward: ∂ℓ/∂z_n = (softmax(z_n) − onehot(y_n))·dLoss for kept rows, 0 for ignored rows.
 */
public final class CrossEntropy {
  private CrossEntropy() {}

  /** The target id that excludes a row from the loss. */
  public static final int IGNORE = -1;

  /**
   * @param losses  (N) per-row loss, 0 for ignored rows; overwritten
   * @param probs   (N, V) softmax of the logits; overwritten (must not alias logits)
   * @param logits  (N, V)
   * @param targets (N) ids in [0, V) or {@link #IGNORE}
   * @return the mean loss over kept rows; 0 when every row is ignored
   */
  public static float forward(float[] losses, float[] probs, float[] logits, int[] targets, int n, int v) {
    for (int r = 0; r < n; r++) {
      int y = targets[r];
      if (y != IGNORE && (y < 0 || y >= v)) {
        throw new IllegalArgumentException("target id " + y + " at index " + r + " is outside [0, " + v + ") and not " + IGNORE);
      }
    }
    KernelSet k = Kernels.get();
    Parallel.forRange(n, Math.max(1, 16384 / v), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int o = r * v;
        int y = targets[r];
        float mx = k.max(logits, o, v);
        // Exp.exp's bits in both kernel twins (and however warm the JIT is), summed in index order
        k.expShift(probs, o, logits, o, v, mx);
        float sum = 0f;
        for (int j = 0; j < v; j++) sum += probs[o + j];
        k.scale(probs, o, v, 1f / sum);
        losses[r] = y == IGNORE ? 0f : (float) (Math.log(sum) + mx - logits[o + y]);
      }
    });
    double total = 0;
    int count = 0;
    for (int r = 0; r < n; r++) {
      if (targets[r] != IGNORE) {
        total += losses[r];
        count++;
      }
    }
    return count == 0 ? 0f : (float) (total / count);
  }

  /** Number of rows that count toward the mean (targets ≠ {@link #IGNORE}). */
  public static int count(int[] targets, int n) {
    int c = 0;
    for (int r = 0; r < n; r++) if (targets[r] != IGNORE) c++;
    return c;
  }

  /**
   * @param dLogits (N, V) overwritten (may alias probs)
   * @param probs   (N, V) from forward
   * @param dLoss   gradient of the caller's loss with respect to each kept row's loss (1/count for the mean)
   */
  public static void backward(float[] dLogits, float[] probs, int[] targets, int n, int v, float dLoss) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, Math.max(1, 16384 / v), (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int o = r * v;
        int y = targets[r];
        if (y == IGNORE) {
          java.util.Arrays.fill(dLogits, o, o + v, 0f);
          continue;
        }
        if (dLogits != probs) System.arraycopy(probs, o, dLogits, o, v);
        dLogits[o + y] -= 1f;
        k.scale(dLogits, o, v, dLoss);
      }
    });
  }
}
