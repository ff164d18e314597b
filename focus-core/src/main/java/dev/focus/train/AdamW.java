package dev.focus.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization", Alg. 2), in the
 * arithmetic order of {@code torch.optim.AdamW}, float32 state. For each parameter θ with gradient g,
 * at step t = 1, 2, …:
 *
 * <pre>
 *   θ ← θ·(1 − lr·λ)                         decoupled decay, only where Param.decay
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 *
 * The state (m, v per parameter, and t) can be saved and restored bit for bit.
 */
public final class AdamW {
  private final List<Trainable.Param> params;
  private final double beta1, beta2, eps, weightDecay;
  private final float[][] m, v;   // per parameter, same length as its value
  private long t;

  public AdamW(List<Trainable.Param> params, double beta1, double beta2, double eps, double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1=" + beta1 + " must be in [0, 1)");
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2=" + beta2 + " must be in [0, 1)");
    if (!(eps > 0)) throw new IllegalArgumentException("eps=" + eps + " must be > 0");
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("weightDecay=" + weightDecay + " must be >= 0");
    this.params = List.copyOf(params);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = new float[params.size()][];
    this.v = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      m[i] = new float[params.get(i).value().length];
      v[i] = new float[params.get(i).value().length];
    }
  }

  /** Steps taken so far (t). */
  public long stepCount() { return t; }

  /** First moment of parameter {@code i} (live array). */
  public float[] firstMoment(int i) { return m[i]; }

  /** Second moment of parameter {@code i} (live array). */
  public float[] secondMoment(int i) { return v[i]; }

  /** One update with learning rate {@code lr}, from the current gradients. */
  public void step(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr=" + lr + " must be finite and >= 0");
    t++;
    double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
    float decay = (float) (1 - lr * weightDecay);
    float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
    float stepSize = (float) (lr / bc1), bc2Sqrt = (float) Math.sqrt(bc2), e = (float) eps;
    for (int i = 0; i < params.size(); i++) {
      Trainable.Param p = params.get(i);
      float[] w = p.value(), g = p.grad(), mi = m[i], vi = v[i];
      boolean d = p.decay() && weightDecay != 0;
      for (int j = 0; j < w.length; j++) {
        if (d) w[j] *= decay;
        float gj = g[j];
        mi[j] = mi[j] * b1 + c1 * gj;
        vi[j] = vi[j] * b2 + c2 * gj * gj;
        float denom = (float) Math.sqrt(vi[j]) / bc2Sqrt + e;
        w[j] -= stepSize * (mi[j] / denom);
      }
    }
  }

  /** Writes m, v (and t, as a one-element tensor holding its bits) to {@code file} atomically. */
  public void save(Path file) throws IOException {
    Map<String, float[]> s = new LinkedHashMap<>();
    s.put("#step", new float[] {Float.intBitsToFloat((int) (t >>> 32)), Float.intBitsToFloat((int) t)});
    for (int i = 0; i < params.size(); i++) {
      s.put("m." + params.get(i).name(), m[i]);
      s.put("v." + params.get(i).name(), v[i]);
    }
    TensorFile.write(file, s);
  }

  /** Restores state written by {@link #save} for the same parameter names and sizes. */
  public void load(Path file) throws IOException {
    Map<String, float[]> s = TensorFile.read(file);
    float[] st = s.get("#step");
    if (st == null || st.length != 2) throw new IOException(file + " has no optimizer step");
    t = ((long) Float.floatToRawIntBits(st[0]) << 32) | (Float.floatToRawIntBits(st[1]) & 0xFFFFFFFFL);
    for (int i = 0; i < params.size(); i++) {
      TensorFile.copyInto(s, "m." + params.get(i).name(), m[i]);
      TensorFile.copyInto(s, "v." + params.get(i).name(), v[i]);
    }
  }
}
