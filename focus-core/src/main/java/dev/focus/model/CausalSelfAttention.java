package dev.focus.model;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.model.Activations.LayerCache;
import dev.focus.model.ModelConfig.AttentionKind;
import dev.focus.model.ModelConfig.PositionKind;

/**
 * The model's causal self-attention core, between the q/k/v projections and W_o: head permutes,
 * rotary positions, softmax or linear attention, and the exact reverse for backward.
 *
 * <p>Legend: B batch, T positions, NH query heads, KVH key/value heads (head h reads kv head
 * h / (NH/KVH)), HS head size. Work is split over (b, kv head) units, so the key/value gradients of a
 * group are accumulated by one thread.
 *
 * <p><b>Softmax</b> (Vaswani et al. 2017, eq. 1): s[n,m] = q_n·k_m/√HS − λ_h(n−m) (ALiBi, Press et al.
 * 2022, §3) for m ≤ n; a = softmax_m(s); y_n = Σ_m a[n,m] v_m. Backward: dA = dY·Vᵀ, dV = Aᵀ·dY,
 * dS = A ⊙ (dA − rowsum(A ⊙ dA)), dQ = dS·K/√HS, dK = dSᵀ·Q/√HS.
 *
 * <p><b>Linear</b> (Katharopoulos et al. 2020, eq. 6, with RoPE as in RoFormer §3.4.4 applied to the
 * features in the numerator only): with f = φ(q), g = φ(k) and R the rotations,
 * A[n,m] = (R_n f_n)·(R_m g_m) for m ≤ n, z_n = f_n·Σ_{m≤n} g_m, a = A/z, y_n = Σ_m a[n,m] v_m.
 * Backward: dA = (dY·Vᵀ)/z, dz_n = −Σ_m a[n,m](dY·Vᵀ)[n,m]/z_n, d(Rf) = dA·(Rg), d(Rg) = dAᵀ·(Rf),
 * df_n += dz_n·Σ_{m≤n} g_m, dg_m += Σ_{n≥m} dz_n f_n, then φ'(x) = min(1, φ(x)) for φ = elu + 1.
 */
final class CausalSelfAttention {
  private CausalSelfAttention() {}

  private static final KernelSet K = Kernels.get();

  /** (B, T, H, HS) token-major → (B, H, T, HS) head-major. */
  static void toHeads(float[] dst, float[] src, int b, int t, int h, int hs) {
    Parallel.forRange(b * t, 64, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int bi = r / t, ti = r % t;
        for (int hi2 = 0; hi2 < h; hi2++) {
          System.arraycopy(src, (r * h + hi2) * hs, dst, ((bi * h + hi2) * t + ti) * hs, hs);
        }
      }
    });
  }

  /** (B, H, T, HS) head-major → (B, T, H, HS) token-major. */
  static void fromHeads(float[] dst, float[] src, int b, int t, int h, int hs) {
    Parallel.forRange(b * t, 64, (lo, hi) -> {
      for (int r = lo; r < hi; r++) {
        int bi = r / t, ti = r % t;
        for (int hi2 = 0; hi2 < h; hi2++) {
          System.arraycopy(src, ((bi * h + hi2) * t + ti) * hs, dst, (r * h + hi2) * hs, hs);
        }
      }
    });
  }

  /** φ(x) = elu(x) + 1, in place over [off, off+n). */
  static void eluPlusOne(float[] x, int off, int n) {
    for (int i = off; i < off + n; i++) {
      float v = x[i];
      x[i] = v > 0f ? v + 1f : (float) Math.exp(v);
    }
  }

  /**
   * Forward from the projections {@code qLin, kLin, vLin} (token-major) to {@code cache.y}.
   *
   * @param rope   rotary table, or null without RoPE
   * @param slopes ALiBi slopes, or null
   */
  static void forward(ModelConfig c, LayerCache cache, float[] qLin, float[] kLin, float[] vLin,
                      int b, int t, RotaryTable rope, float[] slopes) {
    int nh = c.heads(), kvh = c.kvHeads(), hs = c.headSize();
    toHeads(cache.q, qLin, b, t, nh, hs);
    toHeads(cache.k, kLin, b, t, kvh, hs);
    toHeads(cache.v, vLin, b, t, kvh, hs);
    boolean linear = c.attention() == AttentionKind.LINEAR;
    if (linear) {
      int qn = cache.q.length, kn = cache.k.length;
      Parallel.forRange(qn, 16384, (lo, hi) -> eluPlusOne(cache.q, lo, hi - lo));
      Parallel.forRange(kn, 16384, (lo, hi) -> eluPlusOne(cache.k, lo, hi - lo));
      if (cache.fq != cache.q) System.arraycopy(cache.q, 0, cache.fq, 0, qn);
      if (cache.fk != cache.k) System.arraycopy(cache.k, 0, cache.fk, 0, kn);
      // cumK[b, g, t] = Σ_{s≤t} φ(k_s)
      for (int u = 0; u < b * kvh; u++) {
        int o = u * t * hs;
        System.arraycopy(cache.fk, o, cache.cumK, o, hs);
        for (int ti = 1; ti < t; ti++) {
          K.add(cache.cumK, o + ti * hs, cache.cumK, o + (ti - 1) * hs, cache.fk, o + ti * hs, hs);
        }
      }
    }
    if (rope != null) {
      Parallel.forRange(b * nh, 1, (lo, hi) -> {
        for (int u = lo; u < hi; u++) rope.rotate(cache.q, u * t * hs, t, 0, false);
      });
      Parallel.forRange(b * kvh, 1, (lo, hi) -> {
        for (int u = lo; u < hi; u++) rope.rotate(cache.k, u * t * hs, t, 0, false);
      });
    }
    float scale = (float) (1.0 / Math.sqrt(hs));
    int group = nh / kvh;
    Parallel.forRange(b * kvh, 1, (lo, hi) -> {
      for (int u = lo; u < hi; u++) {
        int bi = u / kvh, g = u % kvh;
        int kOff = u * t * hs;
        for (int hh = g * group; hh < (g + 1) * group; hh++) {
          int bh = bi * nh + hh;
          int qOff = bh * t * hs, aOff = bh * t * t;
          float slope = slopes == null ? 0f : slopes[hh];
          // query blocks [r0, r1) see keys [0, r1): the masked upper part of the T×T product is skipped
          for (int r0 = 0; r0 < t; r0 += BLOCK) {
            int r1 = Math.min(r0 + BLOCK, t), bo = aOff + r0 * t;
            K.matmulNT(cache.att, bo, cache.q, qOff + r0 * hs, cache.k, kOff, r1 - r0, hs, r1, false);
            for (int n = r0; n < r1; n++) {
              int row = bo + (n - r0) * r1;
              if (linear) {
                normaliseLinearRow(cache, bh * t + n, qOff + n * hs, kOff + n * hs, row, n, hs);
              } else {
                softmaxCausalRow(cache.att, row, n, scale, slope);
              }
              java.util.Arrays.fill(cache.att, row + n + 1, row + r1, 0f);
            }
            K.matmul(cache.yh, qOff + r0 * hs, cache.att, bo, cache.v, kOff, r1 - r0, r1, hs, false);
          }
        }
      }
    });
    fromHeads(cache.y, cache.yh, b, t, nh, hs);
  }

  /** Query rows per block of the causal products; block i stores its (rows, r1) weights with stride r1. */
  static final int BLOCK = 64;

  /**
   * Index of weight (n, m) of one head's blocked (T, T) region at {@code aOff}: query block
   * [r0, r1) stores rows of length r1 from {@code aOff + r0·T} on, which fits inside the rows of a
   * plain (T, T) layout.
   */
  static int weightIndex(int aOff, int t, int n, int m) {
    int r0 = n / BLOCK * BLOCK, r1 = Math.min(r0 + BLOCK, t);
    return aOff + r0 * t + (n - r0) * r1 + m;
  }

  /** The blocked weights of every head as a plain (B, NH, T, T) array (for observers). */
  static void unblock(float[] dst, float[] att, int bh, int t) {
    for (int u = 0; u < bh; u++) {
      int aOff = u * t * t;
      for (int n = 0; n < t; n++) {
        System.arraycopy(att, weightIndex(aOff, t, n, 0), dst, aOff + n * t, n + 1);
        java.util.Arrays.fill(dst, aOff + n * t + n + 1, aOff + (n + 1) * t, 0f);
      }
    }
  }

  /**
   * Softmax row n: s_m = scale·(q·k_m) − slope·(n − m) over m ≤ n, normalised in place. The exponential
   * is {@link Math#exp}, not the Vector API's lanewise EXP, whose interpreter fallback and compiled
   * stub can differ in the last bit: a training run must give the same losses however warm the JIT is
   * (resumed runs are compared bit for bit).
   */
  private static void softmaxCausalRow(float[] att, int row, int n, float scale, float slope) {
    float mx = Float.NEGATIVE_INFINITY;
    for (int m = 0; m <= n; m++) {
      float s = att[row + m] * scale - slope * (n - m);
      att[row + m] = s;
      if (s > mx) mx = s;
    }
    float sum = 0f;
    for (int m = 0; m <= n; m++) {
      float e = (float) Math.exp(att[row + m] - mx);
      att[row + m] = e;
      sum += e;
    }
    K.scale(att, row, n + 1, 1f / sum);
  }

  /** Linear attention row n: z_n = f_n·cumK_n, a[n,m] = A[n,m]/z_n for m ≤ n. */
  private static void normaliseLinearRow(LayerCache cache, int zIdx, int fqOff, int cumOff, int row, int n, int hs) {
    float z = K.dot(cache.fq, fqOff, cache.cumK, cumOff, hs);
    cache.z[zIdx] = z;
    K.scale(cache.att, row, n + 1, 1f / z);
  }

  /**
   * Backward from dY (token-major, (N, NH·HS)) to dQLin, dKLin, dVLin (token-major, overwritten).
   * Uses {@code act.dYh, dQh, dKh, dVh, dAtt, dZ} as scratch.
   */
  static void backward(ModelConfig c, LayerCache cache, Activations act, float[] dY,
                       float[] dQLin, float[] dKLin, float[] dVLin, int b, int t, RotaryTable rope) {
    int nh = c.heads(), kvh = c.kvHeads(), hs = c.headSize();
    boolean linear = c.attention() == AttentionKind.LINEAR;
    toHeads(act.dYh, dY, b, t, nh, hs);
    float scale = (float) (1.0 / Math.sqrt(hs));
    int group = nh / kvh;
    float[] dQh = act.dQh, dKh = act.dKh, dVh = act.dVh, dAtt = act.dAtt, dZ = act.dZ;
    Parallel.forRange(b * kvh, 1, (lo, hi) -> {
      for (int u = lo; u < hi; u++) {
        int bi = u / kvh, g = u % kvh;
        int kOff = u * t * hs;
        java.util.Arrays.fill(dKh, kOff, kOff + t * hs, 0f);
        java.util.Arrays.fill(dVh, kOff, kOff + t * hs, 0f);
        for (int hh = g * group; hh < (g + 1) * group; hh++) {
          int bh = bi * nh + hh;
          int qOff = bh * t * hs, aOff = bh * t * t;
          for (int r0 = 0; r0 < t; r0 += BLOCK) {
            int r1 = Math.min(r0 + BLOCK, t), rows = r1 - r0, bo = aOff + r0 * t, qb = qOff + r0 * hs;
            // dA = dY·Vᵀ ; dV += Aᵀ·dY
            K.matmulNT(dAtt, bo, act.dYh, qb, cache.v, kOff, rows, hs, r1, false);
            K.matmulTN(dVh, kOff, cache.att, bo, act.dYh, qb, r1, rows, hs, true);
            for (int n = r0; n < r1; n++) {
              int row = bo + (n - r0) * r1;
              float rowdot = K.dot(cache.att, row, dAtt, row, n + 1);
              if (linear) {
                float invZ = 1f / cache.z[bh * t + n];
                dZ[bh * t + n] = -rowdot * invZ;
                K.scale(dAtt, row, n + 1, invZ);
              } else {
                for (int m = 0; m <= n; m++) dAtt[row + m] = cache.att[row + m] * (dAtt[row + m] - rowdot) * scale;
              }
              java.util.Arrays.fill(dAtt, row + n + 1, row + r1, 0f);
            }
            // dQ = dS·K ; dK += dSᵀ·Q   (q, k rotated; features for linear)
            K.matmul(dQh, qb, dAtt, bo, cache.k, kOff, rows, r1, hs, false);
            K.matmulTN(dKh, kOff, dAtt, bo, cache.q, qb, r1, rows, hs, true);
          }
        }
        if (rope != null) {
          for (int hh = g * group; hh < (g + 1) * group; hh++) rope.rotate(dQh, (bi * nh + hh) * t * hs, t, 0, true);
          rope.rotate(dKh, kOff, t, 0, true);
        }
        if (linear) {
          for (int hh = g * group; hh < (g + 1) * group; hh++) {
            int bh = bi * nh + hh, qOff = bh * t * hs;
            for (int n = 0; n < t; n++) {
              // df_n += dz_n · cumK_n, then through φ
              K.axpy(dZ[bh * t + n], cache.cumK, kOff + n * hs, dQh, qOff + n * hs, hs);
            }
            // dg_m += Σ_{n≥m} dz_n f_n: a reverse cumulative sum per feature
            float[] f = cache.fq;
            for (int j = 0; j < hs; j++) {
              float acc = 0f;
              for (int n = t - 1; n >= 0; n--) {
                acc += dZ[bh * t + n] * f[qOff + n * hs + j];
                dKh[kOff + n * hs + j] += acc;
              }
            }
            for (int i = qOff; i < qOff + t * hs; i++) dQh[i] *= Math.min(1f, cache.fq[i]);
          }
          for (int i = kOff; i < kOff + t * hs; i++) dKh[i] *= Math.min(1f, cache.fk[i]);
        }
      }
    });
    fromHeads(dQLin, dQh, b, t, nh, hs);
    fromHeads(dKLin, dKh, b, t, kvh, hs);
    fromHeads(dVLin, dVh, b, t, kvh, hs);
  }
}
