package dev.focus.attention;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments fail fast with an IllegalArgumentException that names the offending value. */
class BadInputTest {

  static void rejects(String needle, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(needle), "message '" + e.getMessage() + "' should mention '" + needle + "'");
  }

  @Test
  void layoutRulesNameTheValues() {
    rejects("kvHeads=3 must divide heads=4", () -> new HeadLayout(4, 3, 8));
    rejects("heads=0", () -> new HeadLayout(0, 1, 8));
    rejects("headSize=-2", () -> new HeadLayout(2, 1, -2));
  }

  @Test
  void scalesSlopesAndDecaysMustBeFinite() {
    HeadLayout l = new HeadLayout(2, 1, 4);
    rejects("scale=NaN", () -> SoftmaxAttention.of(l).withScale(Float.NaN));
    rejects("scale=Infinity", () -> FlashAttention.of(l).withScale(Float.POSITIVE_INFINITY));
    rejects("alibi slope[1]=NaN", () -> SoftmaxAttention.of(l).withAlibi(new float[] {0.5f, Float.NaN}));
    rejects("alibi slopes have length 3", () -> SoftmaxAttention.of(l).withAlibi(new float[3]));
    rejects("decay[0]=1.5", () -> LinearAttention.of(l, FeatureMap.RELU).withDecay(1.5f));
    rejects("chunk=0", () -> LinearAttention.of(l, FeatureMap.RELU).withChunk(0));
    rejects("queryTile=0", () -> FlashAttention.of(l).withTiles(0, 4));
    float[] q = new float[2 * 8], kv = new float[2 * 4];
    rejects("headScale[1]=NaN", () -> SoftmaxAttention.of(l).forward(new float[16], q, kv, kv,
        new float[] {1f, Float.NaN}, Mask.causal(), 1, 2));
  }

  @Test
  void shapesAreChecked() {
    HeadLayout l = new HeadLayout(2, 1, 4);
    float[] q = new float[3 * 8], kv = new float[3 * 4];
    for (Attention a : List.<Attention>of(SoftmaxAttention.of(l), FlashAttention.of(l), LinearAttention.of(l, FeatureMap.RELU))) {
      rejects("q has length 24 but the shape needs 32", () -> a.forward(new float[32], q, new float[16], new float[16], null, Mask.causal(), 1, 4));
      rejects("k has length 12 but the shape needs 16", () -> a.forward(new float[32], new float[32], kv, new float[16], null, Mask.causal(), 1, 4));
      rejects("t=0", () -> a.forward(new float[0], new float[0], new float[0], new float[0], null, Mask.causal(), 1, 0));
      rejects("mask span end 9 exceeds the sequence length T=3",
          () -> a.forward(new float[24], q, kv, kv, null, Mask.causalWithBlocks(List.of(new int[] {1, 9})), 1, 3));
      rejects("does not come from", () -> a.backward(new float[24], kv, kv, null, q, null));
    }
    rejects("dq has length 8 but the shape needs 24", () -> {
      SoftmaxAttention a = SoftmaxAttention.of(l);
      a.backward(new float[8], new float[12], new float[12], null, q,
          a.forward(new float[24], q, kv, kv, null, Mask.causal(), 1, 3));
    });
    rejects("headScale is only defined for softmax", () -> LinearAttention.of(l, FeatureMap.RELU)
        .forward(new float[24], q, kv, kv, new float[2], Mask.causal(), 1, 3));
  }

  @Test
  void spansMustBeWellFormed() {
    rejects("span [3, 3) must satisfy 0 <= start < end", () -> Mask.causalWithBlocks(List.of(new int[] {3, 3})));
    rejects("overlap", () -> Mask.causalWithBlocks(List.of(new int[] {4, 8}, new int[] {1, 5})));
    rejects("mask has spans for 2 batch rows but batch=1", () -> SoftmaxAttention.of(HeadLayout.mha(1, 2))
        .forward(new float[4], new float[4], new float[4], new float[4], null,
            Mask.causalWithBlocksPerBatch(List.of(List.of(), List.of())), 1, 2));
  }
}
