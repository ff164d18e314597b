package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.end;
import static dev.focus.attention.AttentionSupport.start;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
import java.util.Arrays;

/**
 * The parallel form of {@link LinearAttention}: the masked (T, T) weight matrix of each head, any
 * {@link Mask}; O(T²) time and memory. Under a causal mask (and a factorising map) query block
 * [r0, r1) of 64 rows multiplies only keys [0, r1), the normaliser comes from running sums, and the
 * weights are saved in the causal block layout of {@link AttentionSupport#causalIndex} (about half
 * the work of the full square).
 *
 * <p>Legend: B batch, H heads, T tokens, HS head size, F feature size.
 */
final class LinearParallel {
  private LinearParallel() {}

  /**
   * w (B, H, T, T) = normalised weights, den (B, H, T), and out = w v when out != null. Returns true
   * when w is in the causal block layout (a causal mask and a factorising map).
   */
  static boolean forward(LinearAttention a, float[] out, float[] w, float[] den, float[] feats, float[] q, float[] k, float[] v,
                         Mask mask, RopeTable rotary, int batch, int t) {
    final HeadLayout l = a.layout();
    final int nh = l.heads(), hs = l.headSize(), f = a.features();
    final boolean blocked = mask.isCausal() && a.featureMap().factorizes();
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      LinearHead hd = new LinearHead(a, t, rotary);
      float[] oh = new float[t * hs];
      float[] z = blocked ? new float[f] : null;
      float[] u = !blocked && rotary != null ? new float[t * t] : null; // (T, T) unrotated similarities for n_i
      for (int task = lo; task < hi; task++) {
        int b = task / nh, h = task % nh, wOff = task * t * t;
        hd.load(ks, q, k, v, b, h, t, 0, feats, false);
        if (blocked) {
          // n_i from running sums; query block [r0, r1) sees keys [0, r1) only
          hd.causalDenominators(ks, den, task * t, z, t);
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
        if (a.featureMap().factorizes()) {
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
          if (e > s0 && a.normalization() == LinearAttention.Normalization.SUM) {
            if (u == null) {
              sum = ks.sum(w, row + s0, e - s0);
            } else {
              for (int j = s0; j < e; j++) sum += u[i * t + j] * hd.pw[Math.abs(i - j)];
            }
          }
          float n = a.denominator(sum, e - s0);
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
   * Causal mask, block by block (query rows [r0, r1), keys [0, r1)), numerator only: dV += Wᵀ dY,
   * dA_ij = (dnum_i·v_j) λ^{i−j} (j ≤ i), d(Rφ(q)) = dA Rφ(k), d(Rφ(k)) += dAᵀ Rφ(q).
   */
  static void causalBackward(LinearAttention a, KernelSet ks, LinearHead hd, LinearHead.Scratch sc, float[] dvPart, int hOff,
                             float[] doh, float[] weights, int task, int t) {
    int hs = a.layout().headSize(), f = a.features(), wOff = task * t * t;
    float[] da = sc.tt;
    Arrays.fill(sc.dfk, 0f);
    for (int r0 = 0; r0 < t; r0 += AttentionSupport.CAUSAL_BLOCK) {
      int r1 = Math.min(r0 + AttentionSupport.CAUSAL_BLOCK, t), rows = r1 - r0, bo = wOff + r0 * t;
      ks.matmulTN(dvPart, hOff, weights, bo, doh, r0 * hs, r1, rows, hs, true);
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

  /** Any mask; leaves the input gradients in dxq, dxk. */
  static void backward(LinearAttention a, KernelSet ks, LinearHead hd, LinearHead.Scratch sc, float[] dxq, float[] dxk,
                       float[] dvPart, int hOff, float[] doh, LinearAttention.LinearSaved sv, int task, int b, int t) {
    int hs = a.layout().headSize(), wOff = task * t * t;
    float[] dw = sc.tt;
    // dV = Wᵀ dY;  dW = dY Vᵀ
    ks.matmulTN(dvPart, hOff, sv.weights, wOff, doh, 0, t, t, hs, false);
    ks.matmulNT(dw, 0, doh, 0, hd.vh, 0, t, hs, t, false);
    // W = A/n:  dA_ij = dW_ij/n_i + ∂ℓ/∂n_i, then through the decay (n_i sums the same A_ij unless rotated)
    float[] du = null;
    if (hd.rotary != null) {
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
    if (a.featureMap().factorizes()) {
      int f = a.features();
      ks.matmul(sc.dfq, 0, dw, 0, hd.rk, 0, t, t, f, false);   // dφ(q) = dA φ(k)
      ks.matmulTN(sc.dfk, 0, dw, 0, hd.rq, 0, t, t, f, false); // dφ(k) = dAᵀ φ(q)
      if (du != null) {
        hd.rotate(sc.dfq, t, true);
        hd.rotate(sc.dfk, t, true);
        ks.matmul(sc.dfq, 0, du, 0, hd.fk, 0, t, t, f, true);
        ks.matmulTN(sc.dfk, 0, du, 0, hd.fq, 0, t, t, f, true);
      }
      a.featureMap().backward(ks, dxq, sc.dfq, hd.xq, hd.fq, a.proj(), t, hs, f);
      a.featureMap().backward(ks, dxk, sc.dfk, hd.xk, hd.fk, a.proj(), t, hs, f);
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
}
