package dev.focus.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.Batch;
import dev.focus.data.Split;
import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.data.TextDataset;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import dev.focus.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The masked-LM objective: BERT's rule in proportion, its batches, exact resume, and an encoder that learns with it. */
class MaskedLmTest {
  @TempDir Path tmp;

  static final MaskedLm BERT = MaskedLm.bert(261);

  @Test
  void fifteenPercentOfThePositionsAreTargetsSplit80To10To10() {
    int t = 64, rows = 20_000, k = BERT.targetsPerSequence(t);
    assertEquals(10, k, "round(0.15·64) = 10");
    long[] perAction = new long[MaskedLm.Action.values().length];
    long[] perPosition = new long[t];
    long[] perRandomId = new long[261];
    for (int r = 0; r < rows; r++) {
      MaskedLm.Plan p = BERT.plan(7, Split.TRAIN, r / 16, r % 16, t);
      int chosen = 0;
      for (int i = 0; i < t; i++) {
        MaskedLm.Action a = p.actions()[i];
        perAction[a.ordinal()]++;
        if (a != MaskedLm.Action.NONE) { chosen++; perPosition[i]++; }
        if (a == MaskedLm.Action.RANDOM) perRandomId[p.random()[i]]++;
        else assertEquals(-1, p.random()[i]);
      }
      assertEquals(k, chosen, "every sequence has exactly k targets");
    }
    long n = (long) rows * k;
    // each share within 4.5 binomial standard deviations of BERT's 80/10/10
    assertShare("MASK", 0.8, perAction[MaskedLm.Action.MASK.ordinal()], n);
    assertShare("RANDOM", 0.1, perAction[MaskedLm.Action.RANDOM.ordinal()], n);
    assertShare("UNCHANGED", 0.1, perAction[MaskedLm.Action.UNCHANGED.ordinal()], n);
    // every position equally likely: chi-square over 64 cells (63 d.o.f.; 99.99% quantile ≈ 120)
    assertTrue(chiSquare(perPosition) < 120, "positions are not uniform: chi2 " + chiSquare(perPosition));
    // random replacements uniform over the data's 261 ids, never [MASK]
    assertTrue(chiSquare(perRandomId) < 380, "random ids are not uniform: chi2 " + chiSquare(perRandomId) + " (260 d.o.f.)");
    // small sequences: at least one target, at most all
    assertEquals(1, BERT.targetsPerSequence(2));
    assertEquals(1, BERT.targetsPerSequence(3));
    assertEquals(2, BERT.targetsPerSequence(10));
    assertEquals(5, new MaskedLm(9, 9, 1.0, 0.8, 0.1).targetsPerSequence(5));
  }

  static void assertShare(String what, double p, long count, long n) {
    double sd = Math.sqrt(p * (1 - p) / n), share = (double) count / n;
    assertTrue(Math.abs(share - p) < 4.5 * sd, what + " share " + share + " is not " + p + " ± " + 4.5 * sd);
  }

  static double chiSquare(long[] counts) {
    double total = 0;
    for (long c : counts) total += c;
    double e = total / counts.length, x = 0;
    for (long c : counts) x += (c - e) * (c - e) / e;
    return x;
  }

  @Test
  void theBatchReplacesTheChosenInputsAndTargetsOnlyThem() {
    int b = 8, t = 40;
    Random rng = new Random(1);
    int[] tokens = rng.ints(b * t, 0, 261).toArray(), next = rng.ints(b * t, 0, 261).toArray();
    Batch in = new Batch(tokens.clone(), next, b, t);
    Batch out = BERT.apply(in, Split.VALIDATION, 3, 11);
    assertArrayEquals(tokens, in.tokens(), "the data's batch is not modified");
    assertEquals(b * BERT.targetsPerSequence(t), out.countTargets());
    int masks = 0;
    for (int r = 0; r < b; r++) {
      MaskedLm.Plan p = BERT.plan(3, Split.VALIDATION, 11, r, t);
      for (int i = 0; i < t; i++) {
        int at = r * t + i;
        switch (p.actions()[i]) {
          case NONE:
            assertEquals(tokens[at], out.tokens()[at]);
            assertEquals(Batch.IGNORE, out.targets()[at]);
            break;
          case MASK:
            masks++;
            assertEquals(261, out.tokens()[at]);
            assertEquals(tokens[at], out.targets()[at]);
            break;
          case RANDOM:
            assertEquals(p.random()[i], out.tokens()[at]);
            assertEquals(tokens[at], out.targets()[at]);
            break;
          default:
            assertEquals(tokens[at], out.tokens()[at]);
            assertEquals(tokens[at], out.targets()[at]);
        }
      }
    }
    assertTrue(masks > 0);
    // a function of (seed, split, step, row) only
    assertArrayEquals(out.tokens(), BERT.apply(in, Split.VALIDATION, 3, 11).tokens());
    assertFalse(java.util.Arrays.equals(out.tokens(), BERT.apply(in, Split.VALIDATION, 3, 12).tokens()), "another step");
    assertFalse(java.util.Arrays.equals(out.tokens(), BERT.apply(in, Split.TRAIN, 3, 11).tokens()), "another split");
    assertFalse(java.util.Arrays.equals(out.tokens(), BERT.apply(in, Split.VALIDATION, 4, 11).tokens()), "another seed");
    assertFalse(java.util.Arrays.equals(BERT.plan(3, Split.TRAIN, 0, 0, t).actions(), BERT.plan(3, Split.TRAIN, 0, 1, t).actions()),
        "another row");
  }

  @Test
  void theLossIsTheMeanCrossEntropyOverTheMaskedPositionsOnly() {
    // Explicit value: from the encoder's (B·T, V) logits, −log softmax at the original token, averaged
    // over the B·k targets and nothing else (float64 sums of the float32 logits).
    ModelConfig c = encoder("rope");
    Model m = new Model(c, 5);
    int b = 3, t = 20, v = c.vocab();
    int[] tokens = new Random(2).ints(b * t, 0, 261).toArray();
    Batch mlm = BERT.apply(new Batch(tokens, tokens.clone(), b, t), Split.TRAIN, 9, 4);
    float[] logits = m.logits(mlm.tokens(), b, t);
    double sum = 0;
    int n = 0;
    for (int i = 0; i < b * t; i++) {
      int y = mlm.targets()[i];
      if (y == Batch.IGNORE) continue;
      double max = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < v; j++) max = Math.max(max, logits[i * v + j]);
      for (int j = 0; j < v; j++) z += Math.exp(logits[i * v + j] - max);
      sum += max + Math.log(z) - logits[i * v + y];
      n++;
    }
    assertEquals(b * 3, n, "round(0.15·20) = 3 targets a row");
    assertEquals(sum / n, m.loss(mlm.tokens(), mlm.targets(), b, t), 1e-5);
    assertEquals(sum / n, m.forwardBackward(mlm.tokens(), mlm.targets(), b, t), 1e-5);
  }

  @Test
  void badSettingsAndModelsThatCannotLearnTheObjectiveAreRefusedInOneLine() {
    assertEquals("maskId=5 must not be a data id (0..9)", assertThrows(IllegalArgumentException.class,
        () -> new MaskedLm(5, 10, 0.15, 0.8, 0.1)).getMessage());
    assertEquals("rate=0.0 must be in (0, 1]", assertThrows(IllegalArgumentException.class,
        () -> new MaskedLm(10, 10, 0, 0.8, 0.1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new MaskedLm(10, 10, 0.15, 0.8, 0.3)).getMessage()
        .endsWith("must be >= 0 with a sum <= 1"));
    assertEquals("objective 'bert' is not one of next-token, mlm", assertThrows(IllegalArgumentException.class,
        () -> Objective.parse("bert", TEXT)).getMessage());
    assertEquals(MaskedLm.bert(261), Objective.parse("MLM", TEXT));
    assertEquals(Objective.NEXT_TOKEN, Objective.parse("next-token", TEXT));
    ModelConfig enc = encoder("rope");
    TrainConfig tc = TrainConfig.defaults(2).withBatch(2, 16);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TextTask(new ModelTrainable(new Model(enc, 1)), TEXT, tc));
    assertTrue(e.getMessage().startsWith("next-token training needs a causal model: with mask=bidirectional"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new TextTask(new ModelTrainable(new Model(enc.withVocab(261), 1)), TEXT, tc, MaskedLm.bert(261)));
    assertEquals("vocab=261 is too small for objective mlm(rate=0.15,mask=0.8,random=0.1,maskId=261) on data of 261 ids (needs 262)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new TextTask(new ModelTrainable(new Model(enc, 1)), TEXT, tc, new MaskedLm(100, 100, 0.15, 0.8, 0.1)));
    assertTrue(e.getMessage().startsWith("maskId=100 is one of the data's ids"), e.getMessage());
    // the objective is part of what a resumed run must match; a next-token run records none (as before)
    TextTask mlm = new TextTask(new ModelTrainable(new Model(enc, 1)), TEXT, tc, MaskedLm.bert(261));
    assertEquals("mlm(rate=0.15,mask=0.8,random=0.1,maskId=261)", mlm.identity().get("objective"));
    assertEquals("bidirectional", mlm.identity().get("mask"));
    TextTask next = new TextTask(new ModelTrainable(new Model(enc.withMask(dev.focus.attention.Mask.Kind.CAUSAL), 1)), TEXT, tc);
    assertFalse(next.identity().containsKey("objective"));
  }

  /**
   * Documents that each repeat one random four-letter word sixteen times ("qkfa qkfa qkfa …"): a masked
   * letter is the letter five places away, which an encoder with positions finds; without positions it
   * can only tell which letters the window holds.
   */
  static final TextDataset TEXT = words(new Random(42), 400);

  static TextDataset words(Random rng, int docs) {
    List<String> train = new ArrayList<>(), val = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      StringBuilder w = new StringBuilder();
      while (w.length() < 4) {
        char c = (char) ('a' + rng.nextInt(26));
        if (w.indexOf(String.valueOf(c)) < 0) w.append(c);
      }
      String doc = (w + " ").repeat(16).trim();
      (d % 10 == 0 ? val : train).add(doc);
    }
    return new TextDataset("words", ByteTokenizer.INSTANCE, train, val);
  }

  static ModelConfig encoder(String position) {
    return Overrides.apply(ModelConfig.micro(), List.of("mask=bidirectional", "vocab=262", "hidden=32", "intermediate=64", "layers=2",
        "heads=4", "context=24", "position=" + position));
  }

  static final TrainConfig TC = TrainConfig.defaults(30).withBatch(8, 24).withLr(3e-3, 3e-4, 3).withEval(10, 2).withCheckpointEvery(7);

  @Test
  void anInterruptedMaskedLmRunResumesBitForBit() throws IOException {
    ModelTrainable full = new ModelTrainable(new Model(encoder("rope"), 3));
    Trainer.of(full, TEXT, TC, tmp.resolve("full"), MaskedLm.bert(261)).run(null);

    Path run = tmp.resolve("split");
    ModelTrainable a = new ModelTrainable(new Model(encoder("rope"), 3));
    var t1 = Trainer.of(a, TEXT, TC, run, MaskedLm.bert(261));
    assertTrue(t1.run(p -> { if (p.step() == 11) t1.requestStop(); }).stopped());
    ModelTrainable b = new ModelTrainable(new Model(encoder("rope"), 99));
    var t2 = Trainer.of(b, TEXT, TC, run, MaskedLm.bert(261));
    assertTrue(t2.resume());
    assertEquals(11, t2.step());
    t2.run(null);
    List<Map<String, Object>> x = RunDirectory.readMetrics(tmp.resolve("full")), y = RunDirectory.readMetrics(run);
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.get(i).get("loss"), y.get(i).get("loss"), "loss at step " + (i + 1));
      assertEquals(x.get(i).get("val_loss"), y.get(i).get("val_loss"), "validation loss at step " + (i + 1));
    }
    for (int i = 0; i < full.params().size(); i++) {
      assertArrayEquals(full.params().get(i).value(), b.params().get(i).value(), full.params().get(i).name());
    }
    // resuming under another objective is refused
    var other = Trainer.of(new ModelTrainable(new Model(encoder("rope"), 3)), TEXT, TC, run, new MaskedLm(261, 261, 0.3, 0.8, 0.1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, other::resume);
    assertTrue(e.getMessage().contains("objective was mlm(rate=0.15"), e.getMessage());
  }

  @Test
  void aTinyEncoderLearnsTheMaskedLettersWithPositionsAndNotWithout() throws IOException {
    TrainConfig tc = TrainConfig.defaults(400).withBatch(16, 24).withLr(5e-3, 5e-4, 20).withEval(400, 8);
    double[] val = new double[2];
    String[] kinds = {"rope", "nope"};
    for (int i = 0; i < 2; i++) {
      ModelConfig c = Overrides.apply(encoder(kinds[i]), List.of("layers=1", "hidden=64", "intermediate=128"));
      Trainer<Batch> tr = Trainer.of(new ModelTrainable(new Model(c, 1)), TEXT, tc, null, MaskedLm.bert(261));
      tr.run(null);
      val[i] = tr.evaluate(8);
    }
    // ln 262 = 5.57 at the start. The masked letter's word repeats five places away, so one RoPE layer
    // copies it (measured 0.43; what remains is mostly letters of a word cut by the window's edge). A
    // NoPE encoder sees the window as a bag of letters: at best it knows the word's four letters and the
    // share of spaces, H(0.2) + 0.8 ln 4 = 1.61 nats (measured 2.19 after the same 400 steps).
    assertTrue(val[0] < 0.8, "RoPE encoder's masked-LM validation loss " + val[0]);
    assertTrue(val[1] > 1.2, "NoPE encoder's masked-LM validation loss " + val[1]);
    System.out.printf("[mlm] words: validation loss RoPE %.3f, NoPE %.3f%n", val[0], val[1]);
  }

  @Test
  void syntheticDataTrainsUnderTheObjectiveToo() throws IOException {
    SyntheticDataset copy = new SyntheticDataset(new SyntheticTask.KBack(8, 1, false));
    ModelConfig c = Overrides.apply(ModelConfig.micro(), List.of("mask=bidirectional", "vocab=9", "layers=1", "context=16"));
    TrainConfig tc = TrainConfig.defaults(3).withBatch(4, 16);
    ModelTrainable m = new ModelTrainable(new Model(c, 1));
    Trainer.Result r = Trainer.of(m, copy, tc, null, Objective.parse("mlm", copy)).run(null);
    assertEquals(3, r.step());
    assertTrue(Double.isFinite(r.lastLoss()));
    for (Parameter p : ((ModelTrainable) m).model().parameters()) for (float v : p.value()) assertTrue(Float.isFinite(v));
  }
}
