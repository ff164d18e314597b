package dev.focus.kernel;

import static dev.focus.testing.Close.assertClose;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three matrix-product layouts of the active kernel set against a double-precision reference and
 * against the scalar twin, with and without {@code accumulate}, at odd offsets. Shapes cover the small
 * path, ragged micro-tile edges (rows not a multiple of the tile's 6 or 8, columns not a multiple of the tile width),
 * summation chains and packed depth blocks (k &gt; 256, k &gt; 1024), column blocks (n &gt; 4096), and both parallel splits (over rows, and
 * over column panels when M is short), and the skinny path for M &lt; 6 (one decoded token).
 */
class MatmulTwinTest {
  static final KernelSet K = Kernels.get();
  static final KernelSet SCALAR = Kernels.scalar();

  enum Layout { NN, NT, TN }

  static Stream<Arguments> shapes() {
    int[][] mkn = {
        {1, 1, 1}, {1, 7, 15}, {7, 1, 17}, {7, 15, 16}, {16, 16, 16}, {17, 17, 17}, {6, 32, 32},
        {13, 33, 65}, {12, 300, 64}, {37, 513, 47}, {5, 300, 1023}, {130, 64, 96}, {64, 128, 7},
        {2, 40, 4100}, {250, 9, 130}, {1, 1023, 33}, {1, 300, 5000}, {4, 257, 1100}, {5, 64, 70}, {13, 2100, 40}, {7, 40, 4100},
    };
    Stream.Builder<Arguments> b = Stream.builder();
    for (int[] s : mkn) {
      for (Layout l : Layout.values()) b.add(Arguments.of(l, s[0], s[1], s[2]));
    }
    return b.build();
  }

  static float[] random(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2f - 1f;
    return x;
  }

  /** C (+)= op(A)·op(B) in double; offsets 0. */
  static double[] reference(Layout l, float[] a, int aOff, float[] b, int bOff, double[] c0,
                            int m, int k, int n) {
    double[] c = c0.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double aip = l == Layout.TN ? a[aOff + p * m + i] : a[aOff + i * k + p];
          double bpj = l == Layout.NT ? b[bOff + j * k + p] : b[bOff + p * n + j];
          s += aip * bpj;
        }
        c[i * n + j] += s;
      }
    }
    return c;
  }

  static void run(KernelSet ks, Layout l, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                  int m, int k, int n, boolean acc) {
    switch (l) {
      case NN: ks.matmul(c, cOff, a, aOff, b, bOff, m, k, n, acc); break;
      case NT: ks.matmulNT(c, cOff, a, aOff, b, bOff, m, k, n, acc); break;
      case TN: ks.matmulTN(c, cOff, a, aOff, b, bOff, m, k, n, acc); break;
      default: throw new AssertionError(l);
    }
  }

  @ParameterizedTest(name = "{0} m={1} k={2} n={3}")
  @MethodSource("shapes")
  void matchesDoubleReferenceAndScalarTwin(Layout l, int m, int k, int n) {
    Random rnd = new Random(m * 1_000_003L + k * 1009L + n);
    int aOff = 3, bOff = 5, cOff = 2;
    float[] a = random(rnd, aOff + m * k), b = random(rnd, bOff + k * n);
    float[] cInit = random(rnd, cOff + m * n + 1);
    double tol = 2e-6 * (1 + 2 * Math.sqrt(k));
    String what = l + " " + m + "x" + k + "x" + n;

    // Overwrite: C's old contents (including a NaN) must not leak into the result.
    float[] c = cInit.clone();
    c[cOff] = Float.NaN;
    run(K, l, c, cOff, a, aOff, b, bOff, m, k, n, false);
    double[] exp = reference(l, a, aOff, b, bOff, new double[m * n], m, k, n);
    assertClose(what + " overwrite", exp, Close2.slice(c, cOff, m * n), tol, 1e-5);
    assertClose(what + " guard cells", new float[] {cInit[0], cInit[1], cInit[cOff + m * n]},
        new float[] {c[0], c[1], c[cOff + m * n]}, 0, 0);

    // Accumulate.
    c = cInit.clone();
    run(K, l, c, cOff, a, aOff, b, bOff, m, k, n, true);
    exp = reference(l, a, aOff, b, bOff, Close2.toDouble(cInit, cOff, m * n), m, k, n);
    assertClose(what + " accumulate", exp, Close2.slice(c, cOff, m * n), tol, 1e-5);

    // Twin.
    float[] twin = cInit.clone();
    run(SCALAR, l, twin, cOff, a, aOff, b, bOff, m, k, n, true);
    assertClose(what + " vs scalar twin", twin, c, 2 * tol, 1e-5);
  }

  @Test
  void trainingShapeMatchesScalarTwin() {
    // y = x·Wᵀ of a hidden-128 MLP at B·T = 256 (the bench uses B·T = 2048).
    int m = 256, k = 128, n = 384;
    Random rnd = new Random(7);
    float[] x = random(rnd, m * k), w = random(rnd, n * k), y = new float[m * n], yTwin = new float[m * n];
    K.matmulNT(y, 0, x, 0, w, 0, m, k, n, false);
    SCALAR.matmulNT(yTwin, 0, x, 0, w, 0, m, k, n, false);
    assertClose("x·Wᵀ 256x128x384", yTwin, y, 1e-4, 1e-5);
  }

  @Test
  void zeroDepthClearsOrKeepsC() {
    float[] c = {1f, 2f, 3f, 4f};
    K.matmul(c, 0, new float[0], 0, new float[0], 0, 2, 0, 2, true);
    assertClose("k=0 accumulate keeps C", new float[] {1f, 2f, 3f, 4f}, c, 0, 0);
    K.matmulNT(c, 0, new float[0], 0, new float[0], 0, 2, 0, 2, false);
    assertClose("k=0 overwrite zeroes C", new float[4], c, 0, 0);
  }

  /** Small array helpers local to this test. */
  static final class Close2 {
    static double[] slice(float[] x, int off, int n) {
      return toDouble(x, off, n);
    }

    static double[] toDouble(float[] x, int off, int n) {
      double[] d = new double[n];
      for (int i = 0; i < n; i++) d[i] = x[off + i];
      return d;
    }
  }
}
