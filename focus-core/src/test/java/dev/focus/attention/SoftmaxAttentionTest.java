package dev.focus.attention;

import static dev.focus.attention.Reference.d;
import static dev.focus.testing.Close.assertClose;

import dev.focus.testing.GradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxAttentionTest {

  static final HeadLayout GQA = new HeadLayout(4, 2, 3);

  static List<Mask> masks() {
    return List.of(Mask.causal(), Mask.bidirectional(),
        Mask.causalWithBlocks(List.of(new int[] {1, 3}, new int[] {3, 5})));
  }

  @Test
  void forwardMatchesDoublePrecisionDefinitionForEveryMask() {
    Inputs in = new Inputs(GQA, 2, 7, 1);
    float[] hsc = {1f, 0.5f, 2f, -1f};
    float[] slopes = {0.5f, 0.25f, 0.125f, 0.0625f};
    SoftmaxAttention a = SoftmaxAttention.of(GQA).withAlibi(slopes);
    for (Mask m : masks()) {
      float[] out = in.newOut();
      a.forward(out, in.q, in.k, in.v, hsc, m, 2, 7);
      double[] ref = Reference.softmax(GQA, a.scale(), d(hsc), d(slopes), m, d(in.q), d(in.k), d(in.v), 2, 7);
      assertClose("exact softmax forward, mask " + m, ref, d(out), 1e-6, 1e-5);
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesOfTheDefinition() {
    int batch = 2, t = 5;
    Inputs in = new Inputs(GQA, batch, t, 2);
    float[] hsc = {1.3f, 0.7f, -0.4f, 1f};
    float[] slopes = {0.5f, 0.25f, 0.125f, 0.0625f};
    for (Attention a : List.of(SoftmaxAttention.of(GQA).withAlibi(slopes),
        FlashAttention.of(GQA).withAlibi(slopes).withTiles(2, 3))) {
      for (Mask m : masks()) {
        float[] dHs = new float[4];
        float[][] r = in.run(a, hsc, dHs, m);
        double[] q = d(in.q), k = d(in.k), v = d(in.v), hs = d(hsc), sl = d(slopes), dOut = d(in.dOut);
        double scale = 1 / Math.sqrt(3);
        java.util.function.DoubleSupplier loss =
            () -> GradCheck.dot(Reference.softmax(GQA, scale, hs, sl, m, q, k, v, batch, t), dOut);
        String name = a.getClass().getSimpleName() + " " + m;
        GradCheck.check(name + " dq", q, d(r[1]), loss, 1e-6, 2e-5, 1e-4);
        GradCheck.check(name + " dk", k, d(r[2]), loss, 1e-6, 2e-5, 1e-4);
        GradCheck.check(name + " dv", v, d(r[3]), loss, 1e-6, 2e-5, 1e-4);
        GradCheck.check(name + " dHeadScale", hs, d(dHs), loss, 1e-6, 2e-5, 1e-4);
      }
    }
  }

  /**
   * Sequences longer than one query block (64 rows) skip the keys a block cannot see, for every mask:
   * forward and weights against the double-precision definition, gradients against the tiled
   * FlashAttention (an independent implementation, itself checked by finite differences).
   */
  @Test
  void queryBlocksMatchTheDefinitionAndFlashAcrossSeveralBlocks() {
    HeadLayout l = new HeadLayout(2, 1, 4);
    int batch = 2, t = 150;
    Inputs in = new Inputs(l, batch, t, 9);
    float[] hsc = {1.5f, -0.5f};
    float[] slopes = {0.25f, 0.0625f};
    SoftmaxAttention a = SoftmaxAttention.of(l).withAlibi(slopes);
    FlashAttention flash = FlashAttention.of(l).withAlibi(slopes).withTiles(16, 32);
    // spans straddle the 64-row blocks, so a block's width exceeds its last row
    List<Mask> ms = List.of(Mask.causal(), Mask.causalWithBlocks(List.of(new int[] {60, 70}, new int[] {100, 140})),
        Mask.bidirectional());
    String[] what = {"out", "dq", "dk", "dv"};
    for (Mask m : ms) {
      float[] dHs = new float[2], dHsFlash = new float[2];
      float[][] r = in.run(a, hsc, dHs, m);
      double[] ref = Reference.softmax(l, a.scale(), d(hsc), d(slopes), m, d(in.q), d(in.k), d(in.v), batch, t);
      assertClose("blocks forward " + m, ref, d(r[0]), 1e-6, 1e-5);
      float[][] f = in.run(flash, hsc, dHsFlash, m);
      for (int i = 1; i < 4; i++) assertClose("blocks vs flash " + what[i] + " " + m, f[i], r[i], 2e-6, 1e-4);
      assertClose("blocks vs flash dHeadScale " + m, dHsFlash, dHs, 1e-5, 1e-4);
      float[] w = a.weights(in.q, in.k, hsc, m, batch, t);
      assertClose("weights in the plain layout " + m, Reference.softmaxWeights(l, a.scale(), d(hsc), d(slopes), m,
          d(in.q), d(in.k), batch, t), d(w), 1e-6, 1e-5);
    }
    // a recycled Saved gives the same result
    float[][] r = in.run(a, hsc, null, Mask.causal());
    float[] out2 = in.newOut(), dq2 = in.newOut(), dk2 = in.newKv(), dv2 = in.newKv();
    Attention.Saved s1 = a.forward(in.newOut(), in.q, in.k, in.v, hsc, Mask.causal(), batch, t);
    a.backward(in.newOut(), in.newKv(), in.newKv(), null, in.dOut, s1);
    Attention.Saved s2 = a.forward(out2, in.q, in.k, in.v, hsc, Mask.causal(), batch, t, s1);
    a.backward(dq2, dk2, dv2, null, in.dOut, s2);
    assertClose("recycled out", r[0], out2, 0, 0);
    assertClose("recycled dq", r[1], dq2, 0, 0);
    assertClose("recycled dk", r[2], dk2, 0, 0);
  }
}
