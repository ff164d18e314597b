package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec 04 §7 Sequence A, read from sequence-a.tsv, against every scheme's assignment. */
class SequenceATest {
  private static final Layout A = Layout.parse("T T T I2x3 T T");
  private static final PositionScheme[] COLUMNS = {
      PositionScheme.FLAT, PositionScheme.ROPE_TV, PositionScheme.ROPE_TIE, PositionScheme.ROPE_TIE_FRAC, PositionScheme.MROPE};

  @Test
  void everySchemeMatchesTheSpecTable() {
    List<String[]> rows = Golden.rows("sequence-a.tsv");
    assertEquals(11, rows.size());
    for (int c = 0; c < COLUMNS.length; c++) {
      Positions p = COLUMNS[c].assign(A);
      assertEquals(11, p.tokens());
      for (String[] row : rows) {
        int idx = Integer.parseInt(row[0]);
        assertEquals(row[1], p.kind(idx).label(), "kind of token " + idx);
        // Fractions p/q are the double nearest p/q on both sides (one rounding), so equality is exact.
        assertArrayEquals(Golden.coords(row[2 + c]), p.coords(idx), 0.0, COLUMNS[c] + " token " + idx);
      }
    }
  }

  @Test
  void integralAndHalfIntegerEntriesAreExact() {
    Positions tv = PositionScheme.ROPE_TV.assign(A);
    assertArrayEquals(new double[] {5, 4.5}, tv.coords(3), 0.0);
    assertArrayEquals(new double[] {6, 6.5}, tv.coords(8), 0.0);
    assertArrayEquals(new double[] {9, 9}, tv.coords(9), 0.0);
  }

  @Test
  void mropeDeltaIsMinusThree() {
    assertEquals(-3.0, PositionScheme.MROPE.assign(A).cursor().ropeDelta());
  }

  @Test
  void gapTable() {
    // Spec 04 §7 gap check: left gap = first patch − pos[2]; right gap = pos[9] − last patch.
    double[][] tv = gaps(PositionScheme.ROPE_TV);
    assertArrayEquals(new double[] {3, 2.5}, tv[0], 0);
    assertArrayEquals(new double[] {3, 2.5}, tv[1], 0);
    double[][] tie = gaps(PositionScheme.ROPE_TIE);
    assertArrayEquals(new double[] {4, 3}, tie[0], 0);
    assertArrayEquals(new double[] {4, 3}, tie[1], 0);
    double[][] frac = gaps(PositionScheme.ROPE_TIE_FRAC);
    assertArrayEquals(new double[] {7.0 / 3, 7.0 / 4}, frac[0], 1e-15);
    assertArrayEquals(new double[] {7.0 / 3, 7.0 / 4}, frac[1], 1e-15);
    double[][] m = gaps(PositionScheme.MROPE);
    assertArrayEquals(new double[] {1, 1, 1}, m[0], 0);
    assertArrayEquals(new double[] {3, 2, 1}, m[1], 0);
  }

  private static double[][] gaps(PositionScheme s) {
    Positions p = s.assign(A);
    double[] before = p.coords(2), first = p.coords(3), last = p.coords(8), after = p.coords(9);
    double[] left = new double[before.length], right = new double[before.length];
    for (int a = 0; a < before.length; a++) {
      left[a] = first[a] - before[a];
      right[a] = after[a] - last[a];
    }
    return new double[][] {left, right};
  }
}
