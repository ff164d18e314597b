package dev.focus.testing;

import java.util.function.DoubleSupplier;

/**
 * Central finite-difference gradient checks (STYLE.md §2.6). The caller supplies a scalar loss
 * (typically Σ out·dOut with a fixed random dOut, summed in double) and the analytic gradient of that
 * loss with respect to one input array; every element (or a sampled subset) is perturbed by ±eps.
 */
public final class GradCheck {
  private GradCheck() {}

  /** Checks {@code analytic} = ∂loss/∂x for a double-precision input. */
  public static void check(String label, double[] x, double[] analytic, DoubleSupplier loss,
                           double eps, double atol, double rtol) {
    double[] numeric = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double saved = x[i];
      x[i] = saved + eps;
      double up = loss.getAsDouble();
      x[i] = saved - eps;
      double down = loss.getAsDouble();
      x[i] = saved;
      numeric[i] = (up - down) / (2 * eps);
    }
    Close.assertClose(label + " (finite differences vs analytic)", numeric, analytic, atol, rtol);
  }

  /** Checks {@code analytic} = ∂loss/∂x for a float input (use eps ≈ 1e-2…1e-3 and loose tolerances). */
  public static void check(String label, float[] x, float[] analytic, DoubleSupplier loss,
                           float eps, double atol, double rtol) {
    double[] numeric = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      float saved = x[i];
      x[i] = saved + eps;
      double up = loss.getAsDouble();
      x[i] = saved - eps;
      double down = loss.getAsDouble();
      x[i] = saved;
      numeric[i] = (up - down) / (2.0 * eps);
    }
    Close.assertClose(label + " (finite differences vs analytic)", numeric, Close.toDouble(analytic), atol, rtol);
  }

  /** Σ a·b in double: the usual scalar loss for checking an op's backward with upstream gradient b. */
  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
