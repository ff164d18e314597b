package dev.focus.attention;

import dev.focus.kernel.KernelSet;
import dev.focus.position.RopeTable;

/**
 * Shared plumbing for the attention variants: the one set of argument checks (forward, backward,
 * decode, saved state), rotary copies of q and k, packing one head out of the (B, T, heads, HS) layout
 * into a dense (T, HS) block (so the matmul kernels see unit-stride rows), and the logit-row
 * preparation that exact and tiled softmax share.
 */
final class AttentionSupport {
  private AttentionSupport() {}

  /** Query rows per block of the causal block layout (see {@link #causalIndex}). */
  static final int CAUSAL_BLOCK = 64;

  /**
   * Index of weight (i, j) of one head's (T, T) region at {@code off} in the causal block layout:
   * query block [r0, r1) (r0 a multiple of {@link #CAUSAL_BLOCK}) stores its rows with stride r1 from
   * {@code off + r0·T} on, which fits inside the rows of the plain layout. Valid for j &lt; r1.
   */
  static int causalIndex(int off, int t, int i, int j) {
    int r0 = i / CAUSAL_BLOCK * CAUSAL_BLOCK, r1 = Math.min(r0 + CAUSAL_BLOCK, t);
    return off + r0 * t + (i - r0) * r1 + j;
  }

  /** One head's causal-block weights at {@code src[off..]} as a plain (T, T) block at {@code dst[off..]}, zeros above the diagonal. */
  static void unblockCausal(float[] dst, float[] src, int off, int t) {
    for (int i = 0; i < t; i++) {
      System.arraycopy(src, causalIndex(off, t, i, 0), dst, off + i * t, i + 1);
      java.util.Arrays.fill(dst, off + i * t + i + 1, off + (i + 1) * t, 0f);
    }
  }

  /**
   * The key width of query block [r0, r1) in the block layout: one past the last key any of its rows
   * sees (r1 under a causal mask, the end of a straddling span under a block-causal one, T when
   * bidirectional). The block's rows are stored with this stride from {@code off + r0·T}.
   */
  static int blockWidth(Mask mask, int b, int r0, int r1, int t) {
    int w = 1;
    for (int i = r0; i < r1; i++) w = Math.max(w, end(mask, b, i, t));
    return w;
  }

  /** One head's block-layout weights under {@code mask} (batch row b) as a plain (T, T) block at {@code dst[off..]}. */
  static void unblock(float[] dst, float[] src, int off, int t, Mask mask, int b) {
    for (int r0 = 0; r0 < t; r0 += CAUSAL_BLOCK) {
      int r1 = Math.min(r0 + CAUSAL_BLOCK, t), w = blockWidth(mask, b, r0, r1, t);
      for (int i = r0; i < r1; i++) {
        System.arraycopy(src, off + r0 * t + (i - r0) * w, dst, off + i * t, w);
        java.util.Arrays.fill(dst, off + i * t + w, off + (i + 1) * t, 0f);
      }
    }
  }

  /**
   * B·H·Tq·Tk, the attention weights of one call, when one array holds them; one line saying how many
   * there would be otherwise, and {@code remedy} (what to use instead, or empty).
   */
  static int weightCount(HeadLayout l, int batch, int tq, int tk, String remedy) {
    long n = (long) batch * l.heads() * tq * tk;
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("B·H·T·T=" + n + " weights do not fit an array" + remedy);
    return (int) n;
  }

  static void checkLength(String name, float[] a, long need) {
    if (a == null) throw new IllegalArgumentException(name + " is null");
    if (a.length != need) {
      throw new IllegalArgumentException(name + " has length " + a.length + " but the shape needs " + need);
    }
  }

  static void checkAtLeast(String name, float[] a, long need) {
    if (a == null) throw new IllegalArgumentException(name + " is null");
    if (a.length < need) {
      throw new IllegalArgumentException(name + " has length " + a.length + " but needs at least " + need);
    }
  }

  /** Checks a forward call's arguments: sizes, lengths and the mask. */
  static void checkForward(HeadLayout l, float[] out, float[] q, float[] k, float[] v, Mask mask, int batch, int t) {
    if (batch < 1) throw new IllegalArgumentException("batch=" + batch + " must be >= 1");
    if (t < 1) throw new IllegalArgumentException("t=" + t + " must be >= 1");
    if (mask == null) throw new IllegalArgumentException("mask is null");
    long bt = (long) batch * t;
    checkLength("out", out, bt * l.qWidth());
    checkLength("q", q, bt * l.qWidth());
    checkLength("k", k, bt * l.kvWidth());
    checkLength("v", v, bt * l.kvWidth());
    mask.checkFits(batch, t);
  }

  /** Checks a backward call's buffers against the (B, T) of the forward that saved them; dHeadScale may be null. */
  static void checkBackward(HeadLayout l, float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, int batch, int t) {
    long bt = (long) batch * t;
    checkLength("dq", dq, bt * l.qWidth());
    checkLength("dk", dk, bt * l.kvWidth());
    checkLength("dv", dv, bt * l.kvWidth());
    checkLength("dOut", dOut, bt * l.qWidth());
    if (dHeadScale != null && dHeadScale.length != l.heads()) {
      throw new IllegalArgumentException("dHeadScale has length " + dHeadScale.length + " but heads=" + l.heads());
    }
  }

  /** {@code saved} as the state {@code owner}'s forward returns, or an error naming what came instead. */
  static <S extends Attention.Saved> S saved(Attention.Saved saved, Class<S> type, String owner) {
    if (!type.isInstance(saved)) {
      throw new IllegalArgumentException("saved state " + (saved == null ? "null" : saved.getClass().getSimpleName())
          + " does not come from " + owner + ".forward");
    }
    return type.cast(saved);
  }

  /** Checks a decode call's query and output: Tq ≥ 1 tokens of B sequences. */
  static void checkDecodeQuery(HeadLayout l, float[] out, float[] q, int batch, int tq) {
    if (tq < 1) throw new IllegalArgumentException("tq=" + tq + " must be >= 1");
    long n = (long) batch * tq * l.qWidth();
    checkLength("q", q, n);
    checkLength("out", out, n);
  }

  /** λ_h scales softmax logits only: linear attention takes none. */
  static void checkNoHeadScale(float[] headScale) {
    if (headScale != null) throw new IllegalArgumentException("headScale is only defined for softmax attention; pass null");
  }

  /**
   * q or k (B, T, NH, HS) turned by the rotary table, token i of sequence b by row(b, offset + i)
   * (RoFormer eq. 34): a copy, in {@code reuse} when it has the length, else new; x itself when the
   * table is null. The caller's array is never modified.
   */
  static float[] rotated(float[] x, RopeTable table, int batch, int t, int offset, int heads, int hs, float[] reuse) {
    if (table == null) return x;
    float[] r = reuse != null && reuse != x && reuse.length == x.length ? reuse : new float[x.length];
    System.arraycopy(x, 0, r, 0, x.length);
    table.rotateBatch(r, batch, t, offset, heads, hs, false);
    return r;
  }

  /** Checks λ_h: null or H finite values. */
  static void checkHeadScale(HeadLayout l, float[] headScale) {
    if (headScale == null) return;
    if (headScale.length != l.heads()) {
      throw new IllegalArgumentException("headScale has length " + headScale.length + " but heads=" + l.heads());
    }
    for (int h = 0; h < headScale.length; h++) {
      if (!Float.isFinite(headScale[h])) {
        throw new IllegalArgumentException("headScale[" + h + "]=" + headScale[h] + " must be finite");
      }
    }
  }

  static float checkScale(float scale) {
    if (!Float.isFinite(scale) || scale == 0f) {
      throw new IllegalArgumentException("scale=" + scale + " must be finite and nonzero");
    }
    return scale;
  }

  static float[] checkSlopes(HeadLayout l, float[] slopes) {
    if (slopes == null) return null;
    if (slopes.length != l.heads()) {
      throw new IllegalArgumentException("alibi slopes have length " + slopes.length + " but heads=" + l.heads());
    }
    for (int h = 0; h < slopes.length; h++) {
      if (!Float.isFinite(slopes[h])) {
        throw new IllegalArgumentException("alibi slope[" + h + "]=" + slopes[h] + " must be finite");
      }
    }
    return slopes.clone();
  }

  /**
   * Copies rows [r0, r0+rows) of head {@code head} of batch row {@code b} out of a (B, cap, nh, HS)
   * array into dst[0 .. rows·HS) as a dense (rows, HS) block.
   */
  static void pack(float[] dst, float[] src, int b, int r0, int rows, int cap, int nh, int head, int hs) {
    pack(dst, 0, src, b, r0, rows, cap, nh, head, hs);
  }

  /** As {@link #pack(float[], float[], int, int, int, int, int, int, int)}, writing from dst[dOff]. */
  static void pack(float[] dst, int dOff, float[] src, int b, int r0, int rows, int cap, int nh, int head, int hs) {
    int w = nh * hs;
    int base = (b * cap + r0) * w + head * hs;
    for (int r = 0; r < rows; r++) System.arraycopy(src, base + r * w, dst, dOff + r * hs, hs);
  }

  /** The inverse of {@link #pack}: writes a dense (rows, HS) block into the strided layout. */
  static void unpack(float[] dst, float[] src, int b, int r0, int rows, int cap, int nh, int head, int hs) {
    int w = nh * hs;
    int base = (b * cap + r0) * w + head * hs;
    for (int r = 0; r < rows; r++) System.arraycopy(src, r * hs, dst, base + r * w, hs);
  }

  /**
   * Turns the raw scores q_i·k_j in row[off .. off+n) (keys j0 .. j0+n−1) into logits:
   * multiply by {@code scale} (= global scale · λ_h), then add the ALiBi bias −slope·|pos − j|
   * (Press et al. 2022, eq. 1; for causal rows |pos − j| = pos − j).
   */
  static void toLogits(KernelSet ks, float[] row, int off, int n, float scale, float slope, int pos, int j0) {
    ks.scale(row, off, n, scale);
    if (slope != 0f) {
      for (int c = 0; c < n; c++) row[off + c] -= slope * Math.abs(pos - (j0 + c));
    }
  }

  /** Adds the ALiBi bias −slope·|pos − j| to row[off .. off+n), keys j0 .. j0+n−1 (Press et al. 2022). */
  static void addAlibi(float[] row, int off, int n, float slope, int pos, int j0) {
    for (int c = 0; c < n; c++) row[off + c] -= slope * Math.abs(pos - (j0 + c));
  }

  /**
   * In-place softmax of row[off .. off+n) through the kernel set; returns the row maximum m in
   * stats[0] and the sum l = Σ exp(x − m) in stats[1], so that exp(x_j − m) = p_j·l. The kernel
   * normalises by l, so the largest probability (the argmax, exp(0)/l) is 1/l: we read l back from it
   * instead of exponentiating a second time.
   */
  static void softmaxSegment(KernelSet ks, float[] row, int off, int n, float[] stats) {
    float m = ks.max(row, off, n);
    ks.softmaxRows(row, off, row, off, 1, n);
    float pmax = ks.max(row, off, n);
    stats[0] = m;
    stats[1] = 1f / pmax;
  }

  /** End of the visible window of query position {@code pos}, clamped to [0, tk]. */
  static int end(Mask mask, int b, int pos, int tk) {
    int e = mask.end(b, pos);
    return Math.max(0, Math.min(e, tk));
  }

  static int start(Mask mask, int b, int pos, int tk) {
    return Math.max(0, Math.min(mask.start(b, pos), tk));
  }

  /**
   * dst (B, T, KVH, HS) = Σ over the query heads of each group of part (B, H, T, HS): grouped-query
   * attention's kv gradients are the sums over the query heads that read them.
   */
  static void reduceGroups(HeadLayout l, float[] dst, float[] part, int batch, int t) {
    final int nh = l.heads(), nkv = l.kvHeads(), hs = l.headSize(), grp = l.group();
    dev.focus.kernel.Parallel.forRange(batch * nkv, 1, (lo, hi) -> {
      KernelSet ks = dev.focus.kernel.Kernels.get();
      for (int task = lo; task < hi; task++) {
        int b = task / nkv, g = task % nkv;
        for (int r = 0; r < t; r++) {
          int d = ((b * t + r) * nkv + g) * hs;
          System.arraycopy(part, ((b * nh + g * grp) * t + r) * hs, dst, d, hs);
          for (int x = 1; x < grp; x++) ks.add(dst, d, dst, d, part, ((b * nh + g * grp + x) * t + r) * hs, hs);
        }
      }
    });
  }

  /** dHeadScale[h] += Σ_b part[b·H + h] (no-op when dHeadScale is null). */
  static void addHeadScaleGrad(float[] dHeadScale, double[] part, int batch, int nh) {
    if (dHeadScale == null) return;
    for (int h = 0; h < nh; h++) {
      double sum = 0;
      for (int b = 0; b < batch; b++) sum += part[b * nh + h];
      dHeadScale[h] += (float) sum;
    }
  }

  /**
   * What softmax and flash attention both save for backward: the inputs (q and k as turned copies when a
   * rotary table was passed), the output, λ_h, the mask and the table.
   */
  abstract static class SoftmaxSaved implements Attention.Saved {
    final float[] q, k, v, out, headScale; // q (B, T, H, HS), k and v (B, T, KVH, HS), out like q, λ_h (H) or null
    final Mask mask;
    final RopeTable rotary;                // or null
    final int batch, t;

    SoftmaxSaved(float[][] qk, float[] v, float[] out, float[] headScale, Mask mask, RopeTable rotary, int batch, int t) {
      this.q = qk[0];
      this.k = qk[1];
      this.v = v;
      this.out = out;
      this.headScale = headScale == null ? null : headScale.clone();
      this.mask = mask;
      this.rotary = rotary;
      this.batch = batch;
      this.t = t;
    }

    @Override public int batch() { return batch; }

    @Override public int t() { return t; }

    /**
     * {q, k} for a forward over (B, T): turned copies when {@code rotary} is given, reusing this state's
     * own copies (none when it kept the caller's arrays), else q and k themselves.
     */
    static float[][] turn(HeadLayout l, float[] q, float[] k, RopeTable rotary, int batch, int t, SoftmaxSaved old) {
      boolean own = old != null && old.rotary != null;
      return new float[][] {rotated(q, rotary, batch, t, 0, l.heads(), l.headSize(), own ? old.q : null),
          rotated(k, rotary, batch, t, 0, l.kvHeads(), l.headSize(), own ? old.k : null)};
    }

    /** q and k were turned by R: their gradients (B, T, ·, HS) turn back by Rᵀ, in place. */
    void turnBack(HeadLayout l, float[] dq, float[] dk) {
      if (rotary == null) return;
      rotary.rotateBatch(dq, batch, t, 0, l.heads(), l.headSize(), true);
      rotary.rotateBatch(dk, batch, t, 0, l.kvHeads(), l.headSize(), true);
    }
  }

  /** One decode step of a softmax variant: its cache, and its queries turned to their positions. */
  record KvStep(KvCache cache, float[] q) {}

  /**
   * The shared part of a softmax variant's decode step: checks the call, turns the Tq new queries and
   * keys by the table's rows at the cache's length (none when the table is null) and appends the keys,
   * turned, and the values to the cache.
   */
  static KvStep kvStep(HeadLayout l, DecodeState state, float[] out, float[] q, float[] k, float[] v, float[] headScale,
                       RopeTable rotary, int tq) {
    KvCache cache = checkDecode(l, state, out, q, tq);
    checkHeadScale(l, headScale);
    int b = cache.batch(), pos = cache.length(), hs = l.headSize();
    float[] qr = rotated(q, rotary, b, tq, pos, l.heads(), hs, null);
    cache.append(rotated(k, rotary, b, tq, pos, l.kvHeads(), hs, null), v, tq);
    return new KvStep(cache, qr);
  }

  /** Checks a decode call against a KV cache: the state type, batch and sizes. */
  static KvCache checkDecode(HeadLayout l, DecodeState state, float[] out, float[] q, int tq) {
    if (!(state instanceof KvCache cache)) {
      throw new IllegalArgumentException("decode state " + (state == null ? "null" : state.getClass().getSimpleName())
          + " is not a KvCache (use this attention's newDecodeState)");
    }
    if (cache.kvHeads() != l.kvHeads() || cache.headSize() != l.headSize()) {
      throw new IllegalArgumentException("KV cache has kvHeads=" + cache.kvHeads() + ", headSize=" + cache.headSize()
          + " but the layer has kvHeads=" + l.kvHeads() + ", headSize=" + l.headSize());
    }
    checkDecodeQuery(l, out, q, cache.batch(), tq);
    return cache;
  }
}
