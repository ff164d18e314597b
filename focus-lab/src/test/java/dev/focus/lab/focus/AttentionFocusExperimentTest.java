package dev.focus.lab.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.metrics.LogitMap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analytic sections of report 1 in the mini profile, checked against values derived here by hand
 * (not through the metrics code the sections call).
 */
class AttentionFocusExperimentTest {
  static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  @TempDir Path work;

  private final AttentionFocusExperiment.Settings mini = new AttentionFocusExperiment().settings(Profile.MINI, 1);

  private LabContext ctx() { return new LabContext(Profile.MINI, 1, work, null, Progress.NONE); }

  @Test
  void e1ClosedFormsMatchQuadratureMonteCarloAndTheTextbookCases() {
    ClosedForms.Result r = new ClosedForms().run(mini.e1(), ctx());
    assertEquals(4 * 5 * 7, r.points().size(), "4 kinds × 5 β × 7 γ");
    for (ClosedForms.KindSummary k : r.kinds()) {
      assertTrue(k.maxResidual() < 1e-8, k.kind() + ": closed form vs quadrature " + k.maxResidual());
      assertEquals(k.compared(), k.within(), k.kind() + ": every Monte Carlo point within 5 standard errors");
    }
    for (ClosedForms.Point p : r.points()) {
      double g = p.gamma(), t = p.beta() / g;
      if (p.kind() == LogitMap.EXP) {
        // softmax of N(β, γ²) logits: E e^x / √(E e^{2x}) = e^{−γ²/2}, whatever β
        assertEquals(Math.exp(-g * g / 2), p.closed(), 1e-12 * Math.max(1, p.closed()), "exp at γ=" + g);
      }
      if (p.kind() == LogitMap.IDENTITY && p.beta() == 0) {
        assertEquals(SQRT_2_OVER_PI, p.closed(), 1e-12, "E|x| / √(E x²) of a centred normal");
      }
      if (p.kind() == LogitMap.IDENTITY) {
        assertTrue(p.closed() >= SQRT_2_OVER_PI - 1e-12 && p.closed() <= 1, "identity stays above its floor at t=" + t);
      }
    }
    assertEquals(SQRT_2_OVER_PI, r.identityMin(), 1e-10, "the floor is reached at β = 0");
    assertTrue(r.relu2Negative() < 1e-6, "relu² at t = −40 is sparse: " + r.relu2Negative());
  }

  @Test
  void e2DecayRowsMatchTheGeometricSums() {
    LengthSweep.Result r = new LengthSweep().run(mini.e2(), ctx());
    assertEquals(10 - 6 + 1, r.ns().length, "n = 2^6 … 2^10");
    for (int l = 0; l < r.lambdas().length; l++) {
      double lam = r.lambdas()[l];
      for (int li = 0; li < r.ns().length; li++) {
        double n = r.ns()[li];
        // x = (λ^{n−1}, …, 1): ‖x‖₁ = (1 − λⁿ)/(1 − λ), ‖x‖₂² = (1 − λ^{2n})/(1 − λ²)
        double l1 = (1 - Math.pow(lam, n)) / (1 - lam), l2 = Math.sqrt((1 - Math.pow(lam, 2 * n)) / (1 - lam * lam));
        assertEquals(l1 / (Math.sqrt(n) * l2), r.sMean()[r.simulated() + l][li], 1e-9, "decay λ=" + lam + " at n=" + n);
      }
    }
    for (int kI = 0; kI < r.simulated(); kI++) {
      for (int li = 0; li < r.ns().length; li++) {
        double s = r.sMean()[kI][li];
        assertTrue(s >= 1 / Math.sqrt(r.ns()[li]) - 1e-12 && s <= 1, r.kinds().get(kI) + ": S* in [n^-1/2, 1]");
      }
    }
    int last = r.ns().length - 1;
    assertEquals(SQRT_2_OVER_PI, r.sMean()[3][last], 4 * r.sCi()[3][last] + 0.02, "identity near its floor at n = 1024");
  }

  @Test
  void e3HomogeneousMapsIgnoreTheQueryScaleAndSoftmaxSharpens() {
    Temperature.Result r = new Temperature().run(mini.e3(), ctx());
    assertTrue(r.drift() < 1e-9, "identity and relu² are positively homogeneous: drift " + r.drift());
    assertEquals(1 / Math.sqrt(512), r.floor(), 0);
    int last = r.cs().length - 1;
    assertTrue(r.s()[0][last] < r.s()[0][0] / 5, "softmax sharpens from c = 0.1 to c = 10");
    assertTrue(r.s()[0][last] >= r.floor() - 1e-12, "never below one key");
  }

  @Test
  void e5GeneralFormulaIsExactAndCategoricalKeysGiveOneOverRootD() {
    GeneralLinear.Result r = new GeneralLinear().run(mini.e5(), ctx());
    assertTrue(r.exactness() < 1e-10, "general formula " + r.exactness());
    for (GeneralLinear.Categorical c : r.categorical()) {
      // one key in d holds the category: ‖a‖₁ = n/d, ‖a‖₂ = √(n/d), so S* = (n/d)/(√n·√(n/d)) = 1/√d
      assertEquals(1 / Math.sqrt(c.d()), c.s(), 1e-12, "d=" + c.d());
    }
    GeneralLinear.Overlap dense = r.overlap("linear dense");
    assertTrue(dense.jaccard() > 3 * dense.chance(), "low-SNR linear rows share their top keys");
    // a one-hot-like query e_i + 10⁻³·1 ranks keys by feature i (the 10⁻³ part is the same for every query),
    // so its top-m set is a function of i: no more patterns than hot features drawn, and those at most d
    assertTrue(r.hotPatterns() <= r.hotIndices(), r.hotPatterns() + " patterns from " + r.hotIndices() + " features");
    assertTrue(r.hotIndices() <= Math.min(r.rows(), r.d()));
    assertTrue(r.hotPatterns() > 1, "different hot features pick different keys");
  }

  @Test
  void spectrumOfHandComputableMatrices() {
    // diag(3, 1, 2): σ = 3, 2, 1; p = σ/6 = (1/2, 1/3, 1/6); PR of σ² = (9+4+1)²/(81+16+1) = 196/98 = 2
    double[] sv = dev.focus.metrics.QueryDependence.singularValues(new double[] {3, 0, 0, 0, 1, 0, 0, 0, 2}, 3, 3);
    assertEquals(3, sv[0], 1e-12);
    assertEquals(2, sv[1], 1e-12);
    assertEquals(1, sv[2], 1e-12);
    DecoderFraming.Spectrum s = DecoderFraming.Spectrum.of(sv);
    assertEquals(1, s.min(), 1e-12);
    assertEquals(1, s.p10(), 1e-12, "index round(0.1·2) = 0");
    assertEquals(2, s.median(), 1e-12);
    assertEquals(3, s.p90(), 1e-12, "index round(0.9·2) = 2");
    assertEquals(3, s.max(), 1e-12);
    assertEquals(3, s.condition(), 1e-12);
    double h = -(0.5 * Math.log(0.5) + Math.log(1 / 3.0) / 3 + Math.log(1 / 6.0) / 6);
    assertEquals(Math.exp(h), s.effectiveRank(), 1e-12);
    assertEquals(2, s.participation(), 1e-12);
    assertEquals(Math.log(6), s.sumLog(), 1e-12, "Σ log σ = log|det| = log 6");
    assertEquals(3, s.numericalRank());
    assertEquals(2, DecoderFraming.Spectrum.of(new double[] {1, 1e-3, 1e-20}).numericalRank(), "1e-20 < 3·2⁻⁵²");
    // n equal singular values: effective rank and PR both n
    DecoderFraming.Spectrum flat = DecoderFraming.Spectrum.of(new double[] {0.5, 0.5, 0.5, 0.5});
    assertEquals(4, flat.effectiveRank(), 1e-12);
    assertEquals(4, flat.participation(), 1e-12);
    // [[1, 0], [1, 1]]: AᵀA = [[2, 1], [1, 1]], eigenvalues (3 ± √5)/2, so σ = (√5 ± 1)/2 (φ and 1/φ)
    double[] lt = dev.focus.metrics.QueryDependence.singularValues(new double[] {1, 0, 1, 1}, 2, 2);
    assertEquals((Math.sqrt(5) + 1) / 2, lt[0], 1e-12);
    assertEquals((Math.sqrt(5) - 1) / 2, lt[1], 1e-12);
  }

  @Test
  void e6CausalMatricesAreLowerTriangularWithAPositiveDiagonal() {
    DecoderFraming.Result r = new DecoderFraming().run(mini.e6(), ctx());
    assertEquals(4, r.matrices().size(), "n = 64, 128 × softmax, elu+1");
    for (DecoderFraming.Matrix m : r.matrices()) {
      assertTrue(m.lowerTriangular(), m.attention() + " n=" + m.n());
      assertTrue(m.minDiagonal() > 0 && m.minDiagonal() <= 1);
      assertTrue(m.logAbsDet() <= 0 && Double.isFinite(m.logAbsDet()), "Σ log aᵢᵢ with aᵢᵢ ∈ (0, 1]");
      assertEquals(m.n(), m.singularValues().length, "mini computes every spectrum (n ≤ svdMaxN)");
      DecoderFraming.Spectrum s = m.spectrum();
      // |det A| = Πσᵢ = Πaᵢᵢ for triangular A: two independent routes to the same number where every σ is resolved
      if (s.numericalRank() == m.n()) assertEquals(m.logAbsDet(), s.sumLog(), 1e-6 * Math.abs(m.logAbsDet()), m.attention() + " n=" + m.n());
      assertTrue(s.min() > 0 && s.effectiveRank() >= 1 && s.effectiveRank() <= m.n() && s.participation() <= m.n());
      // rows sum to 1, so A·1 = 1 and σ_max ≥ ‖A1‖/‖1‖ = 1
      assertTrue(s.max() >= 1 - 1e-12, "σ_max " + s.max());
    }
    assertEquals(1.0, r.softmaxRows()[0], 0, "row 0 attends to key 0 only");
    assertTrue(r.meanLinear() > r.meanSoftmax(), "elu+1 rows stay denser than softmax at γ = 2.5");
  }
}
