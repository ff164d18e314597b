package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ALiBi slopes (spec 04 §3.3, spec 05 P15) and the bias. */
class AlibiTest {

  @Test
  void slopesForPowersOfTwoP15() {
    assertArrayEquals(new double[] {0.5, 0.25, 0.125, 0.0625, 1 / 32.0, 1 / 64.0, 1 / 128.0, 1 / 256.0}, Alibi.slopes(8), 0.0);
    assertArrayEquals(new double[] {0.25, 1 / 16.0, 1 / 64.0, 1 / 256.0}, Alibi.slopes(4), 0.0);
    assertArrayEquals(new double[] {1 / 256.0}, Alibi.slopes(1), 0.0);
  }

  @Test
  void slopesForOtherHeadCounts() {
    // Spec 05: H = 6 → 1/4, 1/16, 1/64, 1/256, 1/2, 1/8.
    assertArrayEquals(new double[] {0.25, 1 / 16.0, 1 / 64.0, 1 / 256.0, 0.5, 0.125}, Alibi.slopes(6), 0.0);
    // Spec 04: H = 12 → 2^−1…2^−8, then 2^−0.5, 2^−1.5, 2^−2.5, 2^−3.5.
    double[] s12 = Alibi.slopes(12);
    for (int h = 1; h <= 8; h++) assertEquals(Math.pow(2, -h), s12[h - 1], 0.0);
    assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5) / 2, Math.sqrt(0.5) / 4, Math.sqrt(0.5) / 8},
        java.util.Arrays.copyOfRange(s12, 8, 12), 1e-16);
    // H = 3: P = 2 → 2^−4, 2^−8, then 2^−2.
    assertArrayEquals(new double[] {1 / 16.0, 1 / 256.0, 0.25}, Alibi.slopes(3), 0.0);
    assertThrows(IllegalArgumentException.class, () -> Alibi.slopes(0));
  }

  @Test
  void biasCausalAndBidirectional() {
    Alibi a = new Alibi(4);
    assertEquals(-0.25 * 3, a.bias(0, 5, 2, false));
    assertEquals(-0.25 * 3, a.bias(0, 2, 5, true));
    assertEquals(0.0, a.bias(3, 7, 7, false));
    float[] scores = new float[3 * 4];
    a.addBias(scores, 0, 1, 3, 4, 1, 0, false); // queries at 1..3, keys at 0..3
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) assertEquals((float) (-(1 / 16.0) * ((1 + i) - j)), scores[i * 4 + j], 0f, i + "," + j);
    }
    float[] bi = new float[4];
    a.addBias(bi, 0, 0, 2, 2, 0, 0, true);
    assertArrayEquals(new float[] {0, -0.25f, -0.25f, 0}, bi, 0f);
    assertThrows(IllegalArgumentException.class, () -> a.addBias(new float[4], 0, 4, 2, 2, 0, 0, false));
  }
}
