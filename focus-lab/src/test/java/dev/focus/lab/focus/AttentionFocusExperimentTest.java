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
  }

  @Test
  void e6CausalMatricesAreLowerTriangularWithAPositiveDiagonal() {
    DecoderFraming.Result r = new DecoderFraming().run(mini.e6(), ctx());
    assertEquals(4, r.matrices().size(), "n = 64, 128 × softmax, elu+1");
    for (DecoderFraming.Matrix m : r.matrices()) {
      assertTrue(m.lowerTriangular(), m.attention() + " n=" + m.n());
      assertTrue(m.minDiagonal() > 0 && m.minDiagonal() <= 1);
      assertTrue(m.logAbsDet() <= 0 && Double.isFinite(m.logAbsDet()), "Σ log aᵢᵢ with aᵢᵢ ∈ (0, 1]");
    }
    assertEquals(1.0, r.softmaxRows()[0], 0, "row 0 attends to key 0 only");
    assertTrue(r.meanLinear() > r.meanSoftmax(), "elu+1 rows stay denser than softmax at γ = 2.5");
  }
}
