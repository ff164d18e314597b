package dev.focus.lab.focus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.Batch;
import dev.focus.data.Split;
import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.Findings;
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
class AttentionFocusTrainingTest {
  static final SyntheticTask.Mqar MAX = new SyntheticTask.Mqar(32, 8, 0.01, true);

  @Test
  void mixtureRowsHoldBetweenOneAndEightPairsEachAnsweredOnceAfterItsPair() {
    AttentionFocusTraining.MqarMixture mix = new AttentionFocusTraining.MqarMixture(MAX, 1);
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AttentionFocusTraining.MqarMixture(MAX, 9));
    assertTrue(e.getMessage().contains("kvMin=9"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AttentionFocusTraining.MqarMixture(MAX, 1).batch(Split.TRAIN, 1, 0, 2, 30));
  }

  @Test
  void bothLearnedTasksEnterTheCorrelationAndAnUnlearnedOneIsLeftOut(@TempDir Path dir) {
    AttentionFocusTraining.Plan plan = AttentionFocusTraining.plan(Profile.QUICK);
    LabContext ctx = new LabContext(Profile.QUICK, 1, dir, null, null);

    // softmax learns both tasks with sharp heads, linear fails with dense ones: support from both tasks
    List<AttentionFocusTraining.Run> runs = new ArrayList<>();
    for (int len : plan.lengths()[0]) {
      runs.add(run("needle", "softmax", len, 1.0, 0.05, null));
      runs.add(run("needle", "linear", len, 0.2, 0.9, null));
    }
    runs.add(run("mqar", "softmax", 32, 0.99, 0.2, new double[] {1, 1, 0.99}));
    runs.add(run("mqar", "linear", 32, 0.16, 0.55, new double[] {0.4, 0.25, 0.16}));
    Findings f = new Findings();
    AttentionFocusTraining.Outcome o = AttentionFocusTraining.summarise(f, ctx, plan, runs);
    String md = f.markdown();
    assertTrue(md.contains("Over the 10 runs of the learned tasks"), md);
    assertFalse(md.contains("Not learned at this budget"));
    assertTrue(o.supports() && !o.contradicts(), o.summary());
    assertTrue(o.summary().contains("mqar at T=32: softmax 99% vs linear 16%"), o.summary());
    assertTrue(o.summary().contains("needle at T=512"), o.summary());
    assertTrue(o.summary().contains("Spearman(S*, accuracy) = -"), o.summary());
    assertTrue(md.contains("| linear | 32 | 40% | 25% | 16% |"), "accuracy against kv table");
    assertTrue(md.contains("{{chart:e7-mqar-kv}}"));

    // softmax stuck on the MQAR plateau: MQAR is named, left out of the count and the summary's comparison
    runs.set(8, run("mqar", "softmax", 32, 0.13, 0.5, new double[] {0.5, 0.26, 0.13}));
    Findings g = new Findings();
    AttentionFocusTraining.Outcome p = AttentionFocusTraining.summarise(g, ctx, plan, runs);
    assertTrue(g.markdown().contains("**Not learned at this budget: mqar.**"), g.markdown());
    assertTrue(g.markdown().contains("Over the 8 runs of the learned tasks"));
    assertFalse(p.summary().contains("mqar at T=32"), p.summary());
    assertTrue(p.summary().endsWith("not learned at this budget: mqar"), p.summary());
    assertTrue(p.supports(), "needle alone still supports: " + p.summary());
  }

  /** A run with every head at S* = s except head 0 of layer 1 (the sharpest) at s; PR from T·S*². */
  private static AttentionFocusTraining.Run run(String task, String kind, int len, double acc, double s, double[] kvAcc) {
    int heads = task.equals("mqar") ? 4 : 2, n = 2 * heads;
    double[] hs = new double[n], pr = new double[n], g = new double[n];
    for (int i = 0; i < n; i++) {
      hs[i] = i == heads ? s : Math.min(1, 2 * s);
      pr[i] = len * hs[i] * hs[i];
      g[i] = kind.equals("softmax") ? 1 : Double.NaN;
    }
    double[] depth = task.equals("needle") ? new double[] {acc, acc, acc, acc} : null;
    return new AttentionFocusTraining.Run(task, kind, len, 0, 100, acc, 128, 1.0, hs, pr, g, depth, kvAcc, 1.0);
  }
}
