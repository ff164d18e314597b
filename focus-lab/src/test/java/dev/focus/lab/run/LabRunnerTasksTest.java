package dev.focus.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner runs every experiment's plan first, once; the report is computed from the stored results. */
class LabRunnerTasksTest {
  @TempDir Path tmp;

  static final AtomicInteger RUNS = new AtomicInteger();

  record Arm(long seed, double scale) implements Serializable {}

  record Score(double value) implements Serializable {}

  /** A "training run": a deterministic score from its seed; counts how often it runs. */
  static final class Train implements Section<Arm, Score>, Serializable {
    @Override
    public Score run(Arm a, LabContext ctx) {
      RUNS.incrementAndGet();
      return new Score(a.scale() * new java.util.Random(a.seed()).nextDouble());
    }
  }

  record Settings(List<Arm> arms) implements Serializable {}

  record Results(List<Score> scores, double mean) implements Serializable {}

  /** Three seeds of one arm; the verdict is the mean over seeds. */
  static final class Seeds implements Experiment<Settings, Results> {
    @Override public String slug() { return "09-seeds"; }

    @Override public String title() { return "Seeds"; }

    @Override public Settings settings(Profile p, long seed) {
      List<Arm> arms = new ArrayList<>();
      for (int s = 0; s < 3; s++) arms.add(new Arm(seed * 31 + s, 2.0));
      return new Settings(arms);
    }

    static List<Task<Arm, Score>> tasks(Settings s) {
      return s.arms().stream().map(a -> Task.of("test.seeds.v1", new Train(), a)).toList();
    }

    @Override public List<Task<?, ?>> plan(Settings s) { return List.copyOf(tasks(s)); }

    @Override public Results run(Settings s, LabContext ctx) throws Exception {
      List<Score> scores = ctx.results(tasks(s));
      return new Results(scores, scores.stream().mapToDouble(Score::value).average().orElseThrow());
    }

    @Override public Findings render(Settings s, Results r) {
      return new Findings().md(String.format(java.util.Locale.ROOT, "# Seeds\n\nmean %.6f over %d seeds", r.mean(), r.scores().size()));
    }
  }

  @Test
  void plannedTasksRunOnceAndTheReportReadsTheirStoredResults() throws Exception {
    Path runs = tmp.resolve("runs");
    List<Integer> planned = new ArrayList<>();
    LabRunner.Listener listener = new LabRunner.Listener() {
      @Override public TaskRunner.Listener tasks() {
        return new TaskRunner.Listener() {
          @Override public void planned(int total, int stored) { planned.add(total); planned.add(stored); }
        };
      }
    };
    int before = RUNS.get();
    List<LabRunner.Result> r = new LabRunner(runs, Profile.MINI, 1, null).run(List.of(new Seeds()), false, listener);
    assertEquals(LabRunner.Outcome.RAN, r.get(0).outcome(), String.valueOf(r.get(0).error()));
    assertEquals(before + 3, RUNS.get(), "each task once: in the plan phase, not again when the experiment reads it");
    assertEquals(List.of(3, 0), planned);
    double expected = (new java.util.Random(31).nextDouble() + new java.util.Random(32).nextDouble()
        + new java.util.Random(33).nextDouble()) * 2 / 3;
    assertTrue(Files.readString(runs.resolve("09-seeds/report.md")).contains(String.format(java.util.Locale.ROOT, "mean %.6f over 3 seeds", expected)));

    // --force renders again from the stored results: nothing trains.
    planned.clear();
    new LabRunner(runs, Profile.MINI, 1, null).run(List.of(new Seeds()), true, listener);
    assertEquals(before + 3, RUNS.get());
    assertEquals(List.of(3, 3), planned);
    assertEquals(3, new LabRunner(runs, Profile.MINI, 1, null).plan(List.of(new Seeds())).size());
  }
}
