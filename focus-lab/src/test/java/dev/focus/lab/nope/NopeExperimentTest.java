package dev.focus.lab.nope;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.MiniRun;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import dev.focus.model.ModelObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NopeExperimentTest {
  @Test
  void miniProfilePublishesVarianceLawProbesAndTables(@TempDir Path runs) throws Exception {
    NopeExperiment e = new NopeExperiment();
    MiniRun.run(runs, e);
    Path dir = runs.resolve("05-why-decoders-need-positions");
    String md = Files.readString(dir.resolve("report.md"));
    NopeExperiment.Outcome o = e.outcome;
    // D3: exact uniform averaging of N(0,1) values falls like 1/n (slope −1; 200 sequences in MINI)
    assertClose("uniform-average slope", new double[] {-1}, new double[] {o.uniformSlope}, 0.03, 0);
    // P13: σ² = 256·0.02² = 0.1024 for one random head, and slope −1 with the 1/√d_h scale
    assertClose("random head MS_1", new double[] {0.1024}, new double[] {o.headMs1}, 0.012, 0);
    assertClose("random head slope", new double[] {-1}, new double[] {o.headSlope}, 0.06, 0);
    // without the scale the logits have s.d. ≈ 1.6 and attention is no longer uniform (D4)
    assertClose("no-scale logit sd", new double[] {1.64}, new double[] {o.noScaleLogitSd}, 0.1, 0);
    assertTrue(o.noScaleSlope > -0.85, "no-scale slope " + o.noScaleSlope + " should be flatter than -1");
    // the decoder's first layer: the mask gives −1 for NoPE and RoPE alike
    assertClose("NoPE layer-1 slope", new double[] {-1}, new double[] {o.stackSlopes.get("nope")[0]}, 0.1, 0);
    assertClose("RoPE layer-1 slope", new double[] {-1}, new double[] {o.stackSlopes.get("rope")[0]}, 0.1, 0);
    // D5: the λ = 1/4 ALiBi head plateaus at Σa² ≈ tanh(1/8)
    assertClose("ALiBi plateau", new double[] {o.alibiPlateauPredicted}, new double[] {o.alibiPlateauRatio}, 0, 0.25);
    assertClose("ALiBi plateau closed form", new double[] {Math.tanh(0.125)}, new double[] {o.alibiPlateauPredicted}, 1e-6, 0);
    // D7: probe chance (L²−1)/(3L) at L = 64 and the median guess L/4
    assertClose("chance", new double[] {(64.0 * 64 - 1) / (3 * 64)}, new double[] {o.chance}, 1e-12, 0);
    assertEquals(16.0, o.medianGuess);
    assertTrue(md.contains("21.33"), "the chance value appears in the report");
    assertTrue(md.contains("{{chart:e1-variance}}") && md.contains("{{chart:e2-probe}}"));
    assertTrue(md.contains("| causal | residual after block 1 |") && md.contains("| bidirectional | residual after block 1 |"));
    assertTrue(Files.exists(dir.resolve("e1-variance.csv")) && Files.exists(dir.resolve("e2-probes.csv")));
    // E3: without a cache the language models train on the synthetic text, one row per position scheme
    assertTrue(md.contains("Brown is not in the data cache"), "the stand-in text is named");
    for (String pos : List.of("nope", "rope", "alibi", "learned")) {
      assertTrue(md.contains("| " + pos + " | 2 |"), "LM table row " + pos);
      double loss = o.lmLoss.get(pos)[0];
      assertTrue(loss > 0 && loss < Math.log(261) + 0.5, pos + " validation loss " + loss);
      assertTrue(md.contains("| " + pos + " | 64 (1×) |"), "E9 row " + pos + " at 1x");
    }
    assertTrue(md.contains("| unigram | – |"));
    assertTrue(o.unigram > 0 && o.unigram < Math.log(261), "unigram loss " + o.unigram);
    // E9: NoPE, RoPE and ALiBi are read at 4× the training length; learned positions are not
    assertTrue(md.contains("| nope | 256 (4×) |") && md.contains("| alibi | 256 (4×) |") && !md.contains("| learned | 256"));
    // at 4× the visible keys number 241..256, so n_eff ≤ 256 and H ≤ ln 256
    NopeTraining.LongEval nope4 = o.longEval.get("nope@256");
    assertTrue(nope4.nEff()[0] <= 256 + 1e-6 && nope4.entropy()[0] <= Math.log(256) + 1e-6);
    // E5 and E8 tables
    assertTrue(md.contains("| copy | nope |") && md.contains("| copy | alibi |"));
    assertTrue(o.shuffled.containsKey("nope") && md.contains("shuffled, last kept"));
    assertTrue(Files.exists(dir.resolve("e3-lm.csv")) && Files.exists(dir.resolve("e8-length.csv"))
        && Files.exists(dir.resolve("e9-long.csv")));
    // E4: the probe on the trained models, three hook points per 2-block arm
    for (String pos : List.of("nope", "rope", "alibi", "learned")) {
      for (String hook : List.of("embeddings", "after block 1", "after block 2")) {
        assertTrue(md.contains("| " + pos + " | " + hook + " |"), "E4 row " + pos + " / " + hook);
        double mad = o.trainedProbes.get(pos + "/" + hook).mad();
        assertTrue(mad >= 0 && mad <= 63, pos + " " + hook + " MAD " + mad);
      }
    }
    assertTrue(Files.exists(dir.resolve("e4-trained-probes.csv")) && md.contains("{{chart:e4-mad}}"));
    // E9 repair: a copy with λ = 1 (same weights) reproduces the unscaled model's loss exactly, and so does λ_h = 1
    double base = o.longEval.get("nope@256").tailLoss();
    assertEquals(base, o.repair.get("λ=1.0@256").tailLoss(), "λ = 1 reproduces the E9 loss at 4x");
    assertEquals(o.longEval.get("nope@64").tailLoss(), o.repair.get("λ=1.0@64").tailLoss(), "and at 1x");
    assertEquals(base, o.repair.get("λh before@256").tailLoss(), 1e-6, "λ_h = 1 before training");
    // softmax entropy falls as λ grows (dH/dλ = −λ·Var(z) ≤ 0); layer 1 sees the same inputs at every λ
    for (int i = 1; i < NopeExperiment.LAMBDAS.length; i++) {
      double prev = o.repair.get("λ=" + NopeExperiment.LAMBDAS[i - 1] + "@256").entropy()[0];
      double next = o.repair.get("λ=" + NopeExperiment.LAMBDAS[i] + "@256").entropy()[0];
      assertTrue(next < prev, "layer-1 entropy falls from λ=" + NopeExperiment.LAMBDAS[i - 1] + ": " + prev + " → " + next);
    }
    // only the λ_h trained: the filter picked the two head_scale tensors, every other weight is unchanged, the λ_h moved
    assertEquals(List.of("model.layers.0.self_attn.head_scale", "model.layers.1.self_attn.head_scale"), o.repairTrained);
    assertEquals(0.0, o.repairFrozenDiff, "weights outside the λ_h are bit-identical to E3's");
    double moved = 0;
    for (double[] layer : o.headScales) for (double v : layer) moved = Math.max(moved, Math.abs(v - 1));
    assertTrue(moved > 1e-4 && moved < 0.5, "λ_h moved from 1 by " + moved);
    assertTrue(md.contains("| global λ = 1.25 |") && md.contains("| per-head λₕ after 4 steps |") && md.contains("{{chart:e9-repair}}"));
    assertTrue(Files.exists(dir.resolve("e9-repair.csv")));
    // E7: one row per task and arm, accuracies in [0, 1], the heat map and the CSV
    for (String task : List.of("3 back", "n mod 10")) {
      for (String arm : List.of("nope", "nope+BOS", "rope", "alibi", "learned")) {
        assertTrue(md.contains("| " + task + " | " + arm + " |"), "E7 row " + task + " / " + arm);
        double[] acc = o.resolution.get(task + "/" + arm);
        assertEquals(5, acc.length);
        for (double a : acc) assertTrue(a >= 0 && a <= 1, task + " " + arm + " accuracy " + a);
      }
    }
    assertTrue(md.contains("{{chart:e7-buckets}}") && Files.exists(dir.resolve("e7-resolution.csv")));
    assertTrue(md.contains("## Verdict") && md.contains("**Point 3,") && md.contains("Temperature repair (Wang et al.")
        && md.contains("Not run: E6"));
  }

  @Test
  void fullProfileArmsRunOnATinyBudget(@TempDir Path work) throws Exception {
    // the FULL plan's extra paths (3 seeds, sinusoidal, 4-block arms, reverse) with a few steps each
    NopeExperiment e = new NopeExperiment();
    NopeExperiment.Plan full = NopeExperiment.Plan.of(Profile.FULL);
    assertEquals(3, full.seeds());
    assertTrue(full.lmArms().contains(PositionKind.SINUSOIDAL) && full.copyTasks().contains("reverse"));
    NopeExperiment.Plan tiny = new NopeExperiment.Plan(2, 3, full.lmArms(), true, 1, 3, full.copyArms(), full.copyTasks(), 4, 2, 1, 8,
        10, 2, 3, 8);
    LabContext ctx = new LabContext(Profile.MINI, 1, work, work.resolve("no-cache"), Progress.NONE);
    Findings f = new Findings();
    var lms = e.languageModels(f, ctx, tiny);
    assertEquals(List.of("nope", "rope", "alibi", "learned", "sinusoidal", "nope (4 blocks)", "learned (4 blocks)"),
        List.copyOf(lms.keySet()));
    e.shuffledPrefixes(f, ctx, tiny, lms);
    e.longContext(f, ctx, tiny, lms);
    e.trainedProbes(f, ctx, tiny, lms);
    e.temperatureRepair(f, ctx, tiny, lms);
    e.resolution(f, ctx, tiny);
    e.lengthGeneralisation(f, ctx, tiny);
    e.verdict(f, tiny);
    String md = f.markdown();
    assertTrue(md.contains("| reverse | sinusoidal |") && md.contains("| sinusoidal | 256 (4×) |")
        && md.contains("| nope (4 blocks) | 4 |") && md.contains("| sinusoidal | after block 2 |")
        && md.contains("| n mod 10 | learned |"), md);
    // two seeds: the E7 CSV has a row per run, the table the mean
    assertEquals(2 * 5 * 2, e.outcome.resolution.size() * 2);
    assertTrue(md.contains(" ± "), "3-seed tables show a standard deviation");
  }

  @Test
  void theProbesReadTheDecodersOwnBlocksUnderEitherMask() {
    ModelConfig cfg = ModelConfig.llama(32, 32, 64, 2, 4, 16).withPosition(PositionKind.NOPE);
    Model model = new Model(cfg, 3);
    int b = 2, t = 16;
    int[] tokens = new int[b * t];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(32);
    float[][] observed = new float[2][];
    float[][] heads = new float[2][];
    ModelObserver mine = new ModelObserver() {
      @Override public void onActivation(int layer, Point point, float[] v, int bb, int tt, int w) {
        if (point == Point.RESIDUAL_AFTER_MLP) observed[layer] = java.util.Arrays.copyOf(v, bb * tt * w);
      }

      @Override public void onHeadOutputs(int layer, float[] v, int bb, int tt, int nh, int hs) {
        heads[layer] = java.util.Arrays.copyOf(v, bb * tt * nh * hs);
      }
    };
    model.setObserver(mine);
    model.logits(tokens, b, t);
    NopeForward.Taps taps = NopeForward.run(model, tokens, b, t, true);
    assertTrue(model.observer() == mine, "the caller's observer is back in place");
    for (int l = 0; l < 2; l++) {
      assertClose("residual after block " + (l + 1), toDouble(observed[l]), taps.residuals()[l], 0, 0);
      assertClose("head outputs of layer " + (l + 1), toDouble(heads[l]), taps.headOutputs()[l], 0, 0);
    }
    // D1: bidirectional NoPE is permutation-equivariant — permuting the tokens permutes the outputs
    // (up to float32 rounding: the sums over keys run in another order)
    int[] one = java.util.Arrays.copyOf(tokens, t), rev = new int[t];
    NopeForward.Taps bi = NopeForward.run(model, one, 1, t, false);
    for (int n = 0; n < t; n++) rev[n] = one[t - 1 - n];
    NopeForward.Taps biRev = NopeForward.run(model, rev, 1, t, false);
    double[] a = bi.residuals()[1], c = new double[t * 32];
    for (int n = 0; n < t; n++) System.arraycopy(biRev.residuals()[1], (t - 1 - n) * 32, c, n * 32, 32);
    assertClose("bidirectional equivariance", a, c, 1e-5, 1e-5);
    // and the causal pass is not: the first token's output differs once the order does
    NopeForward.Taps ca = NopeForward.run(model, one, 1, t, true), caRev = NopeForward.run(model, rev, 1, t, true);
    double moved = 0;
    for (int j = 0; j < 32; j++) moved = Math.max(moved, Math.abs(ca.residuals()[1][j] - caRev.residuals()[1][(t - 1) * 32 + j]));
    assertTrue(moved > 1e-3, "causal outputs depend on the order: " + moved);
  }

  @Test
  void probeScoresAnInformativeFeatureAndChanceForNoise() {
    int seqs = 60, t = 16;
    double[] clean = new double[seqs * t], noise = new double[seqs * t];
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < clean.length; i++) {
      clean[i] = i % t;
      noise[i] = rng.nextGaussian();
    }
    PositionProbe.Result good = PositionProbe.fit(clean, 1, seqs, t, 40, 32, 300, 64, 1e-2, 1);
    PositionProbe.Result bad = PositionProbe.fit(noise, 1, seqs, t, 40, 32, 100, 64, 2e-3, 1);
    assertTrue(good.mad() < 0.5, "the position itself is readable: MAD " + good.mad());
    double chance = (t * t - 1) / (3.0 * t);
    assertTrue(bad.mad() > 0.6 * chance, "noise stays near chance " + chance + ": MAD " + bad.mad());
  }

  @Test
  void logitScaleCopiesShareWeightsAndAGlobalLambdaEqualsEqualPerHeadLambdas() {
    // init std 0.3 (not 0.02) so that logits, and what a temperature does to them, are far from 0
    ModelConfig cfg = dev.focus.model.Overrides.apply(ModelConfig.llama(32, 32, 64, 2, 4, 16).withPosition(PositionKind.NOPE),
        "initStd=0.3");
    Model model = new Model(cfg, 5);
    int b = 2, t = 16;
    int[] tokens = new int[b * t];
    SplittableRandom rng = new SplittableRandom(6);
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(32);
    float[] base = model.logits(tokens, b, t);
    // λ = 1: the same function, bit for bit; λ_h = 1 likewise up to float rounding
    org.junit.jupiter.api.Assertions.assertArrayEquals(base, NopeTraining.withLogitScales(model, 1, false).logits(tokens, b, t));
    Model perHead = NopeTraining.withLogitScales(model, 1, true);
    assertClose("λ_h = 1", toDouble(base), toDouble(perHead.logits(tokens, b, t)), 1e-6, 1e-6);
    // logit = λ·λ_h·q·k/√HS: a global λ = 2 is the same as λ_h = 2 in every head of every layer
    for (int l = 0; l < 2; l++) java.util.Arrays.fill(perHead.parameter("model.layers." + l + ".self_attn.head_scale").value(), 2f);
    float[] global = NopeTraining.withLogitScales(model, 2, false).logits(tokens, b, t);
    assertClose("λ = 2 vs λ_h = 2", toDouble(global), toDouble(perHead.logits(tokens, b, t)), 1e-4, 1e-4);
    double change = 0;
    for (int i = 0; i < base.length; i++) change = Math.max(change, Math.abs(global[i] - base[i]));
    assertTrue(change > 0.01, "a scale of 2 changes the logits by " + change);
    // the copies clone the weights: changing one leaves the original untouched
    perHead.parameter("model.layers.0.self_attn.q_proj.weight").value()[0] += 1f;
    org.junit.jupiter.api.Assertions.assertArrayEquals(base, model.logits(tokens, b, t));
  }

  @Test
  void positionAccuracyCountsTargetsPerDataPosition() {
    int count = 40;
    for (boolean bos : new boolean[] {false, true}) {
      var kback = new dev.focus.data.SyntheticDataset(dev.focus.data.SyntheticTask.parse("kback:symbols=16,k=3,bos=" + bos));
      int seqLen = 20 + (bos ? 1 : 0);
      Model m = new Model(ModelConfig.llama(kback.vocabSize(), 32, 64, 1, 4, seqLen).withPosition(PositionKind.NOPE), 7);
      NopeTraining.PositionAccuracy pa = NopeTraining.positionAccuracy(m, kback, count, seqLen, bos ? 1 : 0, 8);
      assertEquals(20, pa.total().length, "one entry per data position");
      for (int j = 0; j < 20; j++) {
        assertEquals(j < 3 ? 0 : count, pa.total()[j], "targets at data position " + j + " (bos=" + bos + ")");
        assertTrue(pa.correct()[j] <= pa.total()[j]);
      }
      assertTrue(Double.isNaN(pa.over(0, 3)), "no targets before k");
      double all = pa.overall();
      assertTrue(all >= 0 && all <= 1);
    }
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }
}
