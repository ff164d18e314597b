package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one list of names and the one factory: every kind, its defaults, and errors that name the bad value. */
class PositionSpecTest {
  private static PositionEncoding create(String name) { return PositionSpec.parse(name).create(256, 2, 1024); } // head dim 128

  @Test
  void everyNameBuildsAndParsesBack() {
    for (PositionKind k : PositionKind.values()) {
      PositionEncoding pe = create(k.cliName());
      assertEquals(k == PositionKind.FLAT ? "rope" : k.cliName(), pe.name());
      assertEquals(k.rotary(), pe instanceof Rope, k.cliName());
      if (pe instanceof Rope r) assertEquals(k.scheme(), r.scheme(), k.cliName());
      assertEquals(k, PositionKind.parse(k.cliName().toUpperCase().replace('-', '_')), "enum names parse too");
    }
    assertInstanceOf(Nope.class, create("nope"));
    assertInstanceOf(LearnedAbsolute.class, create("learned"));
    assertInstanceOf(Sinusoidal.class, create("sinusoidal"));
    assertEquals(2, ((Alibi) create("alibi")).nHeads());
  }

  @Test
  void eachVariantAnswersForTheOneWayItEntersADecoder() {
    for (PositionKind k : PositionKind.values()) {
      PositionEncoding pe = create(k.cliName());
      assertEquals(k.rotary(), pe.rotaryTable(4) != null, k + " rotates q/k");
      assertEquals(k == PositionKind.ALIBI, pe.logitSlopes() != null, k + " biases the logits");
      float[] x = new float[2 * 3 * 256];
      pe.addTo(x, 2, 3, 5);
      boolean touched = false;
      for (float v : x) touched |= v != 0f;
      assertEquals(k == PositionKind.SINUSOIDAL, touched, k + " adds to the (zero-initialised) embeddings");
    }
    assertArrayEquals(new float[] {1f / 16, 1f / 256}, ((Alibi) create("alibi")).logitSlopes()); // H = 2: 2^(−8h/2)
    // text rows of a multi-axis table are RoPE-1D's bit for bit (spec 04 §4)
    RopeTable tv = create("rope-tv").rotaryTable(9), one = create("rope").rotaryTable(9);
    for (int t = 0; t < 9; t++) {
      for (int i = 0; i < 64; i++) assertEquals(one.cos(t, i), tv.cos(t, i), 0.0);
    }
    assertNull(create("nope").rotaryTable(3));
  }

  @Test
  void rotaryDefaults() {
    Rope m = (Rope) create("mrope");
    assertEquals(PairLayout.HALF, m.layout());
    assertEquals(new AxisAssignment.Blocked(new int[] {16, 24, 24}), m.axes());
    assertEquals(PositionScheme.MROPE, m.scheme());
    Rope tv = (Rope) create("rope-tv");
    assertEquals(new AxisAssignment.Interleaved(2), tv.axes());
    assertEquals(PairLayout.ADJACENT, tv.layout());
    assertEquals(PositionScheme.ROPE_TV_3D, ((Rope) create("rope-3d")).scheme());
    assertEquals(PositionScheme.GRID, ((Rope) create("rope-2d")).scheme());
    Rope blocked = (Rope) PositionSpec.parse("rope-tv").withSections(40, 24).create(256, 2, 1);
    assertEquals(new AxisAssignment.Blocked(new int[] {40, 24}), blocked.axes());
    Rope partial = (Rope) PositionSpec.parse("rope").withRotaryDim(32).withPairLayout(PairLayout.HALF).create(256, 2, 1);
    assertEquals(32, partial.plan().rotaryDim());
    Rope halves = (Rope) PositionSpec.parse("rope-2d").withAxes(new AxisAssignment.Halves(2)).create(256, 2, 1);
    assertArrayEquals(FrequencyPlan.ropeTheta(64, 10000), java.util.Arrays.copyOfRange(halves.plan().theta(), 32, 64), 0.0);
    // The layout path: rope-tv assigns Sequence A like PositionScheme.ROPE_TV.
    assertArrayEquals(new double[] {5, 4.5}, tv.positions(Layout.parse("T T T I2x3 T T")).coords(3), 0.0);
    // rope-2d is the raw grid (spec 02 §3.6 b): patch (1, 2) of the image at (1, 2), text flat
    Positions grid = create("rope-2d").positions(Layout.parse("T T T I2x3 T T"));
    assertArrayEquals(new double[] {1, 2}, grid.coords(8), 0.0);
    assertArrayEquals(new double[] {9, 9}, grid.coords(9), 0.0);
  }

  @Test
  void mropeInterleavedSharesMropesCoordinatesAndSpreadsItsFrequencies() {
    // Same (t, h, w) coordinates and HALF pairs as mrope; frequency i turns with axis i mod 3 instead of
    // blocked sections, so every axis gets fast and slow frequencies (no sections needed at any head size).
    Rope i = (Rope) PositionSpec.parse("mrope-i").create(32, 2, 1); // head dim 16: 8 frequencies
    assertEquals(PositionScheme.MROPE, i.scheme());
    assertEquals(PairLayout.HALF, i.layout());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1}, i.plan().axisOf());
    Rope blocked = (Rope) PositionSpec.parse("mrope").withSections(2, 3, 3).create(32, 2, 1);
    assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2, 2}, blocked.plan().axisOf());
    Layout video = Layout.parse("T V2x3x2 T");
    for (int t = 0; t < video.tokens(); t++) {
      assertArrayEquals(blocked.positions(video).coords(t), i.positions(video).coords(t), 0.0, "token " + t);
    }
    var ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("mrope-i").withSections(2, 3, 3));
    assertTrue(ex.getMessage().startsWith("sections [2, 3, 3] are not allowed under position=mrope-i"), ex.getMessage());
  }

  @Test
  void specsAreValuesWithArraysComparedByContent() {
    PositionSpec a = PositionSpec.parse("mrope").withSections(2, 1, 1), b = PositionSpec.parse("MROPE").withSections(2, 1, 1);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(!a.equals(a.withBase(500)));
    assertEquals(new RopeScaling.Linear(2), RopeScaling.parse(new RopeScaling.Linear(2).describe()));
  }

  @Test
  void errorsNameTheBadValue() {
    var ex = assertThrows(IllegalArgumentException.class, () -> create("rope-xy"));
    assertTrue(ex.getMessage().contains("rope-xy") && ex.getMessage().contains("rope-tv"), ex.getMessage());
    // mrope at head dim 64 needs sections; sections must sum to d/2.
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("mrope").create(128, 2, 1));
    assertTrue(ex.getMessage().contains("64"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("mrope").withSections(8, 8, 8).create(128, 2, 1));
    assertTrue(ex.getMessage().contains("sum to 24"), ex.getMessage());
    // Head dim 6 cannot be split by INTERLEAVED(2); head dim 5 has no pairs.
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("rope-tv").create(12, 2, 1));
    assertTrue(ex.getMessage().contains("dim=6"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("rope").create(10, 2, 1));
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("rope").withSections(32, 32));
    assertTrue(ex.getMessage().contains("not allowed under position=rope"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("rope").create(10, 3, 1));
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("nope").withScaling(new RopeScaling.Linear(2)));
    assertTrue(ex.getMessage().contains("needs rotary positions"), ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class, () -> PositionSpec.parse("rope").withBase(1));
    assertTrue(ex.getMessage().contains("base=1.0"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PositionKind.parse("rope-tv4"));
  }

  @Test
  void nopeWarnsOnlyWhenBidirectional() {
    Nope n = new Nope();
    assertTrue(n.checkMask(true));
    assertTrue(!n.checkMask(false));
  }
}
