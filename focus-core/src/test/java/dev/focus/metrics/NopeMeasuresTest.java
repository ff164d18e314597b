package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Spec 05 property tests that need no trained model: P6–P12, P16, P17 (float64, fixed seeds). */
class NopeMeasuresTest {

  @Test
  void p6EqualKeysGiveUniformCausalAttention() {
    int t = 64, d = 8;
    SplittableRandom rng = new SplittableRandom(6);
    double[] key = new double[d];
    for (int j = 0; j < d; j++) key[j] = rng.nextGaussian();
    double[] k = new double[t * d], q = new double[t * d];
    for (int i = 0; i < t; i++) {
      System.arraycopy(key, 0, k, i * d, d);
      for (int j = 0; j < d; j++) q[i * d + j] = 3 * rng.nextGaussian();
    }
    double[] a = AttentionWeights.generate(WeightKind.softmax(), q, k, t, t, d, 1 / Math.sqrt(d), null, KeyMask.causal()).a();
    for (int n = 0; n < t; n++) {
      for (int m = 0; m < t; m++) {
        double expected = m <= n ? 1.0 / (n + 1) : 0.0;
        assertTrue(Math.abs(a[n * t + m] - expected) <= 1e-15, "a[" + n + "][" + m + "]=" + a[n * t + m]);
      }
    }
  }

  @Test
  void p7BosAnchorCountsExactly() {
    int t = 8, d = 3;
    double[] v = new double[t * d];
    v[0] = 1;  // only BOS carries a value, e_1
    double[] a = new double[t * t];
    for (int n = 0; n < t; n++) for (int m = 0; m <= n; m++) a[n * t + m] = 1.0 / (n + 1);
    double[] y = NopeMeasures.mix(a, t, t, v, d);
    double[] listed = {1, .5, .3333, .25, .2, .1667, .1429, .125};
    for (int n = 0; n < t; n++) {
      assertClose("y_" + (n + 1) + "[0] = 1/t", 1.0 / (n + 1), y[n * d], 1e-15, 0);
      assertClose("spec table t=" + (n + 1), listed[n], y[n * d], 5e-5, 0);
      assertEquals(0.0, y[n * d + 1]);
    }
  }

  @Test
  void p8toP10UniformAveragingOfGaussianValues() {
    int d = 64, batch = 2000, len = 256;
    SplittableRandom rng = new SplittableRandom(8);
    VarianceProfile vp = new VarianceProfile(len, d).trackPair(4, 16).trackPair(32, 8);
    double[] v = new double[len * d];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
      vp.add(NopeMeasures.causalUniformAverage(v, len, d), 0);
    }
    assertEquals(batch, vp.count());
    double[] nMs = vp.nMs(), mean = vp.meanMs(), sd = vp.sdMs(), var = vp.meanVariance();
    for (int n : new int[] {1, 2, 4, 16, 64, 256}) {
      assertTrue(nMs[n - 1] >= 0.97 && nMs[n - 1] <= 1.03, "P8: n·MS_n=" + nMs[n - 1] + " at n=" + n);
      double rel = sd[n - 1] / mean[n - 1];
      assertClose("P9: relative sd of MS_" + n, Math.sqrt(2.0 / d), rel, 0.015, 0);
      // mean-removed variance: E = σ²(1 − 1/d)/n
      assertClose("mean-removed variance at n=" + n, (1 - 1.0 / d) / n, var[n - 1], 0.04 / n, 0);
    }
    VarianceProfile.Fit fit = vp.fit();
    assertClose("P8: slope", -1.0, fit.slope(), 0.01, 0);
    assertClose("P8: intercept log σ²", 0.0, fit.intercept(), 0.03, 0);
    assertEquals(len, fit.points());
    assertClose("P10: (1/d)E[y4·y16]", 0.0625, vp.meanInner(4, 16), 0.003, 0);
    assertClose("P10: (1/d)E[y32·y8]", 0.03125, vp.meanInner(32, 8), 0.002, 0);
    assertThrows(IllegalArgumentException.class, () -> vp.meanInner(1, 2));
  }

  @Test
  void p11ScalarValuesEqualToPositionAverageToTheMidpoint() {
    int t = 1000;
    double[] v = new double[t];
    for (int m = 0; m < t; m++) v[m] = m + 1;
    double[] y = NopeMeasures.causalUniformAverage(v, t, 1);
    for (int n = 1; n <= t; n++) assertEquals((n + 1) / 2.0, y[n - 1], 0.0, "y_" + n);
  }

  @Test
  void p12AlibiOnlyWeightsSaturate() {
    double[][] cases = {{0.5, 10, .2482}, {0.5, 50, .2449}, {0.05, 10, .1021}, {0.05, 50, .0295}, {0.05, 200, .0250}};
    for (double[] c : cases) {
      double s = c[0];
      int n = (int) c[1];
      double closed = NopeMeasures.alibiSumSquares(s, n);
      assertClose("P12 slope=" + s + " n=" + n, c[2], closed, 5e-5, 0);
      double direct = 0;
      for (double a : NopeMeasures.alibiWeights(s, n)) direct += a * a;
      assertClose("closed form vs Σa², slope=" + s + " n=" + n, direct, closed, 0, 1e-13);
    }
    assertClose("limit slope=.5", .2449, NopeMeasures.alibiSumSquaresLimit(0.5), 5e-5, 0);
    assertClose("limit slope=.05", .0250, NopeMeasures.alibiSumSquaresLimit(0.05), 5e-5, 0);
    assertClose("limit = (1−r)/(1+r)", (1 - Math.exp(-0.5)) / (1 + Math.exp(-0.5)), NopeMeasures.alibiSumSquaresLimit(0.5), 0, 1e-15);
    assertClose("slope 0 is uniform", 1.0 / 37, NopeMeasures.alibiSumSquares(0, 37), 0, 1e-15);
    // Monte Carlo: MS of y_n = Σ a_m v_m with N(0, I_d) values has mean Σa², within 2%
    SplittableRandom rng = new SplittableRandom(12);
    int d = 64, draws = 1000;
    for (double[] c : cases) {
      double[] a = NopeMeasures.alibiWeights(c[0], (int) c[1]);
      double ms = 0;
      for (int b = 0; b < draws; b++) {
        double[] y = new double[d];
        for (double w : a) for (int i = 0; i < d; i++) y[i] += w * rng.nextGaussian();
        double s2 = 0;
        for (double x : y) s2 += x * x;
        ms += s2 / d;
      }
      ms /= draws;
      double expected = NopeMeasures.alibiSumSquares(c[0], (int) c[1]);
      assertClose("MC MS slope=" + c[0] + " n=" + (int) c[1], expected, ms, 0, 0.02);
    }
  }

  @Test
  void effectiveTokensOfUniformAndAlibiRows() {
    int t = 30;
    double[] a = new double[t * t];
    for (int n = 0; n < t; n++) for (int m = 0; m <= n; m++) a[n * t + m] = 1.0 / (n + 1);
    NopeMeasures.EffectiveTokens e = NopeMeasures.effectiveTokens(a, t, t, KeyMask.causal());
    for (int n = 1; n <= t; n++) {
      assertClose("n_eff uniform n=" + n, n, e.nEff()[n - 1], 0, 1e-13);
      assertClose("H uniform n=" + n, Math.log(n), e.entropy()[n - 1], 1e-14, 1e-13);
      if (n > 1) assertClose("H/ln n uniform n=" + n, 1.0, e.normalisedEntropy()[n - 1], 0, 1e-13);
    }
    assertTrue(Double.isNaN(e.normalisedEntropy()[0]));
    double[] alibi = NopeMeasures.alibiWeights(0.25, 400);
    NopeMeasures.EffectiveTokens ea = NopeMeasures.effectiveTokens(alibi, 1, 400, KeyMask.all());
    assertClose("ALiBi n_eff → (1+r)/(1−r)", 1 / NopeMeasures.alibiSumSquaresLimit(0.25), ea.nEff()[0], 0, 1e-12);
  }

  @Test
  void p16ProbeChanceAndMedianGuess() {
    assertClose("L=64", 21.33, NopeMeasures.probeChance(64), 0.005, 0);
    assertClose("L=512", 170.67, NopeMeasures.probeChance(512), 0.005, 0);
    assertClose("L=1024", 341.33, NopeMeasures.probeChance(1024), 0.005, 0);
    // exact enumeration for small L
    for (int l = 1; l <= 40; l++) {
      double s = 0, best = Double.POSITIVE_INFINITY;
      for (int u = 1; u <= l; u++) for (int v = 1; v <= l; v++) s += Math.abs(u - v);
      for (int c = 1; c <= l; c++) {
        double m = 0;
        for (int u = 1; u <= l; u++) m += Math.abs(u - c);
        best = Math.min(best, m / l);
      }
      assertClose("chance L=" + l, s / ((double) l * l), NopeMeasures.probeChance(l), 0, 1e-14);
      assertClose("best constant guess L=" + l, best, NopeMeasures.medianGuessMad(l), 0, 1e-14);
      if (l % 2 == 0) assertClose("median guess = L/4", l / 4.0, NopeMeasures.medianGuessMad(l), 0, 0);
    }
    // 10^6-draw Monte Carlo within 0.5%
    SplittableRandom rng = new SplittableRandom(16);
    int l = 1024, draws = 1_000_000;
    long sum = 0, med = 0;
    for (int i = 0; i < draws; i++) {
      int u = 1 + rng.nextInt(l), v = 1 + rng.nextInt(l);
      sum += Math.abs(u - v);
      med += Math.abs(u - l / 2);
    }
    assertClose("MC chance L=1024", NopeMeasures.probeChance(l), (double) sum / draws, 0, 0.005);
    assertClose("MC median guess L=1024", l / 4.0, (double) med / draws, 0, 0.005);
  }

  @Test
  void p17ResolutionMonteCarloAndClosedForms() {
    int[] ns = {2, 8, 32, 128};
    double[] mc64 = {.873, .630, .533, .508};
    for (int i = 0; i < ns.length; i++) {
      double p = NopeMeasures.resolutionMonteCarlo(ns[i], 64, 1, 40000, 17 + i);
      assertClose("MC d=64 n=" + ns[i], mc64[i], p, 0.01, 0);
      assertClose("closed form near MC, d=64 n=" + ns[i], NopeMeasures.resolutionProbability(ns[i], 64, 1), p, 0.01, 0);
    }
    double[] cf512 = {.999, .827, .597, .525}, cf4096 = {1.0, .996, .757, .570};
    for (int i = 0; i < ns.length; i++) {
      assertClose("closed form d=512 n=" + ns[i], cf512[i], NopeMeasures.resolutionProbability(ns[i], 512, 1), 5e-4, 0);
      assertClose("closed form d=4096 n=" + ns[i], cf4096[i], NopeMeasures.resolutionProbability(ns[i], 4096, 1), 5e-4, 0);
    }
    // H independent heads act like H·d dimensions in the log-normal approximation
    assertClose("heads", NopeMeasures.resolutionProbability(8, 256, 1), NopeMeasures.resolutionProbability(8, 64, 4), 0, 1e-15);
    double h4 = NopeMeasures.resolutionMonteCarlo(8, 64, 4, 20000, 99);
    assertClose("MC with 4 heads", NopeMeasures.resolutionProbability(8, 64, 4), h4, 0.015, 0);
  }

  @Test
  void headDistanceIsAJensenShannonAverageInNats() {
    double[] p = {1, 0, 0.5, 0.5}, q = {0.5, 0.5, 0.5, 0.5};
    // row 0: P=(1,0), Q=(.5,.5), M=(.75,.25); row 1 identical
    double js0 = 0.5 * Math.log(1 / 0.75) + 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25));
    assertClose("D_AT", js0 / 2, NopeMeasures.headDistance(p, q, 2, 2), 0, 1e-15);
    assertClose("symmetric", NopeMeasures.headDistance(q, p, 2, 2), NopeMeasures.headDistance(p, q, 2, 2), 0, 1e-15);
    assertClose("disjoint rows reach ln 2", Math.log(2), NopeMeasures.headDistance(new double[] {1, 0}, new double[] {0, 3}, 1, 2), 0, 1e-15);
    assertEquals(0.0, NopeMeasures.headDistance(p, p, 2, 2));
    double layer = NopeMeasures.layerDistance(new double[][] {p, q}, new double[][] {{0, 1, 1, 0}, q}, 2, 2);
    assertEquals(0.0, layer);
    assertThrows(IllegalArgumentException.class, () -> NopeMeasures.headDistance(new double[] {-1, 2}, new double[] {1, 1}, 1, 2));
  }
}
