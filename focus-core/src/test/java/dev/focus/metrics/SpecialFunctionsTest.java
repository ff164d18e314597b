package dev.focus.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * erf, erfc, φ and Φ against references computed here in BigDecimal, independently of the double
 * algorithms: the alternating Taylor series of erf for |x| ≤ 6 and Laplace's (uncontracted) continued
 * fraction for erfc at x ≥ 4, evaluated bottom-up; the two references cross-check on [4, 6].
 */
class SpecialFunctionsTest {
  private static final MathContext MC = new MathContext(64);
  private static final BigDecimal PI = machinPi();
  private static final BigDecimal SQRT_PI = PI.sqrt(MC);

  /** π = 16·atan(1/5) − 4·atan(1/239) (Machin). */
  private static BigDecimal machinPi() {
    MathContext mc = new MathContext(80);
    return atanInv(5, mc).multiply(BigDecimal.valueOf(16)).subtract(atanInv(239, mc).multiply(BigDecimal.valueOf(4)), mc);
  }

  private static BigDecimal atanInv(int k, MathContext mc) {
    BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(k), mc), x2 = x.multiply(x, mc);
    BigDecimal term = x, sum = BigDecimal.ZERO;
    BigDecimal eps = BigDecimal.ONE.movePointLeft(90);
    for (int n = 0; term.abs().compareTo(eps) > 0; n++) {
      BigDecimal t = term.divide(BigDecimal.valueOf(2L * n + 1), mc);
      sum = (n & 1) == 0 ? sum.add(t, mc) : sum.subtract(t, mc);
      term = term.multiply(x2, mc);
    }
    return sum;
  }

  /** erf(x) = (2/√π)Σ (−1)^k x^{2k+1}/(k!(2k+1)), exact input, 64 digits (ample for |x| ≤ 6: terms reach 1e15). */
  static BigDecimal bigErf(double xd) {
    BigDecimal x = new BigDecimal(xd), x2 = x.multiply(x, MC);
    BigDecimal pow = x, sum = BigDecimal.ZERO;  // pow = x^{2k+1}/k!
    BigDecimal eps = BigDecimal.ONE.movePointLeft(70);
    for (int k = 0; k < 5000; k++) {
      BigDecimal term = pow.divide(BigDecimal.valueOf(2L * k + 1), MC);
      sum = (k & 1) == 0 ? sum.add(term, MC) : sum.subtract(term, MC);
      if (k > 2 * xd * xd + 10 && term.abs().compareTo(eps) < 0) break;
      pow = pow.multiply(x2, MC).divide(BigDecimal.valueOf(k + 1), MC);
    }
    return sum.multiply(BigDecimal.valueOf(2), MC).divide(SQRT_PI, MC);
  }

  /** e^{-y} for y ≥ 0 as 1/Σ yᵏ/k! (all terms positive). */
  static BigDecimal bigExpNeg(BigDecimal y) {
    BigDecimal term = BigDecimal.ONE, sum = BigDecimal.ONE;
    for (int k = 1; k < 20000; k++) {
      term = term.multiply(y, MC).divide(BigDecimal.valueOf(k), MC);
      sum = sum.add(term, MC);
      if (k > y.doubleValue() && term.compareTo(sum.movePointLeft(70)) < 0) break;
    }
    return BigDecimal.ONE.divide(sum, MC);
  }

  /** erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated from depth {@code depth} up. */
  static BigDecimal bigErfcContinuedFraction(double xd, int depth) {
    BigDecimal x = new BigDecimal(xd);
    BigDecimal tail = x;
    for (int k = depth; k >= 1; k--) {
      tail = x.add(BigDecimal.valueOf(k).divide(BigDecimal.valueOf(2), MC).divide(tail, MC), MC);
    }
    return bigExpNeg(x.multiply(x, MC)).divide(SQRT_PI, MC).divide(tail, MC);
  }

  /** Continued-fraction depth for 1e-30 at x ≥ 4 (checked by referencesAgreeWhereBothApply). */
  static int depth(double x) {
    return (int) (5000 / (x * x)) + 60;
  }

  static BigDecimal bigErfc(double x) {
    if (x >= 4) return bigErfcContinuedFraction(x, depth(x));
    return BigDecimal.ONE.subtract(bigErf(x), MC);
  }

  private static void assertRel(String label, BigDecimal expected, double actual, double tol) {
    double e = expected.doubleValue();
    double rel = e == 0 ? Math.abs(actual) : Math.abs(new BigDecimal(actual).subtract(expected, MC).divide(expected, MC).doubleValue());
    if (!(rel <= tol)) fail(label + ": expected " + expected.round(new MathContext(20)) + ", got " + actual + ", relative error " + rel);
  }

  private static final double[] GRID = {
      1e-300, 1e-20, 1e-8, 1e-3, 0.1, 0.3, 0.46875, 0.49, 0.5, 0.51, 0.75, 0.9, 1, 1.25, 1.49, 1.5, 1.51, 1.75,
      2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6};

  @Test
  void referencesAgreeWhereBothApply() {
    for (double x : new double[] {4, 4.5, 5, 5.75, 6}) {
      BigDecimal series = BigDecimal.ONE.subtract(bigErf(x), MC), cf = bigErfcContinuedFraction(x, depth(x));
      double rel = series.subtract(cf, MC).divide(cf, MC).abs().doubleValue();
      assertTrue(rel < 1e-28, "references disagree at x=" + x + ": " + rel);
    }
  }

  @Test
  void erfAndErfcMatchBigDecimalOnAGridAndAtRandomPoints() {
    SplittableRandom rng = new SplittableRandom(11);
    double[] xs = new double[GRID.length + 16];
    System.arraycopy(GRID, 0, xs, 0, GRID.length);
    for (int i = GRID.length; i < xs.length; i++) xs[i] = 6 * rng.nextDouble();
    for (double x : xs) {
      BigDecimal erf = bigErf(x), erfc = bigErfc(x);
      assertRel("erf(" + x + ")", erf, SpecialFunctions.erf(x), 1e-14);
      assertRel("erf(" + -x + ")", erf.negate(), SpecialFunctions.erf(-x), 1e-14);
      assertRel("erfc(" + x + ")", erfc, SpecialFunctions.erfc(x), 1e-14);
      assertRel("erfc(" + -x + ")", BigDecimal.valueOf(2).subtract(erfc, MC), SpecialFunctions.erfc(-x), 1e-14);
    }
  }

  @Test
  void erfcIsRelativelyAccurateFarInTheTail() {
    for (double x : new double[] {6.5, 7, 8, 9.25, 10, 12, 15, 20, 22.5, 25, 26, 26.5}) {
      assertRel("erfc(" + x + ")", bigErfcContinuedFraction(x, depth(x)), SpecialFunctions.erfc(x), 1e-14);
      assertEquals(1.0, SpecialFunctions.erf(x), 0.0);
    }
    assertEquals(0.0, SpecialFunctions.erfc(30), 0.0);
    assertEquals(2.0, SpecialFunctions.erfc(-30), 0.0);
    assertEquals(1.0, SpecialFunctions.erf(Double.POSITIVE_INFINITY), 0.0);
    assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
  }

  @Test
  void normalPdfAndCdfMatchReferences() {
    BigDecimal sqrt2 = BigDecimal.valueOf(2).sqrt(MC);
    for (double x : new double[] {0, 0.25, 1, 2, 3.5, 5, 8, 12, 20, 30, 37}) {
      BigDecimal bx = new BigDecimal(x);
      BigDecimal pdf = bigExpNeg(bx.multiply(bx, MC).divide(BigDecimal.valueOf(2), MC)).divide(PI.multiply(BigDecimal.valueOf(2), MC).sqrt(MC), MC);
      assertRel("phi(" + x + ")", pdf, SpecialFunctions.normalPdf(x), 1e-14);
      assertRel("phi(" + -x + ")", pdf, SpecialFunctions.normalPdf(-x), 1e-14);
      // Φ(−x) = ½erfc(x/√2); the argument x/√2 is not a double, so use the reference at the rounded argument
      double arg = x / 1.4142135623730951;
      BigDecimal lower = (arg >= 4 ? bigErfcContinuedFraction(arg, depth(arg)) : bigErfc(arg)).divide(BigDecimal.valueOf(2), MC);
      assertRel("Phi(" + -x + ")", lower, SpecialFunctions.normalCdf(-x), 1e-14);
    }
    assertEquals(0.5, SpecialFunctions.normalCdf(0), 0.0);
    // the rounding of x/√2 itself: Φ(−x) relative to the exact value stays within x²·2^-53
    BigDecimal x = BigDecimal.valueOf(10), arg = x.divide(sqrt2, MC);
    double exact = bigErfcContinuedFraction(arg.doubleValue(), depth(arg.doubleValue())).doubleValue();  // close enough at this tolerance
    assertEquals(exact / 2, SpecialFunctions.normalCdf(-10), 1e-13 * exact);
  }
}
