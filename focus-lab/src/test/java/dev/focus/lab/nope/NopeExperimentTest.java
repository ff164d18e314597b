package dev.focus.lab.nope;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import dev.focus.model.ModelObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NopeExperimentTest {
  @Test
  void miniProfileRecordsHoldTheVarianceLawProbesAndTrainedArms(@TempDir Path work) throws Exception {
    NopeExperiment e = new NopeExperiment();
    NopeExperiment.Settings s = e.settings(Profile.MINI, 1);
    // an empty data cache: the language models train on the synthetic text
    NopeExperiment.Results o = e.run(s, new LabContext(Profile.MINI, 1, work, work.resolve("no-cache"), Progress.NONE));
    VarianceLaw.Result e1 = o.e1();
    // D3: exact uniform averaging of N(0,1) values falls like 1/n (slope −1; 200 sequences in MINI)
    assertClose("uniform-average slope", new double[] {-1}, new double[] {e1.uniformSlope()}, 0.03, 0);
    // P13: σ² = 256·0.02² = 0.1024 for one random head, and slope −1 with the 1/√d_h scale
    assertClose("random head MS_1", new double[] {0.1024}, new double[] {e1.scaled().meanMs()[0]}, 0.012, 0);
    assertClose("random head slope", new double[] {-1}, new double[] {e1.scaled().slope()}, 0.06, 0);
    // without the scale the logits have s.d. ≈ 1.6 and attention is no longer uniform (D4)
    assertClose("no-scale logit sd", new double[] {1.64}, new double[] {e1.raw().logitSd()}, 0.1, 0);
    assertTrue(e1.raw().slope() > -0.85, "no-scale slope " + e1.raw().slope() + " should be flatter than -1");
    // the decoder's first layer: the mask gives −1 for NoPE and RoPE alike
    assertClose("NoPE layer-1 slope", new double[] {-1}, new double[] {e1.stack(PositionKind.NOPE).slopes()[0]}, 0.1, 0);
    assertClose("RoPE layer-1 slope", new double[] {-1}, new double[] {e1.stack(PositionKind.ROPE).slopes()[0]}, 0.1, 0);
    // D5: the λ = 1/4 ALiBi head plateaus at Σa² ≈ tanh(1/8)
    assertClose("ALiBi plateau", new double[] {e1.alibiPlateauPredicted()}, new double[] {e1.alibiPlateauRatio()}, 0, 0.25);
    assertClose("ALiBi plateau closed form", new double[] {Math.tanh(0.125)}, new double[] {e1.alibiPlateauPredicted()}, 1e-6, 0);
    // D7: probe chance (L²−1)/(3L) at L = 64 and the median guess L/4
    assertClose("chance", new double[] {(64.0 * 64 - 1) / (3 * 64)}, new double[] {o.e2().chance()}, 1e-12, 0);
    assertEquals(16.0, o.e2().medianGuess());
    assertEquals(12, o.e2().probes().size(), "6 hook points × causal, bidirectional");
    assertEquals(4, o.e2().probe("causal", "log-norm per head, layer-1 head outputs").dim(), "one log norm per head");
    // E3: the synthetic text, one arm per position scheme, losses below a uniform byte guess
    assertEquals("synthetic-text", o.e3().text());
    assertEquals(List.of("nope", "rope", "alibi", "learned"), o.e3().lms().stream().map(LanguageModels.Lm::name).toList());
    for (LanguageModels.Lm lm : o.e3().lms()) {
      double loss = lm.valLoss()[0];
      assertTrue(loss > 0 && loss < Math.log(261) + 0.5, lm.name() + " validation loss " + loss);
    }
    assertTrue(o.e3().unigram() > 0 && o.e3().unigram() < Math.log(261), "unigram loss " + o.e3().unigram());
    // E9: NoPE, RoPE and ALiBi are read at 4× the training length; learned positions are not
    assertTrue(o.e9().get("nope", 256) != null && o.e9().get("alibi", 256) != null && o.e9().get("learned", 256) == null);
    assertTrue(o.e9().get("learned", 64) != null);
    // at 4× the visible keys number 241..256, so n_eff ≤ 256 and H ≤ ln 256
    NopeTraining.LongEval nope4 = o.e9().get("nope", 256);
    assertTrue(nope4.nEff()[0] <= 256 + 1e-6 && nope4.entropy()[0] <= Math.log(256) + 1e-6);
    // the whole-window and beyond-64 losses: the latter only where the window is longer than the training length
    assertTrue(Double.isNaN(o.e9().get("nope", 64).beyondLoss()) && nope4.beyondLoss() > 0 && nope4.wholeLoss() > 0);
    assertEquals(2, o.e9().all("nope", 256).size(), "every seed of NoPE is read at 4x");
    // E5 and E8
    assertTrue(o.e5().loss("nope") != null && o.e5().loss("nope").length == 3);
    assertEquals(6, o.e8().runs().size(), "copy × nope, rope, alibi × 2 seeds");
    for (LengthGeneralisation.Run run : o.e8().runs()) {
      assertEquals(16, run.exactMatch().length, "lengths 1..16");
      for (double em : run.exactMatch()) assertTrue(em >= 0 && em <= 1);
    }
    // E4: the probe on the trained models, three hook points per 2-block arm
    for (String pos : List.of("nope", "rope", "alibi", "learned")) {
      for (int tap = 0; tap < 3; tap++) {
        double mad = o.e4().probe(pos, tap).result().mad();
        assertTrue(mad >= 0 && mad <= 63, pos + " " + TrainedProbes.tapName(tap) + " MAD " + mad);
      }
    }
    // every seed of the deciding arms is probed (two in MINI), learned positions once; NoPE's norm probes on every seed
    assertEquals(2, o.e4().all("rope", TrainedProbes.RESIDUAL, 1).size());
    assertEquals(1, o.e4().all("learned", TrainedProbes.RESIDUAL, 1).size());
    for (String feature : List.of(TrainedProbes.HEADS, TrainedProbes.LOG_NORM_HEADS, TrainedProbes.LOG_NORM)) {
      assertEquals(2, o.e4().all("nope", feature, 2).size(), feature);
    }
    assertEquals(2, TrainedProbes.logNormShare(o.e4(), 1).length);
    // E9 repair, every NoPE seed: a copy with λ = 1 (same weights) reproduces the unscaled model's loss exactly, and so does λ_h = 1
    assertEquals(2, o.repair().seeds().size());
    assertEquals(o.e9().all("nope", 256).get(1).tailLoss(), o.repair().seeds().get(1).global().get(0).atLong().tailLoss(),
        "seed 2's λ = 1 copy reproduces seed 2's E9 loss");
    TemperatureRepair.Repaired rep = o.repair().first();
    double base = o.e9().get("nope", 256).tailLoss();
    assertEquals(base, rep.global().get(0).atLong().tailLoss(), "λ = 1 reproduces the E9 loss at 4x");
    assertEquals(o.e9().get("nope", 64).tailLoss(), rep.global().get(0).atTrain().tailLoss(), "and at 1x");
    assertEquals(base, rep.before().atLong().tailLoss(), 1e-6, "λ_h = 1 before training");
    // softmax entropy falls as λ grows (dH/dλ = −λ·Var(z) ≤ 0); layer 1 sees the same inputs at every λ
    for (int i = 1; i < rep.global().size(); i++) {
      double prev = rep.global().get(i - 1).atLong().entropy()[0], next = rep.global().get(i).atLong().entropy()[0];
      assertTrue(next < prev, "layer-1 entropy falls from " + rep.global().get(i - 1).setting() + ": " + prev + " → " + next);
    }
    // only the λ_h trained: the filter picked the two head_scale tensors, every other weight is unchanged, the λ_h moved
    assertEquals(List.of("model.layers.0.self_attn.head_scale", "model.layers.1.self_attn.head_scale"), rep.trained());
    assertEquals(0.0, rep.frozenDiff(), "weights outside the λ_h are bit-identical to E3's");
    double moved = 0;
    for (double[] layer : rep.headScales()) for (double v : layer) moved = Math.max(moved, Math.abs(v - 1));
    assertTrue(moved > 1e-4 && moved < 0.5, "λ_h moved from 1 by " + moved);
    assertEquals(4, rep.curve().length);
    // E7: one run per task and arm, a second seed of n mod 10 for NoPE and learned positions, accuracies in [0, 1]
    assertEquals(2 * 5 + 2, o.e7().runs().size());
    for (Resolution.Run run : o.e7().runs()) {
      assertEquals(5, run.accuracy().length, "four buckets and overall");
      for (double a : run.accuracy()) assertTrue(a >= 0 && a <= 1, run.task() + " " + run.arm() + " accuracy " + a);
    }
    // E6: three encoders × two seeds, one task each, against the bag of bytes, on the same validation targets
    MaskedLms.Result e6 = o.e6();
    assertEquals(6, e6.runs().size());
    assertEquals(List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.LEARNED), s.e6().arms());
    int k = dev.focus.train.MaskedLm.bert(261).targetsPerSequence(64);
    assertEquals(s.e6().valBatches() * 16L * k, e6.bag().targets(), "B·k targets per validation batch");
    for (MaskedLmRun.Result run : e6.runs()) {
      assertTrue(run.valLoss() > 0 && run.valLoss() < Math.log(262) + 0.5, run.position() + " masked-LM loss " + run.valLoss());
      assertEquals(s.e6().steps(), run.curve().length);
      assertTrue(run.maskPairs() > 0, "windows of 64 with 80% of 10 targets masked hold several [MASK] rows");
      if (run.position() == PositionKind.NOPE) {
        // D1, exactly: two [MASK] rows of one window are the same query against the same keys in the same order
        assertEquals(0.0, run.maskRowSpread(), "NoPE [MASK] rows are bit-identical");
        assertTrue(run.permutation() <= 1e-5 * run.logitScale(), "NoPE: F(PX) = PF(X) up to float32 rounding, " + run.permutation());
      } else {
        assertTrue(run.maskRowSpread() > 0, run.position() + ": positions tell [MASK] rows apart");
        assertTrue(run.permutation() > 1e-4 * run.logitScale(), run.position() + " moves under a permutation: " + run.permutation());
      }
    }
    // the two seeds differ (own init, data and masks), and a seed's run is the same task however it is reached
    assertTrue(e6.losses(PositionKind.NOPE)[0] != e6.losses(PositionKind.NOPE)[1]);
    NopeExperiment.Results again = e.run(s, new LabContext(Profile.MINI, 1, work, work.resolve("no-cache"), Progress.NONE));
    assertEquals(e6.runs().get(0).valLoss(), again.e6().runs().get(0).valLoss(), "stored task results are read back");
    MaskedLms.Bag bag = e6.bag();
    assertTrue(bag.lambda() >= 0 && bag.lambda() <= 0.99 && bag.alpha() >= 0 && bag.alpha() <= 0.99);
    assertTrue(bag.visible() < bag.mask(), "a visible input is the target 10/(10+10·1/V) of the time: the bag copies it");
    NopeRules.MaskedLmDecision d = NopeRules.maskedLm(s.e6(), e6);
    assertEquals(3, d.arms().size());
    assertEquals(2, d.gaps().size(), "NoPE minus RoPE and minus learned");
    // the report renders from the records alone
    String md = e.render(s, o).markdown();
    assertTrue(md.contains("## Verdict"));
    assertTrue(md.contains("## 10. Bidirectional masked LMs (E6, the control)") && !md.contains("E6 is not run") && !md.contains("Not run: E6"));
  }

  @Test
  void theBagOfBytesScoresHandMadeWindowsExactly() {
    // V = 4 data ids, [MASK] = 4, u uniform. Window [MASK, 0, 0, 1]: target 0 at the [MASK], target 1 at
    // position 3 (kept as itself); visible inputs 0, 0, 1, so c(0) = 2/3, c(1) = 1/3.
    MaskedLms.Targets t = new MaskedLms.Targets();
    double[] u = {0.25, 0.25, 0.25, 0.25};
    int I = dev.focus.data.Batch.IGNORE;
    t.add(new dev.focus.data.Batch(new int[] {4, 0, 0, 1}, new int[] {0, I, I, 1}, 1, 4), 4, u, 4);
    // a second window whose [MASK] target (2) is absent from its visible inputs, and a random replacement (3 for 0)
    t.add(new dev.focus.data.Batch(new int[] {0, 4, 1, 3}, new int[] {I, 2, I, 0}, 1, 4), 4, u, 4);
    assertEquals(4, t.size());
    assertEquals(2, t.maskCount());
    double q1 = 0.5 * 0.25 + 0.5 * 2 / 3.0, q2 = 0.5 * 0.25 + 0.5 * 0;
    assertEquals(-(Math.log(q1) + Math.log(q2)) / 2, t.maskLoss(0.5), 1e-15);
    // visible: (a) y = x = 1 with c(1) = 1/3: α + (1−α)q; (b) y = 0, x = 3, c(0) = 1/3 (of 0, 1, 3): (1−α)q
    double qa = 0.5 * 0.25 + 0.5 / 3, qb = qa;
    assertEquals(-(Math.log(0.3 + 0.7 * qa) + Math.log(0.7 * qb)) / 2, t.visibleLoss(0.5, 0.3), 1e-15);
    assertEquals(Math.log(4), t.unigramLoss(), 1e-15);
  }

  @Test
  void tinyDeviationsPrintAsPowersOfTen() {
    assertEquals("$4.2\\cdot10^{-7}$", MaskedLmReport.sci(4.2e-7));
    assertEquals("0", MaskedLmReport.sci(0));
    assertEquals("0.179", MaskedLmReport.sci(0.17935));
  }

  static MaskedLmRun.Result mlmRun(PositionKind p, int seed, double loss, double permutation) {
    return new MaskedLmRun.Result(p, seed, loss, new double[1], permutation, 10, p == PositionKind.NOPE ? 0 : 1, 20, 1);
  }

  @Test
  void theMaskedLmRuleOnHandMadeRecords() {
    MaskedLms.Settings s = new MaskedLms.Settings(List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.LEARNED), 3, 1, 16, 64, 1,
        8, 1, 1);
    MaskedLms.Bag bag = new MaskedLms.Bag(0.03, 0.48, 3.0, 3.1, 3.2, 2.2, 100);
    List<MaskedLmRun.Result> runs = new java.util.ArrayList<>(List.of(
        mlmRun(PositionKind.NOPE, 0, 2.95, 1e-6), mlmRun(PositionKind.NOPE, 1, 2.90, 2e-6), mlmRun(PositionKind.NOPE, 2, 2.85, 1e-6),
        mlmRun(PositionKind.ROPE, 0, 2.50, 5), mlmRun(PositionKind.ROPE, 1, 2.40, 6), mlmRun(PositionKind.ROPE, 2, 2.30, 7),
        mlmRun(PositionKind.LEARNED, 0, 3.00, 2), mlmRun(PositionKind.LEARNED, 1, 2.95, 2), mlmRun(PositionKind.LEARNED, 2, 2.80, 2)));
    NopeRules.MaskedLmDecision d = NopeRules.maskedLm(s, new MaskedLms.Result("brown", 261, runs, bag));
    assertEquals(PositionKind.ROPE, d.best());
    // share = (bag − NoPE)/(bag − RoPE) = (3.0 − 2.9)/(3.0 − 2.4) = 1/6
    assertEquals(1 / 6.0, d.share(), 1e-12);
    // NoPE − RoPE per seed: 0.45, 0.50, 0.55 → mean 0.5 ± 4.303·0.05/√3
    assertEquals(0.5, d.gaps().get(PositionKind.ROPE).mean(), 1e-12);
    assertEquals(4.303 * 0.05 / Math.sqrt(3), d.gaps().get(PositionKind.ROPE).halfWidth(), 1e-12);
    assertEquals(2e-7, d.nopePermutation(), 1e-20, "2e-6 of a largest logit of 10 (relative)");
    assertEquals(0.2, d.positionedPermutation(), 1e-12, "learned's 2 of 10 is the smallest");
    assertTrue(d.positionsHelp() && d.likeBag() && d.equivariant() && d.holds(), d.toString());
    assertTrue(!d.gaps().get(PositionKind.LEARNED).above(0), "learned, not ahead of NoPE, does not decide");
    // NoPE recovering a third of the gain is more than a bag
    runs.set(1, mlmRun(PositionKind.NOPE, 1, 2.55, 2e-6));
    d = NopeRules.maskedLm(s, new MaskedLms.Result("brown", 261, runs, bag));
    assertEquals((3.0 - (2.95 + 2.55 + 2.85) / 3) / 0.6, d.share(), 1e-12);
    assertTrue(!d.likeBag() && !d.holds());
    // a NoPE [MASK] row that differs at all fails the exact check
    runs.set(1, new MaskedLmRun.Result(PositionKind.NOPE, 1, 2.90, new double[1], 2e-6, 10, 1e-7, 20, 1));
    d = NopeRules.maskedLm(s, new MaskedLms.Result("brown", 261, runs, bag));
    assertTrue(d.likeBag() && !d.equivariant() && !d.holds());
  }

  static LanguageModels.Lm lm(String name, double... losses) {
    return new LanguageModels.Lm(name, PositionKind.NOPE, 2, losses, new double[1], 1);
  }

  @Test
  void languageModelRulesOnHandMadeRecords() {
    // NoPE minus ALiBi (the better relative scheme by mean), paired: 0.30, 0.35, 0.40 → 0.35 ± 4.303·0.05/√3 = 0.35 ± 0.124
    LanguageModels.Result r = new LanguageModels.Result("brown", 256, List.of(lm("nope", 2.30, 2.40, 2.50), lm("rope", 2.10, 2.10, 2.10),
        lm("alibi", 2.00, 2.05, 2.10)), 3.0);
    assertEquals("alibi", NopeRules.bestRelative(r).name());
    dev.focus.lab.run.Claim ahead = NopeRules.relativeAhead(r);
    assertEquals(0.35, ahead.interval().mean(), 1e-12);
    assertEquals(4.303 * 0.05 / Math.sqrt(3), ahead.interval().halfWidth(), 1e-12);
    assertEquals(dev.focus.lab.run.Claim.Outcome.AGREES, ahead.outcome());
    assertEquals("+0.350 ± 0.124 over 3 seeds: agrees", ahead.text(3));
    // NoPE minus unigram: −0.6 ± 0.25 is below −0.1
    assertTrue(NopeRules.lmLearns(r).agrees());
    // the same means, but seed 3 reversed: differences 0.30, 0.35, −0.20 straddle 0 → inside the noise, not "agrees"
    r = new LanguageModels.Result("brown", 256, List.of(lm("nope", 2.30, 2.40, 1.90), lm("rope", 2.10, 2.10, 2.10),
        lm("alibi", 2.00, 2.05, 2.10)), 3.0);
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, NopeRules.relativeAhead(r).outcome());
    // NoPE ahead on every seed by a steady margin: the rule contradicts point 2
    r = new LanguageModels.Result("brown", 256, List.of(lm("nope", 1.80, 1.85, 1.90), lm("rope", 2.10, 2.10, 2.10),
        lm("alibi", 2.00, 2.05, 2.10)), 1.7);
    assertTrue(NopeRules.relativeAhead(r).contradicts());
    // and a NoPE that is no better than the unigram baseline contradicts point 1's language-model test
    assertTrue(NopeRules.lmLearns(r).contradicts(), NopeRules.lmLearns(r).text(3));
    // one seed never agrees: its interval is unbounded
    r = new LanguageModels.Result("brown", 256, List.of(lm("nope", 2.5), lm("rope", 2.0), lm("alibi", 2.1)), 3.0);
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, NopeRules.relativeAhead(r).outcome());
  }

  /** An evaluation whose attention has normalised entropy {@code norm} in both layers (raw entropy norm·ln len). */
  static LongContext.Eval eval(String arm, int seed, int len, double loss, double norm) {
    double h = norm * Math.log(len);
    return new LongContext.Eval(arm, seed, len, new NopeTraining.LongEval(len, loss, new double[] {h, h}, new double[] {norm, norm},
        new double[2], Double.NaN, Double.NaN));
  }

  /** NoPE, ALiBi and RoPE over three seeds: NoPE's normalised entropy 64 → 256 and loss factor per seed, ALiBi's entropies. */
  static List<LongContext.Eval> evals(double nope64, double[] nope256, double[] factor, double alibi64, double alibi256) {
    List<LongContext.Eval> evals = new java.util.ArrayList<>();
    for (int q = 0; q < 3; q++) {
      evals.add(eval("nope", q, 64, 2.0, nope64));
      evals.add(eval("nope", q, 256, 2.0 * factor[q], nope256[q]));
      evals.add(eval("alibi", q, 64, 2.0, alibi64));
      evals.add(eval("alibi", q, 256, 2.0, alibi256));
      evals.add(eval("rope", q, 64, 2.0, 0.8));
      evals.add(eval("rope", q, 256, 4.0, 0.8));
    }
    return evals;
  }

  @Test
  void diffusionRuleOnHandMadeRecords() {
    LongContext.Settings s = new LongContext.Settings(List.of(), List.of(64, 256), 64, 16, 1, 8, 1);
    // NoPE's H/ln n rises by 0.05, 0.06, 0.07 and ALiBi's falls by 0.10 on each seed; NoPE's loss ×1.20, 1.25, 1.30; RoPE ×2
    NopeRules.Diffusion d = NopeRules.diffusion(s, new LongContext.Result(evals(0.8, new double[] {0.85, 0.86, 0.87},
        new double[] {1.20, 1.25, 1.30}, 0.8, 0.7)));
    assertEquals(0.06, d.rise().interval().mean(), 1e-12);
    assertEquals(0.16, d.aboveAlibi().interval().mean(), 1e-12);
    assertEquals(1.25, d.lossRatio().interval().mean(), 1e-12);
    assertTrue(d.holds() && !d.against(), d.toString());
    // NoPE's factor minus RoPE's (×2 on every seed): −0.75 ± …, below 0: NoPE extrapolates better than RoPE
    assertEquals(-0.75, d.nopeVsRope().interval().mean(), 1e-12);
    assertTrue(d.nopeVsRope().agrees(), d.nopeVsRope().text(3));
    // uniform attention at both lengths (H/ln n = 1): the raw entropy gains ln 4 from the window alone, the rule's rise is 0,
    // and with a flat loss (×1.00, 1.01, 1.02) that is the case against
    d = NopeRules.diffusion(s, new LongContext.Result(evals(1.0, new double[] {1.0, 1.0, 1.0}, new double[] {1.00, 1.01, 1.02}, 0.9,
        0.95)));
    assertEquals(Math.log(4), d.rawRise().interval().mean(), 1e-12);
    assertEquals(0.0, d.rise().interval().mean(), 1e-12);
    assertTrue(!d.holds() && d.against() && d.aboveAlibi().contradicts(), d.toString());
    // H/ln n rising by 0.000, 0.001, 0.002: below 0.02 on the interval, also against
    d = NopeRules.diffusion(s, new LongContext.Result(evals(0.9, new double[] {0.900, 0.901, 0.902}, new double[] {1.00, 1.01, 1.02},
        0.9, 0.95)));
    assertTrue(d.rise().contradicts() && d.against(), d.rise().text(4));
    // the loss factor 1.00, 1.05, 1.10 straddles 1.05: inside the noise, so point 4 neither holds nor is contradicted
    d = NopeRules.diffusion(s, new LongContext.Result(evals(0.8, new double[] {0.9, 0.9, 0.9}, new double[] {1.00, 1.05, 1.10}, 0.8,
        0.7)));
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, d.lossRatio().outcome());
    assertTrue(!d.holds() && !d.against());
  }

  @Test
  void perBucketChanceIsD7WithinEachBucketAndAveragesToIt() {
    // L = 64, buckets [0,8), [8,16), [16,32), [32,64): mean over n of (n(n+1) + (63−n)(64−n))/128
    double[] c = PositionProbe.bucketChance(64);
    assertArrayEquals(new double[] {28.328125, 22.328125, 17.328125, 21.328125}, c, 1e-12);
    double weighted = (8 * c[0] + 8 * c[1] + 16 * c[2] + 32 * c[3]) / 64;
    assertEquals((64.0 * 64 - 1) / (3 * 64), weighted, 1e-12, "the size-weighted mean is D7's (L²−1)/(3L)");
    // a brute-force check of one bucket: E|U − n| over U uniform on 0..63, n in [0, 8)
    double brute = 0;
    for (int n = 0; n < 8; n++) for (int u = 0; u < 64; u++) brute += Math.abs(u - n) / 64.0 / 8;
    assertEquals(brute, c[0], 1e-12);
  }

  static TrainedProbes.Probe probe(String feature, int seed, int tap, double mad, double first, double last) {
    return new TrainedProbes.Probe("nope", seed, feature, tap, new PositionProbe.Result(mad, new double[] {first, 0, 0, last},
        new double[1], new double[1], new double[1]));
  }

  @Test
  void trainedProbeRulesReadEachBucketAgainstItsOwnChance() {
    double[] c = PositionProbe.bucketChance(64);
    double chance = (64.0 * 64 - 1) / (3 * 64);
    // errors 3 and 14.5–14.7 (against a position-blind 28.3 and 21.3): a rise of 11.6 positions on every seed, above 2
    List<TrainedProbes.Probe> ps = new java.util.ArrayList<>();
    for (int q = 0; q < 3; q++) ps.add(probe(TrainedProbes.RESIDUAL, q, 1, 13, 3, 14.5 + 0.1 * q));
    dev.focus.lab.run.Claim rises = NopeRules.probeRises(new TrainedProbes.Result(chance, ps));
    assertEquals(11.6, rises.interval().mean(), 1e-12);
    assertTrue(rises.agrees());
    // a position-blind probe errs by each bucket's chance: 21.3 − 28.3 = −7 positions, contradicted (chance cannot fake a rise)
    ps.clear();
    for (int q = 0; q < 3; q++) ps.add(probe(TrainedProbes.RESIDUAL, q, 1, chance, c[0] + 0.1 * q, c[3]));
    rises = NopeRules.probeRises(new TrainedProbes.Result(chance, ps));
    assertEquals(-7.1, rises.interval().mean(), 1e-12);
    assertTrue(rises.contradicts(), rises.text(3));
    // the log norms reach 0.9, 0.8, 0.85 of the head outputs' gain over chance: the norm code survives
    ps.clear();
    double[] share = {0.9, 0.8, 0.85};
    for (int q = 0; q < 3; q++) {
      ps.add(probe(TrainedProbes.HEADS, q, 1, 11.328125, 0, 0));                       // a gain of 10 over chance
      ps.add(probe(TrainedProbes.LOG_NORM_HEADS, q, 1, chance - 10 * share[q], 0, 0));
    }
    TrainedProbes.Result r = new TrainedProbes.Result(chance, ps);
    assertArrayEquals(share, TrainedProbes.logNormShare(r, 1), 1e-12);
    assertTrue(NopeRules.normCode(r).agrees());
    // shares of 0.2, 0.25, 0.3: below 0.5 on the interval, contradicted
    ps.clear();
    for (int q = 0; q < 3; q++) {
      ps.add(probe(TrainedProbes.HEADS, q, 1, 11.328125, 0, 0));
      ps.add(probe(TrainedProbes.LOG_NORM_HEADS, q, 1, chance - 10 * (0.2 + 0.05 * q), 0, 0));
    }
    assertTrue(NopeRules.normCode(new TrainedProbes.Result(chance, ps)).contradicts());
  }

  @Test
  void counterweightAndRepairRulesOnHandMadeRecords() {
    LengthGeneralisation.Settings s = new LengthGeneralisation.Settings(List.of("copy"), List.of(PositionKind.NOPE, PositionKind.ROPE,
        PositionKind.ALIBI), 16, 2, 32, 3, 1, 1, 1);
    // lengths 1..4, trained on 1..2: NoPE beyond 0.10, 0.12, 0.14; ALiBi 0.30 on every seed; RoPE 0
    List<LengthGeneralisation.Run> runs = new java.util.ArrayList<>();
    for (int q = 0; q < 3; q++) {
      double b = 0.10 + 0.02 * q;
      runs.add(new LengthGeneralisation.Run("copy", PositionKind.NOPE, q, new double[] {1, 1, b, b}));
      runs.add(new LengthGeneralisation.Run("copy", PositionKind.ROPE, q, new double[] {1, 1, 0, 0}));
      runs.add(new LengthGeneralisation.Run("copy", PositionKind.ALIBI, q, new double[] {1, 1, 0.3, 0.3}));
    }
    NopeRules.Counter c = NopeRules.counter(s, new LengthGeneralisation.Result(runs));
    assertEquals("ALiBi", c.other());
    assertEquals(-0.18, c.claim().interval().mean(), 1e-12);
    assertTrue(c.learned() && c.claim().contradicts() && !c.reproduced());
    // repair: the rise 0.10 on every seed; λ_h win 0.04, 0.05, 0.06 at 4× and nothing at 1×: ≥ ¼ of the rise and specific
    List<TemperatureRepair.Repaired> seeds = new java.util.ArrayList<>();
    for (int q = 0; q < 3; q++) {
      List<TemperatureRepair.Scaled> global = List.of(scaled(2.0, 2.1), scaled(2.01, 2.11), scaled(2.02, 2.12), scaled(2.05, 2.2));
      seeds.add(new TemperatureRepair.Repaired(q, 4, global, scaled(2.0, 2.1), scaled(2.0, 2.1 - 0.04 - 0.01 * q), List.of(), 0,
          new double[1][4], new double[1]));
    }
    TemperatureRepair.Settings rs = new TemperatureRepair.Settings("nope", List.of(1.0, 1.25, 1.5, 2.0), 64, 256, 1, 8, 1e-2, 16, 1, 8, 1);
    NopeRules.Repair rep = NopeRules.repair(rs, new TemperatureRepair.Result(seeds));
    assertEquals(1.25, rep.bestLambda());
    assertArrayEquals(new double[] {0.1, 0.1, 0.1}, rep.gap(), 1e-12);
    assertTrue(rep.headShare().agrees() && rep.headSpecific().agrees() && rep.repairs(), rep.toString());
    assertTrue(rep.bestShare().contradicts() && !rep.against(), "λ = 1.25 loses 0.01 at 4×; the λ_h repair");
  }

  static TemperatureRepair.Scaled scaled(double at64, double at256) {
    return new TemperatureRepair.Scaled("x", eval("nope", 0, 64, at64, 0.9).eval(), eval("nope", 0, 256, at256, 0.9).eval());
  }

  @Test
  void rulesOnHandMadeRecords() {
    assertTrue(NopeRules.flat(new double[] {0.50, 0.52, 0.54, 0.53, 0.9}), "the overall column is not a bucket");
    assertTrue(!NopeRules.flat(new double[] {0.50, 0.52, 0.54, 0.56, 0.5}));
    var res = new Resolution.Settings(Resolution.TASKS, Resolution.ARMS, Resolution.BUCKETS, 64, 16, 2, 1, 1, 1, 1);
    var runs = new Resolution.Result(List.of(
        new Resolution.Run("mod10:symbols=16", "nope", 0, new double[] {0.9, 0.8, 0.7, 0.6, 0.75}),
        new Resolution.Run("mod10:symbols=16", "nope", 1, new double[] {0.7, 0.6, 0.5, 0.4, 0.55})));
    var means = NopeRules.resolution(res, runs);
    assertArrayEquals(new double[] {0.8, 0.7, 0.6, 0.5, 0.65}, means.get("n mod 10/nope"), 1e-12, "mean over the two seeds");
    // drops of 0.30 and 0.30: above 10 points with no spread
    assertTrue(NopeRules.modDrop(runs).agrees(), "30 points from [0,8) to [32,64) on both seeds");
    // drops of 0.30, 0.05 and −0.10 over three seeds: inside the noise; 0.02, 0.03, 0.01: contradicted
    var noisy = new Resolution.Result(List.of(
        new Resolution.Run("mod10:symbols=16", "nope", 0, new double[] {0.9, 0.8, 0.7, 0.6, 0.75}),
        new Resolution.Run("mod10:symbols=16", "nope", 1, new double[] {0.7, 0.6, 0.5, 0.65, 0.6}),
        new Resolution.Run("mod10:symbols=16", "nope", 2, new double[] {0.5, 0.6, 0.5, 0.6, 0.55})));
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, NopeRules.modDrop(noisy).outcome());
    var flat = new Resolution.Result(List.of(
        new Resolution.Run("mod10:symbols=16", "nope", 0, new double[] {0.52, 0.5, 0.5, 0.50, 0.5}),
        new Resolution.Run("mod10:symbols=16", "nope", 1, new double[] {0.53, 0.5, 0.5, 0.50, 0.5}),
        new Resolution.Run("mod10:symbols=16", "nope", 2, new double[] {0.51, 0.5, 0.5, 0.50, 0.5})));
    assertTrue(NopeRules.modDrop(flat).contradicts());
  }

  @Test
  void fullProfileArmsRunOnATinyBudget(@TempDir Path work) throws Exception {
    // the FULL plan's extra paths (3 seeds, sinusoidal, 4-block arms, reverse) with a few steps each
    NopeExperiment.Settings full = new NopeExperiment().settings(Profile.FULL, 1);
    assertEquals(3, full.e3().seeds());
    assertEquals(List.of("nope", "rope", "alibi", "learned", "sinusoidal", "nope (4 blocks)", "learned (4 blocks)"),
        full.e3().arms().stream().map(LanguageModels.Arm::name).toList());
    assertTrue(full.e8().tasks().contains("reverse") && full.e8().arms().contains(PositionKind.SINUSOIDAL));
    LabContext ctx = new LabContext(Profile.MINI, 1, work, work.resolve("no-cache"), Progress.NONE);
    LmStore store = new LmStore();
    List<LanguageModels.Arm> twoSeeds = full.e3().arms().stream().map(a -> new LanguageModels.Arm(a.position(), a.layers(), 2)).toList();
    LanguageModels.Settings lmSettings = new LanguageModels.Settings(twoSeeds, 3, 1, 64, 16, 1);
    LanguageModels.Result lms = new LanguageModels(store).run(lmSettings, ctx);
    assertEquals(7, lms.lms().size());
    for (LanguageModels.Lm lm : lms.lms()) assertEquals(2, lm.valLoss().length, lm.name() + ": one loss per seed");
    assertEquals(4, lms.lm("nope (4 blocks)").layers());
    TrainedProbes.Result probes = new TrainedProbes(store).run(new TrainedProbes.Settings(full.e4().arms(), 64, 8, 2, 10, 128, 128, 1), ctx);
    assertTrue(probes.probe("sinusoidal", 2) != null, "sinusoidal probed after block 2");
    LongContext.Result longer = new LongContext(store).run(new LongContext.Settings(full.e9().arms(), List.of(64, 128, 256), 64, 16,
        1, 8, 1), ctx);
    assertTrue(longer.get("sinusoidal", 256) != null, "sinusoidal positions extrapolate to 4×");
    LengthGeneralisation.Result copy = new LengthGeneralisation().run(new LengthGeneralisation.Settings(full.e8().tasks(),
        full.e8().arms(), 16, 4, 32, 2, 3, 2, 1), ctx);
    assertEquals(2 * 4 * 2, copy.runs().size(), "copy and reverse × 4 arms × 2 seeds");
    assertTrue(copy.runs().stream().anyMatch(r -> r.task().equals("reverse") && r.arm() == PositionKind.SINUSOIDAL));
    Findings f = new Findings();
    NopeReport.languageModels(f, lmSettings, lms);
    assertTrue(f.markdown().contains(" ± "), "several seeds: the table shows a 95% interval");
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
