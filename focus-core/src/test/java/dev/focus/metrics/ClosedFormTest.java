package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Closed forms of spec 01 §2 against our own quadrature and Monte Carlo (self-validation), and the
 * attention and closed-form properties A3–A7 (A1, A2, A8–A10 are in {@link AttentionPropertiesTest}).
 */
class ClosedFormTest {
  private static final double[] BETAS = {-3, -1.5, -0.4, 0, 0.7, 2, 3};
  private static final double[] GAMMAS = {0.1, 0.25, 0.6, 1, 1.8, 3.5, 6, 10};

  @Test
  void everyClosedFormMatchesQuadratureOnTheGrid() {
    int cases = 0;
    for (double beta : BETAS) {
      for (double gamma : GAMMAS) {
        for (LogitMap f : LogitMap.values()) {
          double closed = f.closedForm(beta, gamma), quad = Predictors.sGaussian(f, beta, gamma);
          assertClose(f + " beta=" + beta + " gamma=" + gamma, quad, closed, 0, 1e-8);
          cases++;
        }
      }
    }
    assertEquals(BETAS.length * GAMMAS.length * 4, cases);
  }

  @Test
  void quadratureOfAGenericMapSeesTheKink() {
    // |s| is not in the closed-form set: E|β+γε| / √(β²+γ²) equals the identity form
    for (double t : new double[] {-2, -0.3, 0, 1.1}) {
      assertClose("|s| at t=" + t, Predictors.sIdentity(t), Predictors.sGaussian(Math::abs, t * 2, 2), 0, 1e-10);
    }
    // softplus has no closed form; check the quadrature against a long Monte Carlo
    Predictors.Estimate e = batchesOf(s -> Math.log1p(Math.exp(s)), 0.5, 1.2, 8000, 16, 99);
    double q = Predictors.sGaussian(s -> Math.log1p(Math.exp(s)), 0.5, 1.2);
    assertTrue(Math.abs(e.mean() - q) < 5 * e.standardError(), "softplus MC " + e + " vs quadrature " + q);
  }

  @Test
  void monteCarloAgreesWithinFiveStandardErrors() {
    int cases = 0;
    long seed = 1;
    for (LogitMap f : LogitMap.values()) {
      for (double beta : new double[] {-1.5, 0, 2}) {
        for (double gamma : new double[] {0.25, 1, 1.5, 4}) {
          if (f == LogitMap.EXP && gamma > 1.5) continue;  // spec 01 caveat 3: convergence needs n ≫ e^{2γ²}
          int n = 10000;
          double t = beta / gamma;
          if ((f == LogitMap.RELU || f == LogitMap.RELU2) && n * SpecialFunctions.normalCdf(t) < 100) continue;
          Predictors.Estimate e = Predictors.simulateBatches(f, beta, gamma, n, 16, seed++);
          double closed = f.closedForm(beta, gamma);
          assertTrue(Math.abs(e.mean() - closed) <= 5 * e.standardError() + 1e-12,
              f + " beta=" + beta + " gamma=" + gamma + ": MC " + e.mean() + " ± " + e.standardError() + " vs " + closed);
          cases++;
        }
      }
    }
    assertTrue(cases >= 35, "cases run: " + cases);
  }

  private static Predictors.Estimate batchesOf(java.util.function.DoubleUnaryOperator f, double beta, double gamma, int n, int batches, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double sum = 0, sumSq = 0;
    for (int b = 0; b < batches; b++) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) x[i] = f.applyAsDouble(beta + gamma * rng.nextGaussian());
      double s = Sparsity.sparsity(x);
      sum += s;
      sumSq += s * s;
    }
    double mean = sum / batches;
    return new Predictors.Estimate(mean, Math.sqrt((sumSq / batches - mean * mean) / (batches - 1)));
  }

  @Test
  void a3IdentityIsEvenBoundedBelowAndIncreasingInAbsT() {
    double floor = Math.sqrt(2 / Math.PI), prev = 0;
    for (double t = 0; t <= 40; t += 0.05) {
      double s = Predictors.sIdentity(t);
      assertClose("even at t=" + t, s, Predictors.sIdentity(-t), 0, 1e-15);
      assertTrue(s >= floor - 1e-16, "below sqrt(2/pi) at t=" + t);
      if (t > 0) assertTrue(s > prev, "not increasing at t=" + t);
      assertTrue(s <= 1, "above 1 at t=" + t);
      prev = s;
    }
    assertClose("t=0", floor, Predictors.sIdentity(0), 0, 1e-15);
    assertClose("t=1e8 -> 1", 1.0, Predictors.sIdentity(1e8), 1e-12, 0);
  }

  @Test
  void a3Relu2IsIncreasingAndItsTwoFormsAgreeOnMinus8ToMinus4() {
    double prev = 0;
    for (double t = -30; t <= 30; t += 0.125) {
      double s = Predictors.sRelu2(t);
      assertTrue(s > prev, "S_r2 not increasing at t=" + t + ": " + s + " <= " + prev);
      assertTrue(s < 1, "S_r2 >= 1 at t=" + t);
      prev = s;
    }
    for (double t = -8; t <= -4; t += 0.0625) {
      assertClose("moment vs integral form at t=" + t, Predictors.sRelu2Integral(t), Predictors.sRelu2Moment(t), 0, 1e-10);
    }
    assertClose("S_r2(0) = 1/sqrt 6", 1 / Math.sqrt(6), Predictors.sRelu2(0), 0, 1e-15);
    assertTrue(Predictors.sRelu2(-40) < 1e-20 && Predictors.sRelu2(-40) > 0, "S_r2 -> 0 as t -> -inf");
    assertClose("S_r2 -> 1", 1.0, Predictors.sRelu2(60), 1e-3, 0);
    assertEquals(0.0, Predictors.sRelu2(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, Predictors.sRelu2(Double.POSITIVE_INFINITY));
  }

  @Test
  void a3ExpIgnoresBetaAndHomogeneousKindsDependOnTAlone() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      double beta = 6 * rng.nextDouble() - 3, gamma = 0.1 + 5 * rng.nextDouble(), c = Math.exp(2 * rng.nextGaussian());
      assertEquals(Predictors.sExp(0, gamma), Predictors.sExp(beta, gamma), 0.0);
      assertClose("identity (cβ, cγ)", Predictors.sIdentity(beta, gamma), Predictors.sIdentity(c * beta, c * gamma), 0, 1e-14);
      assertClose("relu2 (cβ, cγ)", Predictors.sRelu2(beta, gamma), Predictors.sRelu2(c * beta, c * gamma), 0, 1e-13);
      assertClose("relu (cβ, cγ)", Predictors.sRelu(beta, gamma), Predictors.sRelu(c * beta, c * gamma), 0, 1e-13);
    }
  }

  @Test
  void extremeTGivesFiniteLimitsNotNaN() {
    for (double t : new double[] {-1e300, -1e8, -57, -55, -40, 40.5, 1e8, 1e300}) {
      for (LogitMap f : new LogitMap[] {LogitMap.IDENTITY, LogitMap.RELU, LogitMap.RELU2}) {
        double s = f.closedForm(t, 1);
        assertTrue(s >= 0 && s <= 1, f + " at t=" + t + " gave " + s);
      }
    }
    assertTrue(Predictors.sRelu2(-50) > 1e-280, "S_r2(-50) is still a normal double");
    assertEquals(0.0, Predictors.sRelu2(-57));
    // continuity across the large-t switch at 40
    // the large-t form equals the moment form where both apply
    for (double t : new double[] {40.5, 100, 1e4}) {
      assertClose("relu2 large-t form at " + t, Predictors.sRelu2Moment(t), Predictors.sRelu2(t), 0, 1e-15);
    }
    assertClose("relu across t = 40", Predictors.sRelu(40.0), Predictors.sRelu(Math.nextUp(40.0)), 0, 1e-15);
    assertClose("relu2 across t = 40", Predictors.sRelu2(40.0), Predictors.sRelu2(Math.nextUp(40.0)), 0, 1e-15);
    assertClose("relu2 at 1e300", 1.0, Predictors.sRelu2(1e300), 0, 0);
  }

  @Test
  void gammaZeroRuleAndBadArguments() {
    assertEquals(1.0, Predictors.sExp(-4, 0));
    assertEquals(1.0, Predictors.sIdentity(-2, 0));
    assertTrue(Double.isNaN(Predictors.sIdentity(0, 0)));
    assertEquals(1.0, Predictors.sRelu2(0.5, 0));
    assertTrue(Double.isNaN(Predictors.sRelu2(-0.5, 0)));
    assertTrue(Double.isNaN(Predictors.sRelu2(0, 0)));
    assertEquals(1.0, Predictors.sGaussian(Math::exp, 1, 0));
    assertTrue(Double.isNaN(Predictors.sGaussian(s -> Math.max(s, 0), -1, 0)));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sExp(-0.1));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sIdentity(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sRelu2(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sExp(Double.POSITIVE_INFINITY));
  }

  @Test
  void a4DecayClosedFormEqualsDirectSparsityAndStaysBelowItsBound() {
    assertEquals(1.0, Predictors.sDecay(1, 1000));
    assertEquals(1.0, Predictors.sDecay(0.3, 1));
    for (double lambda : new double[] {0.01, 0.5, 0.9, 0.99, 0.999, 1 - 1e-9}) {
      double prev = 2;
      for (int n : new int[] {1, 2, 3, 10, 100, 1000, 4096}) {
        double[] a = new double[n];
        for (int j = 0; j < n; j++) a[j] = Math.pow(lambda, n - 1 - j);
        double s = Predictors.sDecay(lambda, n);
        assertClose("decay lambda=" + lambda + " n=" + n, Sparsity.sparsity(a), s, 0, 1e-12);
        // S/bound = √(1−λⁿ): strictly below while λⁿ is resolvable in double, else equal to rounding
        double bound = Predictors.sDecayBound(lambda, n);
        if (Math.pow(lambda, n) > 1e-15) assertTrue(s < bound, "not below the bound: lambda=" + lambda + " n=" + n);
        else assertTrue(s <= bound, "above the bound: lambda=" + lambda + " n=" + n);
        assertClose("S/bound = sqrt(1-lambda^n)", Math.sqrt(-Math.expm1(n * Math.log(lambda))), s / bound, 0, 1e-12);
        // at λ = 1 − 1e-9, S = 1 − O(n²(1−λ)²) stays within a few ulps of 1 for small n
        if (lambda <= 0.999) assertTrue(s < prev, "not decreasing in n: lambda=" + lambda + " n=" + n);
        else assertTrue(s <= prev + 4 * Math.ulp(1.0), "increasing in n: lambda=" + lambda + " n=" + n);
        prev = s;
      }
      // PR = nS² → (1+λ)/(1−λ)
      if (lambda <= 0.99) {
        assertClose("PR limit lambda=" + lambda, Predictors.decayPrLimit(lambda),
            Predictors.participationRatio(1 << 20, Predictors.sDecay(lambda, 1 << 20)), 0, 1e-9);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Predictors.sDecay(0, 5));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sDecay(1.01, 5));
    assertThrows(IllegalArgumentException.class, () -> Predictors.sDecay(0.5, 0));
  }

  @Test
  void a4DecayWeightGeneratorIgnoresQueriesAndKeys() {
    int n = 50;
    AttentionWeights.Weights w = AttentionWeights.generate(WeightKind.decay(0.8), new double[0], new double[0], n, n, 4, 1, null, KeyMask.causal());
    double[] s = Sparsity.perRow(w.a(), n, n, KeyMask.causal(), Sparsity::sparsity);
    for (int i = 0; i < n; i++) assertClose("decay row " + i, Predictors.sDecay(0.8, i + 1), s[i], 0, 1e-12);
  }

  @Test
  void a5GeneralFormulaWithEmpiricalMomentsIsExactAndReducesToIid() {
    SplittableRandom rng = new SplittableRandom(5);
    ElementwiseMap[] maps = {ElementwiseMap.ELU_PLUS_1, ElementwiseMap.RELU, ElementwiseMap.EXP};
    for (ElementwiseMap h : maps) {
      for (int d : new int[] {1, 4, 16}) {
        int n = 300;
        double[] k = new double[n * d], q = new double[d];
        for (int i = 0; i < k.length; i++) k[i] = rng.nextGaussian() + 0.3;
        for (int j = 0; j < d; j++) q[j] = 0.1 + Math.abs(rng.nextGaussian());  // g(q) > 0 for every map
        double[] kt = new double[n * d], qt = new double[d];
        for (int i = 0; i < k.length; i++) kt[i] = h.apply(k[i]);
        for (int j = 0; j < d; j++) qt[j] = h.apply(q[j]);
        AttentionWeights.Weights w = AttentionWeights.generate(WeightKind.linear(h, h), q, k, 1, n, d, 1, null, KeyMask.all());
        double[] a = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a[i] += qt[j] * kt[i * d + j];
        assertClose("generator row", a, w.a(), 1e-12, 1e-12);
        Estimators.FeatureMoments m = Estimators.featureMoments(kt, n, d);
        assertClose("general linear, d=" + d, Sparsity.sparsity(a), Predictors.sGeneralLinear(qt, m.mean(), m.covariance()), 0, 1e-12);
      }
    }
    // i.i.d. features: μ̃·1 and σ̃²I in the general formula give the i.i.d. form
    for (int d : new int[] {1, 3, 64}) {
      double mu = 0.4 + rng.nextDouble(), sigma = 2 * rng.nextDouble();
      double[] qt = new double[d], mean = new double[d], cov = new double[d * d];
      for (int j = 0; j < d; j++) {
        qt[j] = rng.nextDouble() < 0.3 ? 0 : rng.nextDouble();
        mean[j] = mu;
        cov[j * d + j] = sigma * sigma;
      }
      if (isZero(qt)) qt[0] = 1;
      assertClose("iid reduction d=" + d, Predictors.sGeneralLinear(qt, mean, cov), Predictors.sIidLinear(qt, mu, sigma), 0, 1e-14);
    }
  }

  private static boolean isZero(double[] v) {
    for (double x : v) if (x != 0) return false;
    return true;
  }

  @Test
  void a6CategoricalKeysWithOneHotQueryGiveOneOverRootD() {
    for (int d : new int[] {2, 4, 8, 32}) {
      int n = 4 * d;
      double[] kt = new double[n * d];
      for (int i = 0; i < n; i++) kt[i * d + (i % d)] = 1;  // each category n/d times
      double[] qt = new double[d];
      qt[1] = 1;
      double[] a = new double[n];
      for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a[i] += qt[j] * kt[i * d + j];
      assertClose("direct S*, d=" + d, 1 / Math.sqrt(d), Sparsity.sparsity(a), 0, 1e-14);
      Estimators.FeatureMoments m = Estimators.featureMoments(kt, n, d);
      assertClose("general formula, d=" + d, 1 / Math.sqrt(d), Predictors.sGeneralLinear(qt, m.mean(), m.covariance()), 0, 1e-14);
    }
  }

  @Test
  void a7TheL2OverL1RatioOfANonNegativeQueryLiesBetweenRootDInverseAndOne() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int d = 1 + rng.nextInt(256);
      double[] qt = new double[d];
      for (int j = 0; j < d; j++) qt[j] = rng.nextDouble() < 0.5 ? 0 : Math.exp(3 * rng.nextGaussian());
      if (isZero(qt)) qt[rng.nextInt(d)] = 1;
      double l1 = 0, l2 = 0;
      for (double v : qt) { l1 += v; l2 += v * v; }
      double r = Math.sqrt(l2) / l1;
      assertTrue(r >= 1 / Math.sqrt(d) - 1e-15 && r <= 1 + 1e-15, "ratio " + r + " outside [d^-1/2, 1], d=" + d);
      // caveat 1: under i.i.d. features S is at least (1+(σ/μ)²)^{-1/2} whatever d
      double s = Predictors.sIidLinear(qt, 1, 2);
      assertTrue(s >= 1 / Math.sqrt(5) - 1e-15 && s <= 1 / Math.sqrt(1 + 4.0 / d) + 1e-15, "iid S=" + s + " outside its d-range");
    }
    double[] hot = new double[10];
    hot[3] = 2;
    assertClose("one-hot query reaches the floor", 1 / Math.sqrt(5), Predictors.sIidLinear(hot, 1, 2), 0, 1e-15);
  }
}
