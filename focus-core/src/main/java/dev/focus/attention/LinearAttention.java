package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.pack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

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
 * <p><b>Rotary numerator</b> (a rotary table passed to {@link #forward}): RoFormer §3.4.4 (Su et al. 2021, eq. 19) rotates
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
 * Each form is its own class ({@link LinearParallel}, {@link LinearRecurrent}, {@link LinearChunked})
 * over one head's working set ({@link LinearHead}). Backward passes are hand-written for each form;
 * the recurrent one recomputes the state forwards and runs the adjoint state
 * dS_i = λdS_{i+1} + φ(q_i)dnum_iᵀ backwards, so it also needs O(F·HS) state. Under a causal mask
 * every form takes the normaliser's gradient from running sums: n_i = φ(q_i)·z_i + eps with
 * z_i = Σ_{j≤i} λ^{i−j} φ(k_j), so ∂ℓ/∂φ(q_i) ∋ (∂ℓ/∂n_i) z_i and ∂ℓ/∂φ(k_j) ∋ r_j,
 * r_j = λ r_{j+1} + (∂ℓ/∂n_j) φ(q_j).
 */
public final class LinearAttention implements Attention {

  /** How the function is evaluated; all forms agree. */
  public enum Form { PARALLEL, RECURRENT, CHUNKED }

  /** The row normaliser n_i. */
  public enum Normalization { SUM, COUNT, NONE }

  /** The settings, copied and changed by each {@code withX}, so that a copy changes only what its name says. */
  private static final class Settings implements Cloneable {
    HeadLayout layout;
    FeatureMap map;
    Form form = Form.PARALLEL;
    int chunk = 64;
    Normalization norm;
    float eps = 1e-6f;
    float scale;
    float[] decay;     // (H) λ_h in (0, 1], or null for no decay
    int features;      // F requested (FAVOR+ only; the other maps use HS)
    long seed = 42L;

    Settings copy() {
      try {
        return (Settings) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Settings s;
  private final int features;   // F
  private final float[] proj;   // (F, HS) FAVOR+ projection, or null

  private LinearAttention(Settings s) {
    if (s.layout == null) throw new IllegalArgumentException("layout is null");
    if (s.map == null) throw new IllegalArgumentException("feature map is null");
    if (s.form == null) throw new IllegalArgumentException("form is null");
    if (s.norm == null) throw new IllegalArgumentException("normalization is null");
    if (!s.map.factorizes() && s.form != Form.PARALLEL) {
      throw new IllegalArgumentException("feature map " + s.map + " has no finite feature map, so form=" + s.form
          + " is impossible; use PARALLEL");
    }
    if (s.chunk < 1) throw new IllegalArgumentException("chunk=" + s.chunk + " must be >= 1");
    if (!(s.eps >= 0f) || !Float.isFinite(s.eps)) throw new IllegalArgumentException("eps=" + s.eps + " must be finite and >= 0");
    if (s.features < 1) throw new IllegalArgumentException("features=" + s.features + " must be >= 1");
    AttentionSupport.checkScale(s.scale);
    if (s.decay != null) {
      if (s.decay.length != s.layout.heads()) {
        throw new IllegalArgumentException("decay has length " + s.decay.length + " but heads=" + s.layout.heads());
      }
      for (int h = 0; h < s.decay.length; h++) {
        if (!(s.decay[h] > 0f && s.decay[h] <= 1f)) {
          throw new IllegalArgumentException("decay[" + h + "]=" + s.decay[h] + " must be in (0, 1]");
        }
      }
      s.decay = s.decay.clone();
    }
    this.s = s;
    this.features = s.map == FeatureMap.POSITIVE_RANDOM ? s.features : s.layout.headSize();
    this.proj = s.map == FeatureMap.POSITIVE_RANDOM ? projection(features, s.layout.headSize(), s.seed) : null;
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
    Settings s = new Settings();
    s.layout = layout;
    s.map = map;
    s.norm = map.nonNegative() && map.factorizes() ? Normalization.SUM : Normalization.COUNT;
    s.scale = layout.defaultScale();
    s.features = layout.headSize();
    return new LinearAttention(s);
  }

  private LinearAttention with(Consumer<Settings> change) {
    Settings c = s.copy();
    change.accept(c);
    return new LinearAttention(c);
  }

  public LinearAttention withForm(Form f) { return with(c -> c.form = f); }

  /** A copy using the chunked form with chunks of {@code c} tokens. */
  public LinearAttention withChunk(int c) {
    return with(x -> {
      x.form = Form.CHUNKED;
      x.chunk = c;
    });
  }

  public LinearAttention withNormalization(Normalization n) { return with(c -> c.norm = n); }

  /** A copy with n_i = Σ_j a_ij + {@code e} under SUM normalisation. */
  public LinearAttention withEps(float e) { return with(c -> c.eps = e); }

  /** A copy with similarity f(√s·q, √s·k), s = {@code scale}. */
  public LinearAttention withScale(float scale) { return with(c -> c.scale = scale); }

  /** A copy with the same decay λ in (0, 1] for every head. */
  public LinearAttention withDecay(float lambda) {
    float[] d = new float[s.layout.heads()];
    Arrays.fill(d, lambda);
    return withDecay(d);
  }

  /** A copy with per-head decays λ_h in (0, 1]; null removes decay. */
  public LinearAttention withDecay(float[] perHead) { return with(c -> c.decay = perHead); }

  /** A copy using {@code f} FAVOR+ features drawn from {@code seed} (POSITIVE_RANDOM only). */
  public LinearAttention withRandomFeatures(int f, long seed) {
    if (s.map != FeatureMap.POSITIVE_RANDOM) {
      throw new IllegalArgumentException("random features need map POSITIVE_RANDOM, not " + s.map);
    }
    return with(c -> {
      c.features = f;
      c.seed = seed;
    });
  }

  @Override public HeadLayout layout() { return s.layout; }

  public FeatureMap featureMap() { return s.map; }

  public Form form() { return s.form; }

  public int chunk() { return s.chunk; }

  public Normalization normalization() { return s.norm; }

  public float eps() { return s.eps; }

  public float scale() { return s.scale; }

  /** Per-head decays (a copy), or null. */
  public float[] decay() { return s.decay == null ? null : s.decay.clone(); }

  /** The (F, HS) FAVOR+ projection (a copy), or null. */
  public float[] projection() { return proj == null ? null : proj.clone(); }

  /** F, the feature size (HS except for FAVOR+). */
  public int features() { return features; }

  float[] decayOrNull() { return s.decay; }

  float[] proj() { return proj; }

  /** n_i from the row's similarity sum and its number of visible keys. */
  float denominator(float sum, int visible) {
    switch (s.norm) {
      case SUM: return sum + s.eps;
      case COUNT: return Math.max(visible, 1);
      default: return 1f;
    }
  }

  static final class LinearSaved implements Saved {
    final float[] q, k, v, out;
    final float[] den;     // (B, H, T) n_i
    final float[] weights; // (B, H, T, T) normalised weights (parallel form; causal block layout when blocked), else null
    final boolean blocked;
    final float[] states;  // (B, H, nChunks, F, HS) state entering each chunk (chunked form), else null
    final float[] feats;   // (B, H, 2, T, F) φ(x), φ(y) unrotated (factorising maps), else null
    final Mask mask;
    final RopeTable rotary; // the numerator's rotation, or null
    final Form form;
    final int batch, t;
    float[] dkPart, dvPart; // (B, H, T, HS) backward scratch, allocated by the first backward and recycled

    LinearSaved(float[] q, float[] k, float[] v, float[] out, float[] den, float[] weights, boolean blocked,
                float[] states, float[] feats, Mask mask, RopeTable rotary, Form form, int batch, int t) {
      this.q = q; this.k = k; this.v = v; this.out = out; this.den = den; this.weights = weights;
      this.blocked = blocked; this.states = states; this.feats = feats; this.mask = mask; this.rotary = rotary;
      this.form = form; this.batch = batch; this.t = t;
    }

    @Override public int batch() { return batch; }

    @Override public int t() { return t; }
  }

  private void checkMaskForForm(Mask mask) {
    if (s.form != Form.PARALLEL && !mask.isCausal()) {
      throw new IllegalArgumentException("form " + s.form + " is causal only; mask " + mask + " needs form PARALLEL");
    }
  }

  /** A rotary table turns the (F) feature vectors: a factorising map and a rotary dim ≤ F. */
  private void checkRotary(RopeTable rotary) {
    if (rotary == null) return;
    if (!s.map.factorizes()) {
      throw new IllegalArgumentException("feature map " + s.map + " has no feature vectors to rotate; rotary needs a factorising map");
    }
    if (rotary.rotaryDim() > features) {
      throw new IllegalArgumentException("rotary dim " + rotary.rotaryDim() + " exceeds the feature size F=" + features);
    }
  }

  private int probSize(int batch, int t) { return AttentionSupport.weightCount(s.layout, batch, t, t, ""); }

  // ---------------------------------------------------------------------------------------------
  // forward and backward: each form in its own class

  /** As {@link Attention#forward}; reuses the saved buffers and backward scratch of {@code recycle} when they fit. */
  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, RopeTable rotary, int batch,
                       int t, Saved recycle) {
    AttentionSupport.checkForward(s.layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkNoHeadScale(headScale);
    checkMaskForForm(mask);
    checkRotary(rotary);
    int bh = batch * s.layout.heads();
    LinearSaved old = recycle instanceof LinearSaved ls && ls.form == s.form && ls.batch == batch && ls.t == t ? ls : null;
    float[] den = old != null && old.den.length == bh * t ? old.den : new float[bh * t];
    // the features are kept for backward, which would otherwise evaluate φ (an exp per element for elu+1) again
    int nf = Math.multiplyExact(2 * bh * t, features);
    float[] feats = !s.map.factorizes() ? null : old != null && old.feats != null && old.feats.length == nf ? old.feats : new float[nf];
    LinearSaved saved;
    switch (s.form) {
      case PARALLEL: {
        int n = probSize(batch, t);
        float[] w = old != null && old.weights != null && old.weights.length == n ? old.weights : new float[n];
        boolean blocked = LinearParallel.forward(this, out, w, den, feats, q, k, v, mask, rotary, batch, t);
        saved = new LinearSaved(q, k, v, out, den, w, blocked, null, feats, mask, rotary, s.form, batch, t);
        break;
      }
      case RECURRENT:
        LinearRecurrent.forward(this, out, den, feats, q, k, v, null, rotary, batch, t, 0);
        saved = new LinearSaved(q, k, v, out, den, null, false, null, feats, mask, rotary, s.form, batch, t);
        break;
      default: {
        int nc = (t + s.chunk - 1) / s.chunk;
        int n = Math.multiplyExact(bh * nc, features * s.layout.headSize());
        float[] states = old != null && old.states != null && old.states.length == n ? old.states : new float[n];
        LinearChunked.forward(this, out, den, feats, states, q, k, v, rotary, batch, t);
        saved = new LinearSaved(q, k, v, out, den, null, false, states, feats, mask, rotary, s.form, batch, t);
      }
    }
    if (old != null && old.dkPart != null && old.dkPart.length == bh * t * s.layout.headSize()) {
      saved.dkPart = old.dkPart;
      saved.dvPart = old.dvPart;
    }
    return saved;
  }

  @Override
  public void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved) {
    LinearSaved sv = AttentionSupport.saved(saved, LinearSaved.class, "LinearAttention");
    final HeadLayout l = s.layout;
    final int batch = sv.batch, t = sv.t, nh = l.heads(), hs = l.headSize();
    AttentionSupport.checkBackward(l, dq, dk, dv, null, dOut, batch, t);
    if (sv.dkPart == null) {
      sv.dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
      sv.dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS)
    }
    final float[] dkPart = sv.dkPart, dvPart = sv.dvPart;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      LinearHead hd = new LinearHead(this, t, sv.rotary);
      float[] oh = new float[t * hs], doh = new float[t * hs];
      float[] dxq = new float[t * hs], dxk = new float[t * hs];
      LinearHead.Scratch sc = new LinearHead.Scratch(this, t, sv.blocked);
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, hOff = task * t * hs;
        hd.load(ks, sv.q, sv.k, sv.v, b, h, t, 0, sv.feats, true);
        pack(oh, sv.out, b, 0, t, t, nh, h, hs);
        pack(doh, dOut, b, 0, t, t, nh, h, hs);
        Arrays.fill(dvPart, hOff, hOff + t * hs, 0f);
        hd.normaliserGrads(ks, sc, doh, oh, sv.den, task, t);
        switch (sv.form) {
          case PARALLEL:
            if (sv.blocked) {
              LinearParallel.causalBackward(this, ks, hd, sc, dvPart, hOff, doh, sv.weights, task, t);
            } else {
              LinearParallel.backward(this, ks, hd, sc, dxq, dxk, dvPart, hOff, doh, sv, task, b, t);
              hd.scaleInputGrads(ks, dq, dxq, dxk, dkPart, h, hOff, t);
              continue;
            }
            break;
          case RECURRENT:
            LinearRecurrent.backward(this, ks, hd, sc, dvPart, hOff, t);
            break;
          default:
            LinearChunked.backward(this, ks, hd, sc, dvPart, hOff, sv.states, task, t);
        }
        // causal forms: the numerator's feature gradients are in dfq, dfk; undo the rotation, add the
        // normaliser's, then go through φ
        if (sv.rotary != null) {
          hd.rotate(sc.dfq, t, true);
          hd.rotate(sc.dfk, t, true);
        }
        hd.causalNormaliserGrads(ks, sc, t);
        s.map.backward(ks, dxq, sc.dfq, hd.xq, hd.fq, proj, t, hs, features);
        s.map.backward(ks, dxk, sc.dfk, hd.xk, hd.fk, proj, t, hs, features);
        hd.scaleInputGrads(ks, dq, dxq, dxk, dkPart, h, hOff, t);
      }
    });
    AttentionSupport.reduceGroups(l, dk, dkPart, batch, t);
    AttentionSupport.reduceGroups(l, dv, dvPart, batch, t);
  }

  // ---------------------------------------------------------------------------------------------
  // weights and decoding

  @Override
  public float[] weights(float[] q, float[] k, float[] headScale, Mask mask, RopeTable rotary, int batch, int t) {
    float[] v = new float[batch * t * s.layout.kvWidth()];
    float[] out = new float[batch * t * s.layout.qWidth()];
    AttentionSupport.checkForward(s.layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkNoHeadScale(headScale);
    checkMaskForForm(mask);
    checkRotary(rotary);
    float[] w = new float[probSize(batch, t)];
    if (LinearParallel.forward(this, null, w, new float[batch * s.layout.heads() * t], null, q, k, v, mask, rotary, batch, t)) {
      float[] plain = new float[w.length];
      for (int u = 0; u < batch * s.layout.heads(); u++) AttentionSupport.unblockCausal(plain, w, u * t * t, t);
      return plain;
    }
    return w;
  }

  /** A zero state (RELU2 has none: it cannot decode incrementally). */
  @Override
  public LinearState newDecodeState(int batch, int capacity) {
    if (!s.map.factorizes()) {
      throw new IllegalArgumentException("feature map " + s.map + " has no recurrent state; decode it with the parallel form");
    }
    return new LinearState(batch, s.layout.heads(), features, s.layout.headSize());
  }

  @Override
  public void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, RopeTable rotary, int tq) {
    if (!(state instanceof LinearState st)) {
      throw new IllegalArgumentException("decode state " + (state == null ? "null" : state.getClass().getSimpleName())
          + " is not a LinearState (use this attention's newDecodeState)");
    }
    HeadLayout l = s.layout;
    if (st.heads() != l.heads() || st.features() != features || st.headSize() != l.headSize()) {
      throw new IllegalArgumentException("state has heads=" + st.heads() + ", features=" + st.features() + ", headSize="
          + st.headSize() + " but the layer has heads=" + l.heads() + ", features=" + features + ", headSize=" + l.headSize());
    }
    AttentionSupport.checkNoHeadScale(headScale);
    AttentionSupport.checkDecodeQuery(l, out, q, st.batch(), tq);
    long n = (long) st.batch() * tq;
    AttentionSupport.checkLength("k", k, n * l.kvWidth());
    AttentionSupport.checkLength("v", v, n * l.kvWidth());
    checkRotary(rotary);
    LinearRecurrent.forward(this, out, null, null, q, k, v, st, rotary, st.batch(), tq, st.length);
    st.length += tq;
  }

  /**
   * As {@link Attention#workspaceBytes}, for calls without a rotary table (one adds 2·T·F floats of
   * rotated features per worker, and a (T, T) block to the parallel form's general-mask path).
   */
  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    HeadLayout l = s.layout;
    long bh = (long) batch * l.heads(), hs = l.headSize(), f = features, ths = t * hs;
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long cs = Math.min(s.chunk, t), nc = (t + s.chunk - 1) / s.chunk;
    long head = 3 * ths + (s.map.factorizes() ? 2L * t * f : 0) + t + 1; // x, y, v, features, decay powers
    long saved = bh * t + (s.map.factorizes() ? 2 * bh * t * f : 0);  // n_i, features
    long fwd;
    switch (s.form) {
      case PARALLEL: saved += bh * t * t; fwd = w * (head + ths + f); break;
      case RECURRENT: fwd = w * (head + f * hs + f + ths); break;
      default:
        saved += bh * nc * f * hs;
        fwd = w * (head + f * hs + f + cs * cs + cs * f + ths);
    }
    long bwd = 2 * bh * ths + w * (head + 4 * ths + 2L * t * f + ths + t + f);
    switch (s.form) {
      case PARALLEL: bwd += w * (long) t * t * (s.map.factorizes() ? 1 : 2); break;
      case RECURRENT: bwd += w * (f * hs); break;
      default: bwd += w * (f * hs + 2 * cs * cs + 2 * cs * f + cs * hs);
    }
    return 4 * (saved + (withBackward ? Math.max(fwd, bwd) : fwd));
  }
}
