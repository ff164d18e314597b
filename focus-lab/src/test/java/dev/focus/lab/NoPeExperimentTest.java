package dev.focus.lab;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelConfig.PositionKind;
import dev.focus.model.ModelObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoPeExperimentTest {
  @Test
  void miniProfilePublishesVarianceLawProbesAndTables(@TempDir Path runs) throws Exception {
    NoPeExperiment e = new NoPeExperiment();
    LabRunner runner = new LabRunner(runs, Profile.MINI, 1, runs.resolve("no-cache"));
    List<LabRunner.Result> r = runner.run(List.of(e), false, new LabRunner.Listener() {});
    assertEquals(LabRunner.Outcome.RAN, r.get(0).outcome(), String.valueOf(r.get(0).error()));
    Path dir = runs.resolve("05-why-decoders-need-positions");
    String md = Files.readString(dir.resolve("report.md"));
    NoPeExperiment.Outcome o = e.outcome;
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
    assertTrue(md.contains("## Verdict"));
  }

  @Test
  void fullProfileArmsRunOnATinyBudget(@TempDir Path work) throws Exception {
    // the FULL plan's extra paths (3 seeds, sinusoidal, 4-block arms, reverse) with a few steps each
    NoPeExperiment e = new NoPeExperiment();
    NoPeExperiment.Plan full = NoPeExperiment.Plan.of(Profile.FULL);
    assertEquals(3, full.seeds());
    assertTrue(full.lmArms().contains(PositionKind.SINUSOIDAL) && full.copyTasks().contains("reverse"));
    NoPeExperiment.Plan tiny = new NoPeExperiment.Plan(2, 3, full.lmArms(), true, 1, 3, full.copyArms(), full.copyTasks(), 4, 2, 1, 8);
    LabContext ctx = new LabContext(Profile.MINI, 1, work, work.resolve("no-cache"), Progress.NONE);
    Findings f = new Findings();
    var lms = e.languageModels(f, ctx, tiny);
    assertEquals(List.of("nope", "rope", "alibi", "learned", "sinusoidal", "nope (4 blocks)", "learned (4 blocks)"),
        List.copyOf(lms.keySet()));
    e.shuffledPrefixes(f, ctx, tiny, lms);
    e.longContext(f, ctx, tiny, lms);
    e.lengthGeneralisation(f, ctx, tiny);
    e.verdict(f, tiny);
    String md = f.markdown();
    assertTrue(md.contains("| reverse | sinusoidal |") && md.contains("| sinusoidal | 256 (4×) |")
        && md.contains("| nope (4 blocks) | 4 |"), md);
    assertTrue(md.contains(" ± "), "3-seed tables show a standard deviation");
  }

  @Test
  void causalFloat64ForwardMatchesTheDecoder() {
    ModelConfig cfg = ModelConfig.llama(32, 32, 64, 2, 4, 16).withPosition(PositionKind.NOPE);
    Model model = new Model(cfg, 3);
    int b = 2, t = 16;
    int[] tokens = new int[b * t];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(32);
    float[][] observed = new float[2][];
    float[][] heads = new float[2][];
    model.setObserver(new ModelObserver() {
      @Override public void onActivation(int layer, Point point, float[] v, int bb, int tt, int w) {
        if (point == Point.RESIDUAL_AFTER_MLP) observed[layer] = java.util.Arrays.copyOf(v, bb * tt * w);
      }

      @Override public void onHeadOutputs(int layer, float[] v, int bb, int tt, int nh, int hs) {
        heads[layer] = java.util.Arrays.copyOf(v, bb * tt * nh * hs);
      }
    });
    model.logits(tokens, b, t);
    NopeForward.Taps taps = NopeForward.run(model, tokens, b, t, true);
    for (int l = 0; l < 2; l++) {
      assertClose("residual after block " + (l + 1), toDouble(observed[l]), taps.residuals()[l], 1e-5, 1e-4);
      assertClose("head outputs of layer " + (l + 1), toDouble(heads[l]), taps.headOutputs()[l], 1e-5, 1e-4);
    }
    // D1: bidirectional NoPE is permutation-equivariant — permuting the tokens permutes the outputs
    int[] one = java.util.Arrays.copyOf(tokens, t), rev = new int[t];
    NopeForward.Taps bi = NopeForward.run(model, one, 1, t, false);
    for (int n = 0; n < t; n++) rev[n] = one[t - 1 - n];
    NopeForward.Taps biRev = NopeForward.run(model, rev, 1, t, false);
    double[] a = bi.residuals()[1], c = new double[t * 32];
    for (int n = 0; n < t; n++) System.arraycopy(biRev.residuals()[1], (t - 1 - n) * 32, c, n * 32, 32);
    assertClose("bidirectional equivariance", a, c, 1e-12, 1e-12);
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

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }
}
