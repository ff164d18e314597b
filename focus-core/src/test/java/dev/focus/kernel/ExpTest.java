package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Exp#exp} against {@link Math#exp} in units in the last place, and its vector twin against it
 * bit for bit (the property that makes vector-mode training repeat exactly).
 */
class ExpTest {
  /** Dense grid over the normal range, then the edges: underflow, overflow, infinities, NaN, ±0. */
  static float[] inputs() {
    int n = 400_000;
    float[] grid = new float[n + 16];
    for (int i = 0; i < n; i++) grid[i] = -87.3f + 176f * i / (n - 1);
    float[] edges = {-0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, -103.9f, -104.5f, -120f, 88.72f, 88.73f, 89f, 500f,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -1e-8f, 1e-8f};
    System.arraycopy(edges, 0, grid, n, edges.length);
    return grid;
  }

  @Test
  void withinTwoUlpsOfMathExpWhereTheResultIsNormal() {
    double worst = 0;
    float worstX = 0;
    for (float x : inputs()) {
      float exact = (float) Math.exp(x), got = Exp.exp(x);
      if (Float.isNaN(x)) {
        assertTrue(Float.isNaN(got), "exp(NaN) = " + got);
        continue;
      }
      if (exact == 0f || Float.isInfinite(exact) || Math.abs(exact) < Float.MIN_NORMAL) {
        // underflow and overflow: the same 0 or +inf, or within one denormal step
        assertTrue(got == exact || Math.abs(got - exact) <= Float.MIN_VALUE, "exp(" + x + ") = " + got + ", Math.exp " + exact);
        continue;
      }
      double ulps = Math.abs(got - exact) / Math.ulp(exact);
      if (ulps > worst) {
        worst = ulps;
        worstX = x;
      }
    }
    assertTrue(worst <= 2, "exp(" + worstX + ") is " + worst + " ulps from Math.exp");
  }

  @Test
  void maskedLogitsGiveExactZero() {
    assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
    assertEquals(0f, Exp.exp(-1000f));
    assertEquals(1f, Exp.exp(0f));
    assertEquals(Float.POSITIVE_INFINITY, Exp.exp(100f));
  }

  @Test
  void vectorTwinReturnsTheSameBits() {
    assumeTrue(!"scalar".equals(System.getProperty("focus.kernels")) && Kernels.vectorModulePresent(),
        "vector twin not in use");
    float[] x = inputs();
    float[] out = new float[x.length];
    RowKernels.expShiftKernel(out, 0, x, 0, x.length, 0f);
    for (int i = 0; i < x.length; i++) {
      float want = Exp.exp(x[i]);
      assertTrue(Float.floatToIntBits(want) == Float.floatToIntBits(out[i]),
          "index " + i + ": exp(" + x[i] + ") vector " + out[i] + " vs scalar " + want);
    }
  }

  @Test
  void tanhIsWithinTwoTenMillionthsOfMathTanhAndOdd() {
    double worst = 0;
    float worstX = 0;
    for (int i = 0; i <= 200_000; i++) {
      float u = -20f + 40f * i / 200_000;
      float got = Exp.tanh(u);
      assertTrue(-got == Exp.tanh(-u), "tanh is odd at " + u);
      double err = Math.abs(got - Math.tanh(u));
      if (err > worst) {
        worst = err;
        worstX = u;
      }
    }
    assertTrue(worst <= 2e-7, "tanh(" + worstX + ") is " + worst + " from Math.tanh");
    assertEquals(1f, Exp.tanh(100f));
    assertEquals(-1f, Exp.tanh(Float.NEGATIVE_INFINITY));
    assertEquals(0f, Exp.tanh(0f));
    assertTrue(Float.isNaN(Exp.tanh(Float.NaN)));
  }

  /** GELU's tanh in the vector kernels is the lane-by-lane twin of {@link Exp#tanh}, so JIT state cannot change a run. */
  @Test
  void vectorTanhReturnsTheSameBits() {
    assumeTrue(!"scalar".equals(System.getProperty("focus.kernels")) && Kernels.vectorModulePresent(),
        "vector twin not in use");
    float[] x = inputs();
    float[] out = new float[x.length];
    var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    int bound = species.loopBound(x.length);
    for (int i = 0; i < bound; i += species.length()) {
      VectorKernels.tanh(jdk.incubator.vector.FloatVector.fromArray(species, x, i)).intoArray(out, i);
    }
    for (int i = 0; i < bound; i++) {
      float want = Exp.tanh(x[i] / 16f);
      float got = VectorKernels.tanh(jdk.incubator.vector.FloatVector.broadcast(species, x[i] / 16f)).lane(0);
      assertTrue(Float.floatToIntBits(want) == Float.floatToIntBits(got), "tanh(" + x[i] / 16f + ") vector " + got + " vs scalar " + want);
      assertTrue(Float.floatToIntBits(Exp.tanh(x[i])) == Float.floatToIntBits(out[i]),
          "index " + i + ": tanh(" + x[i] + ") vector " + out[i] + " vs scalar " + Exp.tanh(x[i]));
    }
  }
}
