package dev.focus.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.metrics.HeadAnalysis.Metric;
import org.junit.jupiter.api.Test;

/**
 * {@link HeadAnalysis} on attention and head outputs whose metrics are known in closed form: a
 * uniform causal row over n keys has S* = 1, PR = n, H = ln n and H/ln n = 1; a one-hot row (all
 * weight on the first key) has S* = n^{-1/2}, PR = 1, H = 0; outputs with MS_n = c²/n lie on a line
 * of slope −1 and intercept 2 ln c.
 */
class HeadAnalysisTest {
  private static final int T = 8, NH = 2, B = 3;

  /** (B, NH, T, T): head 0 uniform over the prefix, head 1 one-hot on key 0. */
  private static float[] uniformAndOneHot() {
    float[] a = new float[B * NH * T * T];
    for (int b = 0; b < B; b++) {
      for (int n = 0; n < T; n++) {
        for (int m = 0; m <= n; m++) a[((b * NH) * T + n) * T + m] = 1f / (n + 1);
        a[((b * NH + 1) * T + n) * T] = 1f;
      }
    }
    return a;
  }

  @Test
  void uniformRowsHaveSparsityOneAndEntropyLnNAndOneHotRowsTheExtremes() {
    HeadAnalysis h = new HeadAnalysis(1, NH, T, 4);
    h.addAttention(0, uniformAndOneHot(), B, NH, T);
    assertEquals(B, h.windows(0));
    double[] s0 = h.byPosition(Metric.SPARSITY, 0, 0), s1 = h.byPosition(Metric.SPARSITY, 0, 1);
    double[] pr0 = h.byPosition(Metric.PARTICIPATION_RATIO, 0, 0), pr1 = h.byPosition(Metric.PARTICIPATION_RATIO, 0, 1);
    double[] h0 = h.byPosition(Metric.ENTROPY, 0, 0), h1 = h.byPosition(Metric.ENTROPY, 0, 1);
    double[] hn0 = h.byPosition(Metric.NORMALISED_ENTROPY, 0, 0);
    for (int n = 1; n <= T; n++) {
      assertEquals(1.0, s0[n - 1], 1e-12, "uniform S* at n=" + n);
      assertEquals(n, pr0[n - 1], 1e-12, "uniform PR at n=" + n);
      assertEquals(Math.log(n), h0[n - 1], 1e-12, "uniform H at n=" + n);
      assertEquals(1 / Math.sqrt(n), s1[n - 1], 1e-12, "one-hot S* at n=" + n);
      assertEquals(1.0, pr1[n - 1], 1e-12, "one-hot PR at n=" + n);
      assertEquals(0.0, h1[n - 1], 1e-12, "one-hot H at n=" + n);
      if (n > 1) assertEquals(1.0, hn0[n - 1], 1e-12, "uniform H/ln n at n=" + n);
    }
    assertTrue(Double.isNaN(hn0[0]), "H/ln n is undefined at n = 1");
  }

  @Test
  void summariesAndContextLengthMeansAreTheHandComputedAverages() {
    HeadAnalysis h = new HeadAnalysis(1, NH, T, 4);
    h.addAttention(0, uniformAndOneHot(), B, NH, T);
    // One-hot head over n = 4..8: mean of n^{-1/2}, min 8^{-1/2}, max 1/2.
    double mean = 0;
    for (int n = 4; n <= T; n++) mean += 1 / Math.sqrt(n);
    mean /= 5;
    Summary s = h.summary(Metric.SPARSITY, 0, 1, 4);
    assertEquals(5, s.count());
    assertEquals(3, s.skipped());
    assertEquals(mean, s.mean(), 1e-12);
    assertEquals(1 / Math.sqrt(8), s.min(), 1e-12);
    assertEquals(0.5, s.max(), 1e-12);
    // Uniform head: entropy of the last 3 queries of a window of 8 (ln 6 + ln 7 + ln 8)/3, of a window of 2 (ln 1 + ln 2)/2.
    assertEquals((Math.log(6) + Math.log(7) + Math.log(8)) / 3, h.tailMean(Metric.ENTROPY, 0, 0, 8, 3), 1e-12);
    assertEquals(Math.log(2) / 2, h.tailMean(Metric.ENTROPY, 0, 0, 2, 3), 1e-12);
    assertEquals(1.0, h.tailMean(Metric.NORMALISED_ENTROPY, 0, 0, 2, 3), 1e-12, "n = 1 has no H/ln n and is left out");
  }

  @Test
  void outputsWithMeanSquareCSquaredOverNFollowTheVarianceLaw() {
    int hs = 4;
    double c = 0.75;
    HeadAnalysis h = new HeadAnalysis(2, NH, T, hs);
    float[] y = new float[B * T * NH * hs]; // (B, T, NH, HS)
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        for (int head = 0; head < NH; head++) {
          for (int i = 0; i < hs; i++) {
            float v = (float) (c / Math.sqrt(t + 1));
            y[((b * T + t) * NH + head) * hs + i] = (i + b) % 2 == 0 ? v : -v; // signs differ; squares do not
          }
        }
      }
    }
    h.addHeadOutputs(1, y, B, T, NH, hs);
    double[] ms = h.meanSquareByPosition(1, 0);
    for (int n = 1; n <= T; n++) assertEquals(c * c / n, ms[n - 1], 1e-7 * c * c / n, "MS at n=" + n);
    VarianceProfile.Fit fit = h.varianceFit(1, 1, 1);
    assertEquals(-1.0, fit.slope(), 1e-6);
    assertEquals(2 * Math.log(c), fit.intercept(), 1e-6);
    assertEquals(T, fit.points());
    assertEquals(T - 2, h.varianceFit(1, 1, 3).points(), "the fit starts at nMin");
    assertTrue(Double.isNaN(h.varianceFit(0, 0, 1).slope()), "a layer with no outputs has no fit");
  }

  @Test
  void shapesThatDoNotMatchTheAnalysisAreRejectedNamingTheValue() {
    HeadAnalysis h = new HeadAnalysis(1, NH, T, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.addAttention(0, new float[NH * 4 * 4], 1, NH, 4));
    assertTrue(e.getMessage().contains("window length 4 != 8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> h.addAttention(1, uniformAndOneHot(), B, NH, T));
    assertTrue(e.getMessage().contains("layer 1 outside [0, 1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> h.tailMean(Metric.ENTROPY, 0, 0, 9, 2));
    assertTrue(e.getMessage().contains("context 9 outside [1, 8]"), e.getMessage());
  }
}
