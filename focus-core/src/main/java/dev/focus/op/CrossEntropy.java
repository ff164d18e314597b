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
      float[] mx = new float[GROUP], sum = new float[GROUP];
      for (int r0 = lo; r0 < hi; r0 += GROUP) {
        int rows = Math.min(GROUP, hi - r0);
        for (int i = 0; i < rows; i++) {
          int o = (r0 + i) * v;
          mx[i] = k.max(logits, o, v);
          // Exp.exp's bits in both kernel twins (and however warm the JIT is), summed in index order
          k.expShift(probs, o, logits, o, v, mx[i]);
        }
        sumRows(probs, r0 * v, v, rows, sum);
        for (int i = 0; i < rows; i++) {
          int r = r0 + i, o = r * v, y = targets[r];
          k.scale(probs, o, v, 1f / sum[i]);
          losses[r] = y == IGNORE ? 0f : (float) (Math.log(sum[i]) + mx[i] - logits[o + y]);
        }
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

  /** Rows whose exponentials are summed side by side. */
  private static final int GROUP = 8;

  /**
   * sum[i] = Σ_j p[o + i·v + j] for i &lt; rows, each in index order from +0 (the rounding the loss
   * is defined with). One row's sum is a chain of dependent adds; eight rows' chains interleaved keep
   * the adder busy instead of waiting on each add (at V = 256 the lone chains were most of the forward's time).
   */
  static void sumRows(float[] p, int o, int v, int rows, float[] sum) {
    if (rows < GROUP) {
      for (int i = 0; i < rows; i++) {
        float s = 0f;
        for (int j = 0, x = o + i * v; j < v; j++) s += p[x + j];
        sum[i] = s;
      }
      return;
    }
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
    for (int j = 0, x = o; j < v; j++, x++) {
      s0 += p[x];
      s1 += p[x + v];
      s2 += p[x + 2 * v];
      s3 += p[x + 3 * v];
      s4 += p[x + 4 * v];
      s5 += p[x + 5 * v];
      s6 += p[x + 6 * v];
      s7 += p[x + 7 * v];
    }
    sum[0] = s0;
    sum[1] = s1;
    sum[2] = s2;
    sum[3] = s3;
    sum[4] = s4;
    sum[5] = s5;
    sum[6] = s6;
    sum[7] = s7;
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
