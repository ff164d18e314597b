package dev.focus.attention;

import static dev.focus.attention.Reference.d;
import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tiled online softmax against the exact one it must reproduce (to 1e-5). */
class FlashAttentionTest {

  @Test
  void agreesWithExactForwardAndBackwardOnOddSizes() {
    float[] slopes = {0.5f, 0.125f, 0.03125f};
    float[] hsc = {1.5f, 0.8f, 1f};
    record Case(HeadLayout l, int batch, int t, int br, int bc) {}
    List<Case> cases = List.of(
        new Case(new HeadLayout(3, 1, 5), 2, 37, 8, 5),     // MQA, T not a multiple of either tile
        new Case(new HeadLayout(3, 3, 7), 1, 23, 4, 16),
        new Case(new HeadLayout(3, 3, 16), 1, 130, 64, 64), // square tiles, ragged last tile
        new Case(new HeadLayout(3, 3, 8), 1, 300, 256, 256), // default tiles, ragged last tile
        new Case(new HeadLayout(3, 1, 4), 2, 1, 64, 64));   // a single position
    for (Case c : cases) {
      Inputs in = new Inputs(c.l, c.batch, c.t, 11 + c.t, 1.5f);
      List<Mask> masks = List.of(Mask.causal(), Mask.bidirectional(),
          c.t > 20 ? Mask.causalWithBlocks(List.of(new int[] {3, 11}, new int[] {14, 19})) : Mask.causal());
      for (Mask m : masks) {
        for (float[] sl : new float[][] {null, slopes}) {
          SoftmaxAttention exact = SoftmaxAttention.of(c.l).withAlibi(sl);
          FlashAttention flash = FlashAttention.of(c.l).withAlibi(sl).withTiles(c.br, c.bc);
          float[] dh1 = new float[3], dh2 = new float[3];
          float[][] e = in.run(exact, hsc, dh1, m);
          float[][] f = in.run(flash, hsc, dh2, m);
          String n = c + " " + m + (sl == null ? "" : " alibi");
          assertClose(n + " out", e[0], f[0], 1e-5, 1e-5);
          assertClose(n + " dq", e[1], f[1], 1e-5, 1e-5);
          assertClose(n + " dk", e[2], f[2], 1e-5, 1e-5);
          assertClose(n + " dv", e[3], f[3], 1e-5, 1e-5);
          // λ_h gradients sum over T² terms, so float rounding of the two summation orders shows at ~3e-5
          assertClose(n + " dHeadScale", dh1, dh2, 1e-5, 1e-4);
        }
      }
    }
  }

  @Test
  void weightsComeFromTheExactTwin() {
    HeadLayout l = new HeadLayout(2, 1, 4);
    Inputs in = new Inputs(l, 1, 9, 5);
    float[] w1 = SoftmaxAttention.of(l).weights(in.q, in.k, null, Mask.causal(), 1, 9);
    float[] w2 = FlashAttention.of(l).withTiles(2, 2).weights(in.q, in.k, null, Mask.causal(), 1, 9);
    assertArrayEquals(w1, w2);
  }

  @Test
  void largeLogitsStayFinite() {
    HeadLayout l = new HeadLayout(2, 2, 8);
    Inputs in = new Inputs(l, 1, 50, 6, 12f); // logits of order ±50
    float[][] e = in.run(SoftmaxAttention.of(l), null, null, Mask.causal());
    float[][] f = in.run(FlashAttention.of(l).withTiles(7, 9), null, null, Mask.causal());
    assertClose("out", d(e[0]), d(f[0]), 1e-5, 1e-5);
    assertClose("dq", d(e[1]), d(f[1]), 1e-4, 1e-5);
    for (float x : f[1]) org.junit.jupiter.api.Assertions.assertTrue(Float.isFinite(x));
  }

  @Test
  void backwardSplitIntoKeyTileGroupsAgreesWithExact() {
    HeadLayout l = new HeadLayout(2, 1, 6);
    Inputs in = new Inputs(l, 2, 29, 13);
    float[] hsc = {0.7f, 1.2f};
    for (Mask m : List.of(Mask.causal(), Mask.bidirectional(), Mask.causalWithBlocks(List.of(new int[] {4, 13})))) {
      float[] dh1 = new float[2];
      float[][] e = in.run(SoftmaxAttention.of(l).withAlibi(new float[] {0.3f, 0.1f}), hsc, dh1, m);
      for (int splits : new int[] {2, 3, 8}) {
        float[] dh2 = new float[2];
        float[][] f = in.run(FlashAttention.of(l).withAlibi(new float[] {0.3f, 0.1f}).withTiles(5, 4)
            .withBackwardSplits(splits), hsc, dh2, m);
        String n = m + " splits " + splits;
        assertClose(n + " dq", e[1], f[1], 1e-5, 1e-5);
        assertClose(n + " dk", e[2], f[2], 1e-5, 1e-5);
        assertClose(n + " dv", e[3], f[3], 1e-5, 1e-5);
        assertClose(n + " dHeadScale", dh1, dh2, 1e-5, 1e-4);
      }
    }
  }

  /** Forward on (q, k, v) recycling {@code recycle}, then backward: {out, dq, dk, dv} and the saved state. */
  static Object[] step(FlashAttention a, Inputs in, float[] headScale, Mask m, Attention.Saved recycle) {
    float[] out = in.newOut(), dq = in.newOut(), dk = in.newKv(), dv = in.newKv(), dh = new float[in.l.heads()];
    Attention.Saved s = a.forward(out, in.q, in.k, in.v, headScale, m, null, in.batch, in.t, recycle);
    a.backward(dq, dk, dv, dh, in.dOut, s);
    return new Object[] {new float[][] {out, dq, dk, dv, dh}, s};
  }

  @Test
  void aRecycledWorkspaceGivesTheSameBitsAsAFreshOne() {
    HeadLayout l = new HeadLayout(4, 2, 6);
    Inputs a = new Inputs(l, 2, 41, 3), b = new Inputs(l, 2, 41, 4, 3f);
    float[] hsc = {0.9f, 1.1f, 1f, 1.3f};
    for (int splits : new int[] {1, 3}) {
      FlashAttention flash = FlashAttention.of(l).withAlibi(new float[] {0.2f, 0.1f, 0.05f, 0.3f}).withTiles(8, 6)
          .withBackwardSplits(splits);
      Mask m = Mask.causalWithBlocks(List.of(new int[] {5, 17}));
      float[][] fresh = (float[][]) step(flash, a, hsc, m, null)[0];
      Attention.Saved other = (Attention.Saved) step(flash, b, hsc, m, null)[1]; // its workspace holds b's numbers
      Object[] again = step(flash, a, hsc, m, other);
      org.junit.jupiter.api.Assertions.assertSame(((FlashAttention.FlashSaved) other).ws, ((FlashAttention.FlashSaved) again[1]).ws);
      float[][] reused = (float[][]) again[0];
      for (int i = 0; i < fresh.length; i++) assertArrayEquals(fresh[i], reused[i], "splits " + splits + " output " + i);
      // another length, batch or tiling gets a workspace of its own
      Inputs shorter = new Inputs(l, 2, 40, 3);
      org.junit.jupiter.api.Assertions.assertNotSame(((FlashAttention.FlashSaved) again[1]).ws,
          ((FlashAttention.FlashSaved) step(flash, shorter, hsc, m, (Attention.Saved) again[1])[1]).ws);
      org.junit.jupiter.api.Assertions.assertNotSame(((FlashAttention.FlashSaved) again[1]).ws,
          ((FlashAttention.FlashSaved) step(flash.withTiles(4, 6), a, hsc, m, (Attention.Saved) again[1])[1]).ws);
    }
  }
}
