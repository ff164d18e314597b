package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ScalarKernels}: same contract, SIMD loops. Loaded only through
 * {@link VectorKernelsLoader}, so a JVM without {@code jdk.incubator.vector} (or one run with
 * {@code -Dfocus.kernels=scalar}) never touches this class.
 *
 * <p>Every inner loop is a short static method over the {@code static final} species {@link #S}:
 * {@code loopBound}, {@code fma}, one {@code reduceLanes} at the end and a scalar tail (STYLE.md
 * §2.15). Short static methods are what C2 reliably inlines and intrinsifies; a Vector API call that
 * fails to inline allocates a box per vector and runs an order of magnitude slower, which
 * {@code focus doctor} detects by timing this class against the scalar twin.
 *
 * <p>exp is {@link #exp(FloatVector)}, the lane-by-lane twin of {@link Exp#exp}: the same operations,
 * so vector and scalar modes give the same bits and a run repeats exactly however warm the JIT is.
 * tanh (GELU only) is {@link #tanh(FloatVector)}, the twin of {@link Exp#tanh}. Matrix products go to {@link Sgemm}.
 *
 * <p>Large element-wise and row-wise ops split over {@link Parallel}; small ones stay on the calling
 * thread (the split costs tens of microseconds).
 *
 * <p>The scalar tails (the last n mod L elements) repeat {@link ScalarKernels}' loops on purpose, as
 * do the forward/backward pairs of the activations: each tail sits in the method of its vector loop,
 * so C2 compiles the two together, and it does the scalar twin's operations in the same order, so
 * both modes give the same bits (KernelTwinTest compares them element by element).
 */
final class VectorKernels implements KernelSet {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Element-wise ops below this many elements stay on the calling thread. */
  static final int PAR_ELEMENTS = 1 << 16;

  private static final float SQRT_2_OVER_PI = ScalarKernels.SQRT_2_OVER_PI;
  private static final float GELU_C = ScalarKernels.GELU_C;

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public int vectorBits() {
    return S.vectorBitSize();
  }

  // ---------------------------------------------------------------- matrix products

  @Override
  public void matmul(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                     int m, int k, int n, boolean accumulate) {
    Sgemm.gemm(false, false, c, cOff, a, aOff, b, bOff, m, k, n, accumulate);
  }

  @Override
  public void matmulNT(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                       int m, int k, int n, boolean accumulate) {
    Sgemm.gemm(false, true, c, cOff, a, aOff, b, bOff, m, k, n, accumulate);
  }

  @Override
  public void matmulTN(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                       int m, int k, int n, boolean accumulate) {
    Sgemm.gemm(true, false, c, cOff, a, aOff, b, bOff, m, k, n, accumulate);
  }

  // ---------------------------------------------------------------- reductions

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return dotKernel(a, aOff, b, bOff, n);
  }

  /** Σ a·b with two vector accumulators (hides FMA latency), one reduceLanes, scalar tail. */
  static float dotKernel(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
    int i = 0;
    int bound2 = n - 2 * L + 1;
    for (; i < bound2; i += 2 * L) {
      acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
      acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
    }
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  @Override
  public float sum(float[] x, int off, int n) {
    return sumKernel(x, off, n);
  }

  static float sumKernel(float[] x, int off, int n) {
    FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
    int i = 0;
    int bound2 = n - 2 * L + 1;
    for (; i < bound2; i += 2 * L) {
      acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
      acc1 = acc1.add(FloatVector.fromArray(S, x, off + i + L));
    }
    int bound = S.loopBound(n);
    for (; i < bound; i += L) acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) s += x[off + i];
    return s;
  }

  @Override
  public float sumSquares(float[] x, int off, int n) {
    return dotKernel(x, off, x, off, n);
  }

  @Override
  public float max(float[] x, int off, int n) {
    return maxKernel(x, off, n);
  }

  static float maxKernel(float[] x, int off, int n) {
    FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) acc = acc.max(FloatVector.fromArray(S, x, off + i));
    float m = acc.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) m = Math.max(m, x[off + i]);
    return m;
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 2, (lo, hi) -> axpyKernel(alpha, x, xOff + lo, y, yOff + lo, hi - lo));
    } else {
      axpyKernel(alpha, x, xOff, y, yOff, n);
    }
  }

  static void axpyKernel(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector va = FloatVector.broadcast(S, alpha);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 2, (lo, hi) -> scaleKernel(x, off + lo, hi - lo, s));
    } else {
      scaleKernel(x, off, n, s);
    }
  }

  static void scaleKernel(float[] x, int off, int n, float s) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) FloatVector.fromArray(S, x, off + i).mul(s).intoArray(x, off + i);
    for (; i < n; i++) x[off + i] *= s;
  }

  @Override
  public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 2, (lo, hi) -> addKernel(out, outOff + lo, a, aOff + lo, b, bOff + lo, hi - lo));
    } else {
      addKernel(out, outOff, a, aOff, b, bOff, n);
    }
  }

  static void addKernel(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
  }

  @Override
  public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 2, (lo, hi) -> mulKernel(out, outOff + lo, a, aOff + lo, b, bOff + lo, hi - lo));
    } else {
      mulKernel(out, outOff, a, aOff, b, bOff, n);
    }
  }

  static void mulKernel(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
  }

  @Override
  public void gelu(float[] out, int outOff, float[] x, int xOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4, (lo, hi) -> geluKernel(out, outOff + lo, x, xOff + lo, hi - lo));
    } else {
      geluKernel(out, outOff, x, xOff, n);
    }
  }

  /** GELU, tanh form (Hendrycks &amp; Gimpel 2016, eq. for the tanh approximation): ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  static void geluKernel(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector u = v.mul(v).mul(v).mul(GELU_C).add(v).mul(SQRT_2_OVER_PI);
      FloatVector t = tanh(u);
      v.mul(0.5f).mul(t.add(1f)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
      out[outOff + i] = 0.5f * v * (1f + Exp.tanh(u));
    }
  }

  @Override
  public void geluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4,
          (lo, hi) -> geluBackwardKernel(dx, dxOff + lo, dOut, dOutOff + lo, x, xOff + lo, hi - lo));
    } else {
      geluBackwardKernel(dx, dxOff, dOut, dOutOff, x, xOff, n);
    }
  }

  /** d/dx of the tanh GELU: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(u). */
  static void geluBackwardKernel(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector v2 = v.mul(v);
      FloatVector u = v2.mul(v).mul(GELU_C).add(v).mul(SQRT_2_OVER_PI);
      FloatVector t = tanh(u);
      FloatVector du = v2.mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
      FloatVector onePlusT = t.add(1f);
      FloatVector oneMinusT2 = t.mul(t).neg().add(1f);
      FloatVector grad = onePlusT.mul(0.5f).add(v.mul(0.5f).mul(oneMinusT2).mul(du));
      FloatVector.fromArray(S, dOut, dOutOff + i).mul(grad).intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
      float t = Exp.tanh(u);
      float du = SQRT_2_OVER_PI * (1f + 3f * GELU_C * v * v);
      float grad = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
      dx[dxOff + i] = dOut[dOutOff + i] * grad;
    }
  }

  @Override
  public void silu(float[] out, int outOff, float[] x, int xOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4, (lo, hi) -> siluKernel(out, outOff + lo, x, xOff + lo, hi - lo));
    } else {
      siluKernel(out, outOff, x, xOff, n);
    }
  }

  /** SiLU (Elfwing et al. 2018; "Swish" in Ramachandran et al. 2017): x·σ(x) = x / (1 + e^−x). */
  static void siluKernel(float[] out, int outOff, float[] x, int xOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector e = exp(v.neg());
      v.div(e.add(1f)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      out[outOff + i] = v / (1f + Exp.exp(-v));
    }
  }

  @Override
  public void siluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4,
          (lo, hi) -> siluBackwardKernel(dx, dxOff + lo, dOut, dOutOff + lo, x, xOff + lo, hi - lo));
    } else {
      siluBackwardKernel(dx, dxOff, dOut, dOutOff, x, xOff, n);
    }
  }

  /** SiLU'(x) = σ(x)·(1 + x·(1 − σ(x))). */
  static void siluBackwardKernel(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector s = exp(v.neg()).add(1f);
      s = FloatVector.broadcast(S, 1f).div(s);
      FloatVector grad = s.mul(v.mul(s.neg().add(1f)).add(1f));
      FloatVector.fromArray(S, dOut, dOutOff + i).mul(grad).intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      float s = 1f / (1f + Exp.exp(-v));
      dx[dxOff + i] = dOut[dOutOff + i] * s * (1f + v * (1f - s));
    }
  }

  /** tanh lane by lane: {@link Exp#tanh} step for step. */
  static FloatVector tanh(FloatVector u) {
    FloatVector e = exp(u.abs().mul(-2f));
    FloatVector t = e.neg().add(1f).div(e.add(1f));
    return t.blend(t.neg(), u.lt(0f));
  }

  /** e^x lane by lane: {@link Exp#exp} step for step (same constants, same fused multiply-adds). */
  static FloatVector exp(FloatVector x) {
    x = x.max(Exp.MIN_X).min(Exp.MAX_X);
    FloatVector t = x.fma(Exp.LOG2E, Exp.SHIFTER);
    IntVector n = t.reinterpretAsInts().sub(Exp.SHIFTER_BITS);
    FloatVector nf = t.sub(Exp.SHIFTER);
    FloatVector r = nf.fma(FloatVector.broadcast(S, -Exp.LN2_HI), x);
    r = nf.fma(FloatVector.broadcast(S, -Exp.LN2_LO), r);
    FloatVector p = r.fma(Exp.C7, Exp.C6);
    p = p.fma(r, FloatVector.broadcast(S, Exp.C5));
    p = p.fma(r, FloatVector.broadcast(S, Exp.C4));
    p = p.fma(r, FloatVector.broadcast(S, Exp.C3));
    p = p.fma(r, FloatVector.broadcast(S, Exp.C2));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    IntVector half = n.lanewise(VectorOperators.ASHR, 1);
    FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = n.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(s1).mul(s2);
  }

  @Override
  public void rotatePairs(float[] x, int aOff, int bOff, float[] cos, float[] sin, int csOff, int n, boolean inverse) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector c = FloatVector.fromArray(S, cos, csOff + i);
      FloatVector s = FloatVector.fromArray(S, sin, csOff + i);
      if (inverse) s = s.neg();
      FloatVector a = FloatVector.fromArray(S, x, aOff + i), b = FloatVector.fromArray(S, x, bOff + i);
      a.mul(c).sub(b.mul(s)).intoArray(x, aOff + i);
      b.mul(c).add(a.mul(s)).intoArray(x, bOff + i);
    }
    for (; i < n; i++) {
      float c = cos[csOff + i], s = inverse ? -sin[csOff + i] : sin[csOff + i];
      float a = x[aOff + i], b = x[bOff + i];
      x[aOff + i] = a * c - b * s;
      x[bOff + i] = b * c + a * s;
    }
  }

  @Override
  public void swiGlu(float[] h, float[] gate, float[] up, int off, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4, (lo, hi) -> swiGluKernel(h, gate, up, off + lo, hi - lo));
    } else {
      swiGluKernel(h, gate, up, off, n);
    }
  }

  /** h = g·σ(g)·u, the same operations as the scalar twin. */
  static void swiGluKernel(float[] h, float[] gate, float[] up, int off, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector g = FloatVector.fromArray(S, gate, off + i);
      g.div(exp(g.neg()).add(1f)).mul(FloatVector.fromArray(S, up, off + i)).intoArray(h, off + i);
    }
    for (; i < n; i++) {
      float g = gate[off + i];
      h[off + i] = g / (1f + Exp.exp(-g)) * up[off + i];
    }
  }

  @Override
  public void swiGluBackward(float[] dGate, float[] dUp, float[] dH, float[] gate, float[] up, int off, int n) {
    if (n >= PAR_ELEMENTS) {
      Parallel.forRange(n, PAR_ELEMENTS / 4, (lo, hi) -> swiGluBackwardKernel(dGate, dUp, dH, gate, up, off + lo, hi - lo));
    } else {
      swiGluBackwardKernel(dGate, dUp, dH, gate, up, off, n);
    }
  }

  /** s = σ(g); dUp = dH·(g·s); dGate = dH·u·(s·(1 + g·(1 − s))). */
  static void swiGluBackwardKernel(float[] dGate, float[] dUp, float[] dH, float[] gate, float[] up, int off, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; i < bound; i += L) {
      FloatVector g = FloatVector.fromArray(S, gate, off + i);
      FloatVector d = FloatVector.fromArray(S, dH, off + i);
      FloatVector s = one.div(exp(g.neg()).add(1f));
      d.mul(g.mul(s)).intoArray(dUp, off + i);
      FloatVector grad = s.mul(g.mul(one.sub(s)).add(1f));
      d.mul(FloatVector.fromArray(S, up, off + i)).mul(grad).intoArray(dGate, off + i);
    }
    for (; i < n; i++) {
      float g = gate[off + i], d = dH[off + i];
      float s = 1f / (1f + Exp.exp(-g));
      dUp[off + i] = d * (g * s);
      dGate[off + i] = d * up[off + i] * (s * (1f + g * (1f - s)));
    }
  }

  // ---------------------------------------------------------------- row-wise

  @Override
  public void softmaxRows(float[] out, int outOff, float[] in, int inOff, int rows, int cols) {
    if ((long) rows * cols >= PAR_ELEMENTS && rows > 1) {
      Parallel.forRange(rows, Math.max(1, (PAR_ELEMENTS / 4) / Math.max(1, cols)), (lo, hi) -> {
        for (int r = lo; r < hi; r++) RowKernels.softmaxRow(out, outOff + r * cols, in, inOff + r * cols, cols);
      });
    } else {
      for (int r = 0; r < rows; r++) RowKernels.softmaxRow(out, outOff + r * cols, in, inOff + r * cols, cols);
    }
  }

  @Override
  public void causalHead(float[] probs, int pOff, float[] oh, float[] qh, float[] kh, float[] vh, int t, int hs, float scale) {
    if (HeadKernels.fits(t, hs)) {
      HeadKernels.causalHead(probs, pOff, oh, qh, kh, vh, t, hs, scale);
    } else {
      KernelSet.causalHeadOf(this, probs, pOff, oh, qh, kh, vh, t, hs, scale);
    }
  }

  @Override
  public void causalHeadGrad(float[] ds, float[] gq, float[] probs, int pOff, float[] doh, float[] oh, float[] vh, float[] kh,
                             int t, int hs) {
    if (HeadKernels.fits(t, hs)) {
      HeadKernels.causalHeadGrad(ds, gq, probs, pOff, doh, oh, vh, kh, t, hs);
    } else {
      KernelSet.causalHeadGradOf(this, ds, gq, probs, pOff, doh, oh, vh, kh, t, hs);
    }
  }

  @Override
  public void causalKeyGrad(float[] out, int outOff, float[] a, int aOff, float[] b, int t, int hs) {
    if (HeadKernels.fits(t, hs)) {
      HeadKernels.causalKeyGrad(out, outOff, a, aOff, b, t, hs);
    } else {
      KernelSet.causalKeyGradOf(this, out, outOff, a, aOff, b, t, hs);
    }
  }

  @Override
  public void rotateRows(float[] x, int off, int rows, int heads, int hd, int aOff, int bOff, float[] cos, float[] sin,
                         int csRow0, int pairs, boolean inverse) {
    if (aOff == 0 && bOff == pairs && hd == 2 * pairs && L % hd == 0 && heads * hd % L == 0) {
      RowKernels.rotateHalfRows(x, off, rows, heads * hd, hd, cos, sin, csRow0, pairs, inverse);
    } else {
      KernelSet.super.rotateRows(x, off, rows, heads, hd, aOff, bOff, cos, sin, csRow0, pairs, inverse);
    }
  }

  @Override
  public void scaledSoftmax(float[] x, int off, int n, float scale) {
    RowKernels.scaledSoftmax(x, off, n, scale);
  }

  @Override
  public void expShift(float[] out, int outOff, float[] in, int inOff, int n, float shift) {
    RowKernels.expShiftKernel(out, outOff, in, inOff, n, shift);
  }

  @Override
  public void rmsNormRows(float[] out, float[] invRms, float[] x, float[] w, int rows, int cols, float eps) {
    if ((long) rows * cols >= PAR_ELEMENTS && rows > 1) {
      Parallel.forRange(rows, Math.max(1, (PAR_ELEMENTS / 4) / Math.max(1, cols)), (lo, hi) -> {
        for (int r = lo; r < hi; r++) rmsNormRow(out, invRms, x, w, r, cols, eps);
      });
    } else {
      for (int r = 0; r < rows; r++) rmsNormRow(out, invRms, x, w, r, cols, eps);
    }
  }

  /** RMSNorm (Zhang &amp; Sennrich 2019, eq. 4): y = x / sqrt(mean(x²) + eps) ⊙ w. */
  static void rmsNormRow(float[] out, float[] invRms, float[] x, float[] w, int r, int cols, float eps) {
    int o = r * cols;
    float inv = (float) (1.0 / Math.sqrt(dotKernel(x, o, x, o, cols) / cols + eps));
    invRms[r] = inv;
    if (w == null) {
      scaleInto(out, o, x, o, cols, inv);
    } else {
      scaleMulInto(out, o, x, o, w, cols, inv);
    }
  }

  /** out = x·s. */
  static void scaleInto(float[] out, int oo, float[] x, int xo, int n, float s) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(out, oo + i);
    for (; i < n; i++) out[oo + i] = x[xo + i] * s;
  }

  /** out = x·s ⊙ w (w indexed from 0). */
  static void scaleMulInto(float[] out, int oo, float[] x, int xo, float[] w, int n, float s) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, x, xo + i).mul(s).mul(FloatVector.fromArray(S, w, i)).intoArray(out, oo + i);
    }
    for (; i < n; i++) out[oo + i] = x[xo + i] * s * w[i];
  }

  @Override
  public void layerNormRows(float[] out, float[] mean, float[] invStd, float[] x, float[] w, float[] b,
                            int rows, int cols, float eps) {
    if ((long) rows * cols >= PAR_ELEMENTS && rows > 1) {
      Parallel.forRange(rows, Math.max(1, (PAR_ELEMENTS / 4) / Math.max(1, cols)), (lo, hi) -> {
        for (int r = lo; r < hi; r++) RowKernels.layerNormRow(out, mean, invStd, x, w, b, r, cols, eps);
      });
    } else {
      for (int r = 0; r < rows; r++) RowKernels.layerNormRow(out, mean, invStd, x, w, b, r, cols, eps);
    }
  }
}
