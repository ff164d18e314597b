package dev.focus.attention;

import static dev.focus.attention.Reference.d;
import static dev.focus.testing.Close.assertClose;

import dev.focus.attention.LinearAttention.Form;
import dev.focus.attention.LinearAttention.Normalization;
import dev.focus.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearAttentionTest {

  static final HeadLayout GQA = new HeadLayout(4, 2, 3);

  /** Every map, with and without decay, each normalisation. */
  static List<LinearAttention> configs(HeadLayout l) {
    List<LinearAttention> out = new ArrayList<>();
    for (FeatureMap m : FeatureMap.values()) {
      LinearAttention base = LinearAttention.of(l, m);
      if (m == FeatureMap.POSITIVE_RANDOM) base = base.withRandomFeatures(5, 7);
      out.add(base);
      out.add(base.withDecay(new float[] {0.9f, 0.5f, 1f, 0.75f}));
      for (Normalization n : Normalization.values()) {
        if (n != base.normalization() && !(n == Normalization.SUM && !m.nonNegative())) {
          out.add(base.withNormalization(n).withDecay(0.8f));
        }
      }
    }
    return out;
  }

  static String name(LinearAttention a) {
    return a.featureMap() + "/" + a.form() + "/" + a.normalization() + (a.decay() == null ? "" : "/decay");
  }

  @Test
  void parallelForwardMatchesDefinitionForEveryMapMaskAndNormalisation() {
    Inputs in = new Inputs(GQA, 2, 6, 3);
    for (LinearAttention a : configs(GQA)) {
      for (Mask m : List.of(Mask.causal(), Mask.bidirectional(), Mask.causalWithBlocks(List.of(new int[] {2, 5})))) {
        float[] out = in.newOut();
        a.forward(out, in.q, in.k, in.v, null, m, 2, 6);
        double[] ref = Reference.linear(a, m, d(in.q), d(in.k), d(in.v), 2, 6);
        assertClose(name(a) + " " + m, ref, d(out), 1e-5, 1e-4);
      }
    }
  }

  @Test
  void everyFormsGradientsMatchFiniteDifferencesOfTheDefinition() {
    int batch = 2, t = 5;
    Inputs in = new Inputs(GQA, batch, t, 4);
    for (LinearAttention base : configs(GQA)) {
      List<LinearAttention> forms = new ArrayList<>(List.of(base));
      if (base.featureMap().factorizes()) {
        forms.add(base.withForm(Form.RECURRENT));
        forms.add(base.withChunk(2));
      }
      for (LinearAttention a : forms) checkAgainstDefinition(a, name(a), in, batch, t);
    }
  }

  /** Output and q, k, v gradients of two {@link Inputs#run} results agree (atol 1e-5, rtol 1e-4). */
  static void assertSameRun(String label, float[][] want, float[][] got) {
    assertClose(label + " out", want[0], got[0], 1e-5, 1e-4);
    assertClose(label + " dq", want[1], got[1], 1e-5, 1e-4);
    assertClose(label + " dk", want[2], got[2], 1e-5, 1e-4);
    assertClose(label + " dv", want[3], got[3], 1e-5, 1e-4);
  }

  /**
   * Forward against {@link Reference#linear} and all three input gradients against its central
   * differences, under every mask the form supports (parallel: causal, bidirectional, block-causal).
   */
  static void checkAgainstDefinition(LinearAttention a, String name, Inputs in, int batch, int t) {
    checkAgainstDefinition(a, null, name, in, batch, t);
  }

  /** With the numerator rotation of {@code rotary} (null for none). */
  static void checkAgainstDefinition(LinearAttention a, dev.focus.position.RopeTable rotary, String name, Inputs in, int batch,
                                     int t) {
    double[] q = d(in.q), k = d(in.k), v = d(in.v), dOut = d(in.dOut);
    List<Mask> masks = a.form() == Form.PARALLEL
        ? List.of(Mask.causal(), Mask.bidirectional(), Mask.causalWithBlocks(List.of(new int[] {1, 3})))
        : List.of(Mask.causal());
    for (Mask m : masks) {
      float[][] r = in.run(a, null, null, m, rotary);
      java.util.function.DoubleSupplier loss = () -> GradCheck.dot(Reference.linear(a, rotary, m, q, k, v, batch, t), dOut);
      String n = name + " " + m;
      assertClose(n + " forward", Reference.linear(a, rotary, m, q, k, v, batch, t), d(r[0]), 1e-5, 1e-4);
      GradCheck.check(n + " dq", q, d(r[1]), loss, 1e-6, 5e-5, 2e-4);
      GradCheck.check(n + " dk", k, d(r[2]), loss, 1e-6, 5e-5, 2e-4);
      GradCheck.check(n + " dv", v, d(r[3]), loss, 1e-6, 5e-5, 2e-4);
    }
  }

  @Test
  void parallelRecurrentAndChunkedFormsAgreeForwardAndBackward() {
    HeadLayout l = new HeadLayout(4, 2, 6);
    int batch = 2, t = 37;
    Inputs in = new Inputs(l, batch, t, 5);
    for (LinearAttention base : configs(l)) {
      if (!base.featureMap().factorizes()) continue;
      float[][] p = in.run(base.withForm(Form.PARALLEL), null, null, Mask.causal());
      for (LinearAttention a : List.of(base.withForm(Form.RECURRENT), base.withChunk(8), base.withChunk(5),
          base.withChunk(64))) {
        float[][] r = in.run(a, null, null, Mask.causal());
        String n = name(a) + " chunk " + a.chunk() + " vs parallel";
        assertSameRun(n, p, r);
      }
    }
  }

  @Test
  void sumNormalisedWeightsOfNonNegativeMapsSumToOneUpToEps() {
    Inputs in = new Inputs(GQA, 1, 10, 6);
    for (FeatureMap m : List.of(FeatureMap.ELU_PLUS_1, FeatureMap.POSITIVE_RANDOM)) {
      float[] w = LinearAttention.of(GQA, m).withEps(0f).weights(in.q, in.k, null, Mask.causal(), 1, 10);
      for (int r = 0; r < 4 * 10; r++) {
        double s = 0;
        for (int j = 0; j < 10; j++) {
          s += w[r * 10 + j];
          org.junit.jupiter.api.Assertions.assertTrue(w[r * 10 + j] >= 0f, m + " weights are non-negative");
        }
        assertClose(m + " row " + r, 1.0, s, 1e-6, 0);
      }
    }
  }

  @Test
  void favorFeaturesEstimateSoftmaxWeights() {
    // E[φ(x)·φ(y)] = exp(x·y): with many features the weights approach softmax's
    HeadLayout l = HeadLayout.mha(1, 4);
    Inputs in = new Inputs(l, 1, 6, 7, 0.5f);
    float[] soft = SoftmaxAttention.of(l).weights(in.q, in.k, null, Mask.causal(), 1, 6);
    float[] favor = LinearAttention.of(l, FeatureMap.POSITIVE_RANDOM).withRandomFeatures(20000, 3)
        .weights(in.q, in.k, null, Mask.causal(), 1, 6);
    assertClose("FAVOR+ ≈ softmax", soft, favor, 0.02, 0);
  }

  @Test
  void relu2IsParallelOnly() {
    LinearAttention a = LinearAttention.of(GQA, FeatureMap.RELU2);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> a.withForm(Form.RECURRENT));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("RELU2"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> LinearAttention.of(GQA, FeatureMap.ELU_PLUS_1).withForm(Form.RECURRENT)
            .forward(new float[60], new float[60], new float[30], new float[30], null, Mask.bidirectional(), 1, 5));
  }
}
