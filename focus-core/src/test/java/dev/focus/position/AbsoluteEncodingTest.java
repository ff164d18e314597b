package dev.focus.position;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.testing.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Learned absolute and sinusoidal encodings: values, forward, and finite-difference backward. */
class AbsoluteEncodingTest {

  static float[] gaussian(Random rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
    return v;
  }

  @Test
  void learnedForwardAddsTheRows() {
    LearnedAbsolute pe = new LearnedAbsolute(6, 3);
    for (int i = 0; i < 18; i++) pe.table()[i] = i;
    float[] x = new float[2 * 3];
    pe.forward(x, 0, 4, 2);
    assertClose("rows 4, 5", new float[] {12, 13, 14, 15, 16, 17}, x, 0, 0);
    float[] y = new float[2 * 3];
    pe.forward(y, 0, new double[] {0, 5});
    assertClose("rows 0, 5", new float[] {0, 1, 2, 15, 16, 17}, y, 0, 0);
  }

  @Test
  void learnedRejectsPositionsPastTheTable() {
    LearnedAbsolute pe = new LearnedAbsolute(4, 2);
    assertThrows(IllegalArgumentException.class, () -> pe.forward(new float[4], 0, 3, 2));
    var ex = assertThrows(IllegalArgumentException.class, () -> pe.forward(new float[2], 0, new double[] {4}));
    assertTrue(ex.getMessage().contains("4"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> pe.forward(new float[2], 0, new double[] {1.5}));
    assertThrows(IllegalArgumentException.class, () -> pe.forward(new float[2], 0, new double[] {-1}));
  }

  @Test
  void learnedBackwardFiniteDifferences() {
    Random rng = new Random(71);
    int n = 5, c = 3, t = 4;
    LearnedAbsolute pe = new LearnedAbsolute(n, c);
    pe.initNormal(rng, 0.5);
    float[] x = gaussian(rng, t * c), dOut = gaussian(rng, t * c);
    double[] positions = {1, 3, 1, 4}; // position 1 twice: its gradient accumulates
    float[] dTable = new float[n * c];
    pe.backward(dTable, dOut, 0, positions);
    GradCheck.check("dTable", pe.table(), dTable, () -> {
      float[] y = x.clone();
      pe.forward(y, 0, positions);
      return GradCheck.dot(y, dOut);
    }, 1e-2f, 1e-3, 1e-3);
    // Input gradient passes through: ∂Σ(x + table)·dOut/∂x = dOut.
    GradCheck.check("dx", x, dOut.clone(), () -> {
      float[] y = x.clone();
      pe.forward(y, 0, positions);
      return GradCheck.dot(y, dOut);
    }, 1e-2f, 1e-3, 1e-3);
    // Contiguous form accumulates too.
    float[] d2 = new float[n * c];
    pe.backward(d2, dOut, 0, 1, t);
    pe.backward(d2, dOut, 0, 1, t);
    assertEquals(2 * dOut[0], d2[c], 1e-6);
  }

  @Test
  void sinusoidalValues() {
    Sinusoidal s = new Sinusoidal(8);
    // e(n)[2i] = sin(n ω_i), e(n)[2i+1] = cos(n ω_i), ω_i = 10000^(−2i/8).
    for (int n = 0; n < 5; n++) {
      for (int i = 0; i < 4; i++) {
        double w = Math.pow(10000, -2.0 * i / 8);
        assertEquals(Math.sin(n * w), s.value(n, 2 * i), 1e-15);
        assertEquals(Math.cos(n * w), s.value(n, 2 * i + 1), 1e-15);
      }
    }
    Sinusoidal split = new Sinusoidal(8, Sinusoidal.Order.SPLIT);
    assertEquals(Math.sin(3 * 0.1), split.value(3, 1), 1e-15);
    assertEquals(Math.cos(3 * 0.1), split.value(3, 5), 1e-15);
    float[] x = new float[2 * 8];
    s.forward(x, 0, 0, 2);
    assertEquals(1f, x[1]);
    assertEquals((float) Math.sin(1), x[8]);
    assertThrows(IllegalArgumentException.class, () -> new Sinusoidal(7));
  }

  @Test
  void sinusoidalBackwardPassesThroughAndGainGradient() {
    Random rng = new Random(72);
    Sinusoidal s = new Sinusoidal(6);
    double[] pos = {0, 2, 5};
    float[] x = gaussian(rng, 3 * 6), dOut = gaussian(rng, 3 * 6);
    double[] gain = {0.7};
    GradCheck.check("dx", x, dOut.clone(), () -> {
      float[] y = x.clone();
      s.forward(y, 0, pos, gain[0]);
      return GradCheck.dot(y, dOut);
    }, 1e-2f, 1e-3, 1e-3);
    double analytic = s.gainGradient(dOut, 0, pos);
    GradCheck.check("dGain", gain, new double[] {analytic}, () -> {
      double[] e = s.encode(pos);
      double sum = 0;
      for (int k = 0; k < e.length; k++) sum += (x[k] + gain[0] * e[k]) * dOut[k];
      return sum;
    }, 1e-6, 1e-8, 1e-8);
  }

  @Test
  void aDecoderAddsTheSameBitsPerSequenceAndTheLearnedGradientSumsOverTheBatch() {
    Random rng = new Random(73);
    int b = 3, t = 5, c = 4, n = 9;
    // learned: every sequence gets rows pos0.., and the batch's gradient is the per-sequence one summed
    LearnedAbsolute pe = new LearnedAbsolute(n, c);
    pe.initNormal(rng, 0.5);
    float[] x = gaussian(rng, b * t * c), dOut = gaussian(rng, b * t * c), dTable = new float[n * c];
    float[] y = x.clone();
    pe.addTo(y, b, t, 2);
    for (int s = 0; s < b; s++) {
      float[] one = java.util.Arrays.copyOfRange(x, s * t * c, (s + 1) * t * c);
      pe.forward(one, 0, 2, t);
      assertClose("learned sequence " + s, one, java.util.Arrays.copyOfRange(y, s * t * c, (s + 1) * t * c), 0, 0);
    }
    pe.addToBackward(dTable, dOut, b, t);
    GradCheck.check("learned dTable over a batch", pe.table(), dTable, () -> {
      float[] z = x.clone();
      pe.addTo(z, b, t, 0);
      return GradCheck.dot(z, dOut);
    }, 1e-2f, 1e-3, 1e-3);
    // sinusoidal: the cached float table gives exactly forward's one rounding per value, at any offset
    Sinusoidal sin = new Sinusoidal(c);
    for (int pos0 : new int[] {0, 7, 40}) {
      float[] viaTable = x.clone();
      sin.addTo(viaTable, b, t, pos0);
      for (int s = 0; s < b; s++) {
        float[] one = java.util.Arrays.copyOfRange(x, s * t * c, (s + 1) * t * c);
        sin.forward(one, 0, pos0, t);
        assertClose("sinusoidal sequence " + s + " from " + pos0, one,
            java.util.Arrays.copyOfRange(viaTable, s * t * c, (s + 1) * t * c), 0, 0);
      }
    }
  }
}
