package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.end;
import static dev.focus.attention.AttentionSupport.pack;
import static dev.focus.attention.AttentionSupport.start;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.Exp;
import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
import java.util.Arrays;

/**
 * Softmax attention computed in tiles with an online softmax, never materialising the (T, T) weights
 * (Dao et al. 2022, FlashAttention, Alg. 1; backward as in Dao 2023, FlashAttention-2, Alg. 2).
 * Same logits and results as {@link SoftmaxAttention} (to float rounding).
 *
 * <p>Forward, per head and query tile (Br rows), over the key tiles (Bc keys) the tile's rows can see:
 * <pre>
 *   S = (scale·λ_h·Q_i) K_jᵀ − ALiBi        (Br, Bc)
 *   m' = max(m, rowmax S);  P = exp(S − m') (masked entries 0)
 *   l  = e^{m−m'} l + rowsum P;  O = e^{m−m'} O + P V_j
 *   at the end: y_i = O / l,  L_i = m + log l  (saved: the only per-row state backward needs)
 * </pre>
 * Backward recomputes P = exp(S − L) tile by tile, with D_i = dy_i·y_i:
 * <pre>
 *   dV_j += Pᵀ dY_i;  dP = dY_i V_jᵀ;  dS = P ⊙ (dP − D);  dQ_i += c dS K_j;  dK_j += c dSᵀ Q_i
 * </pre>
 * Causal masks skip the tiles above the diagonal. Memory: saved (B, H, T) log-sum-exps. Forward
 * packs k and v once per kv head into dense (T, HS) blocks and runs every (batch, head, query tile)
 * as its own task with (Br, HS) and (Br, Bc) tiles; backward gives each worker one head's q, k, v, o,
 * dy and dq as dense (T, HS) blocks. Everything grows linearly in T.
 */
public final class FlashAttention implements Attention {
  private final HeadLayout layout;
  private final float scale;
  private final float[] alibi; // (H) slopes, or null
  private final int queryTile, keyTile;
  private final int backwardSplits; // key-tile groups per head in backward; 0 = as many as idle workers need

  private FlashAttention(HeadLayout layout, float scale, float[] alibi, int queryTile, int keyTile, int backwardSplits) {
    if (layout == null) throw new IllegalArgumentException("layout is null");
    if (queryTile < 1) throw new IllegalArgumentException("queryTile=" + queryTile + " must be >= 1");
    if (keyTile < 1) throw new IllegalArgumentException("keyTile=" + keyTile + " must be >= 1");
    this.layout = layout;
    this.scale = AttentionSupport.checkScale(scale);
    this.alibi = AttentionSupport.checkSlopes(layout, alibi);
    this.queryTile = queryTile;
    this.keyTile = keyTile;
    this.backwardSplits = backwardSplits;
  }

  /** Fixes the number of key-tile groups per head in backward (tests use it to cover both paths). */
  FlashAttention withBackwardSplits(int splits) {
    return new FlashAttention(layout, scale, alibi, queryTile, keyTile, splits);
  }

  /**
   * Backward runs one task per (batch, head, key-tile group). With fewer heads than workers it splits
   * each head's key tiles into interleaved groups (tile j in group j mod S, which balances causal
   * work), each accumulating its own partial dQ; the partials are summed afterwards.
   */
  private int splits(int batch, int t) {
    int nkt = (t + Math.min(keyTile, t) - 1) / Math.min(keyTile, t);
    int want = backwardSplits > 0 ? backwardSplits
        : Math.min(8, (Parallel.threads() + batch * layout.heads() - 1) / (batch * layout.heads()));
    return Math.max(1, Math.min(want, nkt));
  }

  /** Tiled softmax attention with scale 1/sqrt(HS), no ALiBi, 64×64 tiles. */
  public static FlashAttention of(HeadLayout layout) {
    return new FlashAttention(layout, layout.defaultScale(), null, 64, 64, 0);
  }

  // Each copy passes every setting on: a copy changes only what its name says.

  /** A copy with global logit scale {@code scale} (finite, nonzero). */
  public FlashAttention withScale(float scale) {
    return new FlashAttention(layout, scale, alibi, queryTile, keyTile, backwardSplits);
  }

  /** A copy adding the ALiBi bias −slopes[h]·|i − j| to head h's logits; null removes it. */
  public FlashAttention withAlibi(float[] slopes) {
    return new FlashAttention(layout, scale, slopes, queryTile, keyTile, backwardSplits);
  }

  /** A copy with tiles of {@code queryTile} queries by {@code keyTile} keys. */
  public FlashAttention withTiles(int queryTile, int keyTile) {
    return new FlashAttention(layout, scale, alibi, queryTile, keyTile, backwardSplits);
  }

  /** The fixed number of key-tile groups per head in backward, or 0 for as many as idle workers need. */
  int backwardSplits() { return backwardSplits; }

  @Override public HeadLayout layout() { return layout; }

  public float scale() { return scale; }

  public float[] alibiSlopes() { return alibi == null ? null : alibi.clone(); }

  public int queryTile() { return queryTile; }

  public int keyTile() { return keyTile; }

  /** The exact twin with the same scale and slopes (used for {@link #weights}). */
  public SoftmaxAttention exact() { return SoftmaxAttention.of(layout).withScale(scale).withAlibi(alibi); }

  /** Saved activations: the inputs (q and k turned, under a rotary table), the output, and one log-sum-exp per row. */
  static final class FlashSaved extends AttentionSupport.SoftmaxSaved {
    final float[] lse; // (B, H, T) log Σ_j exp(s_ij) over visible keys

    FlashSaved(float[][] qk, float[] v, float[] out, float[] headScale, float[] lse, Mask mask, RopeTable rotary, int batch, int t) {
      super(qk, v, out, headScale, mask, rotary, batch, t);
      this.lse = lse;
    }
  }

  /** As {@link Attention#forward}; reuses the rotated copies of {@code recycle} when they fit. */
  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, RopeTable rotary, int batch,
                       int t, Saved recycle) {
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkHeadScale(layout, headScale);
    float[][] qk = AttentionSupport.SoftmaxSaved.turn(layout, q, k, rotary, batch, t, recycle instanceof FlashSaved f ? f : null);
    float[] lse = new float[batch * layout.heads() * t];
    core(out, lse, qk[0], qk[1], v, headScale, mask, batch, t, t, t, 0);
    return new FlashSaved(qk, v, out, headScale, lse, mask, rotary, batch, t);
  }

  /**
   * Forward over {@code tq} queries at positions offset.. and the first {@code tk} keys of k, v stored
   * as (B, cap, KVH, HS). Writes out (B, tq, H, HS) and lse (B, H, tq).
   *
   * <p>Keys and values are first packed per kv head into dense (tk, HS) blocks; then every
   * (batch, head, query tile) is an independent task, so even B·H = 1 keeps all workers busy. Tasks
   * are ordered so that each worker's contiguous share mixes early (light, under a causal mask) and
   * late (heavy) query tiles.
   */
  private void core(float[] out, float[] lse, float[] q, float[] k, float[] v, float[] headScale, Mask mask,
                    int batch, int tq, int tk, int cap, int offset) {
    final int nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    final int br = Math.min(queryTile, tq), bc = Math.min(keyTile, tk), nqt = (tq + br - 1) / br;
    final float[] kp = new float[batch * nkv * tk * hs]; // (B, KVH, tk, HS) packed keys
    final float[] vp = new float[batch * nkv * tk * hs]; // (B, KVH, tk, HS) packed values
    Parallel.forRange(batch * nkv, 1, (lo, hi) -> {
      for (int task = lo; task < hi; task++) {
        int b = task / nkv, g = task % nkv;
        AttentionSupport.pack(kp, task * tk * hs, k, b, 0, tk, cap, nkv, g, hs);
        AttentionSupport.pack(vp, task * tk * hs, v, b, 0, tk, cap, nkv, g, hs);
      }
    });
    final int bh = batch * nh;
    Parallel.forRange(bh * nqt, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      float[] qt = new float[br * hs];   // (Br, HS) the tile's queries, times scale·λ_h
      float[] o = new float[br * hs];    // (Br, HS) unnormalised output tile
      float[] s = new float[br * bc];    // (Br, Bc) scores, then probabilities (row stride = tile width)
      float[] m = new float[br], l = new float[br], stats = new float[2];
      int[] rs = new int[br], re = new int[br]; // each query's visible window [rs, re)
      for (int task = lo; task < hi; task++) {
        int pair = task / bh, head = task % bh;
        int qi = (pair & 1) == 0 ? pair / 2 : nqt - 1 - pair / 2; // 0, n−1, 1, n−2, …
        int b = head / nh, h = head % nh, kvOff = (b * nkv + layout.kvHeadOf(h)) * tk * hs;
        int i0 = qi * br, r = Math.min(br, tq - i0);
        pack(qt, q, b, i0, r, tq, nh, h, hs);
        // fold c = scale·λ_h into the queries: Q' K_jᵀ is then the content logit
        ks.scale(qt, 0, r * hs, scale * (headScale == null ? 1f : headScale[h]));
        float slope = alibi == null ? 0f : alibi[h];
        int kLo = tk, kHi = 0;
        for (int ii = 0; ii < r; ii++) {
          rs[ii] = start(mask, b, offset + i0 + ii, tk);
          re[ii] = end(mask, b, offset + i0 + ii, tk);
          kLo = Math.min(kLo, rs[ii]);
          kHi = Math.max(kHi, re[ii]);
        }
        Arrays.fill(m, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0f);
        Arrays.fill(o, 0f);
        for (int j0 = kLo; j0 < kHi; j0 += bc) {
          int c = Math.min(bc, kHi - j0);
          ks.matmulNT(s, 0, qt, 0, kp, kvOff + j0 * hs, r, hs, c, false);
          for (int ii = 0; ii < r; ii++) {
            int row = ii * c, s0 = Math.max(rs[ii], j0) - j0, e = Math.min(re[ii], j0 + c) - j0;
            if (e <= s0) {
              Arrays.fill(s, row, row + c, 0f);
              continue;
            }
            if (slope != 0f) AttentionSupport.addAlibi(s, row + s0, e - s0, slope, offset + i0 + ii, j0 + s0);
            AttentionSupport.softmaxSegment(ks, s, row + s0, e - s0, stats);
            float mNew = Math.max(m[ii], stats[0]);
            float alpha = Exp.exp(m[ii] - mNew);                // rescales the old sum and output
            float beta = stats[1] * Exp.exp(stats[0] - mNew); // turns the tile softmax into exp(s − m')
            l[ii] = l[ii] * alpha + beta;
            m[ii] = mNew;
            if (alpha != 1f) ks.scale(o, ii * hs, hs, alpha);
            ks.scale(s, row + s0, e - s0, beta);
            Arrays.fill(s, row, row + s0, 0f);
            Arrays.fill(s, row + e, row + c, 0f);
          }
          ks.matmul(o, 0, s, 0, vp, kvOff + j0 * hs, r, c, hs, true);
        }
        int lOff = head * tq + i0;
        for (int ii = 0; ii < r; ii++) {
          if (l[ii] > 0f) {
            ks.scale(o, ii * hs, hs, 1f / l[ii]);
            lse[lOff + ii] = m[ii] + (float) Math.log(l[ii]);
          } else {
            Arrays.fill(o, ii * hs, (ii + 1) * hs, 0f); // a row that sees no key outputs 0
            lse[lOff + ii] = Float.NEGATIVE_INFINITY;
          }
        }
        unpack(out, o, b, i0, r, tq, nh, h, hs);
      }
    });
  }

  @Override
  public void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved) {
    FlashSaved sv = AttentionSupport.saved(saved, FlashSaved.class, "FlashAttention");
    final int batch = sv.batch, t = sv.t, nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    AttentionSupport.checkBackward(layout, dq, dk, dv, dHeadScale, dOut, batch, t);
    final int br = Math.min(queryTile, t), bc = Math.min(keyTile, t);
    float[] dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head key gradients
    float[] dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head value gradients
    double[] dLam = new double[batch * nh];
    final int nsp = splits(batch, t), nkt = (t + bc - 1) / bc;
    final float[] gPart = nsp > 1 ? new float[batch * nh * nsp * t * hs] : null; // (B, H, S, T, HS) partial dQ/c
    Parallel.forRange(batch * nh * nsp, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      float[] qh = new float[t * hs], qs = new float[t * hs], kh = new float[t * hs], vh = new float[t * hs];
      float[] oh = new float[t * hs], doh = new float[t * hs], gq = new float[t * hs];
      float[] dkt = new float[bc * hs], dvt = new float[bc * hs];
      float[] p = new float[br * bc], dp = new float[br * bc];
      float[] dRow = new float[t];               // D_i = dy_i·y_i
      int[] rs = new int[t], re = new int[t];    // each row's visible window
      float[] stats = new float[2];
      for (int work = lo; work < hi; work++) {
        int task = work / nsp, sp = work % nsp;
        int b = task / nh, h = task % nh, g = layout.kvHeadOf(h);
        pack(qh, sv.q, b, 0, t, t, nh, h, hs);
        pack(kh, sv.k, b, 0, t, t, nkv, g, hs);
        pack(vh, sv.v, b, 0, t, t, nkv, g, hs);
        pack(oh, sv.out, b, 0, t, t, nh, h, hs);
        pack(doh, dOut, b, 0, t, t, nh, h, hs);
        Arrays.fill(gq, 0f);
        for (int i = 0; i < t; i++) {
          dRow[i] = ks.dot(doh, i * hs, oh, i * hs, hs);
          rs[i] = start(sv.mask, b, i, t);
          re[i] = end(sv.mask, b, i, t);
        }
        float sc = scale * (sv.headScale == null ? 1f : sv.headScale[h]);
        System.arraycopy(qh, 0, qs, 0, t * hs);
        ks.scale(qs, 0, t * hs, sc); // Q' = c·Q, so S = Q'Kᵀ (+ ALiBi) and dK = dSᵀ Q'
        float slope = alibi == null ? 0f : alibi[h];
        int lOff = task * t, hOff = task * t * hs;
        for (int jt = sp; jt < nkt; jt += nsp) {
          int j0 = jt * bc, c = Math.min(bc, t - j0);
          Arrays.fill(dkt, 0f);
          Arrays.fill(dvt, 0f);
          for (int i0 = 0; i0 < t; i0 += br) {
            int r = Math.min(br, t - i0);
            boolean any = false;
            for (int ii = 0; ii < r && !any; ii++) any = Math.max(rs[i0 + ii], j0) < Math.min(re[i0 + ii], j0 + c);
            if (!any) continue;
            // recompute P = exp(S − L) for this tile
            ks.matmulNT(p, 0, qs, i0 * hs, kh, j0 * hs, r, hs, c, false);
            for (int ii = 0; ii < r; ii++) {
              int i = i0 + ii, row = ii * c;
              int s0 = Math.max(rs[i], j0) - j0, e = Math.min(re[i], j0 + c) - j0;
              if (e <= s0) {
                Arrays.fill(p, row, row + c, 0f);
                continue;
              }
              if (slope != 0f) AttentionSupport.addAlibi(p, row + s0, e - s0, slope, i, j0 + s0);
              AttentionSupport.softmaxSegment(ks, p, row + s0, e - s0, stats);
              ks.scale(p, row + s0, e - s0, stats[1] * Exp.exp(stats[0] - sv.lse[lOff + i]));
              Arrays.fill(p, row, row + s0, 0f);
              Arrays.fill(p, row + e, row + c, 0f);
            }
            ks.matmulTN(dvt, 0, p, 0, doh, i0 * hs, c, r, hs, true);      // dV_j += Pᵀ dY_i
            ks.matmulNT(dp, 0, doh, i0 * hs, vh, j0 * hs, r, hs, c, false); // dP = dY_i V_jᵀ
            for (int ii = 0; ii < r; ii++) {
              int row = ii * c;
              float d = dRow[i0 + ii];
              for (int jj = 0; jj < c; jj++) dp[row + jj] = p[row + jj] * (dp[row + jj] - d); // dS (0 where P is)
            }
            ks.matmul(gq, i0 * hs, dp, 0, kh, j0 * hs, r, c, hs, true);   // G_i += dS K_j
            ks.matmulTN(dkt, 0, dp, 0, qs, i0 * hs, c, r, hs, true);      // dK_j += dSᵀ Q'_i
          }
          System.arraycopy(dkt, 0, dkPart, hOff + j0 * hs, c * hs);
          System.arraycopy(dvt, 0, dvPart, hOff + j0 * hs, c * hs);
        }
        if (nsp > 1) {
          System.arraycopy(gq, 0, gPart, work * t * hs, t * hs);
        } else {
          finishDq(ks, dq, dLam, gq, qh, sv.headScale, task, t);
        }
      }
    });
    if (nsp > 1) {
      Parallel.forRange(batch * nh, 1, (lo, hi) -> {
        KernelSet ks = Kernels.get();
        float[] qh = new float[t * hs], gq = new float[t * hs];
        for (int task = lo; task < hi; task++) {
          pack(qh, sv.q, task / nh, 0, t, t, nh, task % nh, hs);
          System.arraycopy(gPart, task * nsp * t * hs, gq, 0, t * hs);
          for (int sp = 1; sp < nsp; sp++) ks.add(gq, 0, gq, 0, gPart, (task * nsp + sp) * t * hs, t * hs);
          finishDq(ks, dq, dLam, gq, qh, sv.headScale, task, t);
        }
      });
    }
    AttentionSupport.reduceGroups(layout, dk, dkPart, batch, t);
    AttentionSupport.reduceGroups(layout, dv, dvPart, batch, t);
    AttentionSupport.addHeadScaleGrad(dHeadScale, dLam, batch, nh);
    sv.turnBack(layout, dq, dk);
  }

  /** From G = Σ_j dS K_j of head task = b·H + h: ∂ℓ/∂λ_h part = scale Σ_i q_i·G_i, and dq = c·G. */
  private void finishDq(KernelSet ks, float[] dq, double[] dLam, float[] gq, float[] qh, float[] headScale, int task, int t) {
    int nh = layout.heads(), hs = layout.headSize(), h = task % nh;
    double lam = 0;
    for (int i = 0; i < t; i++) lam += ks.dot(qh, i * hs, gq, i * hs, hs);
    dLam[task] = scale * lam;
    ks.scale(gq, 0, t * hs, scale * (headScale == null ? 1f : headScale[h]));
    unpack(dq, gq, task / nh, 0, t, t, nh, h, hs);
  }

  /** The weights, computed by the exact twin (the tiled pass never forms them). */
  @Override
  public float[] weights(float[] q, float[] k, float[] headScale, Mask mask, RopeTable rotary, int batch, int t) {
    return exact().weights(q, k, headScale, mask, rotary, batch, t);
  }

  @Override
  public KvCache newDecodeState(int batch, int capacity) {
    return new KvCache(batch, capacity, layout.kvHeads(), layout.headSize());
  }

  @Override
  public void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, RopeTable rotary,
                     int tq) {
    AttentionSupport.KvStep step = AttentionSupport.kvStep(layout, state, out, q, k, v, headScale, rotary, tq);
    KvCache cache = step.cache();
    int b = cache.batch(), tk = cache.length();
    core(out, new float[b * layout.heads() * tq], step.q(), cache.k, cache.v, headScale, Mask.causal(), b, tq, tk,
        cache.capacity(), tk - tq);
  }

  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    long bh = (long) batch * layout.heads(), hs = layout.headSize(), ths = t * hs;
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long br = Math.min(queryTile, t), bc = Math.min(keyTile, t);
    long wf = Math.min(dev.focus.kernel.Parallel.threads(), bh * ((t + br - 1) / br));
    long saved = 4 * bh * t;                                          // log-sum-exps
    long fwd = 4 * 2 * (long) batch * layout.kvHeads() * ths          // packed keys and values
        + 4 * wf * (2 * br * hs + br * bc + 4 * br + 2);              // q and o tiles, s, m, l, windows, stats
    long nsp = splits(batch, t), wb = Math.min(dev.focus.kernel.Parallel.threads(), bh * nsp);
    long bwd = 4 * 2 * bh * ths + 8 * bh                               // dkPart, dvPart, dLam
        + 4 * wb * (7 * ths + 2 * bc * hs + 2 * br * bc + 3L * t + 2)  // packed blocks, tiles, D, windows
        + (nsp > 1 ? 4 * bh * nsp * ths : 0);                          // partial dQ per key-tile group
    if (nsp > 1) bwd = Math.max(bwd, 4 * 2 * bh * ths + 8 * bh + 4 * bh * nsp * ths + 4 * w * 2 * ths); // the reduction
    return saved + (withBackward ? Math.max(fwd, bwd) : fwd);
  }
}
