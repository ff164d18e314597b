package dev.focus.attention;

import static dev.focus.testing.Close.assertClose;

import dev.focus.attention.LinearAttention.Form;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Incremental decoding (KV cache, recurrent state) agrees with one causal forward pass. */
class DecodeTest {

  static final HeadLayout L = new HeadLayout(4, 2, 5);

  /** Copies positions [t0, t0+n) of a (B, T, W) array into a (B, n, W) array. */
  static float[] slice(float[] x, int batch, int t, int w, int t0, int n) {
    float[] r = new float[batch * n * w];
    for (int b = 0; b < batch; b++) System.arraycopy(x, (b * t + t0) * w, r, b * n * w, n * w);
    return r;
  }

  @Test
  void cachedDecodingMatchesTheFullCausalPass() {
    int batch = 2, t = 23;
    Inputs in = new Inputs(L, batch, t, 12);
    float[] hsc = {1f, 0.5f, 1.5f, 2f};
    List<Attention> variants = new ArrayList<>(List.of(
        SoftmaxAttention.of(L), FlashAttention.of(L).withTiles(4, 3),
        SoftmaxAttention.of(L).withAlibi(new float[] {0.5f, 0.25f, 0.125f, 0.0625f}),
        FlashAttention.of(L).withAlibi(new float[] {0.5f, 0.25f, 0.125f, 0.0625f})));
    for (FeatureMap m : FeatureMap.values()) {
      if (!m.factorizes()) continue;
      variants.add(LinearAttention.of(L, m).withDecay(new float[] {0.9f, 1f, 0.5f, 0.99f}));
      variants.add(LinearAttention.of(L, m).withChunk(4));
      variants.add(LinearAttention.of(L, m).withForm(Form.RECURRENT).withNormalization(LinearAttention.Normalization.COUNT));
    }
    int[] steps = {1, 1, 3, 5, 1, 7, 1, 4}; // prompt-like chunks and single tokens; sums to 23
    for (Attention a : variants) {
      float[] hs = a instanceof LinearAttention ? null : hsc;
      float[] full = in.newOut();
      a.forward(full, in.q, in.k, in.v, hs, Mask.causal(), batch, t);
      DecodeState st = a.newDecodeState(batch, t);
      int t0 = 0;
      for (int n : steps) {
        float[] y = new float[batch * n * L.qWidth()];
        a.decode(y, slice(in.q, batch, t, L.qWidth(), t0, n), slice(in.k, batch, t, L.kvWidth(), t0, n),
            slice(in.v, batch, t, L.kvWidth(), t0, n), hs, st, n);
        assertClose(AttentionPropertiesTest.name(a) + " decode positions " + t0 + ".." + (t0 + n - 1),
            slice(full, batch, t, L.qWidth(), t0, n), y, 1e-6, 1e-5);
        t0 += n;
      }
      org.junit.jupiter.api.Assertions.assertEquals(t, st.length());
    }
  }

  @Test
  void cacheOverflowAndWrongStateAreRejected() {
    SoftmaxAttention a = SoftmaxAttention.of(L);
    DecodeState st = a.newDecodeState(1, 2);
    float[] q = new float[3 * L.qWidth()], kv = new float[3 * L.kvWidth()];
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> a.decode(new float[q.length], q, kv, kv, null, st, 3));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("capacity=2"), e.getMessage());
    LinearAttention lin = LinearAttention.of(L, FeatureMap.RELU);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> lin.decode(new float[q.length], q, kv, kv, null, st, 3));
  }
}
