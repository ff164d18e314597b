package dev.focus.kernel;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Element-wise, reduction and row-wise kernels: the active set ({@link Kernels#get()}, the vector twin
 * unless {@code -Dfocus.kernels=scalar}) against a double-precision reference written here, and
 * against the scalar twin. Surefire runs this class twice (see focus-core/pom.xml): once in vector
 * mode and once with {@code -Dfocus.kernels=scalar}, where the active set is the scalar twin itself.
 *
 * <p>Sizes straddle the vector length (8 or 16 floats) and the parallel threshold
 * ({@link #PARALLEL_SIZE}); data sits at odd offsets.
 */
class KernelTwinTest {
  static final KernelSet K = Kernels.get();
  static final KernelSet SCALAR = Kernels.scalar();
  /** Just above the size where the vector twin splits element-wise work over {@link Parallel}. */
  static final int PARALLEL_SIZE = (1 << 16) + 5;

  static IntStream sizes() {
    return IntStream.of(1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1023, 1024, 4099,
        PARALLEL_SIZE);
  }

  static float[] random(Random rnd, int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() * 2f - 1f) * scale;
    return x;
  }

  /** Tolerance for a sum of n terms of magnitude ≤ 1 in float. */
  static double sumTol(int n) {
    return 1e-6 * (1 + Math.sqrt(n) * 4);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void dotSumMaxMatchDoubleReference(int n) {
    Random rnd = new Random(n);
    float[] a = random(rnd, n + 3, 1f), b = random(rnd, n + 5, 1f);
    double dot = 0, sum = 0, sq = 0, max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      dot += (double) a[3 + i] * b[5 + i];
      sum += a[3 + i];
      sq += (double) a[3 + i] * a[3 + i];
      max = Math.max(max, a[3 + i]);
    }
    assertClose("dot n=" + n, dot, K.dot(a, 3, b, 5, n), sumTol(n), 1e-5);
    assertClose("sum n=" + n, sum, K.sum(a, 3, n), sumTol(n), 1e-5);
    assertClose("sumSquares n=" + n, sq, K.sumSquares(a, 3, n), sumTol(n), 1e-5);
    assertEquals((float) max, K.max(a, 3, n), "max n=" + n);
    assertClose("dot twin n=" + n, SCALAR.dot(a, 3, b, 5, n), K.dot(a, 3, b, 5, n), 2 * sumTol(n), 1e-5);
    assertClose("sum twin n=" + n, SCALAR.sum(a, 3, n), K.sum(a, 3, n), 2 * sumTol(n), 1e-5);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void axpyScaleAddMulMatchReference(int n) {
    Random rnd = new Random(100 + n);
    float[] x = random(rnd, n + 1, 2f), y = random(rnd, n + 2, 2f);
    float alpha = -0.75f, s = 1.625f;

    float[] yExp = y.clone(), yAct = y.clone();
    for (int i = 0; i < n; i++) yExp[2 + i] = (float) (y[2 + i] + (double) alpha * x[1 + i]);
    K.axpy(alpha, x, 1, yAct, 2, n);
    assertClose("axpy n=" + n, yExp, yAct, 1e-6, 1e-6);

    float[] xExp = x.clone(), xAct = x.clone();
    for (int i = 0; i < n; i++) xExp[1 + i] = x[1 + i] * s;
    K.scale(xAct, 1, n, s);
    assertClose("scale n=" + n, xExp, xAct, 0, 0);

    float[] out = new float[n + 4], exp = new float[n + 4];
    for (int i = 0; i < n; i++) exp[4 + i] = x[1 + i] + y[2 + i];
    K.add(out, 4, x, 1, y, 2, n);
    assertClose("add n=" + n, exp, out, 0, 0);

    for (int i = 0; i < n; i++) exp[4 + i] = x[1 + i] * y[2 + i];
    K.mul(out, 4, x, 1, y, 2, n);
    assertClose("mul n=" + n, exp, out, 0, 0);

    // Aliasing: out == a.
    float[] alias = x.clone();
    K.add(alias, 1, alias, 1, y, 2, n);
    for (int i = 0; i < n; i++) exp[i] = x[1 + i] + y[2 + i];
    assertClose("add aliased n=" + n, java.util.Arrays.copyOf(exp, n), java.util.Arrays.copyOfRange(alias, 1, n + 1), 0, 0);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void activationsAndTheirDerivativesMatchReference(int n) {
    Random rnd = new Random(200 + n);
    float[] x = random(rnd, n + 1, 6f), dOut = random(rnd, n + 2, 1f);
    double c = Math.sqrt(2 / Math.PI);
    float[] gelu = new float[n], dGelu = new float[n], silu = new float[n], dSilu = new float[n];
    for (int i = 0; i < n; i++) {
      double v = x[1 + i];
      double u = c * (v + 0.044715 * v * v * v);
      double t = Math.tanh(u);
      gelu[i] = (float) (0.5 * v * (1 + t));
      double g = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
      dGelu[i] = (float) (dOut[2 + i] * g);
      double sg = 1 / (1 + Math.exp(-v));
      silu[i] = (float) (v * sg);
      dSilu[i] = (float) (dOut[2 + i] * sg * (1 + v * (1 - sg)));
    }
    float[] out = new float[n + 3];
    K.gelu(out, 3, x, 1, n);
    assertClose("gelu n=" + n, gelu, slice(out, 3, n), 2e-6, 2e-6);
    K.geluBackward(out, 3, dOut, 2, x, 1, n);
    assertClose("geluBackward n=" + n, dGelu, slice(out, 3, n), 2e-6, 2e-6);
    K.silu(out, 3, x, 1, n);
    assertClose("silu n=" + n, silu, slice(out, 3, n), 2e-6, 2e-6);
    K.siluBackward(out, 3, dOut, 2, x, 1, n);
    assertClose("siluBackward n=" + n, dSilu, slice(out, 3, n), 2e-6, 2e-6);

    // Pair rotation (rotate_half layout): a' = a·c − b·s, b' = b·c + a·s, and back by −angle
    float[] rot = new float[2 * n + 5], rotTwin;
    for (int i = 0; i < rot.length; i++) rot[i] = (float) Math.cos(1.3 * i);
    float[] cs = new float[n + 2], sn = new float[n + 2];
    for (int i = 0; i < n + 2; i++) {
      cs[i] = (float) Math.cos(0.7 * i);
      sn[i] = (float) Math.sin(0.7 * i);
    }
    float[] rotWant = rot.clone();
    for (int i = 0; i < n; i++) {
      double a = rot[2 + i], b = rot[3 + n + i];
      rotWant[2 + i] = (float) (a * cs[1 + i] - b * sn[1 + i]);
      rotWant[3 + n + i] = (float) (b * cs[1 + i] + a * sn[1 + i]);
    }
    rotTwin = rot.clone();
    float[] rotOrig = rot.clone();
    K.rotatePairs(rot, 2, 3 + n, cs, sn, 1, n, false);
    SCALAR.rotatePairs(rotTwin, 2, 3 + n, cs, sn, 1, n, false);
    assertClose("rotatePairs n=" + n, rotWant, rot, 1e-6, 1e-6);
    assertClose("rotatePairs twin n=" + n, rotTwin, rot, 0, 0);
    K.rotatePairs(rot, 2, 3 + n, cs, sn, 1, n, true);
    assertClose("rotatePairs inverse n=" + n, rotOrig, rot, 1e-6, 1e-6);

    // The fused SwiGLU gate and its backward, against the same double reference (gate = x, up = dOut).
    float[] up = slice(dOut, 2, n), gate = slice(x, 1, n), dH = new float[n];
    for (int i = 0; i < n; i++) dH[i] = (float) Math.sin(0.37 * i + 0.1);
    float[] h = new float[n + 1], gGate = new float[n + 1], gUp = new float[n + 1];
    float[] wantH = new float[n], wantGate = new float[n], wantUp = new float[n];
    for (int i = 0; i < n; i++) {
      double g = gate[i], sg = 1 / (1 + Math.exp(-g));
      wantH[i] = (float) (g * sg * up[i]);
      wantUp[i] = (float) (dH[i] * g * sg);
      wantGate[i] = (float) (dH[i] * up[i] * sg * (1 + g * (1 - sg)));
    }
    float[] gateAt1 = new float[n + 1], upAt1 = new float[n + 1], dHAt1 = new float[n + 1];
    System.arraycopy(gate, 0, gateAt1, 1, n);
    System.arraycopy(up, 0, upAt1, 1, n);
    System.arraycopy(dH, 0, dHAt1, 1, n);
    K.swiGlu(h, gateAt1, upAt1, 1, n);
    assertClose("swiGlu n=" + n, wantH, slice(h, 1, n), 4e-6, 4e-6);
    K.swiGluBackward(gGate, gUp, dHAt1, gateAt1, upAt1, 1, n);
    assertClose("swiGluBackward dGate n=" + n, wantGate, slice(gGate, 1, n), 4e-6, 4e-6);
    assertClose("swiGluBackward dUp n=" + n, wantUp, slice(gUp, 1, n), 4e-6, 4e-6);
    float[] twinH = new float[n + 1], twinGate = new float[n + 1], twinUp = new float[n + 1];
    SCALAR.swiGlu(twinH, gateAt1, upAt1, 1, n);
    SCALAR.swiGluBackward(twinGate, twinUp, dHAt1, gateAt1, upAt1, 1, n);
    assertClose("swiGlu twin n=" + n, twinH, h, 0, 0);
    assertClose("swiGluBackward dGate twin n=" + n, twinGate, gGate, 0, 0);
    assertClose("swiGluBackward dUp twin n=" + n, twinUp, gUp, 0, 0);

    float[] twin = new float[n + 3];
    SCALAR.gelu(twin, 3, x, 1, n);
    K.gelu(out, 3, x, 1, n);
    assertClose("gelu twin n=" + n, twin, out, 2e-6, 2e-6);

    // In place (out aliases x / dx aliases dOut).
    float[] inPlace = x.clone();
    K.silu(inPlace, 1, inPlace, 1, n);
    assertClose("silu in place n=" + n, silu, slice(inPlace, 1, n), 2e-6, 2e-6);
    float[] dInPlace = dOut.clone();
    K.geluBackward(dInPlace, 2, dInPlace, 2, x, 1, n);
    assertClose("geluBackward in place n=" + n, dGelu, slice(dInPlace, 2, n), 2e-6, 2e-6);
  }

  static Stream<Arguments> rowShapes() {
    return Stream.of(Arguments.of(1, 1), Arguments.of(3, 7), Arguments.of(2, 15), Arguments.of(5, 16),
        Arguments.of(4, 17), Arguments.of(3, 1023), Arguments.of(300, 257), Arguments.of(1100, 64));
  }

  @ParameterizedTest(name = "rows={0} cols={1}")
  @MethodSource("rowShapes")
  void softmaxRowsMatchesReference(int rows, int cols) {
    Random rnd = new Random(rows * 31 + cols);
    float[] in = random(rnd, rows * cols + 2, 8f);
    in[2] = -1e30f; // a masked-out logit
    float[] exp = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      double mx = Double.NEGATIVE_INFINITY, s = 0;
      for (int j = 0; j < cols; j++) mx = Math.max(mx, in[2 + r * cols + j]);
      for (int j = 0; j < cols; j++) s += Math.exp(in[2 + r * cols + j] - mx);
      for (int j = 0; j < cols; j++) exp[r * cols + j] = (float) (Math.exp(in[2 + r * cols + j] - mx) / s);
    }
    float[] out = new float[rows * cols + 1];
    K.softmaxRows(out, 1, in, 2, rows, cols);
    assertClose("softmax " + rows + "x" + cols, exp, slice(out, 1, rows * cols), 1e-7, 1e-5);
    // In place.
    float[] inPlace = in.clone();
    K.softmaxRows(inPlace, 2, inPlace, 2, rows, cols);
    assertClose("softmax in place " + rows + "x" + cols, exp, slice(inPlace, 2, rows * cols), 1e-7, 1e-5);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void scaledSoftmaxIsScaleThenSoftmaxBitForBit(int n) {
    Random rnd = new Random(n * 7L + 1);
    float[] x = random(rnd, n + 3, 6f);
    x[3] = -1e30f; // a logit that underflows to 0
    for (float scale : new float[] {0.35355338f, 1f, -2.5f}) {
      for (KernelSet ks : new KernelSet[] {K, SCALAR}) {
        // inside the array, and ending at its last element (the ragged end's vector runs past it)
        for (int off : new int[] {3, x.length - n}) {
          float[] want = x.clone(), got = x.clone();
          ks.scale(want, off, n, scale);
          ks.softmaxRows(want, off, want, off, 1, n);
          ks.scaledSoftmax(got, off, n, scale);
          for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                ks.name() + " scale " + scale + " offset " + off + " index " + i);
          }
        }
      }
      float[] v = x.clone(), s = x.clone();
      K.scaledSoftmax(v, 3, n, scale);
      SCALAR.scaledSoftmax(s, 3, n, scale);
      assertClose("scaledSoftmax twins n=" + n, slice(s, 3, n), slice(v, 3, n), 1e-7, 1e-5);
    }
  }

  @ParameterizedTest(name = "hd={0} heads={1}")
  @MethodSource("turnShapes")
  void rotateRowsIsRotatePairsPerHeadBitForBit(int hd, int heads) {
    Random rnd = new Random(hd * 31L + heads);
    int rows = 5, pairs = hd / 2, off = 3, row0 = 2;
    float[] x = random(rnd, off + rows * heads * hd + 2, 4f), cos = random(rnd, (row0 + rows) * pairs, 1f), sin = random(rnd, (row0 + rows) * pairs, 1f);
    for (boolean inverse : new boolean[] {false, true}) {
      for (int[] ab : new int[][] {{0, pairs}, {pairs, 0}}) { // rotate_half, and its mirror (the general path)
        for (KernelSet ks : new KernelSet[] {K, SCALAR}) {
          float[] want = x.clone(), got = x.clone();
          for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
              int base = off + (r * heads + h) * hd;
              ks.rotatePairs(want, base + ab[0], base + ab[1], cos, sin, (row0 + r) * pairs, pairs, inverse);
            }
          }
          ks.rotateRows(got, off, rows, heads, hd, ab[0], ab[1], cos, sin, row0, pairs, inverse);
          for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                ks.name() + " inverse " + inverse + " pair offsets " + ab[0] + "," + ab[1] + " index " + i);
          }
        }
      }
    }
  }

  static Stream<Arguments> turnShapes() {
    return Stream.of(Arguments.of(2, 8), Arguments.of(4, 4), Arguments.of(8, 4), Arguments.of(8, 2), Arguments.of(16, 3),
        Arguments.of(32, 2), Arguments.of(8, 3), Arguments.of(6, 4));
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void expShiftGivesTheBitsOfExpInBothTwins(int n) {
    Random rnd = new Random(n * 13L);
    float[] in = random(rnd, n + 3, 40f);
    float shift = 2.5f;
    float[] out = new float[n + 1], scalar = new float[n + 1];
    K.expShift(out, 1, in, 3, n, shift);
    SCALAR.expShift(scalar, 1, in, 3, n, shift);
    for (int i = 0; i < n; i++) {
      int want = Float.floatToRawIntBits(Exp.exp(in[3 + i] - shift));
      assertEquals(want, Float.floatToRawIntBits(out[1 + i]), "active twin, index " + i);
      assertEquals(want, Float.floatToRawIntBits(scalar[1 + i]), "scalar twin, index " + i);
    }
    assertEquals(0f, out[0]);
    // in place
    float[] same = in.clone();
    K.expShift(same, 3, same, 3, n, shift);
    for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(out[1 + i]), Float.floatToRawIntBits(same[3 + i]));
  }

  @ParameterizedTest(name = "rows={0} cols={1}")
  @MethodSource("rowShapes")
  void rmsNormAndLayerNormMatchReference(int rows, int cols) {
    Random rnd = new Random(rows * 17 + cols);
    float[] x = random(rnd, rows * cols, 3f), w = random(rnd, cols, 1.5f), b = random(rnd, cols, 0.5f);
    float eps = 1e-5f;
    float[] rms = new float[rows * cols], rmsNoW = new float[rows * cols], invRms = new float[rows];
    float[] ln = new float[rows * cols], lnNoWb = new float[rows * cols], mean = new float[rows], invStd = new float[rows];
    for (int r = 0; r < rows; r++) {
      double sq = 0, s = 0;
      for (int j = 0; j < cols; j++) {
        sq += (double) x[r * cols + j] * x[r * cols + j];
        s += x[r * cols + j];
      }
      double ir = 1 / Math.sqrt(sq / cols + eps);
      double mu = s / cols, var = 0;
      for (int j = 0; j < cols; j++) var += (x[r * cols + j] - mu) * (x[r * cols + j] - mu);
      double is = 1 / Math.sqrt(var / cols + eps);
      invRms[r] = (float) ir;
      mean[r] = (float) mu;
      invStd[r] = (float) is;
      for (int j = 0; j < cols; j++) {
        rms[r * cols + j] = (float) (x[r * cols + j] * ir * w[j]);
        rmsNoW[r * cols + j] = (float) (x[r * cols + j] * ir);
        ln[r * cols + j] = (float) ((x[r * cols + j] - mu) * is * w[j] + b[j]);
        lnNoWb[r * cols + j] = (float) ((x[r * cols + j] - mu) * is);
      }
    }
    float[] out = new float[rows * cols], o1 = new float[rows], o2 = new float[rows];
    K.rmsNormRows(out, o1, x, w, rows, cols, eps);
    assertClose("rmsNorm " + rows + "x" + cols, rms, out, 1e-5, 1e-5);
    assertClose("invRms " + rows + "x" + cols, invRms, o1, 1e-6, 1e-5);
    K.rmsNormRows(out, o1, x, null, rows, cols, eps);
    assertClose("rmsNorm no gain " + rows + "x" + cols, rmsNoW, out, 1e-5, 1e-5);
    K.layerNormRows(out, o1, o2, x, w, b, rows, cols, eps);
    assertClose("layerNorm " + rows + "x" + cols, ln, out, 1e-5, 1e-5);
    assertClose("mean " + rows + "x" + cols, mean, o1, 1e-6, 1e-5);
    assertClose("invStd " + rows + "x" + cols, invStd, o2, 1e-6, 1e-4);
    K.layerNormRows(out, o1, o2, x, null, null, rows, cols, eps);
    assertClose("layerNorm no affine " + rows + "x" + cols, lnNoWb, out, 1e-5, 1e-5);
    // Gain only, then bias only: each combination has its own vector loop.
    float[] gainOnly = new float[rows * cols], biasOnly = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < cols; j++) {
        gainOnly[r * cols + j] = lnNoWb[r * cols + j] * w[j];
        biasOnly[r * cols + j] = lnNoWb[r * cols + j] + b[j];
      }
    }
    K.layerNormRows(out, o1, o2, x, w, null, rows, cols, eps);
    assertClose("layerNorm gain only " + rows + "x" + cols, gainOnly, out, 2e-5, 1e-5);
    K.layerNormRows(out, o1, o2, x, null, b, rows, cols, eps);
    assertClose("layerNorm bias only " + rows + "x" + cols, biasOnly, out, 2e-5, 1e-5);
  }

  static float[] slice(float[] x, int off, int n) {
    return java.util.Arrays.copyOfRange(x, off, off + n);
  }
}
