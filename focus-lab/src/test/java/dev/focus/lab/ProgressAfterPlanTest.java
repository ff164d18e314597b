package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the plan phase every planned task is stored, so an experiment's progress bar must count only
 * the work its own run still does: the stored tasks' steps are out of the total the bar gets from
 * its first step on, and the bar ends full. (Before, they stayed in the total: report 1's bar ended at 6 of 6 + its E7
 * training steps, a few percent, and the ETA grew accordingly.)
 */
class ProgressAfterPlanTest {
  /** What a bar shows: its total, the units stepped, and every total it was given before its first step. */
  static final class Bar implements Progress {
    long max, done;
    final List<Long> totalsBeforeFirstStep = new java.util.ArrayList<>();

    @Override public void total(long units) {
      max = units;
      if (done == 0) totalsBeforeFirstStep.add(units);
    }

    @Override public void step(long units) { done += units; }

    @Override public void message(String text) {}

    @Override public boolean cancelled() { return false; }
  }

  @Test
  void afterThePlanPhaseEachBarCountsOnlyTheExperimentsOwnWorkAndEndsFull(@TempDir Path runs) {
    Map<String, Bar> bars = new LinkedHashMap<>();
    LabRunner runner = new LabRunner(runs, Profile.MINI, 1, runs.resolve("empty-cache"));
    List<LabRunner.Result> results = runner.run(Experiments.all(), false, new LabRunner.Listener() {
      @Override public Progress progress(Experiment<?, ?> e) { return bars.computeIfAbsent(e.slug(), k -> new Bar()); }
    });
    for (LabRunner.Result r : results) assertEquals(LabRunner.Outcome.RAN, r.outcome(), r.experiment().slug() + ": " + r.error());
    Map<String, List<Long>> shown = new LinkedHashMap<>();
    bars.forEach((slug, bar) -> shown.put(slug, List.of(bar.done, bar.max)));
    // From its first step on, each bar had its final total (report 1's E1 to E6 ran before E7's stored
    // tasks were read: they were already out of the total).
    bars.forEach((slug, bar) -> assertEquals(List.of(bar.max), bar.totalsBeforeFirstStep, slug));
    // done, total: report 1's six analytic stages; report 2 has only tasks (its digits demonstration is
    // skipped without the digits); report 3's 46 cases; report 4 only tasks; report 5's E1 and E2 (10
    // each), E4's 4 probed arms, E9 (5) and the repair's 4 steps on each of 2 NoPE seeds (E8's runs are tasks): 37.
    assertEquals(Map.of(
        "01-attention-focus", List.of(6L, 6L),
        "02-lossless-input", List.of(0L, 0L),
        "03-markdown-math", List.of(46L, 46L),
        "04-multimodal-positions", List.of(0L, 0L),
        "05-why-decoders-need-positions", List.of(37L, 37L)), shown);
  }
}
