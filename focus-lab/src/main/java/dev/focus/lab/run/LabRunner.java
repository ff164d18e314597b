package dev.focus.lab.run;

import dev.focus.report.DataFile;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs experiments and publishes each as runs/&lt;slug&gt;/ (report.md, meta.json, data files, and
 * lab.json recording the profile, seed and time). A report is written only when its experiment
 * finishes, atomically, so Ctrl-C leaves finished runs intact; a rerun skips every experiment whose
 * lab.json shows the same or a larger profile, unless forced. Scratch work (training checkpoints)
 * lives in runs/.work/&lt;slug&gt;/ so an interrupted training resumes.
 *
 * <p>Before the experiments run, the {@link Experiment#plan planned tasks} of all of them run on the
 * {@link TaskRunner} (Spark, from the command line), each result stored by key under runs/.work/tasks/
 * (or the command's work directory); the experiments then read their tasks' results and render. A
 * rerun finds every finished task stored.
 */
public final class LabRunner {
  public static final String MARKER = "lab.json";

  /** What happened to one experiment. */
  public enum Outcome { RAN, SKIPPED, CANCELLED, FAILED }

  /** One experiment's outcome, with the error message when it failed. */
  public record Result(Experiment<?, ?> experiment, Outcome outcome, double seconds, String error) {}

  /** Callbacks for progress display. */
  public interface Listener {
    default void started(Experiment<?, ?> e, int index, int count) {}

    default void finished(Result r) {}

    /** The progress sink handed to experiment {@code e}. */
    default Progress progress(Experiment<?, ?> e) { return Progress.NONE; }

    /** Progress of the planned tasks of every experiment, run before the experiments themselves. */
    default TaskRunner.Listener tasks() { return TaskRunner.Listener.NONE; }
  }

  private final Path runsDir;
  private final Profile profile;
  private final long seed;
  private final Path dataCache;

  private final TaskRunner tasks;

  /** A runner whose tasks run in this JVM, stored under runs/.work. */
  public LabRunner(Path runsDir, Profile profile, long seed, Path dataCache) {
    this(runsDir, profile, seed, dataCache, null);
  }

  /** A runner whose planned tasks run on {@code tasks} (null: in this JVM, stored under runs/.work). */
  public LabRunner(Path runsDir, Profile profile, long seed, Path dataCache, TaskRunner tasks) {
    this.runsDir = runsDir;
    this.profile = profile;
    this.seed = seed;
    this.dataCache = dataCache;
    this.tasks = tasks != null ? tasks : new LocalTaskRunner(new FileResultStore(runsDir.resolve(".work")), profile, seed, dataCache);
  }

  /** Where the planned tasks run. */
  public TaskRunner tasks() { return tasks; }

  /** The tasks the experiments plan under this runner's profile, seed and data cache, in experiment order. */
  public List<Task<?, ?>> plan(List<Experiment<?, ?>> experiments) {
    List<Task<?, ?>> out = new ArrayList<>();
    for (Experiment<?, ?> e : experiments) out.addAll(planOf(e));
    return out;
  }

  private <S extends Record> List<Task<?, ?>> planOf(Experiment<S, ?> e) {
    return e.plan(e.settings(profile, seed), dataCache);
  }

  /** True when runs/&lt;slug&gt; holds a finished report of this profile or a larger one. */
  public boolean finished(Experiment<?, ?> e) {
    Path marker = runsDir.resolve(e.slug()).resolve(MARKER);
    if (!Files.isRegularFile(marker) || !Files.isRegularFile(runsDir.resolve(e.slug()).resolve("meta.json"))) return false;
    try {
      Matcher m = Pattern.compile("\"profile\"\\s*:\\s*\"([a-z]+)\"").matcher(Files.readString(marker, StandardCharsets.UTF_8));
      return m.find() && Profile.parse(m.group(1)).ordinal() >= profile.ordinal();
    } catch (IOException | IllegalArgumentException ex) {
      return false;
    }
  }

  /** Runs each experiment in order (skipping finished ones unless {@code force}); stops early when cancelled. */
  public List<Result> run(List<Experiment<?, ?>> experiments, boolean force, Listener listener) {
    List<Result> results = new ArrayList<>();
    List<Experiment<?, ?>> todo = new ArrayList<>();
    for (Experiment<?, ?> e : experiments) if (force || !finished(e)) todo.add(e);
    List<Task<?, ?>> plan = plan(todo);
    if (!plan.isEmpty()) {
      // Every planned task first, on the task runner (all experiments' at once, so a cluster runs them
      // side by side). A task that fails here is run again by its experiment, which then fails alone.
      try {
        tasks.run(plan, listener.tasks());
      } catch (CancellationException stopped) {
        for (Experiment<?, ?> e : experiments) {
          Result r = new Result(e, todo.contains(e) ? Outcome.CANCELLED : Outcome.SKIPPED, 0, null);
          results.add(r);
          listener.finished(r);
          if (r.outcome() == Outcome.CANCELLED) break;
        }
        return results;
      } catch (Exception failed) {
        // reported by the experiment that planned the task
      }
    }
    for (int i = 0; i < experiments.size(); i++) {
      Experiment<?, ?> e = experiments.get(i);
      if (!force && finished(e)) {
        Result r = new Result(e, Outcome.SKIPPED, 0, null);
        results.add(r);
        listener.finished(r);
        continue;
      }
      listener.started(e, i, experiments.size());
      Progress progress = withoutStored(listener.progress(e), storedUnits(e));
      long t0 = System.nanoTime();
      Result r;
      try {
        LabContext ctx = new LabContext(profile, seed, runsDir.resolve(".work").resolve(e.slug()), dataCache, progress, tasks);
        Files.createDirectories(ctx.workDir());
        Findings f = e.runAndRender(ctx);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (f == null || progress.cancelled()) {
          r = new Result(e, Outcome.CANCELLED, secs, null);
        } else {
          publish(e, f, secs);
          r = new Result(e, Outcome.RAN, secs, null);
        }
      } catch (Exception ex) {
        double secs = (System.nanoTime() - t0) / 1e9;
        r = progress.cancelled() ? new Result(e, Outcome.CANCELLED, secs, null)
            : new Result(e, Outcome.FAILED, secs, ex.getClass().getSimpleName() + ": " + ex.getMessage());
      }
      results.add(r);
      listener.finished(r);
      if (r.outcome() == Outcome.CANCELLED) break;
    }
    return results;
  }

  /** The progress units of {@code e}'s planned tasks whose results are stored now (after the plan phase: all that ran). */
  private long storedUnits(Experiment<?, ?> e) {
    long units = 0;
    for (Task<?, ?> t : planOf(e)) {
      try {
        if (tasks.store().get(t) != null) units += t.progressUnits();
      } catch (IOException unreadable) {
        // the experiment runs the task again, stepping its units
      }
    }
    return units;
  }

  /**
   * {@code p} with {@code stored} units taken out of the total the experiment announces: the stored
   * tasks are read, not stepped, so the bar counts only the work left (its percentage and ETA with it).
   */
  static Progress withoutStored(Progress p, long stored) {
    if (stored == 0) return p;
    return new Progress() {
      @Override public void total(long units) { p.total(Math.max(0, units - stored)); }
      @Override public void step(long units) { p.step(units); }
      @Override public void message(String text) { p.message(text); }
      @Override public boolean cancelled() { return p.cancelled(); }
    };
  }

  /**
   * Writes the report and its lab.json marker in one atomic step. Public so that a runner which
   * computed (or stored) an experiment's results elsewhere can publish their rendering the same way.
   */
  public void publish(Experiment<?, ?> e, Findings f, double seconds) throws IOException {
    ReportMeta meta = new ReportMeta(e.title(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), f.summary(),
        f.verdict(), f.tags(), f.charts());
    List<DataFile> files = new ArrayList<>(f.dataFiles());
    files.add(DataFile.text(MARKER, String.format(Locale.ROOT,
        "{\"profile\":\"%s\",\"seed\":%d,\"seconds\":%.1f,\"java\":\"%s\"}%n",
        profile.name().toLowerCase(Locale.ROOT), seed, seconds, Runtime.version())));
    new ReportWriter(runsDir).write(e.slug(), meta, f.markdown(), files);
  }
}
