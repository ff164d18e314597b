package dev.focus.lab.focus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.Batch;
import dev.focus.data.Split;
import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** E7's MQAR mixture and the rule that only learned tasks enter the correlation and the verdict. */
class RecallTest {
  static final SyntheticTask.Mqar MAX = new SyntheticTask.Mqar(32, 8, 0.01, true);

  @Test
  void mixtureRowsHoldBetweenOneAndEightPairsEachAnsweredOnceAfterItsPair() {
    RecallTasks.MqarMixture mix = new RecallTasks.MqarMixture(MAX, 1);
    int T = 32, rows = 64;
    Set<Integer> kvSeen = new HashSet<>();
    for (long step = 0; step < 4; step++) {
      Batch b = mix.batch(Split.TRAIN, 7, step, rows, T);
      for (int r = 0; r < rows; r++) {
        int answers = 0;
        for (int t = 0; t < T; t++) {
          int target = b.targets()[r * T + t];
          if (target == Batch.IGNORE) continue;
          answers++;
          int key = b.tokens()[r * T + t];
          assertTrue(key >= 1 && key < 16, "query is a key id: " + key);
          assertTrue(target >= 16 && target < 32, "answer is a value id: " + target);
          // the answer is the token right after the key's first occurrence, in the pair region before it
          int first = -1;
          for (int j = 0; j < t; j++) if (b.tokens()[r * T + j] == key) { first = j; break; }
          assertTrue(first >= 0 && first % 2 == 0 && first < 16, "key " + key + " stored in a pair at " + first);
          assertEquals(target, b.tokens()[r * T + first + 1], "value after the stored key");
        }
        assertTrue(answers >= 1 && answers <= 8, "pairs in row " + r + ": " + answers);
        kvSeen.add(answers);
      }
    }
    assertEquals(8, kvSeen.size(), "every number of pairs 1..8 occurs in 256 rows: " + kvSeen);
    // rows are a pure function of (seed, split, step, row)
    Batch a = mix.batch(Split.TRAIN, 7, 3, rows, T), again = mix.batch(Split.TRAIN, 7, 3, rows, T);
    assertArrayEquals(a.tokens(), again.tokens());
    assertArrayEquals(a.targets(), again.targets());
    assertFalse(java.util.Arrays.equals(a.tokens(), mix.batch(Split.VALIDATION, 7, 3, rows, T).tokens()));
    assertEquals(16, mix.batch(Split.TRAIN, 7, 0, 16, T).batch());
  }

  @Test
  void mixtureRejectsABadMinimumAndTooShortSequences() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecallTasks.MqarMixture(MAX, 9));
    assertTrue(e.getMessage().contains("kvMin=9"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RecallTasks.MqarMixture(MAX, 1).batch(Split.TRAIN, 1, 0, 2, 30));
  }

  @Test
  void bothLearnedTasksEnterTheCorrelationAndAnUnlearnedOneIsLeftOut() {
    RecallTasks.Plan plan = RecallTasks.plan(Profile.QUICK, 1);

    // softmax learns both tasks with sharp heads, linear fails with dense ones: support from both tasks
    // (one seed at the shorter needle lengths, three at each task's longest, as the quick plan runs them)
    assertEquals(3, plan.seeds());
    assertEquals(1, plan.otherSeeds());
    assertEquals(2 * (3 + 3) + 2 * 3, plan.runs().size());
    List<RecallRun.Run> runs = new ArrayList<>();
    for (int len : plan.lengths().get(0)) {
      for (int q = 0; q < (len == 512 ? 3 : 1); q++) {
        runs.add(run("needle", "softmax", len, q, 1.0, 0.05, null));
        runs.add(run("needle", "linear", len, q, 0.2 + 0.05 * q, 0.9, null));
      }
    }
    for (int q = 0; q < 3; q++) {
      runs.add(run("mqar", "softmax", 32, q, 0.99, 0.2, new double[] {1, 1, 0.99}));
      runs.add(run("mqar", "linear", 32, q, 0.16 - 0.01 * q, 0.55, new double[] {0.4, 0.25, 0.16}));
    }
    // within linear attention at d_h = 8: relu and relu² sharper and more accurate than elu+1
    List<RecallRun.Run> sweep = List.of(sweepRun("relu", 0, 0.5, 0.3), sweepRun("relu2", 0, 0.7, 0.25));
    AttentionFocusRules.Recall o = AttentionFocusRules.recall(plan, runs, sweep);
    assertEquals(4, o.within().runs(), "relu² (no finite state, no positions) is left out");
    assertEquals(2, o.within().maps());
    // S* ranks (2, 2, 2, 0) against accuracy ranks (2, 1, 0, 3): −3/√(3·5)
    assertEquals(-3 / Math.sqrt(15), o.within().rho(), 1e-12);
    assertTrue(o.within().supports());
    assertTrue(AttentionFocusRules.recall(plan, runs).within().text().equals("not measured"));
    assertTrue(!AttentionFocusRules.recall(plan, runs).supports(), "without the within-linear test the pooled rho supports nothing");
    assertEquals(18, o.counted());
    assertEquals(List.of("needle", "mqar"), o.learned());
    assertTrue(o.unlearned().isEmpty());
    assertTrue(o.supports() && !o.contradicts());
    assertEquals(2, o.comparisons().size());
    AttentionFocusRules.Comparison needle = o.comparisons().get(0), mqar = o.comparisons().get(1);
    assertEquals(512, needle.length(), "the longest needle length");
    assertEquals(0.99, mqar.softmaxAccuracy(), 1e-12);
    assertEquals(0.15, mqar.linearAccuracy(), 1e-12, "mean of 0.16, 0.15, 0.14");
    assertEquals(0.2, mqar.softmaxS(), 1e-12);
    // needle: softmax − linear = 0.80, 0.75, 0.70 → 0.75 ± 4.303·0.05/√3, above the 5-point margin
    assertEquals(0.75, needle.gap().interval().mean(), 1e-12);
    assertEquals(4.303 * 0.05 / Math.sqrt(3), needle.gap().interval().halfWidth(), 1e-12);
    assertTrue(needle.gap().agrees() && needle.sharper().agrees() && !needle.linearAhead().agrees());
    assertTrue(RecallReport.summary(o).contains("softmax minus linear, paired by seed: +75.0 ± 12.4 points over 3 seeds: agrees"),
        RecallReport.summary(o));
    // sharper heads (smaller S*) go with higher accuracy: the ranks are perfectly opposed up to ties
    assertTrue(o.rho() < -0.8, "rho " + o.rho());
    assertTrue(RecallReport.summary(o).startsWith("needle at T=512: softmax 100% vs linear 25%"), RecallReport.summary(o));

    // softmax stuck on the MQAR plateau: MQAR is named, left out of the count and the comparisons
    for (int i = 0; i < runs.size(); i++) {
      RecallRun.Run r = runs.get(i);
      if (r.task().equals("mqar") && r.kind().equals("softmax")) runs.set(i, run("mqar", "softmax", 32, r.seed(), 0.13, 0.5, null));
    }
    AttentionFocusRules.Recall p = AttentionFocusRules.recall(plan, runs, sweep);
    assertEquals(List.of("mqar"), p.unlearned());
    assertEquals(12, p.counted());
    assertEquals(List.of("needle"), p.comparisons().stream().map(AttentionFocusRules.Comparison::task).toList());
    assertTrue(RecallReport.summary(p).endsWith("not learned at this budget: mqar"), RecallReport.summary(p));
    assertTrue(p.supports(), "needle alone still supports");
  }

  @Test
  void aGapInsideTheNoiseDecidesNothingAndLinearAheadContradicts() {
    RecallTasks.Plan plan = RecallTasks.plan(Profile.QUICK, 1);
    // softmax − linear at T = 512: 0.70, −0.05, 0.65 → mean 0.43, but the interval reaches below the 5-point margin
    double[] soft = {0.9, 0.3, 0.95}, lin = {0.2, 0.35, 0.3};
    List<RecallRun.Run> runs = new ArrayList<>();
    for (int q = 0; q < 3; q++) {
      runs.add(run("needle", "softmax", 512, q, soft[q], 0.05, null));
      runs.add(run("needle", "linear", 512, q, lin[q], 0.9, null));
    }
    AttentionFocusRules.Recall o = AttentionFocusRules.recall(plan, runs);
    AttentionFocusRules.Comparison c = o.comparisons().get(0);
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, c.gap().outcome(), c.gap().text(3));
    assertTrue(!o.supports() && !o.contradicts(), "a gap inside the noise decides nothing");
    // linear attention ahead on every seed: the rule contradicts the hypothesis
    runs.clear();
    double[] soft2 = {0.60, 0.62, 0.61}, lin2 = {0.90, 0.91, 0.93};
    for (int q = 0; q < 3; q++) {
      runs.add(run("needle", "softmax", 512, q, soft2[q], 0.05, null));
      runs.add(run("needle", "linear", 512, q, lin2[q], 0.9, null));
    }
    o = AttentionFocusRules.recall(plan, runs);
    assertTrue(o.comparisons().get(0).linearAhead().agrees());
    assertTrue(o.contradicts() && !o.supports());
  }

  @Test
  void aSharperMapThatRecallsWorseContradictsAndCurvesDecideConvergence() {
    RecallTasks.Plan plan = RecallTasks.plan(Profile.QUICK, 1);
    List<RecallRun.Run> runs = new ArrayList<>();
    for (int q = 0; q < 3; q++) {
      runs.add(run("mqar", "softmax", 32, q, 1.0, 0.2, new double[] {1, 1, 1}));
      runs.add(run("mqar", "linear", 32, q, 0.2 + 0.01 * q, 0.6, new double[] {0.5, 0.3, 0.2}));
    }
    // relu sharper than elu+1 but worse: the within-linear correlation is positive (3/√15)
    List<RecallRun.Run> sweep = List.of(sweepRun("relu", 0, 0.15, 0.3), sweepRun("relu2", 0, 0.1, 0.1));
    AttentionFocusRules.Recall o = AttentionFocusRules.recall(plan, runs, sweep);
    assertTrue(o.within().rho() > 0.5, "rho " + o.within().rho());
    assertTrue(o.within().contradicts() && o.contradicts() && !o.supports(), "the comparison agrees, the link within linear does not");
    assertTrue(RecallReport.summary(o).contains("within linear attention at d_h = 8 (4 runs)"), RecallReport.summary(o));
    // the helper's curves end with two equal points: converged; a jump of 3 points in the last fifth is not
    assertTrue(RecallSweep.converged(runs));
    RecallRun.Run r = runs.get(1);
    RecallRun.Run moving = r.withCurve(new double[] {0.1, 0.1, 0.1, 0.17, 0.2}, r.curveLoss(), r.curveS());
    assertEquals(0.03, RecallSweep.lastChange(moving), 1e-12);
    assertTrue(!RecallSweep.converged(List.of(r, moving)));
  }

  @Test
  void theSweepPlanAddsDistinctArmsAndKeepsTheMainRuns() {
    RecallTasks.Plan plan = RecallTasks.plan(Profile.QUICK, 1);
    dev.focus.lab.run.Findings f = new dev.focus.lab.run.Findings();
    List<RecallRun.Settings> sweep = plan.sweepRuns();
    // elu+1 at d_h = 8 is the main linear arm: quick adds elu+1 at 32 and relu at 8, one seed each
    assertEquals(List.of("elu+1 d_h=32", "relu d_h=8"), sweep.stream().map(RecallRun.Settings::arm).toList());
    assertEquals(List.of(1, 4), sweep.stream().map(RecallRun.Settings::heads).toList());
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (RecallRun.Settings s : plan.runs()) keys.add(RecallRun.task(s).key());
    for (RecallRun.Settings s : sweep) assertTrue(keys.add(RecallRun.task(s).key()), "distinct key for " + s.arm());
    assertTrue(plan.runs().stream().allMatch(RecallRun.Settings::isMain));
    // the quick report names what full adds, from full's plan
    RecallSweep.sweep(f, plan, List.of(), List.of(sweepRun("relu", 0, 0.5, 0.3)), RecallSweep.within(plan, List.of(), List.of()));
    assertTrue(f.markdown().contains("The full profile adds elu+1 d_h=16, elu+1 d_h=64, relu² d_h=8, and 3 seeds of every point"),
        f.markdown());
    // full: 16, 32, 64 with elu+1, relu and relu² at 8, three seeds each, less the main arm's seeds it shares
    List<RecallRun.Settings> full = RecallTasks.plan(Profile.FULL, 1).sweepRuns();
    assertEquals(3 * 5, full.size());
    assertEquals(List.of("elu+1 d_h=16", "elu+1 d_h=32", "elu+1 d_h=64", "relu d_h=8", "relu² d_h=8"),
        full.stream().map(RecallRun.Settings::arm).distinct().toList());
    assertEquals(List.of(2, 1, 1, 4, 4), full.stream().filter(r -> r.seedIndex() == 0).map(RecallRun.Settings::heads).toList());
    assertEquals(64, full.get(6).hidden(), "d_h = 64 needs width 64");
  }

  @Test
  void theCurveDoesNotChangeTraining(@TempDir Path dir) throws Exception {
    // the same mini MQAR linear run trained without any curve evaluation ends at the same bits as RecallRun's
    RecallTasks.Plan plan = RecallTasks.plan(Profile.MINI, 1);
    RecallRun.Settings s = plan.runs().stream().filter(r -> r.task().name().equals("mqar") && r.kind().equals("linear"))
        .findFirst().orElseThrow();
    RecallRun.Run withCurve = new RecallRun().run(s, new LabContext(Profile.MINI, 1, dir, null, null));
    dev.focus.data.Dataset data = dev.focus.data.Datasets.open(s.task().spec(), dir);
    dev.focus.model.Model model = new dev.focus.model.Model(RecallRun.config(s, data.vocabSize()), s.seed());
    dev.focus.train.Trainer.of(new dev.focus.train.ModelTrainable(model), new RecallTasks.MqarMixture(s.task().mqar(), s.task().kvMin()),
        RecallRun.trainConfig(s), null).run(null);
    RecallRun.Run plain = RecallRun.measure(model, data, s, s.seed(), s.steps(), 0);
    assertEquals(plain.valLoss(), withCurve.valLoss(), 0);
    assertEquals(plain.accuracy(), withCurve.accuracy(), 0);
    org.junit.jupiter.api.Assertions.assertArrayEquals(plain.headS(), withCurve.headS(), 0);
    assertTrue(Double.isFinite(withCurve.curveLoss()[0]) && withCurve.curveLoss()[0] != withCurve.curveLoss()[4],
        "the curve saw the weights change: " + java.util.Arrays.toString(withCurve.curveLoss()));
  }

  @Test
  void spearmanRanksWithTies() {
    assertEquals(-1, AttentionFocusRules.spearman(new double[] {1, 2, 3, 4}, new double[] {8, 6, 4, 2}), 1e-12);
    assertEquals(1, AttentionFocusRules.spearman(new double[] {1, 2, 3}, new double[] {1, 5, 9}), 1e-12);
    // ranks (0, 1.5, 1.5, 3) against (0, 1, 2, 3): r = 4.5 / √(4.5 · 5)
    assertEquals(4.5 / Math.sqrt(4.5 * 5), AttentionFocusRules.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), 1e-12);
    assertTrue(Double.isNaN(AttentionFocusRules.spearman(new double[] {1, 2}, new double[] {2, 1})), "fewer than 3 points");
  }

  @Test
  void aMiniMqarRunMeasuresEveryHeadAndEveryNumberOfPairs(@TempDir Path dir) throws Exception {
    RecallTasks.Plan plan = RecallTasks.plan(Profile.MINI, 1);
    RecallRun.Settings mqar = plan.runs().stream().filter(r -> r.task().name().equals("mqar") && r.kind().equals("softmax"))
        .findFirst().orElseThrow();
    assertEquals(1000, mqar.seed(), "seed · 1000 + seed index");
    RecallRun.Run r = new RecallRun().run(mqar, new LabContext(Profile.MINI, 1, dir, null, null));
    assertEquals(6, r.steps());
    assertEquals(2 * 4, r.headS().length, "2 layers × 4 heads");
    for (int i = 0; i < r.headS().length; i++) {
      assertTrue(r.headS()[i] >= 1 / Math.sqrt(32) - 1e-9 && r.headS()[i] <= 1 + 1e-12, "S* in [n^-1/2, 1]: " + r.headS()[i]);
      assertTrue(r.headPr()[i] >= 1 - 1e-9, "PR ≥ 1 key");
      assertTrue(r.headGamma()[i] >= 0, "softmax γ̂");
    }
    assertEquals(3, r.kvAccuracy().length);
    assertEquals(r.accuracy(), r.kvAccuracy()[2], 0, "kv = 8 is the spec's own validation data");
    assertEquals(RecallRun.CURVE_POINTS, r.curveAccuracy().length);
    assertEquals(r.accuracy(), r.curveAccuracy()[RecallRun.CURVE_POINTS - 1], 0, "the curve ends at the final measurement");
    assertEquals(r.valLoss(), r.curveLoss()[RecallRun.CURVE_POINTS - 1], 0);
    for (int k = 0; k < RecallRun.CURVE_POINTS; k++) {
      assertTrue(r.curveAccuracy()[k] >= 0 && r.curveAccuracy()[k] <= 1 && r.curveLoss()[k] > 0, "curve point " + k);
    }
    double hits = r.accuracy() * r.answers();
    assertEquals(Math.rint(hits), hits, 1e-9, "accuracy counts exact answers");
  }

  /** A run with every head at S* = s except head 0 of layer 1 (the sharpest) at s; PR from T·S*². */
  private static RecallRun.Run run(String task, String kind, int len, int seed, double acc, double s, double[] kvAcc) {
    int heads = task.equals("mqar") ? 4 : 2, n = 2 * heads;
    double[] hs = new double[n], pr = new double[n], g = new double[n];
    for (int i = 0; i < n; i++) {
      hs[i] = i == heads ? s : Math.min(1, 2 * s);
      pr[i] = len * hs[i] * hs[i];
      g[i] = kind.equals("softmax") ? 1 : Double.NaN;
    }
    double[] depth = task.equals("needle") ? new double[] {acc, acc, acc, acc} : null;
    return new RecallRun.Run(task, kind, len, seed, 100, acc, 128, 1.0, hs, pr, g, depth, kvAcc, 1.0, kind, task.equals("mqar") ? 8 : 32,
        new double[] {acc / 2, acc / 2, acc / 2, acc, acc}, new double[] {2, 2, 2, 1, 1}, new double[] {s, s, s, s, s});
  }

  /** A linear sweep run on MQAR (T = 32) with feature map {@code feature} at head size 8. */
  private static RecallRun.Run sweepRun(String feature, int seed, double acc, double s) {
    RecallRun.Run r = run("mqar", "linear", 32, seed, acc, s, new double[] {acc, acc, acc});
    return new RecallRun.Run(r.task(), r.kind(), r.length(), r.seed(), r.steps(), r.accuracy(), r.answers(), r.valLoss(), r.headS(),
        r.headPr(), r.headGamma(), r.depthAccuracy(), r.kvAccuracy(), r.seconds(), RecallTasks.Arm.label(feature, 8), 8,
        r.curveAccuracy(), r.curveLoss(), r.curveS());
  }
}
