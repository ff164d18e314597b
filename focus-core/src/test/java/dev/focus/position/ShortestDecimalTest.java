package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shortest round-trip decimals for JSON (spec 04 §8). */
class ShortestDecimalTest {

  @Test
  void knownValues() {
    assertEquals("5", ShortestDecimal.format(5.0));
    assertEquals("-3", ShortestDecimal.format(-3.0));
    assertEquals("0", ShortestDecimal.format(0.0));
    assertEquals("4.5", ShortestDecimal.format(4.5));
    assertEquals("4.333333333333333", ShortestDecimal.format(13.0 / 3));
    assertEquals("0.30000000000000004", ShortestDecimal.format(0.1 + 0.2));
    assertEquals("0.001", ShortestDecimal.format(1e-3));
    assertEquals("1E-10", ShortestDecimal.format(1e-10));
    assertEquals("123456.789", ShortestDecimal.format(123456.789));
    // JDK 17's Double.toString is not always shortest (fixed in JDK 19): it prints 2e23 as
    // 1.9999999999999998E23 and 2.31845256772633248E17 with 18 digits.
    assertEquals("2E+23", ShortestDecimal.format(2e23));
    assertEquals("231845256772633250", ShortestDecimal.format(2.31845256772633248E17));
    assertEquals("0.002", ShortestDecimal.format(2.0E-3));
    assertThrows(IllegalArgumentException.class, () -> ShortestDecimal.format(Double.NaN));
  }

  @Test
  void roundTripsAndIsNoLongerThanDoubleToString() {
    Random rng = new Random(81);
    for (int i = 0; i < 4000; i++) {
      double v = switch (i % 4) {
        case 0 -> rng.nextGaussian();
        case 1 -> rng.nextGaussian() * 1e6;
        case 2 -> Double.longBitsToDouble(rng.nextLong() & 0x7fefffffffffffffL);
        default -> Math.cos(i) * 1e-5;
      };
      String s = ShortestDecimal.format(v);
      assertEquals(v, Double.parseDouble(s), s);
      assertTrue(digits(s) <= digits(Double.toString(v)), s + " vs " + Double.toString(v));
    }
  }

  /** Significant digits of a decimal string. */
  private static int digits(String s) {
    String m = s.toUpperCase().split("E")[0].replace("-", "").replace(".", "");
    m = m.replaceFirst("^0+", "");
    m = m.replaceFirst("0+$", "");
    return Math.max(1, m.length());
  }
}
