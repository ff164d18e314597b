package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuadratureTest {

  @Test
  void oneKronrodPanelIsExactForPolynomialsUpToDegree22AndGaussUpTo13() {
    for (int k = 0; k <= 30; k++) {
      final int deg = k;
      double[] p = Quadrature.panel(x -> Math.pow(x, deg), -1, 1);
      double exact = (deg % 2 == 1) ? 0.0 : 2.0 / (deg + 1);
      if (deg <= 22) {
        assertClose("K15 x^" + deg, exact, p[0], 1e-15, 0);
      }
      if (deg <= 13) {
        assertTrue(p[1] < 1e-15, "G7 should be exact for x^" + deg + ", |K-G|=" + p[1]);
      } else if (deg % 2 == 0) {
        assertTrue(p[1] > 1e-6, "G7 cannot be exact for x^" + deg + ", |K-G|=" + p[1]);
      }
    }
    // shifted interval: ∫_2^5 x^7 = (5^8 − 2^8)/8
    assertClose("x^7 on [2,5]", (Math.pow(5, 8) - 256) / 8, Quadrature.panel(x -> Math.pow(x, 7), 2, 5)[0], 0, 1e-15);
  }

  @Test
  void adaptiveIntegrationOfSmoothPeakedAndSingularIntegrands() {
    assertClose("∫ e^{-x²}", Math.sqrt(Math.PI), Quadrature.integrate(x -> Math.exp(-x * x), -12, 12), 0, 1e-14);
    assertClose("∫_0^1 √x", 2.0 / 3, Quadrature.integrate(Math::sqrt, 0, 1), 0, 1e-12);
    assertClose("∫_0^π sin", 2.0, Quadrature.integrate(Math::sin, 0, Math.PI), 0, 1e-14);
    // a narrow peak away from the break points: ∫ 1/(1e-6 + (x−0.3)²) on [0,1]
    double exact = (Math.atan(0.7 / 1e-3) + Math.atan(0.3 / 1e-3)) / 1e-3;
    assertClose("narrow Lorentzian", exact, Quadrature.integrate(x -> 1 / (1e-6 + (x - 0.3) * (x - 0.3)), 0, 1), 0, 1e-11);
    Quadrature.Result r = Quadrature.integrate(x -> Math.abs(x - 0.2), new double[] {-1, 0.2, 1}, 1e-14, 0);
    assertClose("|x−0.2| split at its kink", 0.5 * 1.2 * 1.2 + 0.5 * 0.8 * 0.8, r.value(), 1e-15, 0);
    assertTrue(r.panels() == 2, "a kink on a break point needs no refinement, used " + r.panels());
  }

  @Test
  void rejectsBadBreakPoints() {
    assertThrows(IllegalArgumentException.class, () -> Quadrature.integrate(x -> x, new double[] {1}, 1e-10, 0));
    assertThrows(IllegalArgumentException.class, () -> Quadrature.integrate(x -> x, new double[] {1, 0}, 1e-10, 0));
    assertThrows(IllegalArgumentException.class, () -> Quadrature.integrate(x -> x, new double[] {0, Double.NaN}, 1e-10, 0));
  }
}
