package dev.focus.position;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double as the shortest decimal that parses back to the same double (spec 04 §8: JSON
 * numbers; integral values as {@code 5}). JDK 17's {@code Double.toString} is not always shortest
 * (fixed in JDK 19), so this tries 1, 2, … 17 significant digits. Plain notation for magnitudes in
 * [1e-7, 1e21), otherwise {@code 1.5E-9}-style exponent notation (valid JSON).
 */
public final class ShortestDecimal {
  private ShortestDecimal() {}

  public static String format(double v) {
    if (!Double.isFinite(v)) throw new IllegalArgumentException("cannot format " + v + " as a JSON number");
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    BigDecimal exact = new BigDecimal(v);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == v) return render(r.stripTrailingZeros(), v);
    }
    return render(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros(), v);
  }

  private static String render(BigDecimal r, double v) {
    double a = Math.abs(v);
    if (a >= 1e-7 && a < 1e21) return r.toPlainString();
    return r.toString();
  }
}
