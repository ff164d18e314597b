package dev.focus.position;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.testing.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Numeric rotations, the (T, NH, HS) layout, partial rotary, and the backward. */
class RopeTableTest {

  @Test
  void adjacentPairZeroTurnsByTheCoordinate() {
    // d = 4, b = 100: θ = (1, 0.1). Vector e0 at position 2 → (cos 2, sin 2, 0, 0).
    FrequencyPlan plan = FrequencyPlan.oneD(4, 100, PairLayout.ADJACENT);
    assertArrayEquals(new double[] {1, 0.1}, plan.theta(), 1e-17);
    double[] v = RopeTable.of(plan, new double[][] {{2}}).rotateVector(new double[] {1, 0, 0, 0}, 0);
    assertArrayEquals(new double[] {Math.cos(2), Math.sin(2), 0, 0}, v, 1e-16);
    double[] u = RopeTable.of(plan, new double[][] {{2}}).rotateVector(new double[] {0, 0, 0, 1}, 0);
    assertArrayEquals(new double[] {0, 0, -Math.sin(0.2), Math.cos(0.2)}, u, 1e-16);
  }

  @Test
  void halfLayoutPairsDimJWithJPlusHalf() {
    // HF rotate_half: y[j] = x[j]cos − x[j+d/2]sin, y[j+d/2] = x[j+d/2]cos + x[j]sin.
    FrequencyPlan plan = FrequencyPlan.oneD(4, 100, PairLayout.HALF);
    double[] v = RopeTable.of(plan, new double[][] {{3}}).rotateVector(new double[] {1, 2, 3, 4}, 0);
    double c0 = Math.cos(3), s0 = Math.sin(3), c1 = Math.cos(0.3), s1 = Math.sin(0.3);
    assertArrayEquals(new double[] {1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1}, v, 1e-15);
  }

  @Test
  void partialRotaryLeavesTrailingDimsAlone() {
    FrequencyPlan plan = FrequencyPlan.oneD(4, 10000, PairLayout.HALF);
    double[] v = {1, 2, 3, 4, 5, 6};
    RopeTable.of(plan, new double[][] {{7}}).rotateVector(v, 0);
    assertEquals(5, v[4]);
    assertEquals(6, v[5]);
  }

  @Test
  void floatBlocksMatchPerVectorDoubleRotation() {
    Random rng = new Random(1);
    int t = 5, nh = 3, hs = 10;
    FrequencyPlan plan = FrequencyPlan.of(8, 10000, new AxisAssignment.Interleaved(2), PairLayout.ADJACENT);
    double[][] coords = new double[t][];
    for (int i = 0; i < t; i++) coords[i] = new double[] {rng.nextInt(50) + 0.5 * rng.nextInt(2), rng.nextInt(50)};
    RopeTable table = RopeTable.of(plan, coords);
    float[] x = new float[t * nh * hs];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    double[] expected = new double[x.length];
    for (int tok = 0; tok < t; tok++) {
      for (int h = 0; h < nh; h++) {
        double[] v = new double[hs];
        for (int j = 0; j < hs; j++) v[j] = x[(tok * nh + h) * hs + j];
        table.rotateVector(v, tok);
        System.arraycopy(v, 0, expected, (tok * nh + h) * hs, hs);
      }
    }
    table.rotate(x, nh, hs);
    assertClose("float rotate vs double", expected, dev.focus.testing.Close.toDouble(x), 1e-6, 1e-6);
  }

  @Test
  void backwardIsTheTransposeFiniteDifferences() {
    Random rng = new Random(2);
    int t = 3, nh = 2, hs = 8;
    for (PairLayout layout : PairLayout.values()) {
      FrequencyPlan plan = FrequencyPlan.of(6, 50, new AxisAssignment.Blocked(new int[] {1, 2}), layout);
      double[][] coords = {{0, 1}, {2.5, -3}, {7, 4}};
      RopeTable table = RopeTable.of(plan, coords, 1.3);
      double[] x = new double[t * nh * hs], dOut = new double[x.length];
      for (int i = 0; i < x.length; i++) { x[i] = rng.nextGaussian(); dOut[i] = rng.nextGaussian(); }
      double[] dx = dOut.clone();
      table.rotate(dx, nh, hs, true);
      GradCheck.check("rope backward " + layout, x, dx, () -> {
        double[] y = x.clone();
        table.rotate(y, nh, hs, false);
        return GradCheck.dot(y, dOut);
      }, 1e-6, 1e-8, 1e-7);
    }
  }

  @Test
  void floatBackwardFiniteDifferences() {
    Random rng = new Random(3);
    int t = 4, nh = 2, hs = 4;
    FrequencyPlan plan = FrequencyPlan.oneD(4, 10000, PairLayout.ADJACENT);
    RopeTable table = RopeTable.flat(plan, t);
    float[] x = new float[t * nh * hs], dOut = new float[x.length];
    for (int i = 0; i < x.length; i++) { x[i] = (float) rng.nextGaussian(); dOut[i] = (float) rng.nextGaussian(); }
    float[] dx = dOut.clone();
    table.rotateBackward(dx, nh, hs);
    GradCheck.check("float rope backward", x, dx, () -> {
      float[] y = x.clone();
      table.rotate(y, nh, hs);
      return GradCheck.dot(y, dOut);
    }, 1e-2f, 1e-4, 1e-3);
  }

  @Test
  void rejectsBadShapesAndCoordinates() {
    FrequencyPlan plan = FrequencyPlan.oneD(8, 10000, PairLayout.ADJACENT);
    assertThrows(IllegalArgumentException.class, () -> RopeTable.of(plan, new double[][] {{Double.NaN}}));
    RopeTable table = RopeTable.flat(plan, 2);
    assertThrows(IllegalArgumentException.class, () -> table.rotate(new float[2 * 6], 1, 6)); // headDim < rotary dim
    assertThrows(IllegalArgumentException.class, () -> table.rotate(new float[10], 1, 8));    // too short
    assertThrows(IllegalArgumentException.class, () -> FrequencyPlan.oneD(7, 10000, PairLayout.ADJACENT));
    assertThrows(IllegalArgumentException.class, () -> FrequencyPlan.of(6, 10000, new AxisAssignment.Interleaved(2), PairLayout.ADJACENT));
  }

  @Test
  void halfAndAdjacentDifferByTheFixedPermutation() {
    Random rng = new Random(4);
    int d = 12;
    int[] perm = PairLayout.halfToAdjacent(d);
    RopeTable half = RopeTable.of(FrequencyPlan.oneD(d, 10000, PairLayout.HALF), new double[][] {{37}});
    RopeTable adj = RopeTable.of(FrequencyPlan.oneD(d, 10000, PairLayout.ADJACENT), new double[][] {{37}});
    double[] x = new double[d];
    for (int i = 0; i < d; i++) x[i] = rng.nextGaussian();
    double[] yHalf = half.rotateVector(x.clone(), 0);
    double[] xAdj = new double[d];
    for (int k = 0; k < d; k++) xAdj[k] = x[perm[k]];
    double[] yAdj = adj.rotateVector(xAdj, 0);
    for (int k = 0; k < d; k++) assertEquals(Double.doubleToLongBits(yHalf[perm[k]]), Double.doubleToLongBits(yAdj[k]), "dim " + k);
    // Without the permutation the layouts disagree (a checkpoint is garbage under the other).
    double[] wrong = adj.rotateVector(x.clone(), 0);
    assertTrue(Math.abs(wrong[1] - yHalf[1]) > 1e-6);
  }
}
