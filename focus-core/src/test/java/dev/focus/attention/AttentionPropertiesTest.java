package dev.focus.attention;

import static dev.focus.attention.Reference.d;
import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.focus.attention.LinearAttention.Form;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Structural properties shared by every variant: masks, grouped-query heads, normalised rows, and
 * the attention-level property tests of spec 05 §4 (P1, P3, P6, P7, P11).
 */
class AttentionPropertiesTest {

  static final HeadLayout L = new HeadLayout(4, 2, 4);

  static List<Attention> softmaxVariants(HeadLayout l) {
    return List.of(SoftmaxAttention.of(l), FlashAttention.of(l).withTiles(3, 2),
        SoftmaxAttention.of(l).withAlibi(new float[] {0.5f, 0.25f, 0.125f, 0.0625f}));
  }

  /** Every variant: exact, flash, and linear attention in every map and form. */
  static List<Attention> allVariants(HeadLayout l) {
    List<Attention> out = new ArrayList<>(softmaxVariants(l));
    for (FeatureMap m : FeatureMap.values()) {
      LinearAttention a = LinearAttention.of(l, m);
      out.add(a);
      if (m.factorizes()) {
        out.add(a.withForm(Form.RECURRENT).withDecay(0.9f));
        out.add(a.withChunk(3));
      }
    }
    return out;
  }

  static String name(Attention a) {
    return a instanceof LinearAttention la ? LinearAttentionTest.name(la) : a.getClass().getSimpleName();
  }

  @Test
  void blockMaskMatchesTheSpecTestVector() {
    // spec 02 §3.5: [BOS] a [IMG] p1 p2 p3 p4 [/IMG] b, the image block is p1..p4 = positions 3..6
    Mask m = Mask.causalWithBlocks(List.of(new int[] {3, 7}));
    String[] expected = {
        "100000000", "110000000", "111000000", "111111100", "111111100", "111111100", "111111100",
        "111111110", "111111111"};
    HeadLayout l = new HeadLayout(1, 1, 2);
    Inputs in = new Inputs(l, 1, 9, 3);
    for (Attention a : List.<Attention>of(SoftmaxAttention.of(l), FlashAttention.of(l),
        LinearAttention.of(l, FeatureMap.ELU_PLUS_1))) {
      float[] w = a.weights(in.q, in.k, null, m, 1, 9);
      for (int i = 0; i < 9; i++) {
        StringBuilder row = new StringBuilder();
        for (int j = 0; j < 9; j++) {
          row.append(m.allowed(0, i, j) ? '1' : '0');
          assertEquals(m.allowed(0, i, j), w[i * 9 + j] != 0f, name(a) + " weight (" + i + "," + j + ")");
        }
        assertEquals(expected[i], row.toString(), "mask row " + i);
      }
    }
  }

  @Test
  void twoImagesGiveTwoSeparateBlocksAndBatchRowsMayDiffer() {
    Mask m = Mask.causalWithBlocksPerBatch(List.of(
        List.of(new int[] {1, 3}, new int[] {4, 6}), List.of()));
    assertEquals(3, m.end(0, 1));
    assertEquals(3, m.end(0, 2));
    assertEquals(4, m.end(0, 3));
    assertEquals(6, m.end(0, 4));
    assertEquals(2, m.end(1, 1)); // no spans in row 1: plain causal
    HeadLayout l = new HeadLayout(1, 1, 2);
    Inputs in = new Inputs(l, 2, 6, 3);
    float[] w = SoftmaxAttention.of(l).weights(in.q, in.k, null, m, 2, 6);
    assertEquals(0f, w[1 * 6 + 3]);              // row 0: p1 does not see the second image
    assertNotEquals(0f, w[1 * 6 + 2]);           // but sees its own block
    assertEquals(0f, w[36 + 1 * 6 + 2]);         // row 1 is causal
  }

  @Test
  void softmaxWeightsSumToOneOverVisibleKeys() {
    Inputs in = new Inputs(L, 2, 11, 4, 2f);
    float[] hsc = {1f, 2f, 0.5f, -1f};
    for (Mask m : List.of(Mask.causal(), Mask.bidirectional(), Mask.causalWithBlocks(List.of(new int[] {2, 8})))) {
      for (Attention a : softmaxVariants(L)) {
        float[] w = a.weights(in.q, in.k, hsc, m, 2, 11);
        for (int r = 0; r < 2 * 4 * 11; r++) {
          double s = 0;
          for (int j = 0; j < 11; j++) s += w[r * 11 + j];
          assertClose(name(a) + " " + m + " row " + r, 1.0, s, 1e-6, 0);
        }
      }
    }
  }

  @Test
  void weightsReproduceTheOutput() {
    Inputs in = new Inputs(L, 2, 9, 5);
    for (Attention a : allVariants(L)) {
      Mask m = Mask.causal();
      float[] out = in.newOut();
      a.forward(out, in.q, in.k, in.v, null, m, 2, 9);
      double[] viaWeights = Reference.apply(L, d(a.weights(in.q, in.k, null, m, 2, 9)), d(in.v), 2, 9);
      assertClose(name(a) + ": weights·v = output", viaWeights, d(out), 1e-5, 1e-4);
    }
  }

  @Test
  void groupedQueryHeadsEqualExplicitlyReplicatedKvHeads() {
    HeadLayout gqa = new HeadLayout(6, 2, 3), mha = HeadLayout.mha(6, 3);
    int batch = 2, t = 7, hs = 3;
    Inputs in = new Inputs(gqa, batch, t, 6);
    float[] kRep = new float[batch * t * 6 * hs], vRep = new float[kRep.length];
    for (int bt = 0; bt < batch * t; bt++) {
      for (int h = 0; h < 6; h++) {
        System.arraycopy(in.k, (bt * 2 + h / 3) * hs, kRep, (bt * 6 + h) * hs, hs);
        System.arraycopy(in.v, (bt * 2 + h / 3) * hs, vRep, (bt * 6 + h) * hs, hs);
      }
    }
    List<Attention[]> pairs = List.of(
        new Attention[] {SoftmaxAttention.of(gqa), SoftmaxAttention.of(mha)},
        new Attention[] {FlashAttention.of(gqa).withTiles(4, 3), FlashAttention.of(mha).withTiles(4, 3)},
        new Attention[] {LinearAttention.of(gqa, FeatureMap.ELU_PLUS_1).withChunk(3),
            LinearAttention.of(mha, FeatureMap.ELU_PLUS_1).withChunk(3)},
        new Attention[] {LinearAttention.of(gqa, FeatureMap.RELU2), LinearAttention.of(mha, FeatureMap.RELU2)});
    for (Attention[] p : pairs) {
      float[] out1 = in.newOut(), dq1 = in.newOut(), dk1 = in.newKv(), dv1 = in.newKv();
      p[0].backward(dq1, dk1, dv1, null, in.dOut, p[0].forward(out1, in.q, in.k, in.v, null, Mask.causal(), batch, t));
      float[] out2 = in.newOut(), dq2 = in.newOut(), dk2 = new float[kRep.length], dv2 = new float[kRep.length];
      p[1].backward(dq2, dk2, dv2, null, in.dOut, p[1].forward(out2, in.q, kRep, vRep, null, Mask.causal(), batch, t));
      // the kv gradient of a shared head is the sum over the query heads that read it
      float[] dkSum = new float[dk1.length], dvSum = new float[dv1.length];
      for (int bt = 0; bt < batch * t; bt++) {
        for (int h = 0; h < 6; h++) {
          for (int d = 0; d < hs; d++) {
            dkSum[(bt * 2 + h / 3) * hs + d] += dk2[(bt * 6 + h) * hs + d];
            dvSum[(bt * 2 + h / 3) * hs + d] += dv2[(bt * 6 + h) * hs + d];
          }
        }
      }
      String n = name(p[0]);
      assertClose(n + " out", out2, out1, 1e-6, 1e-5);
      assertClose(n + " dq", dq2, dq1, 1e-6, 1e-5);
      assertClose(n + " dk", dkSum, dk1, 1e-5, 1e-5);
      assertClose(n + " dv", dvSum, dv1, 1e-5, 1e-5);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // spec 05 §4

  @Test
  void p1BidirectionalOutputIgnoresTheOrderOfKeysAndValues() {
    HeadLayout l = new HeadLayout(2, 1, 4);
    int t = 8;
    Inputs in = new Inputs(l, 1, t, 7);
    int[] perm = {5, 2, 7, 0, 3, 1, 6, 4};
    float[] kp = new float[in.k.length], vp = new float[in.v.length];
    for (int j = 0; j < t; j++) {
      System.arraycopy(in.k, perm[j] * 4, kp, j * 4, 4);
      System.arraycopy(in.v, perm[j] * 4, vp, j * 4, 4);
    }
    List<Attention> variants = new ArrayList<>(List.of(SoftmaxAttention.of(l), FlashAttention.of(l).withTiles(3, 3)));
    for (FeatureMap m : FeatureMap.values()) variants.add(LinearAttention.of(l, m));
    for (Attention a : variants) {
      float[] y1 = in.newOut(), y2 = in.newOut();
      a.forward(y1, in.q, in.k, in.v, null, Mask.bidirectional(), 1, t);
      a.forward(y2, in.q, kp, vp, null, Mask.bidirectional(), 1, t);
      // float sums in a different order: equal to rounding (the float64 form of P1 asks ≤ 1e-12)
      assertClose(name(a) + " P1", y1, y2, 1e-6, 1e-6);
    }
    // and in double, through the reference definition
    double[] r1 = Reference.softmax(l, 0.5, null, null, Mask.bidirectional(), d(in.q), d(in.k), d(in.v), 1, t);
    double[] r2 = Reference.softmax(l, 0.5, null, null, Mask.bidirectional(), d(in.q), d(kp), d(vp), 1, t);
    assertClose("P1 float64 definition", r1, r2, 1e-12, 0);
  }

  @Test
  void p3CausalOutputsBeforeAChangeAreBitIdentical() {
    int t = 12, n = 5;
    Inputs in = new Inputs(L, 2, t, 8);
    for (Attention a : allVariants(L)) {
      float[] y1 = in.newOut();
      a.forward(y1, in.q, in.k, in.v, null, Mask.causal(), 2, t);
      float[] q2 = in.q.clone(), k2 = in.k.clone(), v2 = in.v.clone();
      for (int b = 0; b < 2; b++) {
        for (int j = n; j < t; j++) {
          for (int c = 0; c < L.qWidth(); c++) q2[(b * t + j) * L.qWidth() + c] += 3f;
          for (int c = 0; c < L.kvWidth(); c++) {
            k2[(b * t + j) * L.kvWidth() + c] *= -2f;
            v2[(b * t + j) * L.kvWidth() + c] += 1f;
          }
        }
      }
      float[] y2 = in.newOut();
      a.forward(y2, q2, k2, v2, null, Mask.causal(), 2, t);
      for (int b = 0; b < 2; b++) {
        int w = n * L.qWidth();
        assertArrayEquals(java.util.Arrays.copyOfRange(y1, b * t * L.qWidth(), b * t * L.qWidth() + w),
            java.util.Arrays.copyOfRange(y2, b * t * L.qWidth(), b * t * L.qWidth() + w), name(a) + " P3 batch " + b);
      }
      assertNotEquals(y1[(n + 1) * L.qWidth()], y2[(n + 1) * L.qWidth()], name(a) + ": later outputs do change");
    }
  }

  /** q random, every key equal: softmax weights are exactly uniform over the visible keys. */
  private static float[][] equalKeys(HeadLayout l, int t) {
    Inputs in = new Inputs(l, 1, t, 9);
    float[] k = new float[in.k.length];
    for (int j = 0; j < t; j++) System.arraycopy(in.k, 0, k, j * l.kvWidth(), l.kvWidth());
    return new float[][] {in.q, k};
  }

  @Test
  void p6EqualKeysGiveUniformWeights() {
    HeadLayout l = new HeadLayout(2, 1, 8);
    int t = 9;
    float[][] qk = equalKeys(l, t);
    for (Attention a : List.<Attention>of(SoftmaxAttention.of(l), FlashAttention.of(l).withTiles(4, 2))) {
      float[] w = a.weights(qk[0], qk[1], null, Mask.causal(), 1, t);
      for (int h = 0; h < 2; h++) {
        for (int i = 0; i < t; i++) {
          for (int j = 0; j <= i; j++) assertClose(name(a) + " P6 a[" + i + "," + j + "]", 1.0 / (i + 1), w[(h * t + i) * t + j], 1e-7, 0);
        }
      }
    }
  }

  @Test
  void p7BosAnchorCountsPositions() {
    // equal keys, only the BOS value is nonzero (e_1): y_t[0] = 1/t
    HeadLayout l = new HeadLayout(1, 1, 4);
    int t = 8;
    float[][] qk = equalKeys(l, t);
    float[] v = new float[t * 4];
    v[0] = 1f;
    for (Attention a : List.<Attention>of(SoftmaxAttention.of(l), FlashAttention.of(l).withTiles(3, 3))) {
      float[] y = new float[t * 4];
      a.forward(y, qk[0], qk[1], v, null, Mask.causal(), 1, t);
      double[] expected = {1, .5, 1 / 3.0, .25, .2, 1 / 6.0, 1 / 7.0, .125};
      double[] got = new double[t];
      for (int i = 0; i < t; i++) got[i] = y[i * 4];
      assertClose(name(a) + " P7", expected, got, 1e-7, 0);
    }
  }

  @Test
  void p11UniformAttentionOverVEqualsMGivesTheMean() {
    HeadLayout l = new HeadLayout(1, 1, 1);
    int t = 20;
    float[] q = new float[t], k = new float[t], v = new float[t];
    for (int m = 0; m < t; m++) v[m] = m + 1; // v_m = m, 1-based
    List<Attention> uniform = List.of(SoftmaxAttention.of(l), FlashAttention.of(l).withTiles(7, 6),
        LinearAttention.of(l, FeatureMap.ELU_PLUS_1).withEps(0f), // φ(0) = 1: uniform
        LinearAttention.of(l, FeatureMap.ELU_PLUS_1).withEps(0f).withForm(Form.RECURRENT),
        LinearAttention.of(l, FeatureMap.ELU_PLUS_1).withEps(0f).withChunk(6));
    for (Attention a : uniform) {
      float[] y = new float[t];
      a.forward(y, q, k, v, null, Mask.causal(), 1, t);
      for (int n = 1; n <= t; n++) assertEquals((n + 1) / 2.0, y[n - 1], 1e-6, name(a) + " P11 y_" + n);
    }
  }
}
