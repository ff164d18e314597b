package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Spec 04 §6 properties 4–9 on random layouts (fixed seeds). */
class LayoutPropertiesTest {
  /** The layout rules of spec 04 (GRID, spec 02's raw grid ablation, is checked on its own below). */
  private static final PositionScheme[] ALL = java.util.EnumSet.complementOf(java.util.EnumSet.of(PositionScheme.GRID))
      .toArray(new PositionScheme[0]);

  static boolean videoAllowed(PositionScheme s) {
    return s != PositionScheme.ROPE_TIE && s != PositionScheme.ROPE_TIE_FRAC;
  }

  /** A random layout of 1–6 segments; images up to 5×5, videos up to 3×4×4 (if the scheme has a video rule). */
  static Layout randomLayout(Random rng, boolean videos) {
    List<Segment> segs = new ArrayList<>();
    int n = 1 + rng.nextInt(6);
    for (int i = 0; i < n; i++) {
      int kind = rng.nextInt(videos ? 3 : 2);
      if (kind == 0) segs.add(new Segment.Text(1 + rng.nextInt(3)));
      else if (kind == 1) segs.add(new Segment.Image(1 + rng.nextInt(5), 1 + rng.nextInt(5)));
      else segs.add(new Segment.Video(1 + rng.nextInt(3), 1 + rng.nextInt(4), 1 + rng.nextInt(4)));
    }
    return new Layout(segs);
  }

  static double[] fill(int axes, double v) {
    double[] c = new double[axes];
    Arrays.fill(c, v);
    return c;
  }

  @Test
  void pureTextIsFlatOnEveryAxis() {
    for (PositionScheme s : ALL) {
      Positions p = s.assign(Layout.text(40));
      for (int t = 0; t < 40; t++) assertArrayEquals(fill(s.axes(), t), p.coords(t), 0.0, s + " token " + t);
    }
  }

  @Test
  void textBeforeTheFirstBlockIsFlatAndAllTextIsFlatUnderEquivalentSchemes() {
    Random rng = new Random(51);
    for (int trial = 0; trial < 300; trial++) {
      for (PositionScheme s : ALL) {
        Layout layout = randomLayout(rng, videoAllowed(s));
        Positions p = s.assign(layout);
        boolean beforeBlock = true;
        boolean allTextFlat = s == PositionScheme.ROPE_TV || s == PositionScheme.ROPE_TV_3D
            || s == PositionScheme.ROPE_TIE_FRAC || s == PositionScheme.FLAT;
        for (int t = 0; t < p.tokens(); t++) {
          if (p.kind(t) == TokenKind.PATCH) beforeBlock = false;
          else if (beforeBlock || allTextFlat) assertArrayEquals(fill(s.axes(), t), p.coords(t), 0.0, s + " " + layout + " token " + t);
        }
      }
    }
  }

  @Test
  void equivalenceNextTextAtLPlusNPlusOne() {
    Random rng = new Random(52);
    for (PositionScheme s : new PositionScheme[] {PositionScheme.FLAT, PositionScheme.ROPE_TIE_FRAC, PositionScheme.ROPE_TV,
        PositionScheme.ROPE_TV_3D}) {
      for (int trial = 0; trial < 200; trial++) {
        int lead = rng.nextInt(4);
        Segment block = videoAllowed(s) && rng.nextBoolean()
            ? new Segment.Video(1 + rng.nextInt(3), 1 + rng.nextInt(6), 1 + rng.nextInt(6))
            : new Segment.Image(1 + rng.nextInt(8), 1 + rng.nextInt(8));
        List<Segment> segs = new ArrayList<>();
        if (lead > 0) segs.add(new Segment.Text(lead));
        segs.add(block);
        segs.add(new Segment.Text(1));
        Positions p = s.assign(new Layout(segs));
        double L = lead - 1;
        assertArrayEquals(fill(s.axes(), L + block.tokens() + 1), p.coords(p.tokens() - 1), 0.0, s + " " + block);
      }
    }
  }

  @Test
  void equivalenceFailsForRopeTieAlwaysAndForMropeOnceTwoSidesExceedOne() {
    Random rng = new Random(53);
    for (int trial = 0; trial < 100; trial++) {
      int h = 1 + rng.nextInt(6), w = 1 + rng.nextInt(6);
      Positions p = PositionScheme.ROPE_TIE.assign(Layout.of(new Segment.Text(2), new Segment.Image(h, w), new Segment.Text(1)));
      assertNotEquals(1 + h * w + 1, p.coords(p.tokens() - 1)[0], "rope-tie " + h + "x" + w);
      assertEquals(1 + (w + 1) * (h + 1), p.coords(p.tokens() - 1)[0], 0.0);

      int t = 1 + rng.nextInt(3);
      Positions m = PositionScheme.MROPE.assign(Layout.of(new Segment.Text(2), new Segment.Video(t, h, w), new Segment.Text(1)));
      int bigSides = (t > 1 ? 1 : 0) + (h > 1 ? 1 : 0) + (w > 1 ? 1 : 0);
      boolean equivalent = m.coords(m.tokens() - 1)[0] == 1 + t * h * w + 1;
      assertEquals(bigSides < 2, equivalent, "mrope " + t + "x" + h + "x" + w);
    }
  }

  /** Left and right gap per axis around the single block of "T T block T". */
  static double[][] gaps(PositionScheme s, Segment block) {
    Positions p = s.assign(Layout.of(new Segment.Text(2), block, new Segment.Text(1)));
    int n = p.tokens();
    double[] before = p.coords(1), after = p.coords(n - 1);
    double[] left = new double[s.axes()], right = new double[s.axes()];
    for (int a = 0; a < s.axes(); a++) {
      double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
      for (int t = 2; t < n - 1; t++) {
        lo = Math.min(lo, p.coords(t)[a]);
        hi = Math.max(hi, p.coords(t)[a]);
      }
      left[a] = lo - before[a];
      right[a] = after[a] - hi;
    }
    return new double[][] {left, right};
  }

  @Test
  void symmetryLeftGapEqualsRightGap() {
    Random rng = new Random(54);
    for (int trial = 0; trial < 200; trial++) {
      int t = 1 + rng.nextInt(4), h = 1 + rng.nextInt(7), w = 1 + rng.nextInt(7);
      for (PositionScheme s : new PositionScheme[] {PositionScheme.ROPE_TIE, PositionScheme.ROPE_TIE_FRAC, PositionScheme.ROPE_TV}) {
        double[][] g = gaps(s, new Segment.Image(h, w));
        assertArrayEquals(g[0], g[1], 1e-12, s + " I" + h + "x" + w);
      }
      double[][] g3 = gaps(PositionScheme.ROPE_TV_3D, new Segment.Video(t, h, w));
      assertArrayEquals(g3[0], g3[1], 0.0, "rope-tv-3d V" + t + "x" + h + "x" + w);
      double[][] gm = gaps(PositionScheme.MROPE, new Segment.Video(t, h, w));
      boolean symmetric = Arrays.equals(gm[0], gm[1]);
      assertEquals(t == h && h == w, symmetric, "mrope V" + t + "x" + h + "x" + w + " gaps " + Arrays.deepToString(gm));
    }
    // Every image larger than 1×1 breaks M-RoPE's symmetry (T = 1 < max(H, W)).
    double[][] gm = gaps(PositionScheme.MROPE, new Segment.Image(2, 2));
    assertTrue(!Arrays.equals(gm[0], gm[1]));
  }

  @Test
  void scaleConsistencyUnderCrops() {
    // Patch pair (10, 20) and (30, 50), inside a 128×128 image, its top half (64 rows) and left half (64 cols).
    Segment full = new Segment.Image(128, 128), top = new Segment.Image(64, 128), left = new Segment.Image(128, 64);
    for (PositionScheme s : PositionScheme.values()) {
      double[] dFull = pairDiff(s, full), dTop = pairDiff(s, top), dLeft = pairDiff(s, left);
      boolean topKeeps = Arrays.equals(dFull, dTop), leftKeeps = Arrays.equals(dFull, dLeft);
      switch (s) {
        case ROPE_TV, ROPE_TV_3D, MROPE, GRID -> { assertTrue(topKeeps, s + " top"); assertTrue(leftKeeps, s + " left"); }
        case ROPE_TIE, ROPE_TIE_FRAC -> assertTrue(!topKeeps, s + " must fail on the top half");
        case FLAT -> { assertTrue(topKeeps, "flat keeps rows of equal width"); assertTrue(!leftKeeps, "flat fails on the left half"); }
        default -> throw new IllegalStateException();
      }
    }
  }

  private static double[] pairDiff(PositionScheme s, Segment img) {
    Positions p = s.assign(Layout.of(new Segment.Text(3), img, new Segment.Text(1)));
    int cols = ((Segment.Image) img).cols();
    double[] a = p.coords(3 + 10 * cols + 20), b = p.coords(3 + 30 * cols + 50);
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = b[i] - a[i];
    return d;
  }

  @Test
  void uniquenessAndMinimumTableRowDistance() {
    Random rng = new Random(55);
    for (PositionScheme s : ALL) {
      double minDist = Double.POSITIVE_INFINITY;
      for (int trial = 0; trial < 40; trial++) {
        Layout layout = randomLayout(rng, videoAllowed(s));
        Positions p = s.assign(layout);
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < p.tokens(); t++) {
          assertTrue(seen.add(Arrays.toString(p.coords(t))), s + " " + layout + ": duplicate tuple at token " + t);
        }
        int d = s.axes() == 2 ? 16 : 18;
        AxisAssignment axes = s.axes() == 1 ? AxisAssignment.oneD() : new AxisAssignment.Interleaved(s.axes());
        RopeTable table = RopeTable.of(FrequencyPlan.of(d, 10000, axes, PairLayout.ADJACENT), p.coords());
        for (int i = 0; i < p.tokens(); i++) {
          for (int j = 0; j < i; j++) {
            double sq = 0;
            for (int k = 0; k < d / 2; k++) {
              double dc = table.cos(i, k) - table.cos(j, k), ds = table.sin(i, k) - table.sin(j, k);
              sq += dc * dc + ds * ds;
            }
            minDist = Math.min(minDist, Math.sqrt(sq));
          }
        }
      }
      System.out.printf("uniqueness %-13s min cos/sin-row distance %.4f%n", s, minDist);
      assertTrue(minDist > 1e-3, s + " rows too close: " + minDist);
    }
  }

  @Test
  void ropeTvWithGeneralGammaKeepsSymmetryAndEquivalence() {
    // Spec 04 §5 ablation: β₁ = L+½[wh+1−(h+1)γ₁], β₂ = L+½[wh+1−(w+1)γ₂], patch (i, j) → (β₁+iγ₁, β₂+jγ₂).
    Layout a = Layout.parse("T T T I2x3 T T");
    Positions g1 = PositionScheme.ROPE_TV.assign(a, 1.0, 1.0);
    for (int t = 0; t < g1.tokens(); t++) assertArrayEquals(PositionScheme.ROPE_TV.assign(a).coords(t), g1.coords(t), 0.0);
    Positions g = PositionScheme.ROPE_TV.assign(a, 2.0, 0.5);
    // L = 2, wh = 6: β₁ = 2 + ½(7 − 3·2) = 2.5, β₂ = 2 + ½(7 − 4·0.5) = 4.5.
    assertArrayEquals(new double[] {4.5, 5.0}, g.coords(3), 0.0);
    assertArrayEquals(new double[] {6.5, 6.0}, g.coords(8), 0.0);
    assertArrayEquals(new double[] {9, 9}, g.coords(9), 0.0);
    Random rng = new Random(56);
    for (int trial = 0; trial < 100; trial++) {
      int h = 1 + rng.nextInt(6), w = 1 + rng.nextInt(6);
      double gr = 0.25 * (1 + rng.nextInt(12)), gc = 0.25 * (1 + rng.nextInt(12));
      Positions p = PositionScheme.ROPE_TV.assign(Layout.of(new Segment.Text(2), new Segment.Image(h, w), new Segment.Text(1)), gr, gc);
      int n = p.tokens();
      double[] before = p.coords(1), first = p.coords(2), last = p.coords(n - 2), after = p.coords(n - 1);
      for (int ax = 0; ax < 2; ax++) assertEquals(first[ax] - before[ax], after[ax] - last[ax], 1e-12, "symmetry γ=" + gr + "," + gc);
      assertArrayEquals(new double[] {1 + h * w + 1, 1 + h * w + 1}, after, 0.0, "equivalence");
    }
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PositionScheme.MROPE.start(2, 1));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PositionScheme.ROPE_TV.start(0, 1));
  }

  @Test
  void gridPutsPatchesAtTheirRawPositionsAndKeepsTextFlat() {
    // spec 02 §3.6 (b): wherever the image sits, patch (i, j) is at (i, j); text keeps its flat index
    Positions p = PositionScheme.GRID.assign(Layout.parse("T T I2x3 T V2x1x2 T"));
    double[][] want = {{0, 0}, {1, 1}, {0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {8, 8},
        {0, 0}, {0, 1}, {0, 0}, {0, 1}, {13, 13}};
    assertEquals(want.length, p.tokens());
    for (int t = 0; t < want.length; t++) assertArrayEquals(want[t], p.coords(t), 0.0, "token " + t);
  }
}
