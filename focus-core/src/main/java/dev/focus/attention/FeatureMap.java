package dev.focus.attention;

import dev.focus.kernel.Exp;
import dev.focus.kernel.KernelSet;

/**
 * The similarity used by {@link LinearAttention}: a_ij = φ(x_i)·φ(y_j) for a feature map φ, with
 * x = √scale·q and y = √scale·k, or (for {@link #RELU2}) a kernel of the scaled dot product itself.
 *
 * <ul>
 *   <li>{@link #IDENTITY}: φ(x) = x, so a_ij = scale·q_i·k_j (signed; spec 01 "identity").
 *   <li>{@link #ELU_PLUS_1}: φ(x) = elu(x) + 1 > 0 (Katharopoulos et al. 2020, eq. 7).
 *   <li>{@link #RELU}: φ(x) = max(x, 0) ≥ 0.
 *   <li>{@link #RELU2}: a_ij = relu(scale·q_i·k_j)², the squared-ReLU attention of GAU (Hua et al.
 *       2022, FLASH, eq. 4). A kernel of the dot product with no finite feature map, so it exists only
 *       in the parallel form.
 *   <li>{@link #POSITIVE_RANDOM}: FAVOR+ positive random features (Choromanski et al. 2021, Performer,
 *       Lemma 1): φ(x)_r = exp(w_r·x − |x|²/2)/√F with w_r ~ N(0, I) drawn once from a seed, so that
 *       E[φ(x)·φ(y)] = exp(x·y): an unbiased estimate of softmax's exp(scale·q·k).
 * </ul>
 */
public enum FeatureMap {
  IDENTITY, ELU_PLUS_1, RELU, RELU2, POSITIVE_RANDOM;

  /** True when a_ij factorises as φ(q_i)·φ(k_j), which the recurrent and chunked forms need. */
  public boolean factorizes() { return this != RELU2; }

  /** True when every weight a_ij is ≥ 0 (so dividing by Σ_j a_ij is safe). */
  public boolean nonNegative() { return this != IDENTITY; }

  /**
   * phi (T, F) = φ(x) for x (T, HS) already multiplied by √scale; {@code w} is the (F, HS) random
   * projection of {@link #POSITIVE_RANDOM} (null otherwise). Not for RELU2.
   */
  void apply(KernelSet ks, float[] phi, float[] x, float[] w, int t, int hs, int f) {
    switch (this) {
      case IDENTITY:
        System.arraycopy(x, 0, phi, 0, t * hs);
        break;
      case ELU_PLUS_1:
        // branch-free (the signs of x are random): max(x, 0) + e^min(x, 0) is x + 1 or e^x
        for (int i = 0; i < t * hs; i++) phi[i] = Math.max(x[i], 0f) + Exp.exp(Math.min(x[i], 0f));
        break;
      case RELU:
        for (int i = 0; i < t * hs; i++) phi[i] = Math.max(x[i], 0f);
        break;
      case POSITIVE_RANDOM: {
        ks.matmulNT(phi, 0, x, 0, w, 0, t, hs, f, false); // (T, F) = x Wᵀ
        float norm = (float) (1.0 / Math.sqrt(f));
        for (int i = 0; i < t; i++) {
          float half = 0.5f * ks.sumSquares(x, i * hs, hs);
          for (int r = 0; r < f; r++) phi[i * f + r] = Exp.exp(phi[i * f + r] - half) * norm;
        }
        break;
      }
      default:
        throw new IllegalStateException(this + " has no feature map");
    }
  }

  /**
   * dx (T, HS) = (∂φ/∂x)ᵀ dphi, given x and phi = φ(x). For FAVOR+, ∂φ_r/∂x = φ_r (w_r − x), so
   * dx = Wᵀ(dphi ⊙ phi) − x·Σ_r dphi_r phi_r. {@code dphi} may be overwritten.
   */
  void backward(KernelSet ks, float[] dx, float[] dphi, float[] x, float[] phi, float[] w, int t, int hs, int f) {
    switch (this) {
      case IDENTITY:
        System.arraycopy(dphi, 0, dx, 0, t * hs);
        break;
      case ELU_PLUS_1:
        // φ' = 1 for x > 0 (where φ > 1) and e^x = φ ≤ 1 otherwise, so φ' = min(1, φ), branch-free
        for (int i = 0; i < t * hs; i++) dx[i] = dphi[i] * Math.min(1f, phi[i]);
        break;
      case RELU:
        for (int i = 0; i < t * hs; i++) dx[i] = x[i] > 0f ? dphi[i] : 0f;
        break;
      case POSITIVE_RANDOM: {
        ks.mul(dphi, 0, dphi, 0, phi, 0, t * f);          // u = dphi ⊙ phi
        ks.matmul(dx, 0, dphi, 0, w, 0, t, f, hs, false);  // Wᵀu, row by row: (T, F)·(F, HS)
        for (int i = 0; i < t; i++) ks.axpy(-ks.sum(dphi, i * f, f), x, i * hs, dx, i * hs, hs);
        break;
      }
      default:
        throw new IllegalStateException(this + " has no feature map");
    }
  }
}
