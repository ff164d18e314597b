package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row kernels of the vector twin: the softmax row and its exponentials, the fused scaled softmax that
 * does in one call what took several, rotary turns of whole token rows, and the LayerNorm row (two passes, then one loop per affine
 * combination), with the same roundings. At the lab's sizes (rows of 1 to 64 attention logits) a row's cost was mostly its
 * ragged end: up to L − 1 scalar {@link Exp#exp} calls and the calls between the passes.
 */
final class RowKernels {
  private RowKernels() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Per-thread room for the exponentials of a row's ragged end. */
  private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);

  /**
   * x = softmax(scale·x) over [off, off + n), exactly as {@code scaleKernel} then {@code softmaxRow}:
   * the products x·scale, the maximum (vector lanes, then the ragged end in order), the exponentials
   * summed in vector lanes, reduced, then the ragged end added one by one in index order, and the
   * products by 1/sum. Only the ragged end's exponentials differ in how they are taken: one masked
   * vector instead of scalar calls where the array has room, lane by lane the bits of {@link Exp#exp}.
   */
  static void scaledSoftmax(float[] x, int off, int n, float scale) {
    int bound = S.loopBound(n);
    FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, off + i).mul(scale);
      v.intoArray(x, off + i);
      acc = acc.max(v);
    }
    float mx = acc.reduceLanes(VectorOperators.MAX);
    for (int i = bound; i < n; i++) {
      float v = x[off + i] * scale;
      x[off + i] = v;
      mx = Math.max(mx, v);
    }
    FloatVector sum = FloatVector.zero(S);
    for (int i = 0; i < bound; i += L) {
      FloatVector e = VectorKernels.exp(FloatVector.fromArray(S, x, off + i).sub(mx));
      e.intoArray(x, off + i);
      sum = sum.add(e);
    }
    float s = sum.reduceLanes(VectorOperators.ADD);
    if (bound < n && off + bound + L <= x.length) {
      // one vector from the ragged end on (lanes past n read what follows the row and are not used)
      float[] t = TAIL.get();
      VectorKernels.exp(FloatVector.fromArray(S, x, off + bound).sub(mx)).intoArray(t, 0);
      for (int i = bound, j = 0; i < n; i++, j++) {
        x[off + i] = t[j];
        s += t[j];
      }
    } else {
      for (int i = bound; i < n; i++) {
        float e = Exp.exp(x[off + i] - mx);
        x[off + i] = e;
        s += e;
      }
    }
    float inv = 1f / s;
    for (int i = 0; i < bound; i += L) FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
    for (int i = bound; i < n; i++) x[off + i] *= inv;
  }

  /** One row: m = max x; e = exp(x − m); out = e / Σe. */
  static void softmaxRow(float[] out, int oo, float[] in, int io, int cols) {
    float mx = VectorKernels.maxKernel(in, io, cols);
    float s = expShiftKernel(out, oo, in, io, cols, mx);
    VectorKernels.scaleKernel(out, oo, cols, 1f / s);
  }

  /** out = exp(in − shift); returns Σ out. */
  static float expShiftKernel(float[] out, int oo, float[] in, int io, int n, float shift) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector e = VectorKernels.exp(FloatVector.fromArray(S, in, io + i).sub(shift));
      e.intoArray(out, oo + i);
      acc = acc.add(e);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float e = Exp.exp(in[io + i] - shift);
      out[oo + i] = e;
      s += e;
    }
    return s;
  }

  /** Per pairs = hd/2 (a power of two below L): lane → table entry, lane → partner lane, signs (forward, then inverse). */
  private static final int[][] TURN_INDEX = new int[L][], TURN_PARTNER = new int[L][];
  private static final float[][] TURN_SIGN = new float[L][];

  static {
    for (int pairs = 1; pairs < L; pairs *= 2) {
      TURN_INDEX[pairs] = new int[L];
      TURN_PARTNER[pairs] = new int[L];
      TURN_SIGN[pairs] = new float[2 * L];
      for (int l = 0; l < L; l++) {
        TURN_INDEX[pairs][l] = l % pairs;
        TURN_PARTNER[pairs][l] = l ^ pairs;
        boolean first = l % (2 * pairs) < pairs;
        TURN_SIGN[pairs][l] = first ? -1f : 1f;
        TURN_SIGN[pairs][L + l] = first ? 1f : -1f;
      }
    }
  }

  /**
   * Rotary turns of the rotate_half layout with heads of hd | L dims, L/hd heads per vector: lane l
   * holds dim l mod hd of its head, its partner (the other half of the pair) is lane l XOR pairs, and
   * x' = x·c + partner·(∓s), the sign − on a first-half lane: a' = a·c + b·(−s) and b' = b·c + a·s,
   * the products and the sum rounded exactly as rotatePairs' a·c − b·s and b·c + a·s.
   */
  static void rotateHalfRows(float[] x, int off, int rows, int width, int hd, float[] cos, float[] sin, int csRow0, int pairs,
                             boolean inverse) {
    int[] idx = TURN_INDEX[pairs], swap = TURN_PARTNER[pairs];
    VectorShuffle<Float> partner = VectorShuffle.fromArray(S, swap, 0);
    FloatVector sg = FloatVector.fromArray(S, TURN_SIGN[pairs], inverse ? L : 0);
    for (int r = 0; r < rows; r++) {
      int cs = (csRow0 + r) * pairs;
      FloatVector c = FloatVector.fromArray(S, cos, cs, idx, 0), s = FloatVector.fromArray(S, sin, cs, idx, 0).mul(sg);
      for (int i = off + r * width, end = i + width; i < end; i += L) {
        FloatVector v = FloatVector.fromArray(S, x, i);
        v.mul(c).add(v.rearrange(partner).mul(s)).intoArray(x, i);
      }
    }
  }

  /** LayerNorm (Ba et al. 2016, eq. 4): μ = mean x, σ² = mean (x − μ)² (two passes), y = (x − μ)/σ ⊙ w + b. */
  static void layerNormRow(float[] out, float[] mean, float[] invStd, float[] x, float[] w, float[] b,
                           int r, int cols, float eps) {
    int o = r * cols;
    float mu = VectorKernels.sumKernel(x, o, cols) / cols;
    float var = centeredSquares(x, o, cols, mu) / cols;
    float inv = (float) (1.0 / Math.sqrt(var + eps));
    mean[r] = mu;
    invStd[r] = inv;
    normalizeAffine(out, o, x, o, cols, mu, inv, w, b);
  }

  /** Σ (x − mu)². */
  static float centeredSquares(float[] x, int off, int n, float mu) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mu);
      acc = d.fma(d, acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float d = x[off + i] - mu;
      s += d * d;
    }
    return s;
  }

  /**
   * out = (x − mu)·inv ⊙ w + b; w and b indexed from 0 and may be null. Each combination gets its
   * own loop: a vector reassigned under a condition inside the loop (y = w != null ? y·w : y) merges
   * at a phi, which C2 may fail to keep in registers.
   */
  static void normalizeAffine(float[] out, int oo, float[] x, int xo, int n, float mu, float inv,
                              float[] w, float[] b) {
    int bound = S.loopBound(n);
    if (w != null && b != null) {
      normalizeWB(out, oo, x, xo, bound, mu, inv, w, b);
    } else if (w != null) {
      normalizeW(out, oo, x, xo, bound, mu, inv, w);
    } else if (b != null) {
      normalizeB(out, oo, x, xo, bound, mu, inv, b);
    } else {
      normalizePlain(out, oo, x, xo, bound, mu, inv);
    }
    for (int i = bound; i < n; i++) {
      float y = (x[xo + i] - mu) * inv;
      if (w != null) y *= w[i];
      if (b != null) y += b[i];
      out[oo + i] = y;
    }
  }

  static void normalizeWB(float[] out, int oo, float[] x, int xo, int bound, float mu, float inv, float[] w, float[] b) {
    for (int i = 0; i < bound; i += L) {
      FloatVector.fromArray(S, x, xo + i).sub(mu).mul(inv)
          .fma(FloatVector.fromArray(S, w, i), FloatVector.fromArray(S, b, i)).intoArray(out, oo + i);
    }
  }

  static void normalizeW(float[] out, int oo, float[] x, int xo, int bound, float mu, float inv, float[] w) {
    for (int i = 0; i < bound; i += L) {
      FloatVector.fromArray(S, x, xo + i).sub(mu).mul(inv).mul(FloatVector.fromArray(S, w, i)).intoArray(out, oo + i);
    }
  }

  static void normalizeB(float[] out, int oo, float[] x, int xo, int bound, float mu, float inv, float[] b) {
    for (int i = 0; i < bound; i += L) {
      FloatVector.fromArray(S, x, xo + i).sub(mu).mul(inv).add(FloatVector.fromArray(S, b, i)).intoArray(out, oo + i);
    }
  }

  static void normalizePlain(float[] out, int oo, float[] x, int xo, int bound, float mu, float inv) {
    for (int i = 0; i < bound; i += L) {
      FloatVector.fromArray(S, x, xo + i).sub(mu).mul(inv).intoArray(out, oo + i);
    }
  }
}
