package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spec 04 §6 property 9: prefill vs segment-by-segment vs token-by-token, positions and logits. */
class PositionCursorTest {

  /** Coordinates built segment by segment, text one token at a time. */
  static double[][] incremental(PositionScheme s, Layout layout) {
    PositionCursor state = s.start();
    double[][] out = new double[layout.tokens()][];
    int k = 0;
    for (Segment seg : layout.segments()) {
      if (seg instanceof Segment.Text t) {
        for (int i = 0; i < t.count(); i++) {
          double[] peek = state.peekText();
          double[] c = state.appendText();
          assertArrayEquals(peek, c, 0.0, "peek = append");
          out[k++] = c;
        }
      } else {
        for (double[] c : state.append(seg)) out[k++] = c;
      }
    }
    assertEquals(layout.tokens(), state.tokens());
    return out;
  }

  @Test
  void prefillEqualsIncrementalPositions() {
    Random rng = new Random(61);
    for (int trial = 0; trial < 300; trial++) {
      for (PositionScheme s : PositionScheme.values()) {
        Layout layout = LayoutPropertiesTest.randomLayout(rng, LayoutPropertiesTest.videoAllowed(s));
        Positions p = s.assign(layout);
        double[][] inc = incremental(s, layout);
        for (int t = 0; t < p.tokens(); t++) assertArrayEquals(p.coords(t), inc[t], 0.0, s + " " + layout + " token " + t);
        // Continuing after prefill equals having the extra text in the layout.
        PositionCursor st = p.cursor();
        double[] next = st.appendText();
        Positions longer = s.assign(new Layout(concat(layout, new Segment.Text(1))));
        assertArrayEquals(longer.coords(longer.tokens() - 1), next, 0.0, s + " " + layout + " next");
      }
    }
  }

  private static java.util.List<Segment> concat(Layout l, Segment s) {
    var list = new java.util.ArrayList<>(l.segments());
    list.add(s);
    return list;
  }

  @Test
  void fullForwardLogitsEqualCachedDecodingLogits() {
    // Scores q_n·k_m of rotated q, k: one table for the whole sequence vs one 1-row table per step
    // (keys cached as rotated at their own step). float64 within 1e-12, float32 within 1e-5.
    Random rng = new Random(62);
    int nh = 2, hs = 24;
    for (PositionScheme s : PositionScheme.values()) {
      Layout layout = s == PositionScheme.ROPE_TIE || s == PositionScheme.ROPE_TIE_FRAC
          ? Layout.parse("T T I2x3 T I3x1 T T T") : Layout.parse("T T I2x3 T V2x2x1 T T T");
      AxisAssignment axes = s.axes() == 1 ? AxisAssignment.oneD() : new AxisAssignment.Interleaved(s.axes());
      FrequencyPlan plan = FrequencyPlan.of(hs, 10000, axes, s == PositionScheme.MROPE ? PairLayout.HALF : PairLayout.ADJACENT);
      Positions p = s.assign(layout);
      int t = p.tokens();
      double[] q = new double[t * nh * hs], k = new double[t * nh * hs];
      for (int i = 0; i < q.length; i++) { q[i] = rng.nextGaussian(); k[i] = rng.nextGaussian(); }
      float[] qf = toFloat(q), kf = toFloat(k);

      double[] q1 = q.clone(), k1 = k.clone();
      float[] qf1 = qf.clone(), kf1 = kf.clone();
      RopeTable full = RopeTable.of(plan, p.coords());
      full.rotate(q1, nh, hs, false);
      full.rotate(k1, nh, hs, false);
      full.rotate(qf1, nh, hs);
      full.rotate(kf1, nh, hs);

      double[][] inc = incremental(s, layout);
      double[] q2 = q.clone(), k2 = k.clone();
      float[] qf2 = qf.clone(), kf2 = kf.clone();
      for (int step = 0; step < t; step++) {
        RopeTable one = RopeTable.of(plan, new double[][] {inc[step]});
        int off = step * nh * hs;
        one.rotate(q2, off, 0, 1, nh, hs, false);
        one.rotate(k2, off, 0, 1, nh, hs, false);
        one.rotate(qf2, off, 0, 1, nh, hs, false);
        one.rotate(kf2, off, 0, 1, nh, hs, false);
      }
      for (int h = 0; h < nh; h++) {
        for (int n = 0; n < t; n++) {
          for (int m = 0; m < t; m++) {
            if (!p.attends(n, m)) continue;
            assertEquals(score(q1, k1, n, m, h, nh, hs), score(q2, k2, n, m, h, nh, hs), 1e-12, s + " f64 " + n + "," + m);
            assertEquals(score(qf1, kf1, n, m, h, nh, hs), score(qf2, kf2, n, m, h, nh, hs), 1e-5, s + " f32 " + n + "," + m);
          }
        }
      }
    }
  }

  static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
    return f;
  }

  static double score(double[] q, double[] k, int n, int m, int h, int nh, int hs) {
    double s = 0;
    for (int j = 0; j < hs; j++) s += q[(n * nh + h) * hs + j] * k[(m * nh + h) * hs + j];
    return s;
  }

  static double score(float[] q, float[] k, int n, int m, int h, int nh, int hs) {
    double s = 0;
    for (int j = 0; j < hs; j++) s += (double) q[(n * nh + h) * hs + j] * k[(m * nh + h) * hs + j];
    return s;
  }

  @Test
  void ropeDeltaPerScheme() {
    Layout a = Layout.parse("T T T I2x3 T T");
    assertEquals(-3.0, PositionScheme.MROPE.assign(a).cursor().ropeDelta());
    assertEquals(0.0, PositionScheme.ROPE_TV.assign(a).cursor().ropeDelta());
    assertEquals(5.0, PositionScheme.ROPE_TIE.assign(a).cursor().ropeDelta(), "index + Σ(w+h)");
    assertEquals(0.0, PositionScheme.MROPE.assign(Layout.text(9)).cursor().ropeDelta());
  }

  @Test
  void videoUnderRopeTieIsRejectedNamingTheSegment() {
    var ex = assertThrows(IllegalArgumentException.class, () -> PositionScheme.ROPE_TIE.start().append(new Segment.Video(2, 2, 2)));
    assertEquals(true, ex.getMessage().contains("V2x2x2"), ex.getMessage());
  }
}
