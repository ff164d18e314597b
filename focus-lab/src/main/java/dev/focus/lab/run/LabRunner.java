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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs experiments and publishes each as runs/&lt;slug&gt;/ (report.md, meta.json, data files, and
 * lab.json recording the profile, seed and time). A report is written only when its experiment
 * finishes, atomically, so Ctrl-C leaves finished runs intact; a rerun skips every experiment whose
 * lab.json shows the same or a larger profile, unless forced. Scratch work (training checkpoints)
 * lives in runs/.work/&lt;slug&gt;/ so an interrupted training resumes.
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
  }

  private final Path runsDir;
  private final Profile profile;
  private final long seed;
  private final Path dataCache;

  public LabRunner(Path runsDir, Profile profile, long seed, Path dataCache) {
    this.runsDir = runsDir;
    this.profile = profile;
    this.seed = seed;
    this.dataCache = dataCache;
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
    for (int i = 0; i < experiments.size(); i++) {
      Experiment<?, ?> e = experiments.get(i);
      if (!force && finished(e)) {
        Result r = new Result(e, Outcome.SKIPPED, 0, null);
        results.add(r);
        listener.finished(r);
        continue;
      }
      listener.started(e, i, experiments.size());
      Progress progress = listener.progress(e);
      long t0 = System.nanoTime();
      Result r;
      try {
        LabContext ctx = new LabContext(profile, seed, runsDir.resolve(".work").resolve(e.slug()), dataCache, progress);
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
