package dev.focus.model;

/**
 * torch.optim.AdamW's update for the parity test (decoupled weight decay on {@link Parameter#decay()}
 * tensors, bias-corrected moments): p ← p(1 − lr·wd); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). Loshchilov &amp; Hutter 2019, Algorithm 2.
 */
final class ReferenceAdamW {
  private final java.util.List<Parameter> params;
  private final float[][] m, v;
  private final double lr, b1, b2, eps, wd;
  private int t;

  ReferenceAdamW(java.util.List<Parameter> params, double lr, double b1, double b2, double eps, double wd) {
    this.params = params;
    this.lr = lr;
    this.b1 = b1;
    this.b2 = b2;
    this.eps = eps;
    this.wd = wd;
    m = new float[params.size()][];
    v = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      m[i] = new float[params.get(i).size()];
      v[i] = new float[params.get(i).size()];
    }
  }

  void step() {
    t++;
    float bc1 = (float) (1 - Math.pow(b1, t)), bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, t));
    float stepSize = (float) lr / bc1;
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      float[] w = p.value(), g = p.grad(), mi = m[i], vi = v[i];
      float decay = p.decay() ? (float) (1 - lr * wd) : 1f;
      for (int j = 0; j < w.length; j++) {
        w[j] *= decay;
        mi[j] = (float) b1 * mi[j] + (float) (1 - b1) * g[j];
        vi[j] = (float) b2 * vi[j] + (float) (1 - b2) * g[j] * g[j];
        float denom = (float) Math.sqrt(vi[j]) / bc2Sqrt + (float) eps;
        w[j] -= stepSize * mi[j] / denom;
      }
    }
  }
}
