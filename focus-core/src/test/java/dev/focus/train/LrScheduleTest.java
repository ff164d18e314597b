package dev.focus.train;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void warmupIsLinearFromMaxOverW() {
    LrSchedule s = new LrSchedule(1e-3, 1e-4, 10, 110);
    assertClose("s=0", 1e-4, s.at(0), 1e-15, 1e-12);
    assertClose("s=4", 5e-4, s.at(4), 1e-15, 1e-12);
    assertClose("s=9", 1e-3, s.at(9), 1e-15, 1e-12);
  }

  @Test
  void cosineGoesFromMaxThroughMidpointToMin() {
    LrSchedule s = new LrSchedule(1e-3, 1e-4, 10, 110);
    assertClose("start of cosine", 1e-3, s.at(10), 1e-15, 1e-12);
    assertClose("half way", 1e-4 + 0.5 * 9e-4, s.at(60), 1e-15, 1e-12);
    // p = 0.25: min + ½(max−min)(1 + cos π/4)
    assertClose("quarter", 1e-4 + 0.5 * 9e-4 * (1 + Math.sqrt(0.5)), s.at(35), 1e-15, 1e-12);
    assertClose("end", 1e-4, s.at(110), 1e-15, 1e-12);
    assertClose("past end", 1e-4, s.at(500), 1e-15, 1e-12);
  }

  @Test
  void noWarmupStartsAtMax() {
    LrSchedule s = new LrSchedule(2.0, 0.0, 0, 4);
    assertClose("values", new double[] {2.0, 1 + Math.cos(Math.PI / 4), 1.0, 1 + Math.cos(3 * Math.PI / 4)},
        new double[] {s.at(0), s.at(1), s.at(2), s.at(3)}, 1e-12, 0);
  }

  @Test
  void rejectsBadValues() {
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 2, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 0, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 0, 0, 0));
  }
}
