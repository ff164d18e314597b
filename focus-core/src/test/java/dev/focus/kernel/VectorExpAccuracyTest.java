package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The vector twin's exp (the JDK's {@code lanewise(EXP)}, used by softmax and SiLU) against
 * {@link Math#exp}, in units in the last place of the float result, over the whole range where exp
 * is a normal float. Vector mode only: in scalar mode the incubator classes must stay unloaded.
 */
class VectorExpAccuracyTest {
  @Test
  void expIsWithinTwoUlpsOfMathExp() {
    assumeTrue(!"scalar".equals(System.getProperty("focus.kernels")) && Kernels.vectorModulePresent(),
        "vector twin not in use");
    int n = 200_003;
    float[] x = new float[n], out = new float[n];
    for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / (n - 1); // exp(x) normal for x in [-87, 88]
    VectorKernels.expShiftKernel(out, 0, x, 0, n, 0f);
    double maxUlps = 0;
    int worst = 0;
    for (int i = 0; i < n; i++) {
      float exact = (float) Math.exp(x[i]);
      double ulps = Math.abs(out[i] - exact) / Math.ulp(exact);
      if (ulps > maxUlps) {
        maxUlps = ulps;
        worst = i;
      }
    }
    assertTrue(maxUlps <= 2, "exp(" + x[worst] + "): vector " + out[worst] + " vs Math.exp " + (float) Math.exp(x[worst])
        + " differ by " + maxUlps + " ulps");
  }
}
