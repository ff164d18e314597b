package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The factory: every name, its defaults, and errors that name the bad value. */
class PositionEncodingsTest {
  private static final PositionOptions O = PositionOptions.of(256, 2); // head dim 128

  @Test
  void everyNameBuilds() {
    for (String name : PositionEncodings.NAMES) {
      PositionEncoding pe = PositionEncodings.create(name, O);
      assertEquals(name.equals("flat") ? "rope" : name, pe.name());
    }
    assertInstanceOf(NoPe.class, PositionEncodings.create("nope", O));
    assertInstanceOf(LearnedAbsolute.class, PositionEncodings.create("learned", O));
    assertInstanceOf(Sinusoidal.class, PositionEncodings.create("sinusoidal", O));
    assertEquals(2, ((Alibi) PositionEncodings.create("alibi", O)).nHeads());
  }

  @Test
  void rotaryDefaults() {
    Rope m = (Rope) PositionEncodings.create("mrope", O);
    assertEquals(PairLayout.HALF, m.layout());
    assertEquals(new AxisAssignment.Blocked(new int[] {16, 24, 24}), m.axes());
    assertEquals(PositionScheme.MROPE, m.scheme());
    Rope tv = (Rope) PositionEncodings.create("rope-tv", O);
    assertEquals(new AxisAssignment.Interleaved(2), tv.axes());
    assertEquals(PairLayout.ADJACENT, tv.layout());
    assertEquals(PositionScheme.ROPE_TV_3D, ((Rope) PositionEncodings.create("rope-3d", O)).scheme());
    Rope blocked = (Rope) PositionEncodings.create("rope-tv", O.withSections(40, 24));
    assertEquals(new AxisAssignment.Blocked(new int[] {40, 24}), blocked.axes());
    Rope partial = (Rope) PositionEncodings.create("rope", O.withRotaryDim(32).withPairLayout(PairLayout.HALF));
    assertEquals(32, partial.plan().rotaryDim());
    Rope halves = (Rope) PositionEncodings.create("rope-2d", O.withAxes(new AxisAssignment.Halves(2)));
    assertArrayEquals(FrequencyPlan.ropeTheta(64, 10000), java.util.Arrays.copyOfRange(halves.plan().theta(), 32, 64), 0.0);
    // The layout path: rope-tv assigns Sequence A like PositionScheme.ROPE_TV.
    assertArrayEquals(new double[] {5, 4.5}, tv.positions(Layout.parse("T T T I2x3 T T")).coords(3), 0.0);
  }

  @Test
  void errorsNameTheBadValue() {
    var ex = assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("rope-xy", O));
    assertTrue(ex.getMessage().contains("rope-xy"), ex.getMessage());
    // mrope at head dim 64 needs sections; sections must sum to d/2.
    PositionOptions small = PositionOptions.of(128, 2);
    ex = assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("mrope", small));
    assertTrue(ex.getMessage().contains("64"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("mrope", small.withSections(8, 8, 8)));
    assertTrue(ex.getMessage().contains("sum to 24"), ex.getMessage());
    // Head dim 6 cannot be split by INTERLEAVED(2); head dim 5 has no pairs.
    ex = assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("rope-tv", PositionOptions.of(12, 2)));
    assertTrue(ex.getMessage().contains("dim=6"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("rope", PositionOptions.of(10, 2)));
    assertThrows(IllegalArgumentException.class, () -> PositionEncodings.create("rope", O.withSections(32, 32)));
    assertThrows(IllegalArgumentException.class, () -> PositionOptions.of(10, 3));
    assertThrows(IllegalArgumentException.class, () -> PositionScheme.fromName("rope-tv4"));
  }

  @Test
  void nopeWarnsOnlyWhenBidirectional() {
    NoPe n = new NoPe();
    assertTrue(n.checkMask(true));
    assertTrue(!n.checkMask(false));
  }
}
