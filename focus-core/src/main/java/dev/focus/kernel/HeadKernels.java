package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelSet#causalHead} for heads narrower than a vector (8 on 16-float vectors, the lab's micro
 * models), with the queries along the lanes: a block of L queries is one vector per key, so the
 * logits are L-wide sums over the head, the softmax of L rows runs down the keys, and P·V reads the
 * weights as they were computed, where the row-major composition multiplied every key of every row
 * and copied each 16-row block of the weights into columns for P·V. Rows of Q come in and rows of O
 * and of the weights go out by gather and scatter (scalar copies through the scratch stalled on
 * store forwarding).
 *
 * <p><b>The bits</b> are the composition's, operation for operation, on the shapes {@link #fits} lets
 * through (there, both products are {@link SmallGemm}'s; {@code HeadKernelsTest} checks every bit):
 * <ul>
 *   <li>a logit is (…(+0 + q₀k₀) + q₁k₁) + …, products rounded, then times scale;</li>
 *   <li>the row maximum is order-free; each exponential is {@link VectorKernels#exp}'s, lane by lane
 *       {@link Exp#exp}'s;</li>
 *   <li>the row sum of a row of n visible keys is the row kernel's: L lane sums over the first
 *       L·⌊n/L⌋ keys (lane l: keys l, L + l, …, in order from +0), added lane 0 first to lane L − 1
 *       (the order {@code reduceLanes(ADD)} sums in, in C2 and the interpreter alike), then the
 *       remaining keys one by one; the weights are e·(1/sum);</li>
 *   <li>an output is (…(+0 + p₀v₀) + p₁v₁) + …, products rounded, over the keys the block sees (the
 *       composition also adds the masked keys' weights, exact zeros, which change nothing).</li>
 * </ul>
 * Where the composition never reads a masked logit, this path computes it and masks it arithmetically
 * (min with −∞): with finite q and k that gives every bit the composition gives; a key holding NaN
 * or ∞ also turns the rows before it to NaN, which the composition leaves finite, and the step's loss
 * is NaN either way (the last row sees every key).
 */
final class HeadKernels {
  private HeadKernels() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** 1 in the last lane, 0 elsewhere, and the converse: lane selection by multiplying finite, non-negative values. */
  private static final FloatVector LAST = FloatVector.fromArray(S, unit(true), 0), NOT_LAST = FloatVector.fromArray(S, unit(false), 0);

  private static float[] unit(boolean last) {
    float[] x = new float[L];
    for (int i = 0; i < L; i++) x[i] = (i == L - 1) == last ? 1f : 0f;
    return x;
  }

  /** Per-thread scratch: Qᵀ of a block, the block's logits/weights per key, Oᵀ. */
  private static final class Scratch {
    float[] qt = new float[0], st = new float[0], ot = new float[0];
    int[] rows = new int[0], cols = new int[0];

    /** Lane l → l·t: the rows of a block in a (t, t) matrix (gathers and scatters by lane). */
    int[] rows(int t) {
      if (rows.length != L || rows[1] != t) rows = stride(t);
      return rows;
    }

    /** Lane l → l·hs: the rows of a block in a (t, HS) matrix. */
    int[] cols(int hs) {
      if (cols.length != L || cols[1] != hs) cols = stride(hs);
      return cols;
    }

    private static int[] stride(int s) {
      int[] x = new int[L];
      for (int l = 0; l < L; l++) x[l] = l * s;
      return x;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Whether this path gives the composition's bits: a head narrower than a vector, whole blocks of L
   * queries, and products small enough that {@link Sgemm} hands both to {@link SmallGemm}.
   */
  static boolean fits(int t, int hs) {
    return hs >= 1 && hs < L && t >= L && t % L == 0 && (long) t * t * hs <= SgemmBlocking.active(L).small();
  }

  static void causalHead(float[] probs, int pOff, float[] oh, float[] qh, float[] kh, float[] vh, int t, int hs, float scale) {
    Scratch w = scratch(t, hs);
    float[] qt = w.qt, st = w.st, ot = w.ot;
    int[] rows = w.rows(t), cols = w.cols(hs);
    for (int i0 = 0; i0 < t; i0 += L) {
      int keys = i0 + L; // the block's queries see keys 0 … i0 + L − 1
      for (int d = 0; d < hs; d++) FloatVector.fromArray(S, qh, i0 * hs + d, cols, 0).intoArray(qt, d * L);
      logits(qt, kh, st, keys, hs, scale);
      mask(st, i0, CAP); // a masked logit becomes −∞
      exps(st, keys);
      mask(st, i0, KEEP); // a masked exponential becomes +0: adding it changes no sum
      normalise(st, i0, keys);
      // the weights, row by row, for the backward pass
      for (int j = 0; j < keys; j++) FloatVector.fromArray(S, st, j * L).intoArray(probs, pOff + i0 * t + j, rows, 0);
      for (int l = 0; l < L; l++) {
        int row = pOff + (i0 + l) * t;
        java.util.Arrays.fill(probs, row + keys, row + t, 0f);
      }
      values(st, 0, L, vh, 0, keys, ot, hs);
      for (int d = 0; d < hs; d++) FloatVector.fromArray(S, ot, d * L).intoArray(oh, i0 * hs + d, cols, 0);
    }
  }

  /**
   * {@link KernelSet#causalHeadGrad} along the lanes, each block of L queries: dO and O gathered by
   * rows, the row dots dO·O (…(+0 + g₀o₀) + g₁o₁) + …, dO·Vᵀ as the forward's logits (times 1,
   * exact), dS = P·(dO·Vᵀ − dO·O) with P gathered from the weights (a masked weight is +0, so a
   * masked dS is ±0: the composition writes +0, and no sum downstream can tell the two apart, each
   * starting from +0), dS scattered into its rows, and G = dS·K as the forward's P·V.
   */
  static void causalHeadGrad(float[] ds, float[] gq, float[] probs, int pOff, float[] doh, float[] oh, float[] vh, float[] kh,
                             int t, int hs) {
    Scratch w = scratch(t, hs);
    float[] gt = w.qt, st = w.st, ot = w.ot;
    int[] rows = w.rows(t), cols = w.cols(hs);
    for (int i0 = 0; i0 < t; i0 += L) {
      int keys = i0 + L;
      rowDots(doh, oh, i0 * hs, cols, hs, gt, ot);
      logits(gt, vh, st, keys, hs, 1f);
      scores(st, probs, pOff + i0 * t, rows, ot, keys);
      for (int j = 0; j < keys; j++) FloatVector.fromArray(S, st, j * L).intoArray(ds, i0 * t + j, rows, 0);
      for (int l = 0; l < L; l++) java.util.Arrays.fill(ds, (i0 + l) * t + keys, (i0 + l + 1) * t, 0f);
      values(st, 0, L, kh, 0, keys, ot, hs);
      for (int d = 0; d < hs; d++) FloatVector.fromArray(S, ot, d * L).intoArray(gq, i0 * hs + d, cols, 0);
    }
  }

  /**
   * {@link KernelSet#causalKeyGrad} with the keys along the lanes: a block of L keys sums aᵀ·b over
   * the rows from its first key on, a row of a read as one vector, exactly as the narrow product with
   * a transposed A sums it from its zeroed C; the rows above the block hold zeros there (masked weights,
   * ±0 score gradients), which add nothing to a sum from +0, and are skipped.
   */
  static void causalKeyGrad(float[] out, int outOff, float[] a, int aOff, float[] b, int t, int hs) {
    Scratch w = scratch(t, hs);
    float[] ot = w.ot;
    int[] cols = w.cols(hs);
    for (int j0 = 0; j0 < t; j0 += L) {
      values(a, aOff + j0 * t + j0, t, b, j0 * hs, t - j0, ot, hs);
      for (int d = 0; d < hs; d++) FloatVector.fromArray(S, ot, d * L).intoArray(out, outOff + j0 * hs + d, cols, 0);
    }
  }

  private static Scratch scratch(int t, int hs) {
    Scratch w = SCRATCH.get();
    if (w.st.length < t * L) w.st = new float[t * L];
    if (w.qt.length < hs * L) {
      w.qt = new float[hs * L];
      w.ot = new float[hs * L];
    }
    return w;
  }

  /** gt[d] = dO(block rows, d) gathered from row offset r0; dd[0 … L) = Σ_d dO·O per row, in d order from +0. */
  private static void rowDots(float[] doh, float[] oh, int r0, int[] cols, int hs, float[] gt, float[] dd) {
    FloatVector s = FloatVector.zero(S);
    for (int d = 0; d < hs; d++) {
      FloatVector g = FloatVector.fromArray(S, doh, r0 + d, cols, 0);
      g.intoArray(gt, d * L);
      s = s.add(g.mul(FloatVector.fromArray(S, oh, r0 + d, cols, 0)));
    }
    s.intoArray(dd, 0);
  }

  /** st[j] = P(block rows, key j)·(st[j] − dd), P gathered from the row-major weights at p0. */
  private static void scores(float[] st, float[] probs, int p0, int[] rows, float[] dd, int keys) {
    FloatVector d = FloatVector.fromArray(S, dd, 0);
    for (int j = 0; j < keys; j++) {
      FloatVector p = FloatVector.fromArray(S, probs, p0 + j, rows, 0);
      p.mul(FloatVector.fromArray(S, st, j * L).sub(d)).intoArray(st, j * L);
    }
  }

  // Each step is its own small method: one method with all of them exceeds C2's inlining budget, and a
  // Vector API call left out of line boxes every vector (see Sgemm's micro-kernels).

  /** st[j] = scale·(q·k_j) for the block's L queries (lanes), keys j &lt; keys; qt is the block's Qᵀ. */
  private static void logits(float[] qt, float[] kh, float[] st, int keys, int hs, float scale) {
    for (int j = 0; j < keys; j++) {
      FloatVector s = FloatVector.zero(S);
      for (int d = 0, x = j * hs; d < hs; d++) s = s.add(FloatVector.fromArray(S, qt, d * L).mul(kh[x + d]));
      s.mul(scale).intoArray(st, j * L);
    }
  }

  /** st[j] = exp(st[j] − max over j), lane by lane. */
  private static void exps(float[] st, int keys) {
    FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int j = 0; j < keys; j++) mx = mx.max(FloatVector.fromArray(S, st, j * L));
    for (int j = 0; j < keys; j++) VectorKernels.exp(FloatVector.fromArray(S, st, j * L).sub(mx)).intoArray(st, j * L);
  }

  /**
   * st[j] ·= 1/sum, the sum in the row kernel's order. Lane sums over the full vectors of each row:
   * the keys below the block, and for the last query (whose row ends with the block) the block too,
   * added lane 0 first; then every other query's ragged end, the block's keys in order (x·0 = +0 drops
   * them for the last query; masked ones are +0 already).
   */
  private static void normalise(float[] st, int i0, int keys) {
    int full = i0 / L;
    FloatVector sum = FloatVector.zero(S);
    for (int lp = 0; lp < L; lp++) {
      FloatVector a = FloatVector.zero(S);
      for (int it = 0; it < full; it++) a = a.add(FloatVector.fromArray(S, st, (it * L + lp) * L));
      sum = sum.add(a.add(FloatVector.fromArray(S, st, (i0 + lp) * L).mul(LAST)));
    }
    for (int jj = 0; jj < L - 1; jj++) sum = sum.add(FloatVector.fromArray(S, st, (i0 + jj) * L).mul(NOT_LAST));
    FloatVector inv = FloatVector.broadcast(S, 1f).div(sum);
    for (int j = 0; j < keys; j++) FloatVector.fromArray(S, st, j * L).mul(inv).intoArray(st, j * L);
  }

  /**
   * ot[d] = Σ_r a[a0 + r·as …]·b[b0 + r·hs + d] over rows r &lt; n in order from +0, products rounded,
   * for d &lt; hs (P·V with the weights along the lanes, and the key gradients); four columns' sums side
   * by side so the adds overlap.
   */
  private static void values(float[] a, int a0, int as, float[] b, int b0, int n, float[] ot, int hs) {
    int d = 0;
    for (; d + 4 <= hs; d += 4) {
      FloatVector o0 = FloatVector.zero(S), o1 = o0, o2 = o0, o3 = o0;
      for (int r = 0, x = a0, y = b0 + d; r < n; r++, x += as, y += hs) {
        FloatVector p = FloatVector.fromArray(S, a, x);
        o0 = o0.add(p.mul(b[y]));
        o1 = o1.add(p.mul(b[y + 1]));
        o2 = o2.add(p.mul(b[y + 2]));
        o3 = o3.add(p.mul(b[y + 3]));
      }
      o0.intoArray(ot, d * L);
      o1.intoArray(ot, (d + 1) * L);
      o2.intoArray(ot, (d + 2) * L);
      o3.intoArray(ot, (d + 3) * L);
    }
    for (; d < hs; d++) {
      FloatVector o = FloatVector.zero(S);
      for (int r = 0, x = a0, y = b0 + d; r < n; r++, x += as, y += hs) o = o.add(FloatVector.fromArray(S, a, x).mul(b[y]));
      o.intoArray(ot, d * L);
    }
  }

  /**
   * Key i0 + jj of the block is masked for lanes l &lt; jj: st[i0 + jj] = st[i0 + jj] op by[jj], op min
   * with −∞/+∞ ({@link #CAP}) or times 0/1 ({@link #KEEP}, on finite non-negative exponentials).
   */
  private static void mask(float[] st, int i0, float[] by) {
    boolean min = by == CAP;
    for (int jj = 1; jj < L; jj++) {
      FloatVector x = FloatVector.fromArray(S, st, (i0 + jj) * L), m = FloatVector.fromArray(S, by, jj * L);
      (min ? x.min(m) : x.mul(m)).intoArray(st, (i0 + jj) * L);
    }
  }

  /** Per key jj of a block, lane l: −∞ where l &lt; jj (masked), +∞ elsewhere; {@link #KEEP}: 0 and 1. */
  private static final float[] CAP = maskTable(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY), KEEP = maskTable(0f, 1f);

  private static float[] maskTable(float masked, float seen) {
    float[] x = new float[L * L];
    for (int jj = 0; jj < L; jj++) {
      for (int l = 0; l < L; l++) x[jj * L + l] = l < jj ? masked : seen;
    }
    return x;
  }
}
