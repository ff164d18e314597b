package dev.focus.train;

import dev.focus.checkpoint.CheckpointException;
import dev.focus.checkpoint.NamedTensors;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
  /** The {@code focus_format} of a saved optimizer state. */
  public static final String FORMAT = NamedTensors.OPTIMIZER;

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

  /**
   * Writes m and v of every parameter (tensors {@code m.NAME}, {@code v.NAME}, rank 1) and t (metadata
   * {@code step}) to a safetensors file tagged {@code focus_format=}{@value #FORMAT}, atomically.
   */
  public void save(Path file) throws IOException {
    Map<String, TensorData> s = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      s.put("m." + params.get(i).name(), TensorData.of(m[i]));
      s.put("v." + params.get(i).name(), TensorData.of(v[i]));
    }
    NamedTensors.write(file, FORMAT, s, Map.of("step", Long.toString(t)));
  }

  /**
   * Restores state written by {@link #save} for the same parameter names and sizes, or throws a
   * {@link dev.focus.checkpoint.CheckpointException} naming the file and what is wrong; on failure this
   * optimizer's state is unchanged.
   */
  public void load(Path file) {
    SafeTensors.Contents c = NamedTensors.read(file, FORMAT);
    String st = c.metadata().get("step");
    long step;
    try {
      step = Long.parseLong(st == null ? "" : st);
    } catch (NumberFormatException e) {
      throw new CheckpointException(file + ": metadata step=" + st + " is not a step count");
    }
    if (step < 0) throw new CheckpointException(file + ": metadata step=" + step + " is negative");
    List<String> names = new ArrayList<>();
    for (Trainable.Param p : params) {
      names.add("m." + p.name());
      names.add("v." + p.name());
    }
    NamedTensors.requireOnly(c, file, names);
    float[][] m2 = new float[m.length][], v2 = new float[v.length][];
    for (int i = 0; i < params.size(); i++) {
      m2[i] = new float[m[i].length];
      v2[i] = new float[v[i].length];
      NamedTensors.copyInto(c, file, "m." + params.get(i).name(), m2[i]);
      NamedTensors.copyInto(c, file, "v." + params.get(i).name(), v2[i]);
      for (float x : v2[i]) {
        if (x < 0) throw new CheckpointException(file + ": tensor v." + params.get(i).name() + " holds a negative second moment " + x);
      }
    }
    for (int i = 0; i < params.size(); i++) {
      System.arraycopy(m2[i], 0, m[i], 0, m[i].length);
      System.arraycopy(v2[i], 0, v[i], 0, v[i].length);
    }
    t = step;
  }
}
