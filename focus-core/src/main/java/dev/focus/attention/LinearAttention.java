package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.end;
import static dev.focus.attention.AttentionSupport.pack;
import static dev.focus.attention.AttentionSupport.start;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import java.util.Arrays;
import java.util.Random;

/**
 * Linear attention (Katharopoulos et al. 2020): softmax's exp(q·k) replaced by a similarity
 * a_ij = φ(q_i)·φ(k_j) (see {@link FeatureMap}), optionally decayed by λ_h^{|i−j|} (a fixed or
 * per-head forgetting factor, as in RetNet, Sun et al. 2023, eq. 5), then normalised:
 * <pre>
 *   y_i = Σ_j a_ij λ^{|i−j|} v_j / n_i,   n_i = Σ_j a_ij λ^{|i−j|} + eps   (SUM, Katharopoulos eq. 4)
 *                                         n_i = number of visible keys      (COUNT, GAU's 1/n)
 *                                         n_i = 1                           (NONE)
 * </pre>
 * Defaults: SUM (eps = 1e-6) for the non-negative maps ELU_PLUS_1, RELU and POSITIVE_RANDOM; COUNT
 * for IDENTITY and RELU2, whose sums can vanish or change sign.
 *
 * <p>Three forms compute the same function:
 * <ul>
 *   <li>{@link Form#PARALLEL}: the masked (T, T) matrix, any {@link Mask}; O(T²) time and memory.
 *   <li>{@link Form#RECURRENT}: S_i = λS_{i−1} + φ(k_i)v_iᵀ, z_i = λz_{i−1} + φ(k_i),
 *       y_i = S_iᵀφ(q_i)/n_i (Katharopoulos §3.4); causal only; O(T·F·HS) time, O(F·HS) state.
 *   <li>{@link Form#CHUNKED}: chunks of C tokens; inside a chunk the parallel form, across chunks the
 *       state carried from the chunk before (as in GLA/RetNet chunkwise training); causal only.
 * </ul>
 * Backward passes are hand-written for each form; the recurrent one recomputes the state forwards and
 * runs the adjoint state dS_i = λdS_{i+1} + φ(q_i)dnum_iᵀ backwards, so it also needs O(F·HS) state.
 */
public final class LinearAttention implements Attention {

  /** How the function is evaluated; all forms agree. */
  public enum Form { PARALLEL, RECURRENT, CHUNKED }

  /** The row normaliser n_i. */
  public enum Normalization { SUM, COUNT, NONE }

  private final HeadLayout layout;
  private final FeatureMap map;
  private final Form form;
  private final int chunk;
  private final Normalization norm;
  private final float eps;
  private final float scale;
  private final float[] decay;  // (H) λ_h in (0, 1], or null for no decay
  private final int features;   // F
  private final long seed;
  private final float[] proj;   // (F, HS) FAVOR+ projection, or null

  private LinearAttention(HeadLayout layout, FeatureMap map, Form form, int chunk, Normalization norm, float eps,
                          float scale, float[] decay, int features, long seed) {
    if (layout == null) throw new IllegalArgumentException("layout is null");
    if (map == null) throw new IllegalArgumentException("feature map is null");
    if (form == null) throw new IllegalArgumentException("form is null");
    if (norm == null) throw new IllegalArgumentException("normalization is null");
    if (!map.factorizes() && form != Form.PARALLEL) {
      throw new IllegalArgumentException("feature map " + map + " has no finite feature map, so form=" + form
          + " is impossible; use PARALLEL");
    }
    if (chunk < 1) throw new IllegalArgumentException("chunk=" + chunk + " must be >= 1");
    if (!(eps >= 0f) || !Float.isFinite(eps)) throw new IllegalArgumentException("eps=" + eps + " must be finite and >= 0");
    if (features < 1) throw new IllegalArgumentException("features=" + features + " must be >= 1");
    if (decay != null) {
      if (decay.length != layout.heads()) {
        throw new IllegalArgumentException("decay has length " + decay.length + " but heads=" + layout.heads());
      }
      for (int h = 0; h < decay.length; h++) {
        if (!(decay[h] > 0f && decay[h] <= 1f)) {
          throw new IllegalArgumentException("decay[" + h + "]=" + decay[h] + " must be in (0, 1]");
        }
      }
    }
    this.layout = layout;
    this.map = map;
    this.form = form;
    this.chunk = chunk;
    this.norm = norm;
    this.eps = eps;
    this.scale = AttentionSupport.checkScale(scale);
    this.decay = decay == null ? null : decay.clone();
    this.features = map == FeatureMap.POSITIVE_RANDOM ? features : layout.headSize();
    this.seed = seed;
    this.proj = map == FeatureMap.POSITIVE_RANDOM ? projection(this.features, layout.headSize(), seed) : null;
  }

  private static float[] projection(int f, int hs, long seed) {
    Random rnd = new Random(seed);
    float[] w = new float[f * hs];
    for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
    return w;
  }

  /**
   * Linear attention with map {@code map}: parallel form, chunk 64, scale 1/sqrt(HS), no decay,
   * SUM normalisation (eps 1e-6) for non-negative factorising maps and COUNT otherwise; FAVOR+ uses
   * F = HS features from seed 42.
   */
  public static LinearAttention of(HeadLayout layout, FeatureMap map) {
    if (layout == null) throw new IllegalArgumentException("layout is null");
    if (map == null) throw new IllegalArgumentException("feature map is null");
    Normalization n = map.nonNegative() && map.factorizes() ? Normalization.SUM : Normalization.COUNT;
    return new LinearAttention(layout, map, Form.PARALLEL, 64, n, 1e-6f, layout.defaultScale(), null,
        layout.headSize(), 42L);
  }

  public LinearAttention withForm(Form f) {
    return new LinearAttention(layout, map, f, chunk, norm, eps, scale, decay, features, seed);
  }

  /** A copy using the chunked form with chunks of {@code c} tokens. */
  public LinearAttention withChunk(int c) {
    return new LinearAttention(layout, map, Form.CHUNKED, c, norm, eps, scale, decay, features, seed);
  }

  public LinearAttention withNormalization(Normalization n) {
    return new LinearAttention(layout, map, form, chunk, n, eps, scale, decay, features, seed);
  }

  /** A copy with n_i = Σ_j a_ij + {@code e} under SUM normalisation. */
  public LinearAttention withEps(float e) {
    return new LinearAttention(layout, map, form, chunk, norm, e, scale, decay, features, seed);
  }

  /** A copy with similarity f(√s·q, √s·k), s = {@code s}. */
  public LinearAttention withScale(float s) {
    return new LinearAttention(layout, map, form, chunk, norm, eps, s, decay, features, seed);
  }

  /** A copy with the same decay λ in (0, 1] for every head. */
  public LinearAttention withDecay(float lambda) {
    float[] d = new float[layout.heads()];
    Arrays.fill(d, lambda);
    return withDecay(d);
  }

  /** A copy with per-head decays λ_h in (0, 1]; null removes decay. */
  public LinearAttention withDecay(float[] perHead) {
    return new LinearAttention(layout, map, form, chunk, norm, eps, scale, perHead, features, seed);
  }

  /** A copy using {@code f} FAVOR+ features drawn from {@code seed} (POSITIVE_RANDOM only). */
  public LinearAttention withRandomFeatures(int f, long seed) {
    if (map != FeatureMap.POSITIVE_RANDOM) {
      throw new IllegalArgumentException("random features need map POSITIVE_RANDOM, not " + map);
    }
    return new LinearAttention(layout, map, form, chunk, norm, eps, scale, decay, f, seed);
  }

  @Override public HeadLayout layout() { return layout; }

  public FeatureMap featureMap() { return map; }

  public Form form() { return form; }

  public int chunk() { return chunk; }

  public Normalization normalization() { return norm; }

  public float eps() { return eps; }

  public float scale() { return scale; }

  /** Per-head decays (a copy), or null. */
  public float[] decay() { return decay == null ? null : decay.clone(); }

  /** The (F, HS) FAVOR+ projection (a copy), or null. */
  public float[] projection() { return proj == null ? null : proj.clone(); }

  /** F, the feature size (HS except for FAVOR+). */
  public int features() { return features; }

  static final class LinearSaved implements Saved {
    final float[] q, k, v, out;
    final float[] den;     // (B, H, T) n_i
    final float[] weights; // (B, H, T, T) normalised weights (parallel form), else null
    final float[] states;  // (B, H, nChunks, F, HS) state entering each chunk (chunked form), else null
    final float[] zs;      // (B, H, nChunks, F)
    final Mask mask;
    final Form form;
    final int batch, t;

    LinearSaved(float[] q, float[] k, float[] v, float[] out, float[] den, float[] weights, float[] states, float[] zs,
                Mask mask, Form form, int batch, int t) {
      this.q = q; this.k = k; this.v = v; this.out = out; this.den = den; this.weights = weights;
      this.states = states; this.zs = zs; this.mask = mask; this.form = form; this.batch = batch; this.t = t;
    }

    @Override public int batch() { return batch; }

    @Override public int t() { return t; }
  }

  // ---------------------------------------------------------------------------------------------
  // per-head working set

  /** One head's inputs as dense blocks: x = √s·q, y = √s·k, v, and their features. */
  private final class Head {
    final float[] xq, xk, vh; // (T, HS)
    final float[] fq, fk;     // (T, F) φ(xq), φ(xk) (unused for RELU2)
    final float[] pw;         // (T + 1) λ_h^d for d = 0..T
    float lambda = 1f;

    Head(int t) {
      xq = new float[t * layout.headSize()];
      xk = new float[t * layout.headSize()];
      vh = new float[t * layout.headSize()];
      fq = map.factorizes() ? new float[t * features] : null;
      fk = map.factorizes() ? new float[t * features] : null;
      pw = new float[t + 1];
    }

    void load(KernelSet ks, float[] q, float[] k, float[] v, int b, int h, int t) {
      int hs = layout.headSize(), g = layout.kvHeadOf(h);
      float rs = (float) Math.sqrt(Math.abs(scale));
      pack(xq, q, b, 0, t, t, layout.heads(), h, hs);
      pack(xk, k, b, 0, t, t, layout.kvHeads(), g, hs);
      pack(vh, v, b, 0, t, t, layout.kvHeads(), g, hs);
      ks.scale(xq, 0, t * hs, scale < 0 ? -rs : rs);
      ks.scale(xk, 0, t * hs, rs);
      if (map.factorizes()) {
        map.apply(ks, fq, xq, proj, t, hs, features);
        map.apply(ks, fk, xk, proj, t, hs, features);
      }
      lambda = decay == null ? 1f : decay[h];
      for (int d = 0; d <= t; d++) pw[d] = lambda == 1f ? 1f : (float) Math.pow(lambda, d);
    }
  }

  private static void checkSaved(Saved saved) {
    if (!(saved instanceof LinearSaved)) {
      throw new IllegalArgumentException("saved state " + (saved == null ? "null" : saved.getClass().getSimpleName())
          + " does not come from LinearAttention.forward");
    }
  }

  private void checkMaskForForm(Mask mask) {
    if (form != Form.PARALLEL && !mask.isCausal()) {
      throw new IllegalArgumentException("form " + form + " is causal only; mask " + mask + " needs form PARALLEL");
    }
  }

  private float denominator(float sum, int visible) {
    switch (norm) {
      case SUM: return sum + eps;
      case COUNT: return Math.max(visible, 1);
      default: return 1f;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // forward

  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, int batch, int t) {
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    if (headScale != null) throw new IllegalArgumentException("headScale is only defined for softmax attention; pass null");
    checkMaskForForm(mask);
    int bh = batch * layout.heads();
    float[] den = new float[bh * t];
    switch (form) {
      case PARALLEL: {
        float[] w = new float[probSize(batch, t)];
        parallelCore(out, w, den, q, k, v, mask, batch, t);
        return new LinearSaved(q, k, v, out, den, w, null, null, mask, form, batch, t);
      }
      case RECURRENT:
        recurrentCore(out, den, q, k, v, null, batch, t, 0);
        return new LinearSaved(q, k, v, out, den, null, null, null, mask, form, batch, t);
      default: {
        int nc = (t + chunk - 1) / chunk;
        float[] states = new float[Math.multiplyExact(bh * nc, features * layout.headSize())];
        float[] zs = new float[bh * nc * features];
        chunkedCore(out, den, states, zs, q, k, v, batch, t);
        return new LinearSaved(q, k, v, out, den, null, states, zs, mask, form, batch, t);
      }
    }
  }

  private int probSize(int batch, int t) {
    long n = (long) batch * layout.heads() * t * t;
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("B·H·T·T=" + n + " weights do not fit an array");
    return (int) n;
  }

  /** Parallel form: w (B, H, T, T) = normalised weights, den (B, H, T), and out = w v when out != null. */
  private void parallelCore(float[] out, float[] w, float[] den, float[] q, float[] k, float[] v, Mask mask,
                            int batch, int t) {
    final int nh = layout.heads(), hs = layout.headSize();
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] oh = new float[t * hs];
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, wOff = task * t * t;
        hd.load(ks, q, k, v, b, h, t);
        if (map.factorizes()) {
          ks.matmulNT(w, wOff, hd.fq, 0, hd.fk, 0, t, features, t, false);
        } else {
          ks.matmulNT(w, wOff, hd.xq, 0, hd.xk, 0, t, hs, t, false);
          for (int i = wOff; i < wOff + t * t; i++) w[i] = w[i] > 0f ? w[i] * w[i] : 0f; // relu(s)²
        }
        for (int i = 0; i < t; i++) {
          int row = wOff + i * t, s0 = start(mask, b, i, t), e = end(mask, b, i, t);
          Arrays.fill(w, row, row + s0, 0f);
          Arrays.fill(w, row + Math.max(e, s0), row + t, 0f);
          if (hd.lambda != 1f) for (int j = s0; j < e; j++) w[row + j] *= hd.pw[Math.abs(i - j)];
          float n = denominator(e > s0 ? ks.sum(w, row + s0, e - s0) : 0f, e - s0);
          den[task * t + i] = n;
          if (e > s0) ks.scale(w, row + s0, e - s0, 1f / n);
        }
        if (out != null) {
          ks.matmul(oh, 0, w, wOff, hd.vh, 0, t, t, hs, false);
          unpack(out, oh, b, 0, t, t, nh, h, hs);
        }
      }
    });
  }

  /**
   * Recurrent form over {@code t} tokens at positions offset.. (causal). When {@code state} is given,
   * starts from its sums and leaves the final sums in it; else starts from zero.
   */
  private void recurrentCore(float[] out, float[] den, float[] q, float[] k, float[] v, LinearState state,
                             int batch, int t, int offset) {
    final int nh = layout.heads(), hs = layout.headSize(), f = features;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] s = new float[f * hs], z = new float[f], oh = new float[t * hs];
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh;
        hd.load(ks, q, k, v, b, h, t);
        if (state != null) {
          System.arraycopy(state.s, task * f * hs, s, 0, f * hs);
          System.arraycopy(state.z, task * f, z, 0, f);
        } else {
          Arrays.fill(s, 0f);
          Arrays.fill(z, 0f);
        }
        for (int i = 0; i < t; i++) {
          if (hd.lambda != 1f) {
            ks.scale(s, 0, f * hs, hd.lambda);
            ks.scale(z, 0, f, hd.lambda);
          }
          ks.matmulTN(s, 0, hd.fk, i * f, hd.vh, i * hs, f, 1, hs, true); // S += φ(k_i) v_iᵀ
          ks.add(z, 0, z, 0, hd.fk, i * f, f);                             // z += φ(k_i)
          ks.matmul(oh, i * hs, hd.fq, i * f, s, 0, 1, f, hs, false);      // num = Sᵀ φ(q_i)
          float n = denominator(ks.dot(hd.fq, i * f, z, 0, f), offset + i + 1);
          if (den != null) den[task * t + i] = n;
          ks.scale(oh, i * hs, hs, 1f / n);
        }
        unpack(out, oh, b, 0, t, t, nh, h, hs);
        if (state != null) {
          System.arraycopy(s, 0, state.s, task * f * hs, f * hs);
          System.arraycopy(z, 0, state.z, task * f, f);
        }
      }
    });
  }

  /** Chunked form (causal): saves the state entering each chunk in states (B, H, nChunks, F, HS), zs. */
  private void chunkedCore(float[] out, float[] den, float[] states, float[] zs, float[] q, float[] k, float[] v,
                           int batch, int t) {
    final int nh = layout.heads(), hs = layout.headSize(), f = features, cs = Math.min(chunk, t);
    final int nc = (t + chunk - 1) / chunk;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] s = new float[f * hs], z = new float[f];
      float[] a = new float[cs * cs];   // (L, L) intra-chunk weights
      float[] fks = new float[cs * f];  // (L, F) φ(k_j)·λ^{c1−1−j}
      float[] oh = new float[t * hs];   // (T, HS)
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh;
        hd.load(ks, q, k, v, b, h, t);
        Arrays.fill(s, 0f);
        Arrays.fill(z, 0f);
        for (int c0 = 0, ci = 0; c0 < t; c0 += chunk, ci++) {
          int len = Math.min(chunk, t - c0);
          System.arraycopy(s, 0, states, (task * nc + ci) * f * hs, f * hs);
          System.arraycopy(z, 0, zs, (task * nc + ci) * f, f);
          // inter-chunk: λ^{i−c0+1} Sᵀ φ(q_i)
          ks.matmul(oh, c0 * hs, hd.fq, c0 * f, s, 0, len, f, hs, false);
          // intra-chunk: A_ij = φ(q_i)·φ(k_j) λ^{i−j}, j ≤ i
          ks.matmulNT(a, 0, hd.fq, c0 * f, hd.fk, c0 * f, len, f, len, false);
          for (int ii = 0; ii < len; ii++) {
            for (int jj = 0; jj < len; jj++) a[ii * len + jj] = jj <= ii ? a[ii * len + jj] * hd.pw[ii - jj] : 0f;
            float g = hd.pw[ii + 1];
            if (g != 1f) ks.scale(oh, (c0 + ii) * hs, hs, g);
            float sum = g * ks.dot(hd.fq, (c0 + ii) * f, z, 0, f) + ks.sum(a, ii * len, len);
            den[task * t + c0 + ii] = denominator(sum, c0 + ii + 1);
          }
          ks.matmul(oh, c0 * hs, a, 0, hd.vh, c0 * hs, len, len, hs, true);
          for (int ii = 0; ii < len; ii++) ks.scale(oh, (c0 + ii) * hs, hs, 1f / den[task * t + c0 + ii]);
          // carry: S = λ^L S + Σ_j λ^{c1−1−j} φ(k_j) v_jᵀ,  z likewise
          if (hd.lambda != 1f) {
            ks.scale(s, 0, f * hs, hd.pw[len]);
            ks.scale(z, 0, f, hd.pw[len]);
          }
          for (int jj = 0; jj < len; jj++) {
            System.arraycopy(hd.fk, (c0 + jj) * f, fks, jj * f, f);
            if (hd.lambda != 1f) ks.scale(fks, jj * f, f, hd.pw[len - 1 - jj]);
            ks.add(z, 0, z, 0, fks, jj * f, f);
          }
          ks.matmulTN(s, 0, fks, 0, hd.vh, c0 * hs, f, len, hs, true);
        }
        unpack(out, oh, b, 0, t, t, nh, h, hs);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // backward

  @Override
  public void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved) {
    checkSaved(saved);
    LinearSaved sv = (LinearSaved) saved;
    final int batch = sv.batch, t = sv.t, nh = layout.heads(), hs = layout.headSize();
    long bt = (long) batch * t;
    AttentionSupport.checkLength("dq", dq, bt * layout.qWidth());
    AttentionSupport.checkLength("dk", dk, bt * layout.kvWidth());
    AttentionSupport.checkLength("dv", dv, bt * layout.kvWidth());
    AttentionSupport.checkLength("dOut", dOut, bt * layout.qWidth());
    float[] dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
    float[] dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] oh = new float[t * hs], doh = new float[t * hs];
      float[] dxq = new float[t * hs], dxk = new float[t * hs];
      Scratch sc = new Scratch(t);
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, hOff = task * t * hs;
        hd.load(ks, sv.q, sv.k, sv.v, b, h, t);
        pack(oh, sv.out, b, 0, t, t, nh, h, hs);
        pack(doh, dOut, b, 0, t, t, nh, h, hs);
        Arrays.fill(dvPart, hOff, hOff + t * hs, 0f);
        switch (sv.form) {
          case PARALLEL:
            parallelBackward(ks, hd, sc, dxq, dxk, dvPart, hOff, doh, oh, sv, task, b, t);
            break;
          case RECURRENT:
            recurrentBackward(ks, hd, sc, dxq, dxk, dvPart, hOff, doh, oh, sv, task, t);
            break;
          default:
            chunkedBackward(ks, hd, sc, dxq, dxk, dvPart, hOff, doh, oh, sv, task, t);
        }
        float rs = (float) Math.sqrt(Math.abs(scale));
        ks.scale(dxq, 0, t * hs, scale < 0 ? -rs : rs);
        ks.scale(dxk, 0, t * hs, rs);
        unpack(dq, dxq, b, 0, t, t, nh, h, hs);
        System.arraycopy(dxk, 0, dkPart, hOff, t * hs);
      }
    });
    AttentionSupport.reduceGroups(layout, dk, dkPart, batch, t);
    AttentionSupport.reduceGroups(layout, dv, dvPart, batch, t);
  }

  /** Per-worker backward buffers. */
  private final class Scratch {
    final float[] dfq, dfk;     // (T, F)
    final float[] dnum;         // (T, HS) dy_i / n_i
    final float[] dden;         // (T) ∂ℓ/∂n_i
    final float[] tt;           // (T, T) parallel form only, lazily
    float[] tt2;

    Scratch(int t) {
      dfq = new float[t * features];
      dfk = new float[t * features];
      dnum = new float[t * layout.headSize()];
      dden = new float[t];
      tt = form == Form.PARALLEL ? new float[t * t] : null;
    }
  }

  /** dnum_i = dy_i/n_i and, under SUM, ∂ℓ/∂n_i = −dy_i·y_i/n_i (n_i = Σ_j a_ij + eps). */
  private void normaliserGrads(KernelSet ks, Scratch sc, float[] doh, float[] oh, LinearSaved sv, int task, int t) {
    int hs = layout.headSize();
    for (int i = 0; i < t; i++) {
      float n = sv.den[task * t + i];
      System.arraycopy(doh, i * hs, sc.dnum, i * hs, hs);
      ks.scale(sc.dnum, i * hs, hs, 1f / n);
      sc.dden[i] = norm == Normalization.SUM ? -ks.dot(doh, i * hs, oh, i * hs, hs) / n : 0f;
    }
  }

  private void parallelBackward(KernelSet ks, Head hd, Scratch sc, float[] dxq, float[] dxk, float[] dvPart, int hOff,
                                float[] doh, float[] oh, LinearSaved sv, int task, int b, int t) {
    int hs = layout.headSize(), wOff = task * t * t;
    float[] dw = sc.tt;
    // dV = Wᵀ dY;  dW = dY Vᵀ
    ks.matmulTN(dvPart, hOff, sv.weights, wOff, doh, 0, t, t, hs, false);
    ks.matmulNT(dw, 0, doh, 0, hd.vh, 0, t, hs, t, false);
    // W = A/n:  dA_ij = (dW_ij − [SUM] dy_i·y_i)/n_i, then through the decay: dK_ij = dA_ij λ^{|i−j|}
    for (int i = 0; i < t; i++) {
      float n = sv.den[task * t + i];
      float c = norm == Normalization.SUM ? ks.dot(doh, i * hs, oh, i * hs, hs) : 0f;
      int s0 = start(sv.mask, b, i, t), e = end(sv.mask, b, i, t), row = i * t;
      for (int j = 0; j < t; j++) dw[row + j] = (j >= s0 && j < e) ? (dw[row + j] - c) / n * hd.pw[Math.abs(i - j)] : 0f;
    }
    if (map.factorizes()) {
      int f = features;
      ks.matmul(sc.dfq, 0, dw, 0, hd.fk, 0, t, t, f, false);   // dφ(q) = dK φ(k)
      ks.matmulTN(sc.dfk, 0, dw, 0, hd.fq, 0, t, t, f, false); // dφ(k) = dKᵀ φ(q)
      map.backward(ks, dxq, sc.dfq, hd.xq, hd.fq, proj, t, hs, f);
      map.backward(ks, dxk, sc.dfk, hd.xk, hd.fk, proj, t, hs, f);
    } else {
      // RELU2: K_ij = relu(x_i·y_j)², dK/d(x_i·y_j) = 2 relu(x_i·y_j)
      if (sc.tt2 == null) sc.tt2 = new float[t * t];
      float[] sxy = sc.tt2;
      ks.matmulNT(sxy, 0, hd.xq, 0, hd.xk, 0, t, hs, t, false);
      for (int i = 0; i < t * t; i++) dw[i] = sxy[i] > 0f ? 2f * sxy[i] * dw[i] : 0f;
      ks.matmul(dxq, 0, dw, 0, hd.xk, 0, t, t, hs, false);
      ks.matmulTN(dxk, 0, dw, 0, hd.xq, 0, t, t, hs, false);
    }
  }

  private void recurrentBackward(KernelSet ks, Head hd, Scratch sc, float[] dxq, float[] dxk, float[] dvPart, int hOff,
                                 float[] doh, float[] oh, LinearSaved sv, int task, int t) {
    int hs = layout.headSize(), f = features;
    float lam = hd.lambda;
    normaliserGrads(ks, sc, doh, oh, sv, task, t);
    float[] s = new float[f * hs], z = new float[f];
    // pass 1, forwards: rebuild S_i, z_i;  dφ(q_i) = S_i dnum_i + z_i ∂ℓ/∂n_i
    for (int i = 0; i < t; i++) {
      if (lam != 1f) {
        ks.scale(s, 0, f * hs, lam);
        ks.scale(z, 0, f, lam);
      }
      ks.matmulTN(s, 0, hd.fk, i * f, hd.vh, i * hs, f, 1, hs, true);
      ks.add(z, 0, z, 0, hd.fk, i * f, f);
      ks.matmulNT(sc.dfq, i * f, sc.dnum, i * hs, s, 0, 1, hs, f, false);
      if (sc.dden[i] != 0f) ks.axpy(sc.dden[i], z, 0, sc.dfq, i * f, f);
    }
    // pass 2, backwards: dS_i = λ dS_{i+1} + φ(q_i) dnum_iᵀ;  dφ(k_i) = dS_i v_i + dz_i;  dv_i = dS_iᵀ φ(k_i)
    float[] ds = s, dz = z;
    Arrays.fill(ds, 0f);
    Arrays.fill(dz, 0f);
    for (int i = t - 1; i >= 0; i--) {
      if (lam != 1f) {
        ks.scale(ds, 0, f * hs, lam);
        ks.scale(dz, 0, f, lam);
      }
      ks.matmulTN(ds, 0, hd.fq, i * f, sc.dnum, i * hs, f, 1, hs, true);
      if (sc.dden[i] != 0f) ks.axpy(sc.dden[i], hd.fq, i * f, dz, 0, f);
      ks.matmulNT(sc.dfk, i * f, hd.vh, i * hs, ds, 0, 1, hs, f, false);
      ks.add(sc.dfk, i * f, sc.dfk, i * f, dz, 0, f);
      ks.matmul(dvPart, hOff + i * hs, hd.fk, i * f, ds, 0, 1, f, hs, false);
    }
    map.backward(ks, dxq, sc.dfq, hd.xq, hd.fq, proj, t, hs, f);
    map.backward(ks, dxk, sc.dfk, hd.xk, hd.fk, proj, t, hs, f);
  }

  private void chunkedBackward(KernelSet ks, Head hd, Scratch sc, float[] dxq, float[] dxk, float[] dvPart, int hOff,
                               float[] doh, float[] oh, LinearSaved sv, int task, int t) {
    int hs = layout.headSize(), f = features, cs = Math.min(chunk, t), nc = (t + chunk - 1) / chunk;
    float lam = hd.lambda;
    normaliserGrads(ks, sc, doh, oh, sv, task, t);
    Arrays.fill(sc.dfq, 0f);
    Arrays.fill(sc.dfk, 0f);
    float[] ds = new float[f * hs], dz = new float[f];   // ∂ℓ/∂(state after the chunk)
    float[] a = new float[cs * cs], da = new float[cs * cs];
    float[] fks = new float[cs * f], tmp = new float[cs * f], dng = new float[cs * hs];
    for (int ci = nc - 1; ci >= 0; ci--) {
      int c0 = ci * chunk, len = Math.min(chunk, t - c0);
      int sOff = (task * nc + ci) * f * hs, zOff = (task * nc + ci) * f;
      // (1) the carry S' = λ^L S + Σ_j δ_j φ(k_j) v_jᵀ, δ_j = λ^{c1−1−j}:  dφ(k_j) += δ_j (dS' v_j + dz'),  dv_j += δ_j dS'ᵀ φ(k_j)
      for (int jj = 0; jj < len; jj++) {
        System.arraycopy(hd.fk, (c0 + jj) * f, fks, jj * f, f);
        if (lam != 1f) ks.scale(fks, jj * f, f, hd.pw[len - 1 - jj]);
      }
      ks.matmulNT(tmp, 0, hd.vh, c0 * hs, ds, 0, len, hs, f, false);
      for (int jj = 0; jj < len; jj++) {
        ks.add(tmp, jj * f, tmp, jj * f, dz, 0, f);
        ks.axpy(hd.pw[len - 1 - jj], tmp, jj * f, sc.dfk, (c0 + jj) * f, f);
      }
      ks.matmul(dvPart, hOff + c0 * hs, fks, 0, ds, 0, len, f, hs, true);
      // (2) inter-chunk y_i ∋ γ_i S_cᵀ φ(q_i), n_i ∋ γ_i φ(q_i)·z_c, γ_i = λ^{i−c0+1}
      for (int ii = 0; ii < len; ii++) {
        System.arraycopy(sc.dnum, (c0 + ii) * hs, dng, ii * hs, hs);
        if (lam != 1f) ks.scale(dng, ii * hs, hs, hd.pw[ii + 1]);
      }
      ks.matmulNT(sc.dfq, c0 * f, dng, 0, sv.states, sOff, len, hs, f, true);
      for (int ii = 0; ii < len; ii++) {
        float dd = sc.dden[c0 + ii];
        if (dd != 0f) ks.axpy(hd.pw[ii + 1] * dd, sv.zs, zOff, sc.dfq, (c0 + ii) * f, f);
      }
      // (3) intra-chunk: A_ij = φ(q_i)·φ(k_j) λ^{i−j} (j ≤ i);  dA_ij = dnum_i·v_j + ∂ℓ/∂n_i
      ks.matmulNT(a, 0, hd.fq, c0 * f, hd.fk, c0 * f, len, f, len, false);
      for (int ii = 0; ii < len; ii++) {
        for (int jj = 0; jj < len; jj++) a[ii * len + jj] = jj <= ii ? a[ii * len + jj] * hd.pw[ii - jj] : 0f;
      }
      ks.matmulTN(dvPart, hOff + c0 * hs, a, 0, sc.dnum, c0 * hs, len, len, hs, true);
      ks.matmulNT(da, 0, sc.dnum, c0 * hs, hd.vh, c0 * hs, len, hs, len, false);
      for (int ii = 0; ii < len; ii++) {
        float dd = sc.dden[c0 + ii];
        for (int jj = 0; jj < len; jj++) da[ii * len + jj] = jj <= ii ? (da[ii * len + jj] + dd) * hd.pw[ii - jj] : 0f;
      }
      ks.matmul(sc.dfq, c0 * f, da, 0, hd.fk, c0 * f, len, len, f, true);
      ks.matmulTN(sc.dfk, c0 * f, da, 0, hd.fq, c0 * f, len, len, f, true);
      // (4) hand the state gradient to the chunk before: dS = λ^L dS' + Σ_i γ_i φ(q_i) dnum_iᵀ,  dz likewise
      if (lam != 1f) {
        ks.scale(ds, 0, f * hs, hd.pw[len]);
        ks.scale(dz, 0, f, hd.pw[len]);
      }
      ks.matmulTN(ds, 0, hd.fq, c0 * f, dng, 0, f, len, hs, true);
      for (int ii = 0; ii < len; ii++) {
        float dd = sc.dden[c0 + ii];
        if (dd != 0f) ks.axpy(hd.pw[ii + 1] * dd, hd.fq, (c0 + ii) * f, dz, 0, f);
      }
    }
    map.backward(ks, dxq, sc.dfq, hd.xq, hd.fq, proj, t, hs, f);
    map.backward(ks, dxk, sc.dfk, hd.xk, hd.fk, proj, t, hs, f);
  }

  // ---------------------------------------------------------------------------------------------
  // weights and decoding

  @Override
  public float[] weights(float[] q, float[] k, float[] headScale, Mask mask, int batch, int t) {
    float[] v = new float[batch * t * layout.kvWidth()];
    float[] out = new float[batch * t * layout.qWidth()];
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    if (headScale != null) throw new IllegalArgumentException("headScale is only defined for softmax attention; pass null");
    checkMaskForForm(mask);
    float[] w = new float[probSize(batch, t)];
    parallelCore(null, w, new float[batch * layout.heads() * t], q, k, v, mask, batch, t);
    return w;
  }

  /** A zero state (RELU2 has none: it cannot decode incrementally). */
  @Override
  public LinearState newDecodeState(int batch, int capacity) {
    if (!map.factorizes()) {
      throw new IllegalArgumentException("feature map " + map + " has no recurrent state; decode it with the parallel form");
    }
    return new LinearState(batch, layout.heads(), features, layout.headSize());
  }

  @Override
  public void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, int tq) {
    if (!(state instanceof LinearState st)) {
      throw new IllegalArgumentException("decode state " + (state == null ? "null" : state.getClass().getSimpleName())
          + " is not a LinearState (use this attention's newDecodeState)");
    }
    if (st.heads() != layout.heads() || st.features() != features || st.headSize() != layout.headSize()) {
      throw new IllegalArgumentException("state has heads=" + st.heads() + ", features=" + st.features() + ", headSize="
          + st.headSize() + " but the layer has heads=" + layout.heads() + ", features=" + features
          + ", headSize=" + layout.headSize());
    }
    if (headScale != null) throw new IllegalArgumentException("headScale is only defined for softmax attention; pass null");
    if (tq < 1) throw new IllegalArgumentException("tq=" + tq + " must be >= 1");
    long n = (long) st.batch() * tq;
    AttentionSupport.checkLength("q", q, n * layout.qWidth());
    AttentionSupport.checkLength("out", out, n * layout.qWidth());
    AttentionSupport.checkLength("k", k, n * layout.kvWidth());
    AttentionSupport.checkLength("v", v, n * layout.kvWidth());
    recurrentCore(out, null, q, k, v, st, st.batch(), tq, st.length);
    st.length += tq;
  }

  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    long bh = (long) batch * layout.heads(), hs = layout.headSize(), f = features, ths = t * hs;
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long cs = Math.min(chunk, t), nc = (t + chunk - 1) / chunk;
    long head = 3 * ths + (map.factorizes() ? 2L * t * f : 0) + t + 1; // x, y, v, φ(x), φ(y), decay powers
    long saved = bh * t;                                              // n_i
    long fwd;
    switch (form) {
      case PARALLEL: saved += bh * t * t; fwd = w * (head + ths); break;
      case RECURRENT: fwd = w * (head + f * hs + f + ths); break;
      default:
        saved += bh * nc * (f * hs + f);
        fwd = w * (head + f * hs + f + cs * cs + cs * f + ths);
    }
    long bwd = 2 * bh * ths + w * (head + 4 * ths + 2L * t * f + ths + t);
    switch (form) {
      case PARALLEL: bwd += w * (long) t * t * (map.factorizes() ? 1 : 2); break;
      case RECURRENT: bwd += w * (f * hs + f); break;
      default: bwd += w * (f * hs + f + 2 * cs * cs + 2 * cs * f + cs * hs);
    }
    return 4 * (saved + (withBackward ? Math.max(fwd, bwd) : fwd));
  }
}
