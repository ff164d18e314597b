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
import java.util.ArrayDeque;
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
 * Causal masks skip the tiles above the diagonal. Memory: saved (B, H, T) log-sum-exps and k and v
 * packed once per kv head into dense (T, HS) blocks, which forward reads per tile and backward reads
 * again. Forward runs every (batch, head, query tile) as its own task with (Br, HS) and (Br, Bc) tiles;
 * backward gives each worker one head's q, o, dy and dq as dense (T, HS) blocks. Everything grows
 * linearly in T. All of it is a {@link Workspace} that the next forward of the same shape takes over
 * from the state it recycles, so a training step allocates none of it after the first.
 */
public final class FlashAttention extends SoftmaxVariant {
  private final int queryTile, keyTile;
  private final int backwardSplits; // key-tile groups per head in backward; 0 = as many as idle workers need

  private FlashAttention(HeadLayout layout, float scale, float[] alibi, int queryTile, int keyTile, int backwardSplits) {
    super(layout, scale, alibi);
    if (queryTile < 1) throw new IllegalArgumentException("queryTile=" + queryTile + " must be >= 1");
    if (keyTile < 1) throw new IllegalArgumentException("keyTile=" + keyTile + " must be >= 1");
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

  /**
   * Tiled softmax attention with scale 1/sqrt(HS), no ALiBi, 256×256 tiles. Each tile pays for a
   * product call, a packing of its keys and per-row softmax bookkeeping, so bigger tiles amortise
   * more; a 256×256 score tile (256 KiB) still fits a core's L2. Forward plus backward of one causal
   * layer (4 heads of 32, B = 1) on an Intel Xeon (model 207), median time against exact attention:
   * 64×64 tiles 1.30–1.47×, 256×256 tiles 0.99–1.07× at T = 2048 and 4096, 1.21× at 8192.
   */
  public static FlashAttention of(HeadLayout layout) {
    return new FlashAttention(layout, layout.defaultScale(), null, 256, 256, 0);
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

  public int queryTile() { return queryTile; }

  public int keyTile() { return keyTile; }

  /** The exact twin with the same scale and slopes (used for {@link #weights}). */
  public SoftmaxAttention exact() { return SoftmaxAttention.of(layout).withScale(scale).withAlibi(alibi); }

  /**
   * The arrays of one (B, T) shape that forward and backward need besides their inputs and outputs.
   * Every element is written before it is read in each call, so reuse cannot change a result. The
   * per-worker tiles sit in pools: a parallel loop runs at most {@link Parallel#threads()} chunks, each
   * takes a set of tiles and gives it back, so a pool holds at most one set per thread.
   */
  static final class Workspace {
    final HeadLayout layout;
    final int batch, t, queryTile, keyTile;
    final float[] lse;           // (B, H, T) log Σ_j exp(s_ij) over visible keys (saved for backward)
    final float[] kp, vp;        // (B, KVH, T, HS) packed keys and values (forward's tiles, backward's blocks)
    float[] dkPart, dvPart;      // (B, H, T, HS) per-query-head key and value gradients, from the first backward on
    float[] gPart;               // (B, H, S, T, HS) partial dQ/c per key-tile group, when S > 1
    final ArrayDeque<ForwardTiles> forwardTiles = new ArrayDeque<>();
    final ArrayDeque<BackwardBlocks> backwardBlocks = new ArrayDeque<>();

    Workspace(HeadLayout layout, int batch, int t, int queryTile, int keyTile) {
      this.layout = layout;
      this.batch = batch;
      this.t = t;
      this.queryTile = queryTile;
      this.keyTile = keyTile;
      this.lse = new float[batch * layout.heads() * t];
      this.kp = new float[batch * layout.kvHeads() * t * layout.headSize()];
      this.vp = new float[kp.length];
    }

    /** True when this workspace was made for the same shape, layout and tiles. */
    boolean fits(HeadLayout layout, int batch, int t, int queryTile, int keyTile) {
      return this.layout.equals(layout) && this.batch == batch && this.t == t && this.queryTile == queryTile && this.keyTile == keyTile;
    }

    /** A set of tiles from {@code pool}, or a new one from {@code make}; give it back with {@link #give}. */
    static <X> X take(ArrayDeque<X> pool, java.util.function.Supplier<X> make) {
      synchronized (pool) {
        X x = pool.poll();
        if (x != null) return x;
      }
      return make.get();
    }

    static <X> void give(ArrayDeque<X> pool, X x) {
      synchronized (pool) {
        pool.push(x);
      }
    }
  }

  /** One forward worker's tiles for Br queries by Bc keys of head size HS. */
  static final class ForwardTiles {
    final float[] qt, o;  // (Br, HS) the tile's queries times scale·λ_h; unnormalised output
    final float[] s;      // (Br, Bc) scores, then probabilities (row stride = tile width)
    final float[] m, l;   // (Br) running max and sum per row
    final float[] stats = new float[2]; // one softmax's max and sum
    final int[] rs, re;   // (Br) each query's visible window [rs, re)

    ForwardTiles(int br, int bc, int hs) {
      qt = new float[br * hs];
      o = new float[br * hs];
      s = new float[br * bc];
      m = new float[br];
      l = new float[br];
      rs = new int[br];
      re = new int[br];
    }
  }

  /** One backward worker's blocks for a head of T rows: dense (T, HS) copies and (Br, Bc) tiles. */
  static final class BackwardBlocks {
    final float[] qh, qs, oh, doh, gq; // (T, HS) q, c·q, o, dy and G = dQ/c of one head
    final float[] dkt, dvt;            // (Bc, HS) dK_j and dV_j of one key tile
    final float[] p, dp;               // (Br, Bc) P, then dP and dS
    final float[] dRow;                // (T) D_i = dy_i·y_i
    final float[] stats = new float[2];
    final int[] rs, re;                // (T) each row's visible window

    BackwardBlocks(int t, int br, int bc, int hs) {
      qh = new float[t * hs];
      qs = new float[t * hs];
      oh = new float[t * hs];
      doh = new float[t * hs];
      gq = new float[t * hs];
      dkt = new float[bc * hs];
      dvt = new float[bc * hs];
      p = new float[br * bc];
      dp = new float[br * bc];
      dRow = new float[t];
      rs = new int[t];
      re = new int[t];
    }
  }

  /** Saved activations: the inputs (q and k turned, under a rotary table), the output, and the workspace with its log-sum-exps. */
  static final class FlashSaved extends AttentionSupport.SoftmaxSaved {
    final Workspace ws;
    final float[] lse; // ws.lse

    FlashSaved(float[][] qk, float[] v, float[] out, float[] headScale, Workspace ws, Mask mask, RopeTable rotary, int batch, int t) {
      super(qk, v, out, headScale, mask, rotary, batch, t);
      this.ws = ws;
      this.lse = ws.lse;
    }
  }

  /** As {@link Attention#forward}; reuses the rotated copies and the workspace of {@code recycle} when they fit. */
  @Override
  public Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, RopeTable rotary, int batch,
                       int t, Saved recycle) {
    AttentionSupport.checkForward(layout, out, q, k, v, mask, batch, t);
    AttentionSupport.checkHeadScale(layout, headScale);
    FlashSaved old = recycle instanceof FlashSaved f ? f : null;
    float[][] qk = AttentionSupport.SoftmaxSaved.turn(layout, q, k, rotary, batch, t, old);
    Workspace ws = old != null && old.ws.fits(layout, batch, t, queryTile, keyTile) ? old.ws
        : new Workspace(layout, batch, t, queryTile, keyTile);
    core(out, ws.lse, ws.kp, ws.vp, ws.forwardTiles, qk[0], qk[1], v, headScale, mask, batch, t, t, t, 0);
    return new FlashSaved(qk, v, out, headScale, ws, mask, rotary, batch, t);
  }

  /**
   * Forward over {@code tq} queries at positions offset.. and the first {@code tk} keys of k, v stored
   * as (B, cap, KVH, HS). Writes out (B, tq, H, HS), lse (B, H, tq) and the packed keys and values
   * kp, vp (B, KVH, tk, HS); tile sets come from {@code tiles}.
   *
   * <p>Keys and values are first packed per kv head into dense (tk, HS) blocks; then every
   * (batch, head, query tile) is an independent task, so even B·H = 1 keeps all workers busy. Tasks
   * are ordered so that each worker's contiguous share mixes early (light, under a causal mask) and
   * late (heavy) query tiles.
   */
  private void core(float[] out, float[] lse, float[] kp, float[] vp, ArrayDeque<ForwardTiles> tiles, float[] q, float[] k, float[] v,
                    float[] headScale, Mask mask, int batch, int tq, int tk, int cap, int offset) {
    final int nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    final int br = Math.min(queryTile, tq), bc = Math.min(keyTile, tk), nqt = (tq + br - 1) / br;
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
      ForwardTiles w = Workspace.take(tiles, () -> new ForwardTiles(br, bc, hs));
      float[] qt = w.qt, o = w.o, s = w.s, m = w.m, l = w.l, stats = w.stats;
      int[] rs = w.rs, re = w.re;
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
      Workspace.give(tiles, w);
    });
  }

  @Override
  public void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved) {
    FlashSaved sv = AttentionSupport.saved(saved, FlashSaved.class, "FlashAttention");
    final int batch = sv.batch, t = sv.t, nh = layout.heads(), hs = layout.headSize(), nkv = layout.kvHeads();
    AttentionSupport.checkBackward(layout, dq, dk, dv, dHeadScale, dOut, batch, t);
    final int br = Math.min(queryTile, t), bc = Math.min(keyTile, t);
    final Workspace ws = sv.ws;
    if (ws.dkPart == null) {
      ws.dkPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head key gradients
      ws.dvPart = new float[batch * nh * t * hs]; // (B, H, T, HS) per-query-head value gradients
    }
    final float[] dkPart = ws.dkPart, dvPart = ws.dvPart, kp = ws.kp, vp = ws.vp;
    double[] dLam = new double[batch * nh];
    final int nsp = splits(batch, t), nkt = (t + bc - 1) / bc;
    if (nsp > 1 && (ws.gPart == null || ws.gPart.length != batch * nh * nsp * t * hs)) {
      ws.gPart = new float[batch * nh * nsp * t * hs]; // (B, H, S, T, HS) partial dQ/c
    }
    final float[] gPart = nsp > 1 ? ws.gPart : null;
    Parallel.forRange(batch * nh * nsp, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      BackwardBlocks w = Workspace.take(ws.backwardBlocks, () -> new BackwardBlocks(t, br, bc, hs));
      float[] qh = w.qh, qs = w.qs, oh = w.oh, doh = w.doh, gq = w.gq, dkt = w.dkt, dvt = w.dvt, p = w.p, dp = w.dp, dRow = w.dRow;
      float[] stats = w.stats;
      int[] rs = w.rs, re = w.re;
      for (int work = lo; work < hi; work++) {
        int task = work / nsp, sp = work % nsp;
        int b = task / nh, h = task % nh, g = layout.kvHeadOf(h), kvOff = (b * nkv + g) * t * hs; // this head's kp, vp block
        pack(qh, sv.q, b, 0, t, t, nh, h, hs);
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
            ks.matmulNT(p, 0, qs, i0 * hs, kp, kvOff + j0 * hs, r, hs, c, false);
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
            ks.matmulNT(dp, 0, doh, i0 * hs, vp, kvOff + j0 * hs, r, hs, c, false); // dP = dY_i V_jᵀ
            for (int ii = 0; ii < r; ii++) {
              int row = ii * c;
              float d = dRow[i0 + ii];
              for (int jj = 0; jj < c; jj++) dp[row + jj] = p[row + jj] * (dp[row + jj] - d); // dS (0 where P is)
            }
            ks.matmul(gq, i0 * hs, dp, 0, kp, kvOff + j0 * hs, r, c, hs, true); // G_i += dS K_j
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
      Workspace.give(ws.backwardBlocks, w);
    });
    if (nsp > 1) {
      Parallel.forRange(batch * nh, 1, (lo, hi) -> {
        KernelSet ks = Kernels.get();
        BackwardBlocks w = Workspace.take(ws.backwardBlocks, () -> new BackwardBlocks(t, br, bc, hs));
        float[] qh = w.qh, gq = w.gq;
        for (int task = lo; task < hi; task++) {
          pack(qh, sv.q, task / nh, 0, t, t, nh, task % nh, hs);
          System.arraycopy(gPart, task * nsp * t * hs, gq, 0, t * hs);
          for (int sp = 1; sp < nsp; sp++) ks.add(gq, 0, gq, 0, gPart, (task * nsp + sp) * t * hs, t * hs);
          finishDq(ks, dq, dLam, gq, qh, sv.headScale, task, t);
        }
        Workspace.give(ws.backwardBlocks, w);
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
  void decode(float[] out, float[] q, KvCache cache, float[] headScale, int tq) {
    int b = cache.batch(), tk = cache.length();
    int packed = b * layout.kvHeads() * tk * layout.headSize();
    core(out, new float[b * layout.heads() * tq], new float[packed], new float[packed], new ArrayDeque<>(), q, cache.k, cache.v,
        headScale, Mask.causal(), b, tq, tk, cache.capacity(), tk - tq);
  }

  @Override
  public long workspaceBytes(int batch, int t, boolean withBackward) {
    long bh = (long) batch * layout.heads(), hs = layout.headSize(), ths = t * hs;
    long w = Math.min(dev.focus.kernel.Parallel.threads(), bh);
    long br = Math.min(queryTile, t), bc = Math.min(keyTile, t);
    long wf = Math.min(dev.focus.kernel.Parallel.threads(), bh * ((t + br - 1) / br));
    // The workspace keeps all of it from call to call: forward's and backward's parts add up.
    long saved = 4 * bh * t                                           // log-sum-exps
        + 4 * 2 * (long) batch * layout.kvHeads() * ths;              // packed keys and values
    long fwd = 4 * wf * (2 * br * hs + br * bc + 4 * br + 2);         // q and o tiles, s, m, l, windows, stats
    long nsp = splits(batch, t), wb = Math.max(w, Math.min(dev.focus.kernel.Parallel.threads(), bh * nsp));
    long bwd = 4 * 2 * bh * ths + 8 * bh                               // dkPart, dvPart, dLam
        + 4 * wb * (5 * ths + 2 * bc * hs + 2 * br * bc + 3L * t + 2)  // head blocks, tiles, D, windows (also the reduction's)
        + (nsp > 1 ? 4 * bh * nsp * ths : 0);                          // partial dQ per key-tile group
    return saved + fwd + (withBackward ? bwd : 0);
  }
}
