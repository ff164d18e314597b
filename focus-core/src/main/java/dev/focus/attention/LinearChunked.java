package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
import java.util.Arrays;

/**
 * The chunked form of {@link LinearAttention}: chunks of C tokens; inside a chunk the parallel form,
 * across chunks the state carried from the chunk before (as in GLA/RetNet chunkwise training); causal
 * only. The state entering each chunk is saved for the backward pass.
 *
 * <p>Legend: B batch, H heads, T tokens, HS head size, F feature size, C chunk, L = min(C, T).
 */
final class LinearChunked {
  private LinearChunked() {}

  /** Saves the state entering each chunk in states (B, H, nChunks, F, HS). */
  static void forward(LinearAttention a, float[] out, float[] den, float[] feats, float[] states, float[] q, float[] k, float[] v,
                      RopeTable rotary, int batch, int t) {
    final int nh = a.layout().heads(), hs = a.layout().headSize(), f = a.features(), chunk = a.chunk(), cs = Math.min(chunk, t);
    final int nc = (t + chunk - 1) / chunk;
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      LinearHead hd = new LinearHead(a, t, rotary);
      float[] s = new float[f * hs], z = new float[f];
      float[] am = new float[cs * cs];  // (L, L) intra-chunk weights
      float[] fks = new float[cs * f];  // (L, F) R_j φ(k_j)·λ^{c1−1−j}
      float[] oh = new float[t * hs];   // (T, HS)
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh;
        hd.load(ks, q, k, v, b, h, t, 0, feats, false);
        hd.causalDenominators(ks, den, task * t, z, t);
        Arrays.fill(s, 0f);
        for (int c0 = 0, ci = 0; c0 < t; c0 += chunk, ci++) {
          int len = Math.min(chunk, t - c0);
          System.arraycopy(s, 0, states, (task * nc + ci) * f * hs, f * hs);
          // inter-chunk: λ^{i−c0+1} Sᵀ R_i φ(q_i)
          ks.matmul(oh, c0 * hs, hd.rq, c0 * f, s, 0, len, f, hs, false);
          // intra-chunk: A_ij = (R_i φ(q_i))·(R_j φ(k_j)) λ^{i−j}, j ≤ i
          ks.matmulNT(am, 0, hd.rq, c0 * f, hd.rk, c0 * f, len, f, len, false);
          for (int ii = 0; ii < len; ii++) {
            for (int jj = 0; jj < len; jj++) am[ii * len + jj] = jj <= ii ? am[ii * len + jj] * hd.pw[ii - jj] : 0f;
            float g = hd.pw[ii + 1];
            if (g != 1f) ks.scale(oh, (c0 + ii) * hs, hs, g);
          }
          ks.matmul(oh, c0 * hs, am, 0, hd.vh, c0 * hs, len, len, hs, true);
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

  /** Numerator only (dfq, dfk overwritten), chunks in reverse, handing the state gradient backwards. */
  static void backward(LinearAttention a, KernelSet ks, LinearHead hd, LinearHead.Scratch sc, float[] dvPart, int hOff,
                       float[] states, int task, int t) {
    int hs = a.layout().headSize(), f = a.features(), chunk = a.chunk(), cs = Math.min(chunk, t), nc = (t + chunk - 1) / chunk;
    float lam = hd.lambda;
    Arrays.fill(sc.dfq, 0f);
    Arrays.fill(sc.dfk, 0f);
    float[] ds = new float[f * hs];   // ∂ℓ/∂(state after the chunk)
    float[] am = new float[cs * cs], da = new float[cs * cs];
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
      ks.matmulNT(sc.dfq, c0 * f, dng, 0, states, sOff, len, hs, f, true);
      // (3) intra-chunk: A_ij = Rφ(q_i)·Rφ(k_j) λ^{i−j} (j ≤ i);  dA_ij = dnum_i·v_j λ^{i−j}
      ks.matmulNT(am, 0, hd.rq, c0 * f, hd.rk, c0 * f, len, f, len, false);
      for (int ii = 0; ii < len; ii++) {
        for (int jj = 0; jj < len; jj++) am[ii * len + jj] = jj <= ii ? am[ii * len + jj] * hd.pw[ii - jj] : 0f;
      }
      ks.matmulTN(dvPart, hOff + c0 * hs, am, 0, sc.dnum, c0 * hs, len, len, hs, true);
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
}
