package dev.focus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.attention.Mask;
import dev.focus.io.OutputDir;
import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.HfConfig;
import dev.focus.testing.Close;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder mode ({@code mask=bidirectional}): spec 05 D1's permutation equivariance of a NoPE
 * encoder, its absence under positions or a causal mask, every output reading the whole sequence,
 * the configuration's mask in every pass and in config.json, and incremental decoding refused.
 */
class EncoderTest {
  static final int T = 12, B = 2;

  static ModelConfig encoder(String... more) {
    return Overrides.apply(ModelConfig.micro(), concat(List.of("mask=bidirectional", "vocab=23", "initStd=0.3", "context=16"), more));
  }

  static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  static int[] tokens(int vocab) { return new Random(4).ints(B * T, 0, vocab).toArray(); }

  /** π applied to each row: out[b, i] = x[b, π(i)]. */
  static int[] permuteTokens(int[] x, int[] pi) {
    int[] out = new int[x.length];
    for (int b = 0; b < B; b++) for (int i = 0; i < T; i++) out[b * T + i] = x[b * T + pi[i]];
    return out;
  }

  /** The rows of (B·T, V) logits permuted the same way. */
  static float[] permuteRows(float[] x, int[] pi, int v) {
    float[] out = new float[x.length];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < T; i++) System.arraycopy(x, (b * T + pi[i]) * v, out, (b * T + i) * v, v);
    }
    return out;
  }

  static final int[] PI = {5, 0, 11, 3, 9, 1, 7, 2, 10, 4, 8, 6};

  /** Largest |a − b|. */
  static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"softmax", "flash", "linear"})
  void aNopeEncoderIsPermutationEquivariant(String attention) {
    // spec 05 D1 / P2: F(PX) = P F(X). In float32 the keys' sums run in another order, so equal up to rounding.
    ModelConfig c = encoder("position=nope", "attention=" + attention);
    Model m = new Model(c, 3);
    int[] x = tokens(c.vocab());
    float[] y = m.logits(x, B, T);
    float[] yp = m.logits(permuteTokens(x, PI), B, T);
    Close.assertClose(attention + " NoPE encoder: F(PX) = P F(X)", permuteRows(y, PI, c.vocab()), yp, 2e-6, 2e-5);
    assertTrue(maxDiff(y, yp) > 1e-2, "the permutation must move the outputs at all (else the test proves nothing)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rope", "alibi", "learned", "sinusoidal"})
  void anEncoderWithPositionsIsNotPermutationEquivariant(String position) {
    ModelConfig c = encoder("position=" + position);
    Model m = new Model(c, 3);
    int[] x = tokens(c.vocab());
    double d = maxDiff(permuteRows(m.logits(x, B, T), PI, c.vocab()), m.logits(permuteTokens(x, PI), B, T));
    assertTrue(d > 1e-3, position + ": permuting the input only permutes the outputs (max diff " + d + ")");
  }

  @Test
  void aCausalNopeDecoderIsNotPermutationEquivariant() {
    ModelConfig c = encoder("position=nope").withMask(Mask.Kind.CAUSAL);
    Model m = new Model(c, 3);
    int[] x = tokens(c.vocab());
    double d = maxDiff(permuteRows(m.logits(x, B, T), PI, c.vocab()), m.logits(permuteTokens(x, PI), B, T));
    assertTrue(d > 1e-3, "causal NoPE: the mask breaks the symmetry (spec 05 D2), max diff " + d);
  }

  @Test
  void equalTokensGetBitIdenticalOutputsInANopeEncoder() {
    // spec 05 §4's integration check: every [MASK] of a sequence gets the same distribution. With NoPE the
    // query rows of equal tokens are equal and see the same keys in the same order, so the bits agree.
    ModelConfig c = encoder("position=nope");
    Model m = new Model(c, 8);
    int[] x = tokens(c.vocab());
    int mask = c.vocab() - 1;
    int[] at = {1, 4, 5, 10};
    for (int i : at) x[i] = mask;
    float[] y = m.logits(x, B, T);
    int v = c.vocab();
    for (int i : at) assertArrayEquals(Arrays.copyOfRange(y, at[0] * v, at[0] * v + v), Arrays.copyOfRange(y, i * v, i * v + v), "row " + i);
    ModelConfig rope = encoder("position=rope");
    float[] yr = new Model(rope, 8).logits(x, B, T);
    assertTrue(maxDiff(Arrays.copyOfRange(yr, at[0] * v, at[0] * v + v), Arrays.copyOfRange(yr, at[3] * v, at[3] * v + v)) > 1e-4,
        "with RoPE the positions tell the [MASK]s apart");
  }

  @Test
  void everyEncoderOutputReadsTheTokensAfterIt() {
    ModelConfig enc = encoder("position=rope");
    int[] x = tokens(enc.vocab());
    int[] changed = x.clone();
    changed[T - 1] = (x[T - 1] + 1) % enc.vocab();
    int v = enc.vocab();
    Model e = new Model(enc, 2), d = new Model(enc.withMask(Mask.Kind.CAUSAL), 2);
    float[] a = e.logits(x, B, T), b = e.logits(changed, B, T);
    assertTrue(maxDiff(Arrays.copyOf(a, v), Arrays.copyOf(b, v)) > 1e-4, "the encoder's first output reads the last token");
    // the same weights as a decoder (spec 05 P3): outputs before the change are bit-identical
    float[] p = d.logits(x, B, T), q = d.logits(changed, B, T);
    assertArrayEquals(Arrays.copyOf(p, (T - 1) * v), Arrays.copyOf(q, (T - 1) * v));
    // the configuration's mask is the one every pass uses: logits, loss and forward+backward agree with it
    assertArrayEquals(e.logits(x, B, T, Mask.bidirectional()), a);
    assertArrayEquals(d.logits(x, B, T, Mask.causal()), p);
    int[] targets = new Random(1).ints(B * T, 0, v).toArray();
    float l = e.loss(x, targets, B, T);
    e.zeroGrad();
    assertEquals(l, e.forwardBackward(x, targets, B, T));
    assertFalse(l == d.loss(x, targets, B, T), "encoder and decoder losses differ on the same weights");
  }

  @Test
  void incrementalDecodingIsRefusedForAnEncoder() {
    Model m = new Model(encoder(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::decoder);
    assertTrue(e.getMessage().startsWith("incremental decoding needs a causal model, but this one has mask=bidirectional"), e.getMessage());
  }

  @Test
  void theMaskIsSavedAndLoadedInConfigJson() throws IOException {
    Model m = new Model(encoder("position=alibi", "attention=flash"), 6);
    Path dir = Files.createTempDirectory("focus-encoder");
    try {
      Checkpoint.save(dir.resolve("ckpt"), m);
      Map<String, Object> json = Checkpoint.readJson(dir.resolve("ckpt").resolve(Checkpoint.CONFIG));
      assertEquals("bidirectional", ((Map<?, ?>) json.get("focus_config")).get("mask"));
      Model back = Checkpoint.load(dir.resolve("ckpt"));
      assertEquals(m.config(), back.config());
      int[] x = tokens(m.config().vocab());
      assertArrayEquals(m.logits(x, B, T), back.logits(x, B, T));
      // a decoder's config.json has no mask key, as before the key existed
      assertFalse(((Map<?, ?>) HfConfig.toJson(ModelConfig.micro()).get("focus_config")).containsKey("mask"));
    } finally {
      OutputDir.deleteTree(dir);
    }
  }
}
