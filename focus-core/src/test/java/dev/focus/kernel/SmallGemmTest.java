package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unpacked products give exactly the bits their definition says (the class comment of
 * {@link SmallGemm}): a scalar model performs the same roundings with {@link Math#fma} and plain float
 * arithmetic, and every element must match it bit for bit, on the shapes of attention heads of 8 and
 * 16, ragged tails, column ranges that start inside the matrix, and B blocks too large for L1.
 */
class SmallGemmTest {
  static final int L = SmallGemm.L;

  static Stream<Arguments> shapes() {
    int[][] mkn = {
        {64, 8, 64}, {64, 64, 8}, {64, 64, 16}, {64, 16, 64}, {13, 8, 37}, {5, 3, 40}, {37, 19, 13}, {7, 33, 70},
        {1, 300, 200}, {3, 2000, 100}, {2, 40, 2100}, {9, 5, 31}, {6, 1, 1}, {1, 1, 1}, {4, 17, 12},
        {17, 5, 90}, {20, 8, 50}, {32, 20, 12}, {16, 7, 9},
    };
    Stream.Builder<Arguments> s = Stream.builder();
    for (int[] d : mkn) {
      for (String layout : new String[] {"NN", "NT", "TN"}) {
        for (boolean acc : new boolean[] {false, true}) s.add(Arguments.of(layout, d[0], d[1], d[2], acc));
      }
    }
    return s.build();
  }

  @ParameterizedTest(name = "{0} {1}x{2}x{3} accumulate={4}")
  @MethodSource("shapes")
  void everyElementRoundsAsDefined(String layout, int m, int k, int n, boolean accumulate) {
    boolean transA = layout.equals("TN"), transB = layout.equals("NT");
    Random rnd = new Random(31L * m + 7L * k + n + (accumulate ? 1 : 0));
    int aOff = 3, bOff = 5, cOff = 2;
    float[] a = random(rnd, aOff + m * k), b = random(rnd, bOff + k * n), c0 = random(rnd, cOff + m * n + 1);
    // whole width, and a range that starts inside the matrix (the skinny path's chunks)
    for (int[] range : new int[][] {{0, n}, {n / 3, n}}) {
      float[] want = c0.clone(), got = c0.clone();
      model(transA, transB, want, cOff, a, aOff, b, bOff, m, k, n, range[0], range[1], accumulate);
      SmallGemm.cols(transA, transB, got, cOff, a, aOff, b, bOff, m, k, n, range[0], range[1], accumulate);
      for (int i = 0; i < want.length; i++) {
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
            () -> layout + " columns " + range[0] + ".." + range[1] + ": element differs");
      }
    }
  }

  /** The definition, one element at a time. */
  static void model(boolean transA, boolean transB, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                    int m, int k, int n, int j0, int j1, boolean accumulate) {
    if (transB) {
      float[] row = new float[k];
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) row[p] = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        for (int j = j0; j < j1; j++) {
          float d = VectorKernels.dotKernel(row, 0, b, bOff + j * k, k);
          int ci = cOff + i * n + j;
          c[ci] = accumulate ? c[ci] + d : d;
        }
      }
      return;
    }
    for (int jb = j0; jb < j1; jb += SmallGemm.COLS) {
      int w = Math.min(SmallGemm.COLS, j1 - jb), fused = w - w % L;
      for (int i = 0; i < m; i++) {
        for (int t = 0; t < w; t++) {
          int ci = cOff + i * n + jb + t;
          float s = accumulate ? c[ci] : 0f;
          for (int p = 0; p < k; p++) {
            float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p], bpj = b[bOff + p * n + jb + t];
            s = t < fused ? Math.fma(aip, bpj, s) : s + aip * bpj;
          }
          c[ci] = s;
        }
      }
    }
  }

  @ParameterizedTest(name = "depth {0}")
  @MethodSource("depths")
  void aShallowDotIsAPlainSumInOrder(int k) {
    // the model's own premise: below L, dotKernel is (…(+0 + a₀b₀) + a₁b₁) + …
    Random rnd = new Random(k);
    float[] a = random(rnd, k), b = random(rnd, k);
    float s = 0f;
    for (int p = 0; p < k; p++) s += a[p] * b[p];
    assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(VectorKernels.dotKernel(a, 0, b, 0, k)));
  }

  static Stream<Integer> depths() {
    return Stream.of(1, 3, 8, L - 1);
  }

  static float[] random(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2f - 1f;
    return x;
  }
}
