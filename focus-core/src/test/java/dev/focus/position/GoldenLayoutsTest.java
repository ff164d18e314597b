package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Further golden tables (transposed images, leading and adjacent blocks, thin and 1×1 images, video
 * under options (a) and (b), mixed sequences), derived independently from spec 04 §5 with exact
 * fractions by src/test/python/derive_position_golden.py, checked in as layouts-golden.tsv.
 */
class GoldenLayoutsTest {

  @Test
  void everyGoldenLayoutMatches() {
    Map<String, List<String[]>> groups = new LinkedHashMap<>();
    for (String[] row : Golden.rows("layouts-golden.tsv")) {
      groups.computeIfAbsent(row[0] + "\t" + row[1], k -> new java.util.ArrayList<>()).add(row);
    }
    assertTrue(groups.size() >= 50, "expected 10 layouts x 6 schemes, got " + groups.size());
    int checked = 0;
    for (var e : groups.entrySet()) {
      String[] key = e.getKey().split("\t");
      PositionScheme scheme = PositionKind.parse(key[0]).scheme();
      Layout layout = Layout.parse(key[1]);
      List<String[]> rows = e.getValue();
      if (rows.get(0)[2].equals("reject")) {
        assertThrows(IllegalArgumentException.class, () -> scheme.assign(layout), e.getKey());
        continue;
      }
      Positions p = scheme.assign(layout);
      assertEquals(rows.size(), p.tokens(), e.getKey());
      for (String[] r : rows) {
        int idx = Integer.parseInt(r[2]);
        assertEquals(r[3], p.kind(idx).label(), e.getKey() + " kind " + idx);
        assertArrayEquals(Golden.coords(r[4]), p.coords(idx), 0.0, e.getKey() + " token " + idx);
        checked++;
      }
    }
    assertTrue(checked > 400, "checked " + checked + " tokens");
  }

  @Test
  void transposedImageSwapsTheRoles() {
    // rope-tv, h×w vs w×h after the same text: β₁ and β₂ trade places, the gaps swap.
    Positions a = PositionScheme.ROPE_TV.assign(Layout.parse("T T T I2x3 T T"));
    Positions b = PositionScheme.ROPE_TV.assign(Layout.parse("T T T I3x2 T T"));
    assertArrayEquals(new double[] {5, 4.5}, a.coords(3), 0);
    assertArrayEquals(new double[] {4.5, 5}, b.coords(3), 0);
    assertArrayEquals(a.coords(9), b.coords(9), 0);
  }

  @Test
  void visualSpansAndMaskRule() {
    Positions p = PositionScheme.ROPE_TV.assign(Layout.parse("T I2x2 T V2x1x1"));
    assertEquals(List.of(new VisualSpan(1, 5, new Segment.Image(2, 2)), new VisualSpan(6, 8, new Segment.Video(2, 1, 1))), p.spans());
    assertTrue(p.attends(1, 4), "bidirectional inside an image");
    assertTrue(p.attends(4, 1));
    assertTrue(!p.attends(0, 1), "causal from text");
    assertTrue(!p.attends(4, 5), "causal across blocks");
    assertTrue(p.attends(6, 7), "bidirectional inside a video");
    assertEquals(-1, p.spanOf(5));
    assertEquals(1, p.spanOf(7));
  }

  @Test
  void malformedLayoutsNameTheSegment() {
    for (String bad : new String[] {"T X", "I0x3", "I2x", "V2x2", "I2x3x", "t", "I-1x2"}) {
      var ex = assertThrows(IllegalArgumentException.class, () -> Layout.parse(bad), bad);
      assertTrue(ex.getMessage().contains("'"), ex.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Layout.parse("  "));
    assertEquals("T T I2x3 V1x2x2", Layout.parse(" T  T I2x3 V1x2x2 ").toString());
  }
}
