package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.end;
import static dev.focus.attention.AttentionSupport.pack;
import static dev.focus.attention.AttentionSupport.start;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
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
 * <p><b>Rotary numerator</b> ({@link #withRotary}): RoFormer §3.4.4 (Su et al. 2021, eq. 19) rotates
 * the features in the numerator only, a_ij = (R_i φ(q_i))·(R_j φ(k_j)) with R_n the RoPE rotation of
 * position n, while n_i keeps the unrotated φ(q_i)·φ(k_j). Since R_iᵀR_j = R_{j−i} the weights depend
 * on relative positions only, and the recurrent state becomes S_i = Σ_j λ^{i−j} (R_j φ(k_j)) v_jᵀ.
 *
 * <p>Three forms compute the same function:
 * <ul>
 *   <li>{@link Form#PARALLEL}: the masked (T, T) matrix, any {@link Mask}; O(T²) time and memory.
 *       Under a causal mask query block [r0, r1) (64 rows) multiplies only keys [0, r1), the
 *       normaliser comes from running sums, and the weights are saved in the causal block layout of
 *       {@link AttentionSupport#causalIndex} (about half the work of the full square).
 *   <li>{@link Form#RECURRENT}: S_i = λS_{i−1} + φ(k_i)v_iᵀ, z_i = λz_{i−1} + φ(k_i),
 *       y_i = S_iᵀφ(q_i)/n_i (Katharopoulos §3.4); causal only; O(T·F·HS) time, O(F·HS) state.
 *   <li>{@link Form#CHUNKED}: chunks of C tokens; inside a chunk the parallel form, across chunks the
 *       state carried from the chunk before (as in GLA/RetNet chunkwise training); causal only.
 * </ul>
 * Backward passes are hand-written for each form; the recurrent one recomputes the state forwards and
 * runs the adjoint state dS_i = λdS_{i+1} + φ(q_i)dnum_iᵀ backwards, so it also needs O(F·HS) state.
 * Under a causal mask every form takes the normaliser's gradient from running sums:
 * n_i = φ(q_i)·z_i + eps with z_i = Σ_{j≤i} λ^{i−j} φ(k_j), so ∂ℓ/∂φ(q_i) ∋ (∂ℓ/∂n_i) z_i and
 * ∂ℓ/∂φ(k_j) ∋ r_j, r_j = λ r_{j+1} + (∂ℓ/∂n_j) φ(q_j).
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
  private final RopeTable rotary; // numerator rotation of the features (rows = positions), or null

  private LinearAttention(HeadLayout layout, FeatureMap map, Form form, int chunk, Normalization norm, float eps,
                          float scale, float[] decay, int features, long seed, RopeTable rotary) {
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
    int f = map == FeatureMap.POSITIVE_RANDOM ? features : layout.headSize();
    if (rotary != null) {
      if (!map.factorizes()) {
        throw new IllegalArgumentException("feature map " + map + " has no feature vectors to rotate; rotary needs a factorising map");
      }
      if (rotary.rotaryDim() > f) {
        throw new IllegalArgumentException("rotary dim " + rotary.rotaryDim() + " exceeds the feature size F=" + f);
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
    this.features = f;
    this.seed = seed;
    this.proj = map == FeatureMap.POSITIVE_RANDOM ? projection(this.features, layout.headSize(), seed) : null;
    this.rotary = rotary;
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
   * F = HS features from seed 42; no rotary numerator.
   */
  public static LinearAttention of(HeadLayout layout, FeatureMap map) {
    if (layout == null) throw new IllegalArgumentException("layout is null");
    if (map == null) throw new IllegalArgumentException("feature map is null");
    Normalization n = map.nonNegative() && map.factorizes() ? Normalization.SUM : Normalization.COUNT;
    return new LinearAttention(layout, map, Form.PARALLEL, 64, n, 1e-6f, layout.defaultScale(), null,
        layout.headSize(), 42L, null);
  }

  public LinearAttention withForm(Form f) {
    return new LinearAttention(layout, map, f, chunk, norm, eps, scale, decay, features, seed, rotary);
  }

  /** A copy using the chunked form with chunks of {@code c} tokens. */
  public LinearAttention withChunk(int c) {
    return new LinearAttention(layout, map, Form.CHUNKED, c, norm, eps, scale, decay, features, seed, rotary);
  }

  public LinearAttention withNormalization(Normalization n) {
    return new LinearAttention(layout, map, form, chunk, n, eps, scale, decay, features, seed, rotary);
  }

  /** A copy with n_i = Σ_j a_ij + {@code e} under SUM normalisation. */
  public LinearAttention withEps(float e) {
    return new LinearAttention(layout, map, form, chunk, norm, e, scale, decay, features, seed, rotary);
  }

  /** A copy with similarity f(√s·q, √s·k), s = {@code s}. */
  public LinearAttention withScale(float s) {
    return new LinearAttention(layout, map, form, chunk, norm, eps, s, decay, features, seed, rotary);
  }

  /** A copy with the same decay λ in (0, 1] for every head. */
  public LinearAttention withDecay(float lambda) {
    float[] d = new float[layout.heads()];
    Arrays.fill(d, lambda);
    return withDecay(d);
  }

  /** A copy with per-head decays λ_h in (0, 1]; null removes decay. */
  public LinearAttention withDecay(float[] perHead) {
    return new LinearAttention(layout, map, form, chunk, norm, eps, scale, perHead, features, seed, rotary);
  }

  /** A copy using {@code f} FAVOR+ features drawn from {@code seed} (POSITIVE_RANDOM only). */
  public LinearAttention withRandomFeatures(int f, long seed) {
    if (map != FeatureMap.POSITIVE_RANDOM) {
      throw new IllegalArgumentException("random features need map POSITIVE_RANDOM, not " + map);
    }
    return new LinearAttention(layout, map, form, chunk, norm, eps, scale, decay, f, seed, rotary);
  }

  /**
   * A copy that rotates the numerator's features (RoFormer §3.4.4): token i's φ(q_i) and φ(k_i) turn
   * by the rotation of row i of {@code table} (row offset + i when decoding), applied to each (F)
   * feature vector as one head of size F. The table must have a row for every position used and a
   * rotary dim ≤ F; null removes the rotation. Not for RELU2, which has no feature vectors.
   */
  public LinearAttention withRotary(RopeTable table) {
    return new LinearAttention(layout, map, form, chunk, norm, eps, scale, decay, features, seed, table);
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

  /** The numerator's rotary table, or null. */
  public RopeTable rotary() { return rotary; }

  static final class LinearSaved implements Saved {
    final float[] q, k, v, out;
    final float[] den;     // (B, H, T) n_i
    final float[] weights; // (B, H, T, T) normalised weights (parallel form; causal block layout when blocked), else null
    final boolean blocked;
    final float[] states;  // (B, H, nChunks, F, HS) state entering each chunk (chunked form), else null
    final float[] feats;   // (B, H, 2, T, F) φ(x), φ(y) unrotated (factorising maps), else null
    final Mask mask;
    final Form form;
    final int batch, t;
    float[] dkPart, dvPart; // (B, H, T, HS) backward scratch, allocated by the first backward and recycled

    LinearSaved(float[] q, float[] k, float[] v, float[] out, float[] den, float[] weights, boolean blocked,
                float[] states, float[] feats, Mask mask, Form form, int batch, int t) {
      this.q = q; this.k = k; this.v = v; this.out = out; this.den = den; this.weights = weights;
      this.blocked = blocked; this.states = states; this.feats = feats; this.mask = mask; this.form = form;
      this.batch = batch; this.t = t;
    }

    @Override public int batch() { return batch; }

    @Override public int t() { return t; }
  }

  // ---------------------------------------------------------------------------------------------
  // per-head working set

  /** One head's inputs as dense blocks: x = √s·q, y = √s·k, v, their features, and the rotated features. */
  private final class Head {
    final float[] xq, xk, vh; // (T, HS)
    final float[] fq, fk;     // (T, F) φ(xq), φ(xk) (unused for RELU2)
    final float[] rq, rk;     // (T, F) R_i φ(xq_i), R_i φ(xk_i): the numerator's features (alias fq, fk without rotary)
    final float[] pw;         // (T + 1) λ_h^d for d = 0..T
    float lambda = 1f;

    Head(int t) {
      xq = new float[t * layout.headSize()];
      xk = new float[t * layout.headSize()];
      vh = new float[t * layout.headSize()];
      fq = map.factorizes() ? new float[t * features] : null;
      fk = map.factorizes() ? new float[t * features] : null;
      rq = rotary != null ? new float[t * features] : fq;
      rk = rotary != null ? new float[t * features] : fk;
      pw = new float[t + 1];
    }

    /** Loads head h of batch row b, tokens at positions offset..offset+t−1. */
    void load(KernelSet ks, float[] q, float[] k, float[] v, int b, int h, int t, int offset) {
      load(ks, q, k, v, b, h, t, offset, null, false);
    }

    /**
     * As {@link #load(KernelSet, float[], float[], float[], int, int, int, int)}; with {@code feats}
     * (B·H, 2, T, F) the unrotated features are stored there ({@code restore} false, forward) or taken
     * from there instead of evaluating φ again ({@code restore} true, backward).
     */
    void load(KernelSet ks, float[] q, float[] k, float[] v, int b, int h, int t, int offset, float[] feats,
              boolean restore) {
      int hs = layout.headSize(), g = layout.kvHeadOf(h);
      float rs = (float) Math.sqrt(Math.abs(scale));
      pack(xq, q, b, 0, t, t, layout.heads(), h, hs);
      pack(xk, k, b, 0, t, t, layout.kvHeads(), g, hs);
      pack(vh, v, b, 0, t, t, layout.kvHeads(), g, hs);
      ks.scale(xq, 0, t * hs, scale < 0 ? -rs : rs);
      ks.scale(xk, 0, t * hs, rs);
      if (map.factorizes()) {
        int fOff = (b * layout.heads() + h) * 2 * t * features;
        if (feats != null && restore) {
          System.arraycopy(feats, fOff, fq, 0, t * features);
          System.arraycopy(feats, fOff + t * features, fk, 0, t * features);
        } else {
          map.apply(ks, fq, xq, proj, t, hs, features);
          map.apply(ks, fk, xk, proj, t, hs, features);
          if (feats != null) {
            System.arraycopy(fq, 0, feats, fOff, t * features);
            System.arraycopy(fk, 0, feats, fOff + t * features, t * features);
          }
        }
      }
      if (rotary != null) {
        System.arraycopy(fq, 0, rq, 0, t * features);
        System.arraycopy(fk, 0, rk, 0, t * features);
        rotate(rq, t, offset, false);
        rotate(rk, t, offset, false);
      }
      lambda = decay == null ? 1f : decay[h];
      for (int d = 0; d <= t; d++) pw[d] = lambda == 1f ? 1f : (float) Math.pow(lambda, d);
    }
  }

  /** Rotates rows 0..t−1 of a (T, F) feature block by the table rows offset.. (inverse: by −angle). */
  private void rotate(float[] x, int t, int offset, boolean inverse) {
    if (offset + t > rotary.tokens()) {
      throw new IllegalArgumentException("positions " + offset + ".." + (offset + t - 1) + " exceed the rotary table's "
          + rotary.tokens() + " rows");
    }
    if (inverse) {
      rotary.rotateBackward(x, 0, offset, t, 1, features);
    } else {
      rotary.rotate(x, 0, offset, t, 1, features);
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

  /**
   * Causal normalisers of one head from running sums of the unrotated features:
   * z_i = λz_{i−1} + φ(k_i), n_i = denominator(φ(q_i)·z_i) into den[dOff + i]. {@code z} is (F) scratch.
   */
  private void causalDenominators(KernelSet ks, Head hd, float[] den, int dOff, float[] z, int t) {
    int f = features;
    Arrays.fill(z, 0, f, 0f);
    for (int i = 0; i < t; i++) {
      if (hd.lambda != 1f) ks.scale(z, 0, f, hd.lambda);
      ks.add(z, 0, z, 0, hd.fk, i * f, f);
      den[dOff + i] = denominator(norm == Normalization.SUM ? ks.dot(hd.fq, i * f, z, 0, f) : 0f, i + 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // forward

  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, int batch, int t) {
    return forward(out, q, k, v, headScale, mask, batch, t, null);
  }

  /** As {@link Attention#forward}; reuses the saved buffers and backward scratch of {@code recycle} when they fit. */
  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, int batch, int t,
                       Saved recycle) {
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    if (headScale != null) throw new IllegalArgumentException("headScale is only defined for softmax attention; pass null");
    checkMaskForForm(mask);
    int bh = batch * layout.heads();
    LinearSaved old = recycle instanceof LinearSaved ls && ls.form == form && ls.batch == batch && ls.t == t ? ls : null;
    float[] den = old != null && old.den.length == bh * t ? old.den : new float[bh * t];
    // the features are kept for backward, which would otherwise evaluate φ (an exp per element for elu+1) again
    int nf = Math.multiplyExact(2 * bh * t, features);
    float[] feats = !map.factorizes() ? null : old != null && old.feats != null && old.feats.length == nf ? old.feats : new float[nf];
    LinearSaved saved;
    switch (form) {
      case PARALLEL: {
        int n = probSize(batch, t);
        float[] w = old != null && old.weights != null && old.weights.length == n ? old.weights : new float[n];
        boolean blocked = parallelCore(out, w, den, feats, q, k, v, mask, batch, t);
        saved = new LinearSaved(q, k, v, out, den, w, blocked, null, feats, mask, form, batch, t);
        break;
      }
      case RECURRENT:
        recurrentCore(out, den, feats, q, k, v, null, batch, t, 0);
        saved = new LinearSaved(q, k, v, out, den, null, false, null, feats, mask, form, batch, t);
        break;
      default: {
        int nc = (t + chunk - 1) / chunk;
        int n = Math.multiplyExact(bh * nc, features * layout.headSize());
        float[] states = old != null && old.states != null && old.states.length == n ? old.states : new float[n];
        chunkedCore(out, den, feats, states, q, k, v, batch, t);
        saved = new LinearSaved(q, k, v, out, den, null, false, states, feats, mask, form, batch, t);
      }
    }
    if (old != null && old.dkPart != null && old.dkPart.length == bh * t * layout.headSize()) {
      saved.dkPart = old.dkPart;
      saved.dvPart = old.dvPart;
    }
    return saved;
  }

  private int probSize(int batch, int t) {
    long n = (long) batch * layout.heads() * t * t;
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("B·H·T·T=" + n + " weights do not fit an array");
    return (int) n;
  }

  /**
   * Parallel form: w (B, H, T, T) = normalised weights, den (B, H, T), and out = w v when out != null.
   * Returns true when w is in the causal block layout (a causal mask and a factorising map).
   */
  private boolean parallelCore(float[] out, float[] w, float[] den, float[] feats, float[] q, float[] k, float[] v,
                               Mask mask, int batch, int t) {
    final int nh = layout.heads(), hs = layout.headSize(), f = features;
    final boolean blocked = mask.isCausal() && map.factorizes();
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] oh = new float[t * hs];
      float[] z = blocked ? new float[f] : null;
      float[] u = !blocked && rotary != null ? new float[t * t] : null; // (T, T) unrotated similarities for n_i
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, wOff = task * t * t;
        hd.load(ks, q, k, v, b, h, t, 0, feats, false);
        if (blocked) {
          // n_i from running sums; query block [r0, r1) sees keys [0, r1) only
          causalDenominators(ks, hd, den, task * t, z, t);
          for (int r0 = 0; r0 < t; r0 += AttentionSupport.CAUSAL_BLOCK) {
            int r1 = Math.min(r0 + AttentionSupport.CAUSAL_BLOCK, t), bo = wOff + r0 * t;
            ks.matmulNT(w, bo, hd.rq, r0 * f, hd.rk, 0, r1 - r0, f, r1, false);
            for (int i = r0; i < r1; i++) {
              int row = bo + (i - r0) * r1;
              if (hd.lambda != 1f) for (int j = 0; j <= i; j++) w[row + j] *= hd.pw[i - j];
              ks.scale(w, row, i + 1, 1f / den[task * t + i]);
              Arrays.fill(w, row + i + 1, row + r1, 0f);
            }
            if (out != null) ks.matmul(oh, r0 * hs, w, bo, hd.vh, 0, r1 - r0, r1, hs, false);
          }
          if (out != null) unpack(out, oh, b, 0, t, t, nh, h, hs);
          continue;
        }
        if (map.factorizes()) {
          ks.matmulNT(w, wOff, hd.rq, 0, hd.rk, 0, t, f, t, false);
          if (u != null) ks.matmulNT(u, 0, hd.fq, 0, hd.fk, 0, t, f, t, false);
        } else {
          ks.matmulNT(w, wOff, hd.xq, 0, hd.xk, 0, t, hs, t, false);
          for (int i = wOff; i < wOff + t * t; i++) w[i] = w[i] > 0f ? w[i] * w[i] : 0f; // relu(s)²
        }
        for (int i = 0; i < t; i++) {
          int row = wOff + i * t, s0 = start(mask, b, i, t), e = end(mask, b, i, t);
          Arrays.fill(w, row, row + s0, 0f);
          Arrays.fill(w, row + Math.max(e, s0), row + t, 0f);
          if (hd.lambda != 1f) for (int j = s0; j < e; j++) w[row + j] *= hd.pw[Math.abs(i - j)];
          float sum = 0f;
          if (e > s0 && norm == Normalization.SUM) {
            if (u == null) {
              sum = ks.sum(w, row + s0, e - s0);
            } else {
              for (int j = s0; j < e; j++) sum += u[i * t + j] * hd.pw[Math.abs(i - j)];
            }
          }
          float n = denominator(sum, e - s0);
          den[task * t + i] = n;
          if (e > s0) ks.scale(w, row + s0, e - s0, 1f / n);
        }
        if (out != null) {
          ks.matmul(oh, 0, w, wOff, hd.vh, 0, t, t, hs, false);
          unpack(out, oh, b, 0, t, t, nh, h, hs);
        }
      }
    });
    return blocked;
  }

  /**
   * Recurrent form over {@code t} tokens at positions offset.. (causal). When {@code state} is given,
   * starts from its sums and leaves the final sums in it; else starts from zero.
   */
  private void recurrentCore(float[] out, float[] den, float[] feats, float[] q, float[] k, float[] v, LinearState state,
                             int batch, int t, int offset) {
    final int nh = layout.heads(), hs = layout.headSize(), f = features;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] s = new float[f * hs], z = new float[f], oh = new float[t * hs];
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh;
        hd.load(ks, q, k, v, b, h, t, offset, feats, false);
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
          ks.matmulTN(s, 0, hd.rk, i * f, hd.vh, i * hs, f, 1, hs, true); // S += (R_i φ(k_i)) v_iᵀ
          ks.add(z, 0, z, 0, hd.fk, i * f, f);                             // z += φ(k_i)
          ks.matmul(oh, i * hs, hd.rq, i * f, s, 0, 1, f, hs, false);      // num = Sᵀ R_i φ(q_i)
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

  /** Chunked form (causal): saves the state entering each chunk in states (B, H, nChunks, F, HS). */
  private void chunkedCore(float[] out, float[] den, float[] feats, float[] states, float[] q, float[] k, float[] v,
                           int batch, int t) {
    final int nh = layout.heads(), hs = layout.headSize(), f = features, cs = Math.min(chunk, t);
    final int nc = (t + chunk - 1) / chunk;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] s = new float[f * hs], z = new float[f];
      float[] a = new float[cs * cs];   // (L, L) intra-chunk weights
      float[] fks = new float[cs * f];  // (L, F) R_j φ(k_j)·λ^{c1−1−j}
      float[] oh = new float[t * hs];   // (T, HS)
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh;
        hd.load(ks, q, k, v, b, h, t, 0, feats, false);
        causalDenominators(ks, hd, den, task * t, z, t);
        Arrays.fill(s, 0f);
        for (int c0 = 0, ci = 0; c0 < t; c0 += chunk, ci++) {
          int len = Math.min(chunk, t - c0);
          System.arraycopy(s, 0, states, (task * nc + ci) * f * hs, f * hs);
          // inter-chunk: λ^{i−c0+1} Sᵀ R_i φ(q_i)
          ks.matmul(oh, c0 * hs, hd.rq, c0 * f, s, 0, len, f, hs, false);
          // intra-chunk: A_ij = (R_i φ(q_i))·(R_j φ(k_j)) λ^{i−j}, j ≤ i
          ks.matmulNT(a, 0, hd.rq, c0 * f, hd.rk, c0 * f, len, f, len, false);
          for (int ii = 0; ii < len; ii++) {
            for (int jj = 0; jj < len; jj++) a[ii * len + jj] = jj <= ii ? a[ii * len + jj] * hd.pw[ii - jj] : 0f;
            float g = hd.pw[ii + 1];
            if (g != 1f) ks.scale(oh, (c0 + ii) * hs, hs, g);
          }
          ks.matmul(oh, c0 * hs, a, 0, hd.vh, c0 * hs, len, len, hs, true);
          for (int ii = 0; ii < len; ii++) ks.scale(oh, (c0 + ii) * hs, hs, 1f / den[task * t + c0 + ii]);
          // carry: S = λ^L S + Σ_j λ^{c1−1−j} (R_j φ(k_j)) v_jᵀ
          if (hd.lambda != 1f) ks.scale(s, 0, f * hs, hd.pw[len]);
          for (int jj = 0; jj < len; jj++) {
            System.arraycopy(hd.rk, (c0 + jj) * f, fks, jj * f, f);
            if (hd.lambda != 1f) ks.scale(fks, jj * f, f, hd.pw[len - 1 - jj]);
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
    if (sv.dkPart == null) {
      sv.dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
      sv.dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
    }
    final float[] dkPart = sv.dkPart, dvPart = sv.dvPart;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      Head hd = new Head(t);
      float[] oh = new float[t * hs], doh = new float[t * hs];
      float[] dxq = new float[t * hs], dxk = new float[t * hs];
      Scratch sc = new Scratch(t, sv.blocked);
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, hOff = task * t * hs;
        hd.load(ks, sv.q, sv.k, sv.v, b, h, t, 0, sv.feats, true);
        pack(oh, sv.out, b, 0, t, t, nh, h, hs);
        pack(doh, dOut, b, 0, t, t, nh, h, hs);
        Arrays.fill(dvPart, hOff, hOff + t * hs, 0f);
        normaliserGrads(ks, sc, doh, oh, sv, task, t);
        switch (sv.form) {
          case PARALLEL:
            if (sv.blocked) {
              causalParallelBackward(ks, hd, sc, dvPart, hOff, doh, sv, task, t);
            } else {
              parallelBackward(ks, hd, sc, dxq, dxk, dvPart, hOff, doh, sv, task, b, t);
              scaleInputGrads(ks, dq, dxq, dxk, dkPart, b, h, hOff, t);
              continue;
            }
            break;
          case RECURRENT:
            recurrentBackward(ks, hd, sc, dvPart, hOff, t);
            break;
          default:
            chunkedBackward(ks, hd, sc, dvPart, hOff, sv, task, t);
        }
        // causal forms: the numerator's feature gradients are in dfq, dfk; undo the rotation, add the
        // normaliser's, then go through φ
        if (rotary != null) {
          rotate(sc.dfq, t, 0, true);
          rotate(sc.dfk, t, 0, true);
        }
        causalNormaliserGrads(ks, hd, sc, t);
        map.backward(ks, dxq, sc.dfq, hd.xq, hd.fq, proj, t, hs, features);
        map.backward(ks, dxk, sc.dfk, hd.xk, hd.fk, proj, t, hs, features);
        scaleInputGrads(ks, dq, dxq, dxk, dkPart, b, h, hOff, t);
      }
    });
    AttentionSupport.reduceGroups(layout, dk, dkPart, batch, t);
    AttentionSupport.reduceGroups(layout, dv, dvPart, batch, t);
  }

  /** x = √s·q, y = √s·k: dq = √s·dx (sign of s on q), then into dq and the per-head key gradients. */
  private void scaleInputGrads(KernelSet ks, float[] dq, float[] dxq, float[] dxk, float[] dkPart, int b, int h, int hOff,
                               int t) {
    int hs = layout.headSize();
    float rs = (float) Math.sqrt(Math.abs(scale));
    ks.scale(dxq, 0, t * hs, scale < 0 ? -rs : rs);
    ks.scale(dxk, 0, t * hs, rs);
    unpack(dq, dxq, b, 0, t, t, layout.heads(), h, hs);
    System.arraycopy(dxk, 0, dkPart, hOff, t * hs);
  }

  /** Per-worker backward buffers. */
  private final class Scratch {
    final float[] dfq, dfk;     // (T, F)
    final float[] dnum;         // (T, HS) dy_i / n_i
    final float[] dden;         // (T) ∂ℓ/∂n_i
    final float[] tt;           // (T, T) general parallel form, or (64, T) causal blocks; else null
    final float[] z;            // (F) running sums
    float[] tt2;

    Scratch(int t, boolean blocked) {
      dfq = new float[t * features];
      dfk = new float[t * features];
      dnum = new float[t * layout.headSize()];
      dden = new float[t];
      z = new float[features];
      tt = form != Form.PARALLEL ? null : new float[(blocked ? Math.min(AttentionSupport.CAUSAL_BLOCK, t) : t) * t];
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

  /**
   * Causal normaliser gradients (see the class comment): dφ(q_i) += (∂ℓ/∂n_i) z_i with
   * z_i = λz_{i−1} + φ(k_i), and dφ(k_j) += r_j with r_j = λr_{j+1} + (∂ℓ/∂n_j) φ(q_j).
   */
  private void causalNormaliserGrads(KernelSet ks, Head hd, Scratch sc, int t) {
    if (norm != Normalization.SUM) return;
    int f = features;
    float[] z = sc.z;
    Arrays.fill(z, 0f);
    for (int i = 0; i < t; i++) {
      if (hd.lambda != 1f) ks.scale(z, 0, f, hd.lambda);
      ks.add(z, 0, z, 0, hd.fk, i * f, f);
      ks.axpy(sc.dden[i], z, 0, sc.dfq, i * f, f);
    }
    Arrays.fill(z, 0f);
    for (int j = t - 1; j >= 0; j--) {
      if (hd.lambda != 1f) ks.scale(z, 0, f, hd.lambda);
      ks.axpy(sc.dden[j], hd.fq, j * f, z, 0, f);
      ks.add(sc.dfk, j * f, sc.dfk, j * f, z, 0, f);
    }
  }

  /**
   * Parallel form under a causal mask, block by block (query rows [r0, r1), keys [0, r1)), numerator
   * only: dV += Wᵀ dY, dA_ij = (dnum_i·v_j) λ^{i−j} (j ≤ i), d(Rφ(q)) = dA Rφ(k), d(Rφ(k)) += dAᵀ Rφ(q).
   */
  private void causalParallelBackward(KernelSet ks, Head hd, Scratch sc, float[] dvPart, int hOff, float[] doh,
                                      LinearSaved sv, int task, int t) {
    int hs = layout.headSize(), f = features, wOff = task * t * t;
    float[] da = sc.tt;
    Arrays.fill(sc.dfk, 0f);
    for (int r0 = 0; r0 < t; r0 += AttentionSupport.CAUSAL_BLOCK) {
      int r1 = Math.min(r0 + AttentionSupport.CAUSAL_BLOCK, t), rows = r1 - r0, bo = wOff + r0 * t;
      ks.matmulTN(dvPart, hOff, sv.weights, bo, doh, r0 * hs, r1, rows, hs, true);
      ks.matmulNT(da, 0, sc.dnum, r0 * hs, hd.vh, 0, rows, hs, r1, false);
      for (int i = r0; i < r1; i++) {
        int row = (i - r0) * r1;
        if (hd.lambda != 1f) for (int j = 0; j <= i; j++) da[row + j] *= hd.pw[i - j];
        Arrays.fill(da, row + i + 1, row + r1, 0f);
      }
      ks.matmul(sc.dfq, r0 * f, da, 0, hd.rk, 0, rows, r1, f, false);
      ks.matmulTN(sc.dfk, 0, da, 0, hd.rq, r0 * f, r1, rows, f, true);
    }
  }

  /** Parallel form, any mask; leaves the input gradients in dxq, dxk. */
  private void parallelBackward(KernelSet ks, Head hd, Scratch sc, float[] dxq, float[] dxk, float[] dvPart, int hOff,
                                float[] doh, LinearSaved sv, int task, int b, int t) {
    int hs = layout.headSize(), wOff = task * t * t;
    float[] dw = sc.tt;
    // dV = Wᵀ dY;  dW = dY Vᵀ
    ks.matmulTN(dvPart, hOff, sv.weights, wOff, doh, 0, t, t, hs, false);
    ks.matmulNT(dw, 0, doh, 0, hd.vh, 0, t, hs, t, false);
    // W = A/n:  dA_ij = dW_ij/n_i + ∂ℓ/∂n_i, then through the decay (n_i sums the same A_ij unless rotated)
    float[] du = null;
    if (rotary != null) {
      if (sc.tt2 == null) sc.tt2 = new float[t * t];
      du = sc.tt2;
    }
    for (int i = 0; i < t; i++) {
      float n = sv.den[task * t + i], dd = sc.dden[i];
      int s0 = start(sv.mask, b, i, t), e = end(sv.mask, b, i, t), row = i * t;
      for (int j = 0; j < t; j++) {
        boolean in = j >= s0 && j < e;
        float p = hd.pw[Math.abs(i - j)];
        if (du == null) {
          dw[row + j] = in ? (dw[row + j] / n + dd) * p : 0f;
        } else {
          dw[row + j] = in ? dw[row + j] / n * p : 0f;
          du[row + j] = in ? dd * p : 0f;
        }
      }
    }
    if (map.factorizes()) {
      int f = features;
      ks.matmul(sc.dfq, 0, dw, 0, hd.rk, 0, t, t, f, false);   // dφ(q) = dA φ(k)
      ks.matmulTN(sc.dfk, 0, dw, 0, hd.rq, 0, t, t, f, false); // dφ(k) = dAᵀ φ(q)
      if (du != null) {
        rotate(sc.dfq, t, 0, true);
        rotate(sc.dfk, t, 0, true);
        ks.matmul(sc.dfq, 0, du, 0, hd.fk, 0, t, t, f, true);
        ks.matmulTN(sc.dfk, 0, du, 0, hd.fq, 0, t, t, f, true);
      }
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

  /** Recurrent form, numerator only (dfq, dfk overwritten). */
  private void recurrentBackward(KernelSet ks, Head hd, Scratch sc, float[] dvPart, int hOff, int t) {
    int hs = layout.headSize(), f = features;
    float lam = hd.lambda;
    float[] s = new float[f * hs];
    // pass 1, forwards: rebuild S_i;  d(Rφ(q_i)) = S_i dnum_i
    for (int i = 0; i < t; i++) {
      if (lam != 1f) ks.scale(s, 0, f * hs, lam);
      ks.matmulTN(s, 0, hd.rk, i * f, hd.vh, i * hs, f, 1, hs, true);
      ks.matmulNT(sc.dfq, i * f, sc.dnum, i * hs, s, 0, 1, hs, f, false);
    }
    // pass 2, backwards: dS_i = λ dS_{i+1} + Rφ(q_i) dnum_iᵀ;  d(Rφ(k_i)) = dS_i v_i;  dv_i = dS_iᵀ Rφ(k_i)
    float[] ds = s;
    Arrays.fill(ds, 0f);
    for (int i = t - 1; i >= 0; i--) {
      if (lam != 1f) ks.scale(ds, 0, f * hs, lam);
      ks.matmulTN(ds, 0, hd.rq, i * f, sc.dnum, i * hs, f, 1, hs, true);
      ks.matmulNT(sc.dfk, i * f, hd.vh, i * hs, ds, 0, 1, hs, f, false);
      ks.matmul(dvPart, hOff + i * hs, hd.rk, i * f, ds, 0, 1, f, hs, false);
    }
  }

  /** Chunked form, numerator only (dfq, dfk overwritten). */
  private void chunkedBackward(KernelSet ks, Head hd, Scratch sc, float[] dvPart, int hOff, LinearSaved sv, int task,
                               int t) {
    int hs = layout.headSize(), f = features, cs = Math.min(chunk, t), nc = (t + chunk - 1) / chunk;
    float lam = hd.lambda;
    Arrays.fill(sc.dfq, 0f);
    Arrays.fill(sc.dfk, 0f);
    float[] ds = new float[f * hs];   // ∂ℓ/∂(state after the chunk)
    float[] a = new float[cs * cs], da = new float[cs * cs];
    float[] fks = new float[cs * f], tmp = new float[cs * f], dng = new float[cs * hs];
    for (int ci = nc - 1; ci >= 0; ci--) {
      int c0 = ci * chunk, len = Math.min(chunk, t - c0);
      int sOff = (task * nc + ci) * f * hs;
      // (1) the carry S' = λ^L S + Σ_j δ_j Rφ(k_j) v_jᵀ, δ_j = λ^{c1−1−j}:  d(Rφ(k_j)) += δ_j dS' v_j,  dv_j += δ_j dS'ᵀ Rφ(k_j)
      for (int jj = 0; jj < len; jj++) {
        System.arraycopy(hd.rk, (c0 + jj) * f, fks, jj * f, f);
        if (lam != 1f) ks.scale(fks, jj * f, f, hd.pw[len - 1 - jj]);
      }
      ks.matmulNT(tmp, 0, hd.vh, c0 * hs, ds, 0, len, hs, f, false);
      for (int jj = 0; jj < len; jj++) ks.axpy(hd.pw[len - 1 - jj], tmp, jj * f, sc.dfk, (c0 + jj) * f, f);
      ks.matmul(dvPart, hOff + c0 * hs, fks, 0, ds, 0, len, f, hs, true);
      // (2) inter-chunk y_i ∋ γ_i S_cᵀ Rφ(q_i)/n_i, γ_i = λ^{i−c0+1}
      for (int ii = 0; ii < len; ii++) {
        System.arraycopy(sc.dnum, (c0 + ii) * hs, dng, ii * hs, hs);
        if (lam != 1f) ks.scale(dng, ii * hs, hs, hd.pw[ii + 1]);
      }
      ks.matmulNT(sc.dfq, c0 * f, dng, 0, sv.states, sOff, len, hs, f, true);
      // (3) intra-chunk: A_ij = Rφ(q_i)·Rφ(k_j) λ^{i−j} (j ≤ i);  dA_ij = dnum_i·v_j λ^{i−j}
      ks.matmulNT(a, 0, hd.rq, c0 * f, hd.rk, c0 * f, len, f, len, false);
      for (int ii = 0; ii < len; ii++) {
        for (int jj = 0; jj < len; jj++) a[ii * len + jj] = jj <= ii ? a[ii * len + jj] * hd.pw[ii - jj] : 0f;
      }
      ks.matmulTN(dvPart, hOff + c0 * hs, a, 0, sc.dnum, c0 * hs, len, len, hs, true);
      ks.matmulNT(da, 0, sc.dnum, c0 * hs, hd.vh, c0 * hs, len, hs, len, false);
      for (int ii = 0; ii < len; ii++) {
        for (int jj = 0; jj < len; jj++) da[ii * len + jj] = jj <= ii ? da[ii * len + jj] * hd.pw[ii - jj] : 0f;
      }
      ks.matmul(sc.dfq, c0 * f, da, 0, hd.rk, c0 * f, len, len, f, true);
      ks.matmulTN(sc.dfk, c0 * f, da, 0, hd.rq, c0 * f, len, len, f, true);
      // (4) hand the state gradient to the chunk before: dS = λ^L dS' + Σ_i γ_i Rφ(q_i) dnum_iᵀ
      if (lam != 1f) ks.scale(ds, 0, f * hs, hd.pw[len]);
      ks.matmulTN(ds, 0, hd.rq, c0 * f, dng, 0, f, len, hs, true);
    }
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
    if (parallelCore(null, w, new float[batch * layout.heads() * t], null, q, k, v, mask, batch, t)) {
      float[] plain = new float[w.length];
      for (int u = 0; u < batch * layout.heads(); u++) AttentionSupport.unblockCausal(plain, w, u * t * t, t);
      return plain;
    }
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
    recurrentCore(out, null, null, q, k, v, st, st.batch(), tq, st.length);
    st.length += tq;
  }

  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    long bh = (long) batch * layout.heads(), hs = layout.headSize(), f = features, ths = t * hs;
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long cs = Math.min(chunk, t), nc = (t + chunk - 1) / chunk;
    long head = 3 * ths + (map.factorizes() ? (rotary != null ? 4L : 2L) * t * f : 0) + t + 1; // x, y, v, features, decay powers
    long saved = bh * t + (map.factorizes() ? 2 * bh * t * f : 0);  // n_i, features
    long fwd;
    switch (form) {
      case PARALLEL: saved += bh * t * t; fwd = w * (head + ths + f + (rotary != null ? (long) t * t : 0)); break;
      case RECURRENT: fwd = w * (head + f * hs + f + ths); break;
      default:
        saved += bh * nc * f * hs;
        fwd = w * (head + f * hs + f + cs * cs + cs * f + ths);
    }
    long bwd = 2 * bh * ths + w * (head + 4 * ths + 2L * t * f + ths + t + f);
    switch (form) {
      case PARALLEL: bwd += w * (long) t * t * (map.factorizes() && rotary == null ? 1 : 2); break;
      case RECURRENT: bwd += w * (f * hs); break;
      default: bwd += w * (f * hs + 2 * cs * cs + 2 * cs * f + cs * hs);
    }
    return 4 * (saved + (withBackward ? Math.max(fwd, bwd) : fwd));
  }
}
