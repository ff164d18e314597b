package dev.focus.attention;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.focus.position.PairLayout;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Positions passed per call (RoFormer eq. 34): softmax and flash attention turn copies of q and k by the
 * table's rows and turn their gradients back, exactly what rotating the inputs outside would give; the
 * caller's q and k are left as they were; decoding turns each step by its own row. And the tiled
 * attention's copies change only the setting their name says.
 */
class RotaryPerCallTest {
  static final HeadLayout GQA = new HeadLayout(4, 2, 8);

  static RopeTable table(int rows) {
    double[][] c = new double[rows][1];
    for (int i = 0; i < rows; i++) c[i][0] = i;
    return Rope.oneD(8, 50.0).withLayout(PairLayout.HALF).table(c);
  }

  static List<Attention> softmaxVariants() {
    float[] slopes = {0.5f, 0.25f, 0.125f, 0.0625f};
    return List.of(SoftmaxAttention.of(GQA), FlashAttention.of(GQA).withTiles(3, 2), SoftmaxAttention.of(GQA).withAlibi(slopes));
  }

  @Test
  void aTablePerCallIsRotatingTheInputsOutsideBitForBit() {
    int batch = 2, t = 7;
    Inputs in = new Inputs(GQA, batch, t, 21);
    RopeTable rt = table(t + 3); // more rows than the call needs: rows 0..t−1 are read
    for (Attention a : softmaxVariants()) {
      float[] q0 = in.q.clone(), k0 = in.k.clone();
      float[][] inside = in.run(a, null, null, Mask.causal(), rt);
      assertArrayEquals(q0, in.q, "q is not modified");
      assertArrayEquals(k0, in.k, "k is not modified");
      float[] qr = in.q.clone(), kr = in.k.clone();
      rt.rotateBatch(qr, batch, t, 0, GQA.heads(), GQA.headSize(), false);
      rt.rotateBatch(kr, batch, t, 0, GQA.kvHeads(), GQA.headSize(), false);
      float[] out = in.newOut(), dq = in.newOut(), dk = in.newKv(), dv = in.newKv();
      a.backward(dq, dk, dv, null, in.dOut, a.forward(out, qr, kr, in.v, null, Mask.causal(), batch, t));
      rt.rotateBatch(dq, batch, t, 0, GQA.heads(), GQA.headSize(), true);
      rt.rotateBatch(dk, batch, t, 0, GQA.kvHeads(), GQA.headSize(), true);
      float[][] outside = {out, dq, dk, dv};
      String n = a.getClass().getSimpleName();
      for (int i = 0; i < 4; i++) assertClose(n + " #" + i, outside[i], inside[i], 0, 0);
      assertClose(n + " weights", a.weights(qr, kr, null, Mask.causal(), batch, t),
          a.weights(in.q, in.k, null, Mask.causal(), rt, batch, t), 0, 0);
    }
  }

  @Test
  void decodingTurnsEachStepByItsOwnRowLikeTheFullPass() {
    int t = 9;
    Inputs in = new Inputs(GQA, 1, t, 22);
    RopeTable rt = table(t);
    int qw = GQA.qWidth(), kw = GQA.kvWidth();
    for (Attention a : softmaxVariants()) {
      float[] full = in.newOut();
      a.forward(full, in.q, in.k, in.v, null, Mask.causal(), rt, 1, t, null);
      DecodeState st = a.newDecodeState(1, t);
      float[] stepped = new float[full.length];
      for (int i = 0; i < t; i++) {
        float[] o = new float[qw];
        a.decode(o, Arrays.copyOfRange(in.q, i * qw, (i + 1) * qw), Arrays.copyOfRange(in.k, i * kw, (i + 1) * kw),
            Arrays.copyOfRange(in.v, i * kw, (i + 1) * kw), null, st, rt, 1);
        System.arraycopy(o, 0, stepped, i * qw, qw);
      }
      assertClose(a.getClass().getSimpleName() + " decode", full, stepped, 1e-5, 1e-4);
    }
  }

  @Test
  void flashCopiesChangeOnlyWhatTheirNameSays() {
    float[] slopes = {0.5f, 0.25f, 0.125f, 0.0625f};
    FlashAttention f = FlashAttention.of(GQA).withBackwardSplits(3);
    // every order of the public copies keeps the other settings, the backward split included
    for (FlashAttention g : List.of(f.withScale(0.5f).withAlibi(slopes).withTiles(16, 8),
        f.withTiles(16, 8).withScale(0.5f).withAlibi(slopes), f.withAlibi(slopes).withTiles(16, 8).withScale(0.5f))) {
      assertEquals(3, g.backwardSplits());
      assertEquals(0.5f, g.scale());
      assertArrayEquals(slopes, g.alibiSlopes());
      assertEquals(16, g.queryTile());
      assertEquals(8, g.keyTile());
    }
  }
}
