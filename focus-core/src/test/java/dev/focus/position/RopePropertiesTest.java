package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spec 04 §6 properties 1–4 for the rotations (float64, fixed seeds), and spec 05 P14. */
class RopePropertiesTest {

  /** Every pair layout × axis assignment a head of {@code d} dims admits. */
  static List<FrequencyPlan> plans(int d, double base) {
    List<AxisAssignment> assignments = new ArrayList<>(List.of(AxisAssignment.oneD(), new AxisAssignment.Interleaved(2),
        new AxisAssignment.Interleaved(3), new AxisAssignment.Halves(2)));
    int p = d / 2;
    assignments.add(new AxisAssignment.Blocked(new int[] {p / 2, p - p / 2}));
    assignments.add(new AxisAssignment.Blocked(new int[] {p / 4, p / 4, p - 2 * (p / 4)}));
    if (p % 3 == 0) assignments.add(new AxisAssignment.Halves(3));
    List<FrequencyPlan> out = new ArrayList<>();
    for (PairLayout layout : PairLayout.values()) {
      for (AxisAssignment a : assignments) out.add(FrequencyPlan.of(d, base, a, layout));
    }
    return out;
  }

  static double[] gaussian(Random rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
    return v;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

  static double[] rotate(FrequencyPlan plan, double[] coord, double[] v) {
    return RopeTable.of(plan, new double[][] {coord}).rotateVector(v.clone(), 0);
  }

  static double[] randomCoord(Random rng, int axes, double range) {
    double[] c = new double[axes];
    for (int a = 0; a < axes; a++) c[a] = (rng.nextDouble() * 2 - 1) * range;
    return c;
  }

  @Test
  void relativity() {
    // ⟨R_p q, R_p′ k⟩ = ⟨q, R_(p′−p) k⟩ within 1e-12·‖q‖‖k‖, real |coord| ≤ 1000.
    Random rng = new Random(41);
    int cases = 0;
    for (int d : new int[] {8, 12, 16, 64}) {
      for (FrequencyPlan plan : plans(d, 10000)) {
        for (int trial = 0; trial < 20; trial++) {
          double[] q = gaussian(rng, d), k = gaussian(rng, d);
          double[] p = randomCoord(rng, plan.axes(), 1000), p2 = randomCoord(rng, plan.axes(), 1000);
          double[] diff = new double[p.length];
          for (int a = 0; a < p.length; a++) diff[a] = p2[a] - p[a];
          double lhs = dot(rotate(plan, p, q), rotate(plan, p2, k));
          double rhs = dot(q, rotate(plan, diff, k));
          assertEquals(rhs, lhs, 1e-12 * norm(q) * norm(k), plan + " d=" + d);
          cases++;
        }
      }
    }
    assertTrue(cases > 500);
  }

  @Test
  void normPreservation() {
    Random rng = new Random(42);
    for (int d : new int[] {8, 16, 64}) {
      for (FrequencyPlan plan : plans(d, 10000)) {
        for (int trial = 0; trial < 20; trial++) {
          double[] q = gaussian(rng, d);
          double n0 = norm(q), n1 = norm(rotate(plan, randomCoord(rng, plan.axes(), 1000), q));
          assertEquals(n0, n1, 1e-12 * n0, plan.toString());
        }
      }
    }
  }

  @Test
  void identityAtTheOriginP14() {
    Random rng = new Random(43);
    for (FrequencyPlan plan : plans(16, 10000)) {
      double[] q = gaussian(rng, 16);
      double[] r = rotate(plan, new double[plan.axes()], q);
      for (int i = 0; i < q.length; i++) assertEquals(Double.doubleToLongBits(q[i]), Double.doubleToLongBits(r[i]), "R_0 = I");
    }
  }

  @Test
  void translationInvarianceOfLogits() {
    // Shift every coordinate by (c, c[, c]), c integer or half-integer: the q·k logits are unchanged.
    Random rng = new Random(44);
    for (PositionScheme scheme : PositionScheme.values()) {
      Positions pos = scheme.assign(Layout.parse("T T I2x3 T T V2x2x2 T"
          .replace(" V2x2x2", scheme == PositionScheme.ROPE_TIE || scheme == PositionScheme.ROPE_TIE_FRAC ? " I1x2" : " V2x2x2")));
      for (FrequencyPlan plan : plans(16, 10000)) {
        if (plan.axes() != scheme.axes()) continue;
        double[][] c = pos.coords();
        int t = c.length;
        double[][] q = new double[t][], k = new double[t][];
        for (int i = 0; i < t; i++) { q[i] = gaussian(rng, 16); k[i] = gaussian(rng, 16); }
        for (double shift : new double[] {1, -7, 0.5, 12.5, 999}) {
          double[][] s = new double[t][];
          for (int i = 0; i < t; i++) {
            s[i] = c[i].clone();
            for (int a = 0; a < s[i].length; a++) s[i][a] += shift;
          }
          RopeTable t0 = RopeTable.of(plan, c), t1 = RopeTable.of(plan, s);
          for (int n = 0; n < t; n++) {
            for (int m = 0; m <= n; m++) {
              double l0 = dot(t0.rotateVector(q[n].clone(), n), t0.rotateVector(k[m].clone(), m));
              double l1 = dot(t1.rotateVector(q[n].clone(), n), t1.rotateVector(k[m].clone(), m));
              assertEquals(l0, l1, 1e-11 * norm(q[n]) * norm(k[m]), scheme + " " + plan + " shift " + shift);
            }
          }
        }
      }
    }
    // ALiBi: the bias depends on n − m only.
    Alibi alibi = new Alibi(6);
    for (int h = 0; h < 6; h++) {
      for (double shift : new double[] {3, 0.5}) {
        assertEquals(alibi.bias(h, 9, 4, false), alibi.bias(h, 9 + shift, 4 + shift, false), 1e-15);
        assertEquals(alibi.bias(h, 4, 9, true), alibi.bias(h, 4 + shift, 9 + shift, true), 1e-15);
      }
    }
  }

  @Test
  void compatibilityIsBitExact() {
    // Text coordinates (n, n[, n]) under ADJACENT + INTERLEAVED(2|3) equal 1-D ADJACENT, and under
    // HALF + BLOCKED equal 1-D HALF, bit for bit (spec 04 §4 compatibility rule).
    Random rng = new Random(45);
    for (int d : new int[] {8, 16, 64, 128}) {
      for (double base : new double[] {10000, 1e6, 500000}) {
        FrequencyPlan adj = FrequencyPlan.oneD(d, base, PairLayout.ADJACENT);
        FrequencyPlan half = FrequencyPlan.oneD(d, base, PairLayout.HALF);
        int p = d / 2;
        FrequencyPlan[] adjMulti = {
            FrequencyPlan.of(d, base, new AxisAssignment.Interleaved(2), PairLayout.ADJACENT),
            FrequencyPlan.of(d, base, new AxisAssignment.Interleaved(3), PairLayout.ADJACENT),
            FrequencyPlan.of(d, base, new AxisAssignment.Blocked(new int[] {p / 2, p - p / 2}), PairLayout.ADJACENT)};
        FrequencyPlan[] halfMulti = {
            FrequencyPlan.of(d, base, new AxisAssignment.Blocked(new int[] {p / 4, p / 4 + 1, p - 2 * (p / 4) - 1}), PairLayout.HALF),
            FrequencyPlan.of(d, base, new AxisAssignment.Blocked(new int[] {p / 2, p - p / 2}), PairLayout.HALF)};
        for (int trial = 0; trial < 30; trial++) {
          double n = trial < 10 ? trial : rng.nextInt(100000);
          double[] v = gaussian(rng, d);
          check(adj, adjMulti, n, v);
          check(half, halfMulti, n, v);
        }
      }
    }
    // Qwen2-VL's plan: BLOCKED(16,24,24) + HALF at d = 128, b = 1e6.
    FrequencyPlan qwen = Rope.mrope(128, 1e6, 16, 24, 24).plan();
    check(FrequencyPlan.oneD(128, 1e6, PairLayout.HALF), new FrequencyPlan[] {qwen}, 4242, gaussian(rng, 128));
  }

  private static void check(FrequencyPlan oneD, FrequencyPlan[] multi, double n, double[] v) {
    double[] ref = rotate(oneD, new double[] {n}, v);
    for (FrequencyPlan m : multi) {
      double[] c = new double[m.axes()];
      java.util.Arrays.fill(c, n);
      double[] r = rotate(m, c, v);
      for (int i = 0; i < v.length; i++) {
        assertEquals(Double.doubleToLongBits(ref[i]), Double.doubleToLongBits(r[i]), m + " vs " + oneD + " at n=" + n + " dim " + i);
      }
    }
  }

  @Test
  void compatibilityOfFloatTablesToo() {
    Random rng = new Random(46);
    int t = 7, nh = 2, hs = 16;
    FrequencyPlan oneD = FrequencyPlan.oneD(16, 10000, PairLayout.ADJACENT);
    FrequencyPlan twoD = FrequencyPlan.of(16, 10000, new AxisAssignment.Interleaved(2), PairLayout.ADJACENT);
    float[] x = new float[t * nh * hs];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    float[] a = x.clone(), b = x.clone();
    RopeTable.flat(oneD, t).rotate(a, nh, hs);
    RopeTable.flat(twoD, t).rotate(b, nh, hs);
    for (int i = 0; i < x.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]));
  }
}
