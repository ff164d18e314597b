package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QueryDependenceTest {

  @Test
  void expectedJaccardMatchesEnumerationOfAllSubsetPairs() {
    for (int n = 1; n <= 9; n++) {
      for (int m = 1; m <= n; m++) {
        double sum = 0;
        int count = 0;
        for (int a = 0; a < (1 << n); a++) {
          if (Integer.bitCount(a) != m) continue;
          for (int b = 0; b < (1 << n); b++) {
            if (Integer.bitCount(b) != m) continue;
            sum += (double) Integer.bitCount(a & b) / Integer.bitCount(a | b);
            count++;
          }
        }
        assertClose("E J n=" + n + " m=" + m, sum / count, QueryDependence.expectedJaccard(n, m), 0, 1e-12);
      }
    }
    // large n stays finite and small: m = 16 of 4096 ≈ m/(2n) to first order
    double j = QueryDependence.expectedJaccard(4096, 16);
    assertTrue(j > 0.5 * 16 / 8192.0 && j < 2 * 16 / 8192.0, "E J=" + j);
  }

  @Test
  void topMOverlapOfIdenticalRowsIsOneAndRandomRowsSitNearChance() {
    int rows = 6, cols = 50;
    double[] same = new double[rows * cols];
    SplittableRandom rng = new SplittableRandom(4);
    double[] base = new double[cols];
    for (int c = 0; c < cols; c++) base[c] = rng.nextDouble();
    for (int r = 0; r < rows; r++) System.arraycopy(base, 0, same, r * cols, cols);
    QueryDependence.Overlap o = QueryDependence.topMOverlap(same, rows, cols, KeyMask.all(), 5, null);
    assertClose("identical rows", 1.0, o.meanJaccard(), 0, 0);
    assertEquals(15, o.pairs());
    assertEquals(50, o.window());
    assertClose("chance beside it", QueryDependence.expectedJaccard(50, 5), o.chance(), 0, 0);

    int many = 400;
    double[] rnd = new double[many * cols];
    for (int i = 0; i < rnd.length; i++) rnd[i] = rng.nextDouble();
    QueryDependence.Overlap r = QueryDependence.topMOverlap(rnd, many, cols, KeyMask.all(), 5, null);
    assertClose("independent random rows ≈ chance", r.chance(), r.meanJaccard(), 0.01, 0);
  }

  @Test
  void topMUsesTheEarliestQuerysPrefixAndBreaksTiesToTheLowerIndex() {
    // causal 4x4; rows 2 and 3 share window {0,1,2}; ties broken to the lower index
    double[] a = {
        1, 0, 0, 0,
        1, 1, 0, 0,
        5, 5, 5, 0,
        1, 9, 9, 100};
    QueryDependence.Overlap o = QueryDependence.topMOverlap(a, 4, 4, KeyMask.causal(), 2, new int[] {2, 3});
    assertEquals(3, o.window());
    // row 2 top-2 = {0,1} (ties to lower); row 3 within {0,1,2} top-2 = {1,2} → J = 1/3
    assertClose("J", 1.0 / 3, o.meanJaccard(), 0, 1e-15);
    QueryDependence.Overlap w = QueryDependence.topMOverlap(a, 4, 4, 2, new int[] {2, 3}, 3);
    assertEquals(o, w, "explicit window = the causal prefix of the earliest query");
    assertThrows(IllegalArgumentException.class, () -> QueryDependence.topMOverlap(a, 4, 4, KeyMask.causal(), 4, new int[] {2, 3}));
    assertThrows(IllegalArgumentException.class, () -> QueryDependence.topMOverlap(a, 4, 4, KeyMask.causal(), 1, new int[] {2}));
  }

  @Test
  void sharedColumnMassIsOneForPositionAbsoluteFocusAndLowForDisjointFocus() {
    int rows = 8, cols = 8;
    double[] abs = new double[rows * cols], own = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      abs[r * cols + 2] = 3 + r;   // every row focuses on key 2
      abs[r * cols + 5] = 1;
      own[r * cols + r] = 1;       // each row on its own key
    }
    assertClose("position-absolute", 1.0, QueryDependence.sharedColumnMass(abs, rows, cols, KeyMask.all(), 1), 0, 1e-15);
    // shared top-1 column is key 0 (ties to lower index): only row 0 has mass there
    assertClose("disjoint one-hot rows", 1.0 / rows, QueryDependence.sharedColumnMass(own, rows, cols, KeyMask.all(), 1), 0, 1e-15);
    // a hand-worked 2x3 case: rows (0.6, 0.3, 0.1) and (0.1, 0.2, 0.7); column means (.35, .25, .4): C* = {2}
    double[] hand = {6, 3, 1, 1, 2, 7};
    assertClose("hand-worked", (0.1 / 0.6 + 1.0) / 2, QueryDependence.sharedColumnMass(hand, 2, 3, KeyMask.all(), 1), 0, 1e-15);
  }

  @Test
  void singularValuesOfAConstructedMatrixAndRankOfALowRankOne() {
    SplittableRandom rng = new SplittableRandom(12);
    int n = 12;
    double[] sigma = {9, 7, 5, 3, 2, 1, 0.5, 0.25, 1e-3, 1e-6, 1e-9, 1e-12};
    double[] u = randomOrthogonal(n, rng), v = randomOrthogonal(n, rng);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += u[i * n + k] * sigma[k] * v[j * n + k];
      a[i * n + j] = s;
    }
    double[] sv = QueryDependence.singularValues(a, n, n);
    assertClose("large singular values", java.util.Arrays.copyOf(sigma, 9), java.util.Arrays.copyOf(sv, 9), 1e-13, 1e-12);
    assertEquals(10, QueryDependence.numericalRank(a, n, n, 1e-8));
    // rank 3 from three outer products, 20 x 9
    int rows = 20, cols = 9;
    double[] low = new double[rows * cols];
    for (int t = 0; t < 3; t++) {
      double[] x = new double[rows], y = new double[cols];
      for (int i = 0; i < rows; i++) x[i] = rng.nextGaussian();
      for (int j = 0; j < cols; j++) y[j] = rng.nextGaussian();
      for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) low[i * cols + j] += x[i] * y[j];
    }
    assertEquals(3, QueryDependence.numericalRank(low, rows, cols, 1e-10));
    // Frobenius norm² = Σσ²
    double fro = 0, ss = 0;
    for (double x : low) fro += x * x;
    for (double s : QueryDependence.singularValues(low, rows, cols)) ss += s * s;
    assertClose("Frobenius", fro, ss, 0, 1e-12);
  }

  /** Q from Gram–Schmidt of a Gaussian matrix (columns orthonormal), (n, n). */
  private static double[] randomOrthogonal(int n, SplittableRandom rng) {
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
    for (int k = 0; k < n; k++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < k; j++) {
          double dot = 0;
          for (int i = 0; i < n; i++) dot += q[i * n + k] * q[i * n + j];
          for (int i = 0; i < n; i++) q[i * n + k] -= dot * q[i * n + j];
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) norm += q[i * n + k] * q[i * n + k];
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) q[i * n + k] /= norm;
    }
    return q;
  }

  @Test
  void logAbsDetOfTriangularMatricesAndRejectionOfFullOnes() {
    double[] lower = {2, 0, 0, 1, -3, 0, 4, 5, 0.5};
    assertClose("lower", Math.log(3), QueryDependence.logAbsDetTriangular(lower, 3), 0, 1e-15);
    double[] upper = {2, 1, 4, 0, 0.25, 5, 0, 0, 8};
    assertClose("upper", Math.log(4), QueryDependence.logAbsDetTriangular(upper, 3), 0, 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, QueryDependence.logAbsDetTriangular(new double[] {1, 0, 1, 0}, 2));
    assertThrows(IllegalArgumentException.class, () -> QueryDependence.logAbsDetTriangular(new double[] {1, 2, 3, 4}, 2));
  }
}
