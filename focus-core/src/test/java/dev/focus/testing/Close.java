package dev.focus.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code assertClose} that explains itself (STYLE.md §2.7): on failure it reports how many elements
 * failed, the largest absolute and relative differences with their indices, and the first failing
 * index with both values. An element passes when |e − a| ≤ atol + rtol·|e|. NaN only matches NaN.
 */
public final class Close {
  private Close() {}

  public static void assertClose(String label, double[] expected, double[] actual, double atol, double rtol) {
    if (expected.length != actual.length) {
      fail(label + ": length " + actual.length + " != expected " + expected.length);
    }
    int failed = 0, first = -1, maxAbsAt = -1, maxRelAt = -1;
    double maxAbs = 0, maxRel = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i], a = actual[i];
      boolean ok;
      if (Double.isNaN(e) || Double.isNaN(a)) {
        ok = Double.isNaN(e) && Double.isNaN(a);
      } else if (Double.isInfinite(e) || Double.isInfinite(a)) {
        ok = e == a;
      } else {
        double abs = Math.abs(e - a);
        double rel = abs / Math.max(Math.abs(e), 1e-300);
        if (abs > maxAbs) { maxAbs = abs; maxAbsAt = i; }
        if (rel > maxRel && abs > atol) { maxRel = rel; maxRelAt = i; }
        ok = abs <= atol + rtol * Math.abs(e);
      }
      if (!ok) {
        failed++;
        if (first < 0) first = i;
      }
    }
    if (failed > 0) {
      fail(String.format(
          "%s: %d of %d elements differ (atol=%g, rtol=%g); max abs diff %.3e at [%d], max rel diff %.3e at [%d]; "
              + "first failure at [%d]: expected %s, actual %s",
          label, failed, expected.length, atol, rtol, maxAbs, maxAbsAt, maxRel, maxRelAt,
          first, expected[first], actual[first]));
    }
  }

  public static void assertClose(String label, float[] expected, float[] actual, double atol, double rtol) {
    assertClose(label, toDouble(expected), toDouble(actual), atol, rtol);
  }

  public static void assertClose(String label, double expected, double actual, double atol, double rtol) {
    assertClose(label, new double[] {expected}, new double[] {actual}, atol, rtol);
  }

  public static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) d[i] = x[i];
    return d;
  }
}
