package dev.focus.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.lossless.LosslessInputExperiment;
import dev.focus.lab.lossless.VqComparison;
import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskRunner;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab on Spark with a data cache that lacks the digits (what {@code ./focus lab --no-setup
 * --data-dir EMPTY} gives): report 2 plans its stand-in comparison instead of digits tasks that would
 * fail and abort the plan's Spark job, says in its report that the digits are missing, and the other
 * experiment's planned tasks run in the same job.
 */
class LabOnSparkTest {
  static SparkEngine engine;

  @BeforeAll
  static void start() {
    engine = SparkEngine.start(new SparkEngine.Settings("local[2]", "focus lab test", false, 1, List.of()));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @TempDir Path tmp;

  /**
   * Report 2 with the quick profile's shape at the mini profile's size: the comparison is on the
   * digits, with the glyphs-read comparison as its stand-in when the digits are not cached.
   */
  static final class DigitsFirst implements Experiment<LosslessInputExperiment.Settings, LosslessInputExperiment.Results> {
    private final LosslessInputExperiment e = new LosslessInputExperiment();

    @Override public String slug() { return e.slug(); }

    @Override public String title() { return e.title(); }

    @Override public LosslessInputExperiment.Settings settings(Profile p, long seed) {
      LosslessInputExperiment.Settings mini = e.settings(Profile.MINI, seed);
      VqComparison.Settings glyphs = mini.vq().get(0);
      return new LosslessInputExperiment.Settings(mini.audit(), List.of(glyphs.withTask("digits")), glyphs, mini.digits(), mini.masks());
    }

    @Override public List<Task<?, ?>> plan(LosslessInputExperiment.Settings s) { return e.plan(s); }

    @Override public List<Task<?, ?>> plan(LosslessInputExperiment.Settings s, Path dataCache) { return e.plan(s, dataCache); }

    @Override public LosslessInputExperiment.Results run(LosslessInputExperiment.Settings s, LabContext ctx) throws Exception {
      return e.run(s, ctx);
    }

    @Override public Findings render(LosslessInputExperiment.Settings s, LosslessInputExperiment.Results r) { return e.render(s, r); }
  }

  record Draw(long seed) implements Serializable {}

  record Number(double value) implements Serializable {}

  /** A stand-in for a training run: a deterministic number from its seed. */
  static final class Drawing implements Section<Draw, Number>, Serializable {
    @Override public Number run(Draw d, LabContext ctx) { return new Number(new java.util.Random(d.seed()).nextDouble()); }
  }

  /** Another experiment with planned tasks, which must not suffer from report 2's missing data. */
  static final class Other implements Experiment<Draw, Number> {
    @Override public String slug() { return "09-other"; }

    @Override public String title() { return "Other"; }

    @Override public Draw settings(Profile p, long seed) { return new Draw(seed); }

    static List<Task<Draw, Number>> tasks(Draw d) {
      List<Task<Draw, Number>> out = new ArrayList<>();
      for (int i = 0; i < 3; i++) out.add(Task.of("test.draw.v1", new Drawing(), new Draw(d.seed() * 10 + i)).labelled("draw " + i));
      return out;
    }

    @Override public List<Task<?, ?>> plan(Draw d) { return List.copyOf(tasks(d)); }

    @Override public Number run(Draw d, LabContext ctx) throws Exception {
      return new Number(ctx.results(tasks(d)).stream().mapToDouble(Number::value).sum());
    }

    @Override public Findings render(Draw d, Number n) { return new Findings().md(String.format(Locale.ROOT, "# Other\n\nsum %.6f", n.value())); }
  }

  @Test
  void withoutTheDigitsReport2PlansItsStandInAndEveryExperimentRuns() throws Exception {
    Path cache = Files.createDirectories(tmp.resolve("cache-without-digits"));
    Path runs = tmp.resolve("runs");
    SparkTaskRunner spark = new SparkTaskRunner(engine.context(), runs.resolve(".work").toString(), cache.toString(), Profile.MINI, 1);
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Integer> planned = new ArrayList<>();
    LabRunner.Listener listener = new LabRunner.Listener() {
      @Override public TaskRunner.Listener tasks() {
        return new TaskRunner.Listener() {
          @Override public void planned(int total, int stored) { planned.add(total); planned.add(stored); }

          @Override public void finished(Task<?, ?> task, double seconds, boolean fromStore) { if (!fromStore) ran.add(task.label()); }
        };
      }
    };
    DigitsFirst lossless = new DigitsFirst();
    LabRunner runner = new LabRunner(runs, Profile.MINI, 1, cache, spark);
    List<LabRunner.Result> r = runner.run(List.of(lossless, new Other()), false, listener);

    assertEquals(LabRunner.Outcome.RAN, r.get(0).outcome(), String.valueOf(r.get(0).error()));
    assertEquals(LabRunner.Outcome.RAN, r.get(1).outcome(), String.valueOf(r.get(1).error()));
    // One plan phase: the stand-in's runs (lossless and VQ-256, VQ-4 on two seeds, VQ-64 and VQ-16 on
    // one: 8; centroids-256, centroids-4 and pool-2 on two seeds: 6) and the other experiment's 3, all
    // run in it; none is a digits run.
    assertEquals(List.of(17, 0), planned, "one plan phase, nothing stored before");
    assertEquals(17, ran.size(), ran.toString());
    assertFalse(ran.stream().anyMatch(l -> l.startsWith("digits")), ran.toString());
    assertEquals(14, ran.stream().filter(l -> l.startsWith("glyphs-read")).count(), ran.toString());
    String report = Files.readString(runs.resolve("02-lossless-input/report.md"));
    assertTrue(report.contains("*Skipped:* the digits are not in the data cache"), report);
    assertTrue(report.contains("Lossless patches against VQ tokens: glyphs-read"), report);
    assertTrue(report.contains("The digits are not in the data cache, so their content is not estimated"), report);
    double sum = 0;
    for (int i = 0; i < 3; i++) sum += new java.util.Random(10 + i).nextDouble();
    assertTrue(Files.readString(runs.resolve("09-other/report.md")).contains(String.format(Locale.ROOT, "sum %.6f", sum)));
  }
}
