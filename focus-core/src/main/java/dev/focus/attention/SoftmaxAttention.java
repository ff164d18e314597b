package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.end;
import static dev.focus.attention.AttentionSupport.pack;
import static dev.focus.attention.AttentionSupport.start;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;

/**
 * Exact softmax attention (Vaswani et al. 2017, eq. 1), materialising the (T, T) weights of every head
 * and saving them for the backward pass: the reference the tiled {@link FlashAttention} must match,
 * and the variant to use when the weights themselves are wanted.
 *
 * <p>Logits (spec 05 §2): s_ij = scale·λ_h·(q_i·k_j) − slope_h·|pos_i − j|, with scale defaulting to
 * 1/sqrt(HS), λ_h the per-head scale passed to forward (Wang et al. 2024's HeadScale) and the ALiBi
 * term present only when slopes are set (Press et al. 2022). Then a_ij = softmax_j(s_ij) over the
 * visible keys and y_i = Σ_j a_ij v_j.
 *
 * <p>A forward over a whole sequence skips the keys no row of a query block can see: query block
 * [r0, r1) of {@link AttentionSupport#CAUSAL_BLOCK} rows multiplies only keys [0, w) with w its
 * {@link AttentionSupport#blockWidth} (r1 under a causal mask, the end of a straddling span under a
 * block-causal one), and its weights are saved with row stride w inside the block's rows of the
 * (T, T) region; {@link #weights} always returns the plain layout. Under a causal mask that halves
 * the T×T work of forward and backward.
 *
 * <p>Memory: (B, H, T, T) saved weights plus one (64, T) scratch per worker in backward. {@link #forward(float[], float[], float[], float[], float[], Mask, int, int, Saved)}
 * can recycle the weights and backward scratch of an earlier call.
 */
public final class SoftmaxAttention extends SoftmaxVariant {
  private SoftmaxAttention(HeadLayout layout, float scale, float[] alibi) {
    super(layout, scale, alibi);
  }

  /** Exact softmax attention with scale 1/sqrt(HS) and no ALiBi bias. */
  public static SoftmaxAttention of(HeadLayout layout) {
    return new SoftmaxAttention(layout, layout.defaultScale(), null);
  }

  /** A copy with global logit scale {@code scale} (finite, nonzero). */
  public SoftmaxAttention withScale(float scale) { return new SoftmaxAttention(layout, scale, alibi); }

  /** A copy adding the ALiBi bias −slopes[h]·|i − j| to head h's logits; null removes it. */
  public SoftmaxAttention withAlibi(float[] slopes) { return new SoftmaxAttention(layout, scale, slopes); }


  /** Saved activations: the inputs (q and k turned, under a rotary table), the output, and the weights. */
  static final class ExactSaved extends AttentionSupport.SoftmaxSaved {
    final float[] probs; // (B, H, T, T) post-softmax in the block layout
    float[] dkPart, dvPart; // (B, H, T, HS) backward scratch, allocated by the first backward and recycled

    ExactSaved(float[][] qk, float[] v, float[] out, float[] headScale, float[] probs, Mask mask, RopeTable rotary, int batch,
               int t) {
      super(qk, v, out, headScale, mask, rotary, batch, t);
      this.probs = probs;
    }
  }

  /** As {@link Attention#forward}; reuses the weights, rotated copies and backward scratch of {@code recycle} when they fit. */
  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, RopeTable rotary, int batch,
                       int t, Saved recycle) {
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkHeadScale(layout, headScale);
    int n = checkedProbSize(batch, t, t);
    ExactSaved old = recycle instanceof ExactSaved e && e.probs.length == n ? e : null;
    float[] probs = old != null ? old.probs : new float[n];
    float[][] qk = AttentionSupport.SoftmaxSaved.turn(layout, q, k, rotary, batch, t, old);
    core(out, probs, qk[0], qk[1], v, headScale, mask, batch, t, t, t, 0);
    ExactSaved s = new ExactSaved(qk, v, out, headScale, probs, mask, rotary, batch, t);
    if (old != null && old.dkPart != null && old.dkPart.length == batch * layout.heads() * t * layout.headSize()) {
      s.dkPart = old.dkPart;
      s.dvPart = old.dvPart;
    }
    return s;
  }

  private int checkedProbSize(int batch, int tq, int tk) {
    return AttentionSupport.weightCount(layout, batch, tq, tk, "; exact attention keeps them all, FlashAttention does not");
  }

  /**
   * The forward pass over {@code tq} queries (positions offset..offset+tq−1) and the first {@code tk}
   * keys of k and v, which are (B, cap, KVH, HS). Writes out (B, tq, H, HS) and probs (B, H, tq, tk);
   * returns true when probs use the block layout (a forward over a whole sequence, not a decode step).
   */
  private boolean core(float[] out, float[] probs, float[] q, float[] k, float[] v, float[] headScale, Mask mask,
                       int batch, int tq, int tk, int cap, int offset) {
    final int nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    final boolean blocked = offset == 0 && tq == tk;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      float[] qh = new float[tq * hs]; // (tq, HS) this head's queries
      float[] kh = new float[tk * hs]; // (tk, HS) its kv head's keys
      float[] vh = new float[tk * hs]; // (tk, HS) and values
      float[] oh = new float[tq * hs]; // (tq, HS) output
      int packedKv = -1;
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, g = layout.kvHeadOf(h);
        pack(qh, q, b, 0, tq, tq, nh, h, hs);
        if (b * nkv + g != packedKv) {
          pack(kh, k, b, 0, tk, cap, nkv, g, hs);
          pack(vh, v, b, 0, tk, cap, nkv, g, hs);
          packedKv = b * nkv + g;
        }
        int pOff = task * tq * tk;
        float sc = scale * (headScale == null ? 1f : headScale[h]);
        float slope = alibi == null ? 0f : alibi[h];
        if (blocked && alibi == null && mask.isCausal() && tq <= AttentionSupport.CAUSAL_BLOCK) {
          // one causal block: the kernel set's head (the same bits as the loop below, in one call)
          ks.causalHead(probs, pOff, oh, qh, kh, vh, tq, hs, sc);
          unpack(out, oh, b, 0, tq, tq, nh, h, hs);
          continue;
        }
        if (blocked) {
          // query block [r0, r1) sees keys [0, w) at most: the masked rest of the T×T products is skipped
          for (int r0 = 0; r0 < tq; r0 += AttentionSupport.CAUSAL_BLOCK) {
            int r1 = Math.min(r0 + AttentionSupport.CAUSAL_BLOCK, tq), bo = pOff + r0 * tq;
            int w = AttentionSupport.blockWidth(mask, b, r0, r1, tk);
            ks.matmulNT(probs, bo, qh, r0 * hs, kh, 0, r1 - r0, hs, w, false);
            for (int i = r0; i < r1; i++) {
              softmaxWindowRow(ks, probs, bo + (i - r0) * w, i, start(mask, b, i, tk), end(mask, b, i, tk), w, sc, slope);
            }
            ks.matmul(oh, r0 * hs, probs, bo, vh, 0, r1 - r0, w, hs, false);
          }
          unpack(out, oh, b, 0, tq, tq, nh, h, hs);
          continue;
        }
        // scores q_i·k_j for every pair, then logits and softmax over each row's visible window
        ks.matmulNT(probs, pOff, qh, 0, kh, 0, tq, hs, tk, false);
        for (int i = 0; i < tq; i++) {
          int pos = offset + i, row = pOff + i * tk;
          softmaxWindowRow(ks, probs, row, pos, start(mask, b, pos, tk), end(mask, b, pos, tk), tk, sc, slope);
        }
        // y = A V
        ks.matmul(oh, 0, probs, pOff, vh, 0, tq, tk, hs, false);
        unpack(out, oh, b, 0, tq, tq, nh, h, hs);
      }
    });
    return blocked;
  }

  /**
   * Softmax row of query i in place over its visible keys [s0, e) of a row of width w:
   * s_j = c·(q_i·k_j) − slope·|i − j|, then the kernel set's softmax (whose exponential gives the same
   * bits in both kernel twins and however warm the JIT is, so a resumed training run repeats bit for
   * bit); masked entries are set to exactly 0.
   */
  private static void softmaxWindowRow(KernelSet ks, float[] p, int row, int i, int s0, int e, int w, float c, float slope) {
    if (e > s0 && slope == 0f) {
      ks.scaledSoftmax(p, row + s0, e - s0, c); // toLogits and softmaxRows in one call, the same bits
    } else if (e > s0) {
      AttentionSupport.toLogits(ks, p, row + s0, e - s0, c, slope, i, s0);
      ks.softmaxRows(p, row + s0, p, row + s0, 1, e - s0);
    }
    java.util.Arrays.fill(p, row, row + s0, 0f);
    java.util.Arrays.fill(p, row + Math.max(e, s0), row + w, 0f);
  }

  @Override
  public void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved) {
    ExactSaved s = AttentionSupport.saved(saved, ExactSaved.class, "SoftmaxAttention");
    final int batch = s.batch, t = s.t, nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    AttentionSupport.checkBackward(layout, dq, dk, dv, dHeadScale, dOut, batch, t);
    if (s.dkPart == null) {
      s.dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head key gradients
      s.dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head value gradients
    }
    final float[] dkPart = s.dkPart, dvPart = s.dvPart;
    double[] dLam = new double[batch * nh];          // (B, H) ∂ℓ/∂λ_h contributions
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      float[] qh = new float[t * hs], kh = new float[t * hs], vh = new float[t * hs];
      float[] oh = new float[t * hs], doh = new float[t * hs], gq = new float[t * hs];
      float[] ds = new float[Math.min(AttentionSupport.CAUSAL_BLOCK, t) * t]; // dA, then dS, one query block
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, g = layout.kvHeadOf(h);
        pack(qh, s.q, b, 0, t, t, nh, h, hs);
        pack(kh, s.k, b, 0, t, t, nkv, g, hs);
        pack(vh, s.v, b, 0, t, t, nkv, g, hs);
        pack(oh, s.out, b, 0, t, t, nh, h, hs);
        pack(doh, dOut, b, 0, t, t, nh, h, hs);
        int pOff = task * t * t, hOff = task * t * hs;
        blockBackward(ks, dkPart, dvPart, gq, ds, s.probs, qh, kh, vh, oh, doh, s.mask, b, pOff, hOff, t);
        // s_ij = c·(q_i·k_j) + bias, c = scale·λ_h:  dq_i = c Σ_j dS_ij k_j,  dk_j = c Σ_i dS_ij q_i,
        // ∂ℓ/∂λ_h = scale Σ_ij dS_ij q_i·k_j = scale Σ_i q_i·(Σ_j dS_ij k_j)   (spec 05 §3.1)
        float c = scale * (s.headScale == null ? 1f : s.headScale[h]);
        if (dHeadScale != null) { // without λ_h its gradient is not wanted
          double lam = 0;
          for (int i = 0; i < t; i++) lam += ks.dot(qh, i * hs, gq, i * hs, hs);
          dLam[task] = scale * lam;
        }
        ks.scale(gq, 0, t * hs, c);
        unpack(dq, gq, b, 0, t, t, nh, h, hs);
        ks.scale(dkPart, hOff, t * hs, c);
      }
    });
    AttentionSupport.reduceGroups(layout, dk, dkPart, batch, t);
    AttentionSupport.reduceGroups(layout, dv, dvPart, batch, t);
    AttentionSupport.addHeadScaleGrad(dHeadScale, dLam, batch, nh);
    s.turnBack(layout, dq, dk);
  }

  /**
   * One head's backward under the block layout, block by block (query rows [r0, r1), keys [0, w)):
   * dA = dY Vᵀ, dV += Aᵀ dY, dS = A ⊙ (dA − dy·y) on the visible keys, G = dS K (into gq),
   * dK += dSᵀ Q; the logit scale is applied by the caller. {@code ds} is a (64, T) scratch.
   */
  private void blockBackward(KernelSet ks, float[] dkPart, float[] dvPart, float[] gq, float[] ds, float[] probs,
                             float[] qh, float[] kh, float[] vh, float[] oh, float[] doh, Mask mask, int b, int pOff,
                             int hOff, int t) {
    int hs = layout.headSize();
    if (mask.isCausal() && t <= AttentionSupport.CAUSAL_BLOCK) {
      // one causal block: the kernel set's head gradients, the same bits as the loop below
      ks.causalHeadGrad(ds, gq, probs, pOff, doh, oh, vh, kh, t, hs);
      ks.causalKeyGrad(dvPart, hOff, probs, pOff, doh, t, hs);
      ks.causalKeyGrad(dkPart, hOff, ds, 0, qh, t, hs);
      return;
    }
    java.util.Arrays.fill(dkPart, hOff, hOff + t * hs, 0f);
    java.util.Arrays.fill(dvPart, hOff, hOff + t * hs, 0f);
    for (int r0 = 0; r0 < t; r0 += AttentionSupport.CAUSAL_BLOCK) {
      int r1 = Math.min(r0 + AttentionSupport.CAUSAL_BLOCK, t), rows = r1 - r0, bo = pOff + r0 * t;
      int w = AttentionSupport.blockWidth(mask, b, r0, r1, t);
      ks.matmulNT(ds, 0, doh, r0 * hs, vh, 0, rows, hs, w, false);
      ks.matmulTN(dvPart, hOff, probs, bo, doh, r0 * hs, w, rows, hs, true);
      for (int i = r0; i < r1; i++) {
        int row = (i - r0) * w, prow = bo + row, s0 = start(mask, b, i, t), e = end(mask, b, i, t);
        float d = ks.dot(doh, i * hs, oh, i * hs, hs);
        for (int j = s0; j < e; j++) ds[row + j] = probs[prow + j] * (ds[row + j] - d);
        java.util.Arrays.fill(ds, row, row + s0, 0f);
        java.util.Arrays.fill(ds, row + Math.max(e, s0), row + w, 0f);
      }
      ks.matmul(gq, r0 * hs, ds, 0, kh, 0, rows, w, hs, false);
      ks.matmulTN(dkPart, hOff, ds, 0, qh, r0 * hs, w, rows, hs, true);
    }
  }


  @Override
  public float[] weights(float[] q, float[] k, float[] headScale, Mask mask, RopeTable rotary, int batch, int t) {
    float[] out = new float[batch * t * layout.qWidth()];
    float[] v = new float[batch * t * layout.kvWidth()];
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkHeadScale(layout, headScale);
    float[] probs = new float[checkedProbSize(batch, t, t)];
    float[] qr = AttentionSupport.rotated(q, rotary, batch, t, 0, layout.heads(), layout.headSize(), null);
    float[] kr = AttentionSupport.rotated(k, rotary, batch, t, 0, layout.kvHeads(), layout.headSize(), null);
    if (core(out, probs, qr, kr, v, headScale, mask, batch, t, t, t, 0)) {
      float[] plain = new float[probs.length];
      for (int u = 0; u < batch * layout.heads(); u++) AttentionSupport.unblock(plain, probs, u * t * t, t, mask, u / layout.heads());
      return plain;
    }
    return probs;
  }

  @Override
  void decode(float[] out, float[] q, KvCache cache, float[] headScale, int tq) {
    int b = cache.batch(), tk = cache.length();
    core(out, new float[checkedProbSize(b, tq, tk)], q, cache.k, cache.v, headScale, Mask.causal(), b, tq, tk, cache.capacity(),
        tk - tq);
  }

  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    long bh = (long) batch * layout.heads(), ths = (long) t * layout.headSize();
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long saved = 4 * bh * t * t;                         // weights
    long fwd = 4 * w * 4 * ths;                          // qh, kh, vh, oh per worker
    long bwd = 4 * 2 * bh * ths + 8 * bh                 // dkPart, dvPart, dLam
        + 4 * w * (6 * ths + (long) Math.min(AttentionSupport.CAUSAL_BLOCK, t) * t); // qh, kh, vh, oh, doh, gq, (64, T) dS per worker
    return saved + (withBackward ? Math.max(fwd, bwd) : fwd);
  }
}
