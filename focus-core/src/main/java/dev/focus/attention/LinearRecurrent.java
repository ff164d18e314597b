package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.position.RopeTable;
import java.util.Arrays;

/**
 * The recurrent form of {@link LinearAttention} (Katharopoulos et al. 2020, §3.4): S_i = λS_{i−1} +
 * (R_i φ(k_i)) v_iᵀ, z_i = λz_{i−1} + φ(k_i), y_i = S_iᵀ R_i φ(q_i)/n_i; causal only; O(T·F·HS) time
 * and O(F·HS) state. It also serves incremental decoding (the state carried in a {@link LinearState}).
 *
 * <p>Legend: B batch, H heads, T tokens, HS head size, F feature size.
 */
final class LinearRecurrent {
  private LinearRecurrent() {}

  /**
   * Over {@code t} tokens at positions offset.. (causal). When {@code state} is given, starts from its
   * sums and leaves the final sums in it; else starts from zero.
   */
  static void forward(LinearAttention a, float[] out, float[] den, float[] feats, float[] q, float[] k, float[] v,
                      LinearState state, RopeTable rotary, int batch, int t, int offset) {
    final int nh = a.layout().heads(), hs = a.layout().headSize(), f = a.features();
    Parallel.forRange(batch * nh, 1, (lo, hi) -> {
      KernelSet ks = Kernels.get();
      LinearHead hd = new LinearHead(a, t, rotary);
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
          float n = a.denominator(ks.dot(hd.fq, i * f, z, 0, f), offset + i + 1);
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

  /**
   * Numerator only (dfq, dfk overwritten): recomputes the state forwards and runs the adjoint state
   * dS_i = λdS_{i+1} + Rφ(q_i)dnum_iᵀ backwards, so it too needs O(F·HS) state.
   */
  static void backward(LinearAttention a, KernelSet ks, LinearHead hd, LinearHead.Scratch sc, float[] dvPart, int hOff, int t) {
    int hs = a.layout().headSize(), f = a.features();
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
}
