package dev.focus.attention;

import static dev.focus.attention.Reference.d;
import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.focus.attention.LinearAttention.Form;
import dev.focus.position.FrequencyPlan;
import dev.focus.position.PairLayout;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;
import dev.focus.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Linear attention with the RoFormer §3.4.4 rotary numerator (a rotary table passed per call):
 * every form against the double-precision definition (numerator (R_i φ(q_i))·(R_j φ(k_j)), normaliser
 * unrotated), central differences of that definition, agreement of the three forms across several
 * causal blocks, incremental decoding, and tables whose rows belong to each sequence of a batch.
 */
class LinearRotaryTest {

  static final HeadLayout GQA = new HeadLayout(4, 2, 4);

  /** An attention and the rotary table its calls pass. */
  record Rotated(LinearAttention a, RopeTable table) {
    Rotated with(LinearAttention b) { return new Rotated(b, table); }
  }

  /** A rotary table for feature size {@code f} with a small base, so that short sequences turn far. */
  static RopeTable table(int f, int rows, PairLayout layout) {
    return Rope.oneD(f, 7.0).withLayout(layout).table(positions(rows));
  }

  static double[][] positions(int rows) {
    double[][] c = new double[rows][1];
    for (int i = 0; i < rows; i++) c[i][0] = i;
    return c;
  }

  /**
   * Rotary configurations of every factorising map. RELU is left out where float32 paths are compared
   * over many tokens: a row whose relu features all vanish has n_i = eps, and its output then amplifies
   * rounding by 1/eps (the finite-difference test covers RELU on short sequences).
   */
  static List<Rotated> configs(HeadLayout l, int rows, boolean relu) {
    List<Rotated> out = new ArrayList<>();
    for (FeatureMap m : List.of(FeatureMap.ELU_PLUS_1, FeatureMap.RELU, FeatureMap.IDENTITY, FeatureMap.POSITIVE_RANDOM)) {
      if (m == FeatureMap.RELU && !relu) continue;
      LinearAttention base = LinearAttention.of(l, m);
      if (m == FeatureMap.POSITIVE_RANDOM) base = base.withRandomFeatures(6, 3);
      RopeTable t = table(base.features(), rows, m == FeatureMap.RELU ? PairLayout.ADJACENT : PairLayout.HALF);
      out.add(new Rotated(base, t));
      out.add(new Rotated(base.withDecay(new float[] {0.9f, 0.5f, 1f, 0.75f}), t));
    }
    return out;
  }

  static String name(LinearAttention a) {
    return a.featureMap() + "/" + a.form() + (a.form() == Form.CHUNKED ? " " + a.chunk() : "") + "/" + a.normalization()
        + (a.decay() == null ? "" : "/decay") + "/rotary";
  }

  @Test
  void everyFormMatchesTheDefinitionAndItsFiniteDifferences() {
    int batch = 2, t = 5;
    Inputs in = new Inputs(GQA, batch, t, 11);
    for (Rotated r : configs(GQA, t, true)) {
      for (LinearAttention a : List.of(r.a(), r.a().withForm(Form.RECURRENT), r.a().withChunk(2))) {
        LinearAttentionTest.checkAgainstDefinition(a, r.table(), name(a), in, batch, t);
      }
    }
  }

  @Test
  void rotationChangesTheWeightsButOnlyThroughRelativePositions() {
    // (R_i f)·(R_j g) = f·R_{j−i} g: shifting both positions by the same amount leaves it unchanged,
    // so a sequence of identical tokens has weights that depend on i − j only
    HeadLayout l = HeadLayout.mha(1, 4);
    int t = 6;
    float[] q = new float[t * 4], k = new float[t * 4];
    for (int i = 0; i < t; i++) {
      for (int c = 0; c < 4; c++) {
        q[i * 4 + c] = 0.3f * (c + 1);
        k[i * 4 + c] = 0.5f - 0.2f * c;
      }
    }
    LinearAttention plain = LinearAttention.of(l, FeatureMap.ELU_PLUS_1).withNormalization(LinearAttention.Normalization.NONE);
    float[] w0 = plain.weights(q, k, null, Mask.causal(), 1, t);
    float[] w1 = plain.weights(q, k, null, Mask.causal(), table(4, t, PairLayout.HALF), 1, t);
    double maxDiff = 0;
    for (int i = 0; i < t * t; i++) maxDiff = Math.max(maxDiff, Math.abs(w0[i] - w1[i]));
    org.junit.jupiter.api.Assertions.assertTrue(maxDiff > 0.05, "rotation must change the weights, max diff " + maxDiff);
    for (int i = 1; i < t; i++) {
      for (int j = 1; j <= i; j++) {
        assertClose("w[" + i + "," + j + "] = w[" + (i - 1) + "," + (j - 1) + "]", w1[(i - 1) * t + j - 1], w1[i * t + j], 1e-6, 1e-5);
      }
    }
  }

  @Test
  void parallelRecurrentAndChunkedFormsAgreeOverSeveralCausalBlocks() {
    HeadLayout l = new HeadLayout(4, 2, 6);
    int batch = 2, t = 150;
    Inputs in = new Inputs(l, batch, t, 5, 0.5f);
    for (Rotated rot : configs(l, t, false)) {
      LinearAttention base = rot.a();
      RopeTable table = rot.table();
      float[][] p = in.run(base.withForm(Form.PARALLEL), null, null, Mask.causal(), table);
      // the block-skipping causal parallel path against the general one (same function, full square)
      float[][] g = in.run(base.withForm(Form.PARALLEL), null, null, Mask.causalWithBlocks(List.of(new int[] {3, 4})), table);
      assertClose(name(base) + " causal blocks vs full square out", p[0], g[0], 1e-5, 1e-4);
      assertClose(name(base) + " causal blocks vs full square dq", p[1], g[1], 1e-5, 1e-4);
      for (LinearAttention a : List.of(base.withForm(Form.RECURRENT), base.withChunk(64), base.withChunk(7))) {
        float[][] r = in.run(a, null, null, Mask.causal(), table);
        String n = name(a) + " vs parallel";
        LinearAttentionTest.assertSameRun(n, p, r);
      }
    }
  }

  @Test
  void decodingWithRotationMatchesTheFullPass() {
    int t = 9;
    Inputs in = new Inputs(GQA, 1, t, 8);
    for (Rotated rot : configs(GQA, t, false)) {
      LinearAttention a = rot.a();
      float[] full = in.newOut();
      a.forward(full, in.q, in.k, in.v, null, Mask.causal(), rot.table(), 1, t, null);
      DecodeState st = a.newDecodeState(1, t);
      float[] stepped = new float[full.length];
      int qw = GQA.qWidth(), kw = GQA.kvWidth();
      for (int i = 0; i < t; i++) {
        float[] o = new float[qw];
        a.decode(o, java.util.Arrays.copyOfRange(in.q, i * qw, (i + 1) * qw), java.util.Arrays.copyOfRange(in.k, i * kw, (i + 1) * kw),
            java.util.Arrays.copyOfRange(in.v, i * kw, (i + 1) * kw), null, st, rot.table(), 1);
        System.arraycopy(o, 0, stepped, i * qw, qw);
      }
      assertClose(name(a) + " decode", full, stepped, 1e-5, 1e-4);
    }
  }

  @Test
  void aRecycledSavedGivesTheSameResultsInEveryForm() {
    int t = 70;
    Inputs in = new Inputs(GQA, 2, t, 4, 0.5f);
    Rotated rot = configs(GQA, t, false).get(1);
    LinearAttention base = rot.a();
    RopeTable table = rot.table();
    for (LinearAttention a : List.of(base, base.withForm(Form.RECURRENT), base.withChunk(16))) {
      float[][] fresh = in.run(a, null, null, Mask.causal(), table);
      Attention.Saved s1 = a.forward(in.newOut(), in.q, in.k, in.v, null, Mask.causal(), table, 2, t, null);
      a.backward(in.newOut(), in.newKv(), in.newKv(), null, in.dOut, s1);
      float[] out = in.newOut(), dq = in.newOut(), dk = in.newKv(), dv = in.newKv();
      Attention.Saved s2 = a.forward(out, in.q, in.k, in.v, null, Mask.causal(), table, 2, t, s1);
      a.backward(dq, dk, dv, null, in.dOut, s2);
      float[][] again = {out, dq, dk, dv};
      for (int i = 0; i < 4; i++) assertClose(name(a) + " recycled #" + i, fresh[i], again[i], 0, 0);
    }
  }

  @Test
  void rotaryNeedsAFeatureMapAndEnoughTableRows() {
    RopeTable t4 = table(4, 3, PairLayout.HALF);
    Inputs in = new Inputs(GQA, 1, 5, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LinearAttention.of(GQA, FeatureMap.RELU2).forward(in.newOut(), in.q, in.k, in.v, null, Mask.causal(), t4, 1, 5, null));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("RELU2"), e.getMessage());
    LinearAttention a = LinearAttention.of(GQA, FeatureMap.ELU_PLUS_1);
    e = assertThrows(IllegalArgumentException.class, () -> a.forward(in.newOut(), in.q, in.k, in.v, null, Mask.causal(), t4, 1, 5, null));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rotary table"), e.getMessage());
    RopeTable wide = Rope.oneD(6, 10).table(positions(5));
    assertThrows(IllegalArgumentException.class, () -> a.forward(in.newOut(), in.q, in.k, in.v, null, Mask.causal(), wide, 1, 5, null));
  }

  @Test
  void aTableWithRowsPerSequenceTurnsEachSequenceByItsOwnRows() {
    // sequence 1 at positions 5.. under a per-sequence table equals sequence 1 alone at offset rows 5..
    int t = 4, batch = 2;
    Inputs in = new Inputs(GQA, batch, t, 9);
    LinearAttention a = LinearAttention.of(GQA, FeatureMap.ELU_PLUS_1);
    double[][] coords = new double[batch * t][1];
    for (int i = 0; i < t; i++) {
      coords[i][0] = i;
      coords[t + i][0] = 5 + i;
    }
    RopeTable perSeq = Rope.oneD(4, 7.0).withLayout(PairLayout.HALF).table(coords).perSequence(t);
    float[] out = in.newOut();
    a.forward(out, in.q, in.k, in.v, null, Mask.causal(), perSeq, batch, t, null);
    double[][] shifted = new double[t][1];
    for (int i = 0; i < t; i++) shifted[i][0] = 5 + i;
    RopeTable own = Rope.oneD(4, 7.0).withLayout(PairLayout.HALF).table(shifted);
    int qw = GQA.qWidth(), kw = GQA.kvWidth();
    float[] one = new float[t * qw];
    a.forward(one, java.util.Arrays.copyOfRange(in.q, t * qw, 2 * t * qw), java.util.Arrays.copyOfRange(in.k, t * kw, 2 * t * kw),
        java.util.Arrays.copyOfRange(in.v, t * kw, 2 * t * kw), null, Mask.causal(), own, 1, t, null);
    assertClose("sequence 1", one, java.util.Arrays.copyOfRange(out, t * qw, 2 * t * qw), 0, 0);
  }
}
