package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Attention properties A1, A2, A8, A9 and A10 of spec 01 §4 on generated weights. */
class AttentionPropertiesTest {
  private static final double TOL = 1e-12;

  private static double[] gaussian(SplittableRandom rng, int len, double sd) {
    double[] v = new double[len];
    for (int i = 0; i < len; i++) v[i] = sd * rng.nextGaussian();
    return v;
  }

  @Test
  void a1SoftmaxSparsityIgnoresKeysShiftedAlongTheQuery() {
    SplittableRandom rng = new SplittableRandom(1);
    int d = 16, n = 200;
    double[] q = gaussian(rng, d, 1), k = gaussian(rng, n * d, 1);
    double qq = 0;
    for (double v : q) qq += v * v;
    double[] shifted = k.clone();
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) shifted[i * d + j] += 3.7 * q[j] / qq;  // logits + 3.7·scale
    double scale = 1 / Math.sqrt(d);
    double s0 = Sparsity.sparsity(AttentionWeights.generate(WeightKind.softmax(), q, k, 1, n, d, scale, null, KeyMask.all()).a());
    double s1 = Sparsity.sparsity(AttentionWeights.generate(WeightKind.softmax(), q, shifted, 1, n, d, scale, null, KeyMask.all()).a());
    double[] bias = new double[n];
    java.util.Arrays.fill(bias, -250.0);
    double s2 = Sparsity.sparsity(AttentionWeights.generate(WeightKind.softmax(), q, k, 1, n, d, scale, bias, KeyMask.all()).a());
    assertClose("keys shifted along q", s0, s1, 0, TOL);
    assertClose("constant key bias", s0, s2, 0, TOL);
  }

  @Test
  void a2HomogeneousKindsIgnorePositiveQueryScaling() {
    SplittableRandom rng = new SplittableRandom(2);
    int d = 8, rows = 12, n = 12;
    double[] q = gaussian(rng, rows * d, 1), k = gaussian(rng, n * d, 1);
    for (double c : new double[] {1e-3, 0.5, 3, 1e4}) {
      double[] cq = q.clone();
      for (int i = 0; i < cq.length; i++) cq[i] *= c;
      for (WeightKind kind : new WeightKind[] {WeightKind.identity(), WeightKind.relu2(false), WeightKind.relu2(true),
          WeightKind.linear(ElementwiseMap.RELU, ElementwiseMap.RELU)}) {
        double[] a = Sparsity.perRow(AttentionWeights.generate(kind, q, k, rows, n, d, 1, null, KeyMask.causal()).a(), rows, n, KeyMask.causal(), Sparsity::sparsity);
        double[] b = Sparsity.perRow(AttentionWeights.generate(kind, cq, k, rows, n, d, 1, null, KeyMask.causal()).a(), rows, n, KeyMask.causal(), Sparsity::sparsity);
        assertClose(kind + " under q -> " + c + "q", a, b, TOL, TOL);
      }
      // relu on raw logits: S*(relu(c·s)) = S*(relu(s))
      double[] s = gaussian(rng, 100, 1), cs = s.clone();
      for (int i = 0; i < s.length; i++) { cs[i] = Math.max(c * s[i], 0); s[i] = Math.max(s[i], 0); }
      assertClose("relu", Sparsity.sparsity(s), Sparsity.sparsity(cs), 0, TOL);
    }
    // softmax does change (temperature): a control that the test can fail
    double[] cq = q.clone();
    for (int i = 0; i < cq.length; i++) cq[i] *= 3;
    double a = Sparsity.sparsity(AttentionWeights.generate(WeightKind.softmax(), q, k, rows, n, d, 1, null, KeyMask.all()).visibleRow(5));
    double b = Sparsity.sparsity(AttentionWeights.generate(WeightKind.softmax(), cq, k, rows, n, d, 1, null, KeyMask.all()).visibleRow(5));
    assertTrue(Math.abs(a - b) > 1e-3, "softmax should sharpen with temperature");
  }

  @Test
  void a8CausalSoftmaxAndEluPlusOneAreTriangularWithPositiveDiagonalButSvdRankUndercounts() {
    SplittableRandom rng = new SplittableRandom(8);
    int n = 64, d = 64;
    double[] q = gaussian(rng, n * d, 1 / Math.sqrt(d)), k = gaussian(rng, n * d, 1);  // γ ≈ 1
    for (WeightKind kind : new WeightKind[] {WeightKind.softmax(), WeightKind.linear(ElementwiseMap.ELU_PLUS_1, ElementwiseMap.ELU_PLUS_1)}) {
      double[] a = AttentionWeights.generate(kind, q, k, n, n, d, 1, null, KeyMask.causal()).a();
      assertTrue(QueryDependence.isLowerTriangular(a, n), kind + " not lower-triangular");
      double logDet = 0, minDiag = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        minDiag = Math.min(minDiag, a[i * n + i]);
        logDet += Math.log(a[i * n + i]);
      }
      assertTrue(minDiag > 0, kind + " has a non-positive diagonal entry");
      assertClose(kind + " log|det|", logDet, QueryDependence.logAbsDetTriangular(a, n), 0, 1e-14);
      assertTrue(Double.isFinite(logDet), "non-singular");
    }
    double[] soft = AttentionWeights.generate(WeightKind.softmax(), q, k, n, n, d, 1, null, KeyMask.causal()).a();
    int rank = QueryDependence.numericalRank(soft, n, n, n * Math.ulp(1.0));
    assertTrue(rank < n, "spec 01 A8: SVD rank undercounts causal softmax at n=64, gamma=1; got full rank " + rank);
  }

  @Test
  void a9SoftmaxRowsSumToOneOverVisibleKeysAndDecayIgnoresQk() {
    SplittableRandom rng = new SplittableRandom(9);
    int rows = 5, cols = 40, d = 4;
    int[] pos = {0, 7, 13, 25, 39};
    KeyMask mask = KeyMask.causal(pos);
    double[] q = gaussian(rng, rows * d, 3), k = gaussian(rng, cols * d, 3);
    AttentionWeights.Weights w = AttentionWeights.generate(WeightKind.softmax(), q, k, rows, cols, d, 1, null, mask);
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) {
        if (c > pos[r]) assertEquals(0.0, w.a()[r * cols + c], "masked entry");
        s += w.a()[r * cols + c];
      }
      assertClose("row " + r + " sum", 1.0, s, 1e-15, 0);
    }
    boolean[] table = new boolean[rows * cols];
    for (int i = 0; i < table.length; i++) table[i] = rng.nextDouble() < 0.5 || i % cols == 0;
    AttentionWeights.Weights e = AttentionWeights.generate(WeightKind.softmax(), q, k, rows, cols, d, 1, null, KeyMask.explicit(table, rows, cols));
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) s += e.a()[r * cols + c];
      assertClose("explicit-mask row " + r + " sum", 1.0, s, 1e-15, 0);
    }
    double[] a1 = AttentionWeights.generate(WeightKind.decay(0.7), q, k, rows, cols, d, 1, null, mask).a();
    double[] a2 = AttentionWeights.generate(WeightKind.decay(0.7), gaussian(rng, rows * d, 1), gaussian(rng, cols * d, 1), rows, cols, d, 5, null, mask).a();
    assertClose("decay ignores Q, K", a1, a2, 0, 0);
    assertClose("decay a[1][3] = 0.7^(7-3)", Math.pow(0.7, 4), a1[cols + 3], 0, 1e-15);
  }

  @Test
  void a10LogitMomentIdentityIsExactAndBothEstimatorsConverge() {
    SplittableRandom rng = new SplittableRandom(10);
    int d = 16;
    double[] q = gaussian(rng, d, 1), mu = gaussian(rng, d, 0.3);
    double sigma = 0.7;
    for (int n : new int[] {50, 40000}) {
      double[] k = new double[n * d];
      for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) k[i * d + j] = mu[j] + sigma * rng.nextGaussian();
      Estimators.FeatureMoments m = Estimators.featureMoments(k, n, d);
      Estimators.LogitStats ls = Estimators.logitMoments(q, k, n, d, 1);
      double qmu = 0, qsq = 0, qq = 0;
      for (int a = 0; a < d; a++) {
        qmu += q[a] * m.mean()[a];
        qq += q[a] * q[a];
        for (int b = 0; b < d; b++) qsq += q[a] * m.covariance()[a * d + b] * q[b];
      }
      assertClose("logit mean = q·mu_hat, n=" + n, qmu, ls.beta(), 1e-12, 1e-12);
      assertClose("logit sd = sqrt(q' Sigma_hat q), n=" + n, Math.sqrt(qsq), ls.gamma(), 1e-12, 1e-12);
      if (n > 1000) {
        double beta = 0;
        for (int a = 0; a < d; a++) beta += q[a] * mu[a];
        double gamma = sigma * Math.sqrt(qq);
        Estimators.GaussianFit iso = Estimators.isotropic(q, k, n, d);
        assertClose("isotropic beta", beta, iso.beta(), 0.03 * gamma, 0);
        assertClose("isotropic gamma", gamma, iso.gamma(), 0, 0.02);
        assertClose("logit-moment beta", beta, ls.beta(), 0.03 * gamma, 0);
        assertClose("logit-moment gamma", gamma, ls.gamma(), 0, 0.02);
        assertClose("Gaussian logits: skewness", 0, ls.skewness(), 0.05, 0);
        assertClose("Gaussian logits: excess kurtosis", 0, ls.excessKurtosis(), 0.1, 0);
        assertClose("t", ls.beta() / ls.gamma(), ls.t(), 0, 1e-15);
      }
    }
    // moments of a known sample: {0, 0, 0, 4}: mean 1, sd √3, skew 2/√3, excess kurtosis 1/3 − ... = 7/3 − 3
    Estimators.LogitStats k4 = Estimators.logitMoments(new double[] {0, 0, 0, 4});
    assertClose("mean", 1, k4.beta(), 0, 1e-15);
    assertClose("sd", Math.sqrt(3), k4.gamma(), 0, 1e-15);
    assertClose("skewness", (3 * -1 + 27) / 4.0 / Math.pow(3, 1.5), k4.skewness(), 0, 1e-14);
    assertClose("excess kurtosis", (3 + 81) / 4.0 / 9 - 3, k4.excessKurtosis(), 0, 1e-14);
  }
}
