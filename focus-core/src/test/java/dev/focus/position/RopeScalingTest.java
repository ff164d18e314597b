package dev.focus.position;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HF rope_scaling θ′ against rope-scaling-golden.tsv: float64 values from an independent script
 * transcribing transformers modeling_rope_utils.py at revision 0044e3b3facff1a1ad60b235c69d5b45beae75a4.
 */
class RopeScalingTest {
  private static final double[] SHORT = {1, 1.1, 1.2, 1.5}, LONG = {1, 2, 4, 8};

  /** The same configurations as the script, in its row order. */
  private static final Object[][] CASES = {
      {new RopeScaling.None(), 16, 10000.0, 0},
      {new RopeScaling.Linear(4), 16, 10000.0, 0},
      {new RopeScaling.Dynamic(2, 2048), 16, 10000.0, 4096},
      {new RopeScaling.Dynamic(2, 2048), 16, 10000.0, 1000},
      {new RopeScaling.Ntk(4), 16, 10000.0, 0},
      {new RopeScaling.Yarn(4, 2048), 64, 10000.0, 0},
      {new RopeScaling.LongRope(SHORT, LONG, 8192, 2048, Double.NaN), 8, 10000.0, 8192},
      {new RopeScaling.LongRope(SHORT, LONG, 8192, 2048, Double.NaN), 8, 10000.0, 1000},
      {RopeScaling.Llama3.llama31(), 128, 500000.0, 0},
  };

  @Test
  void thetaPrimeMatchesTheGoldenArrays() {
    List<String[]> rows = Golden.rows("rope-scaling-golden.tsv");
    assertEquals(CASES.length, rows.size());
    for (int c = 0; c < CASES.length; c++) {
      RopeScaling s = (RopeScaling) CASES[c][0];
      String[] row = rows.get(c);
      assertEquals(row[0], s.type(), "row " + c);
      double[] expected = Golden.coords(row[3]);
      double[] actual = s.theta((int) CASES[c][1], (double) CASES[c][2], (int) CASES[c][3]);
      assertClose(row[0] + " " + row[1], expected, actual, 0, 1e-14);
      assertClose(row[0] + " attention factor", Double.parseDouble(row[2]), s.attentionFactor(), 0, 1e-15);
    }
  }

  @Test
  void handDerivedLandmarks() {
    // linear: θ′_0 = 1/factor.
    assertEquals(0.25, new RopeScaling.Linear(4).theta(16, 10000, 0)[0]);
    // ntk: the last frequency b′^(−(d−2)/d) = b^(−(d−2)/d)/factor, exactly θ_last/factor.
    double[] ntk = new RopeScaling.Ntk(4).theta(16, 10000, 0);
    assertEquals(Math.pow(10000, -14.0 / 16) / 4, ntk[7], 1e-18);
    // yarn d=64, M=2048, b=1e4: corr(r) = 64·ln(2048/(2πr))/(2 ln 1e4); corr(32) ≈ 8.06 → lo = 8; corr(1) ≈ 20.1 → hi = 21.
    double[] base = FrequencyPlan.ropeTheta(64, 10000);
    double[] yarn = new RopeScaling.Yarn(4, 2048).theta(64, 10000, 0);
    for (int i = 0; i <= 8; i++) assertEquals(base[i], yarn[i], 0.0, "extrapolated band " + i);
    for (int i = 21; i < 32; i++) assertEquals(base[i] / 4, yarn[i], 1e-18, "interpolated band " + i);
    assertEquals(6.0 / 13 * base[14] / 4 + 7.0 / 13 * base[14], yarn[14], 1e-16, "ramp (14−8)/(21−8)");
    // llama3: λ < 2048 kept, λ > 8192 divided by 8, medium smoothly between.
    double[] l3 = RopeScaling.Llama3.llama31().theta(128, 500000, 0);
    double[] t = FrequencyPlan.ropeTheta(128, 500000);
    for (int i = 0; i < 64; i++) {
      double lambda = 2 * Math.PI / t[i];
      if (lambda < 2048) assertEquals(t[i], l3[i], 0.0);
      else if (lambda > 8192) assertEquals(t[i] / 8, l3[i], 0.0);
      else assertTrue(l3[i] >= t[i] / 8 && l3[i] <= t[i], "medium " + i);
    }
    // yarn's attention factor 0.1 ln 4 + 1.
    assertEquals(0.1 * Math.log(4) + 1, new RopeScaling.Yarn(4, 2048).attentionFactor());
  }

  @Test
  void ropeAppliesScalingBeforeAssigningAxesAndScalesCosSin() {
    Rope r = Rope.oneD(16, 10000).withScaling(new RopeScaling.Yarn(4, 2048));
    FrequencyPlan plan = r.plan();
    assertClose("theta", new RopeScaling.Yarn(4, 2048).theta(16, 10000, 0), plan.theta(), 0, 0);
    RopeTable table = r.table(new double[][] {{0}});
    assertEquals(r.scaling().attentionFactor(), table.cos(0, 3), 1e-15, "cos 0 × attention factor");
    // Dynamic: the table's plan follows the sequence length.
    Rope dyn = Rope.oneD(16, 10000).withScaling(new RopeScaling.Dynamic(2, 8));
    double[][] coords = new double[20][1];
    for (int i = 0; i < 20; i++) coords[i][0] = i;
    assertClose("dynamic at len 20", new RopeScaling.Dynamic(2, 8).theta(16, 10000, 20), dyn.table(coords).plan().theta(), 0, 0);
    // M-RoPE plan under linear scaling: θ′ then BLOCKED axes.
    Rope m = Rope.mrope(128, 1e6, 16, 24, 24).withScaling(new RopeScaling.Linear(2));
    assertEquals(FrequencyPlan.ropeTheta(128, 1e6)[40] / 2, m.plan().theta()[40]);
    assertEquals(2, m.plan().axisOf()[40]);
    assertThrows(IllegalArgumentException.class, () -> new RopeScaling.Linear(0));
    assertThrows(IllegalArgumentException.class,
        () -> new RopeScaling.LongRope(SHORT, LONG, 8192, 2048, Double.NaN).theta(16, 10000, 0), "factor list length");
  }
}
