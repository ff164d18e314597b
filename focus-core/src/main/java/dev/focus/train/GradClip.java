package dev.focus.train;

import java.util.List;

/** Global-norm gradient clipping (Pascanu et al. 2013), as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
  private GradClip() {}

  /** ‖g‖₂ over all parameters' gradients, summed in double in parameter order. */
  public static double globalNorm(List<Trainable.Param> params) {
    double s = 0;
    for (Trainable.Param p : params) for (float g : p.grad()) s += (double) g * g;
    return Math.sqrt(s);
  }

  /**
   * Scales all gradients by maxNorm / (‖g‖ + 1e-6) when that is below 1; returns ‖g‖ before
   * clipping. {@code maxNorm <= 0} or infinite disables clipping (the norm is still returned).
   */
  public static double clip(List<Trainable.Param> params, double maxNorm) {
    double norm = globalNorm(params);
    if (maxNorm > 0 && !Double.isInfinite(maxNorm)) {
      double scale = maxNorm / (norm + 1e-6);
      if (scale < 1) {
        float f = (float) scale;
        for (Trainable.Param p : params) {
          float[] g = p.grad();
          for (int i = 0; i < g.length; i++) g[i] *= f;
        }
      }
    }
    return norm;
  }
}
