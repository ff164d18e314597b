package dev.focus.cli;

import dev.focus.data.DataSetup;
import dev.focus.io.OutputDir;
import dev.focus.lab.Experiments;
import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskPlan;
import dev.focus.lab.run.TaskRunner;
import dev.focus.web.server.SiteServer;
import dev.focus.web.site.StaticSite;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus lab}: runs the five experiments, writes each report under runs/, builds the static
 * site and serves it. Finished reports are skipped on a rerun (unless --force); Ctrl-C stops the
 * current experiment, keeps every finished report and exits with 130.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = {"Run the experiments that test the five notes and publish them as a research-notebook site.",
        "quick (default) takes about 19 minutes on 2 cores; full gives the publishable numbers and takes hours."})
public final class LabCommand implements Callable<Integer> {
  @Option(names = "--profile", defaultValue = "quick", paramLabel = "NAME", description = "quick (default), full, or mini (seconds per experiment; for tests).") String profile;

  @Option(names = "--only", paramLabel = "NAME", description = "Run one experiment: its number (1-5) or slug.") String only;

  @Option(names = "--force", description = "Redo experiments whose reports already exist.") boolean force;

  @Option(names = "--no-serve", description = "Build the site but do not serve it.") boolean noServe;

  @Mixin Options.Server address;

  @Mixin Options.Runs runDir;

  @Option(names = "--site", defaultValue = "site", description = "Where the static site goes (default ${DEFAULT-VALUE}).") Path site;

  @Option(names = "--seed", defaultValue = "1", description = "Base seed of every experiment (default ${DEFAULT-VALUE}).") long seed;

  @Option(names = "--no-setup", description = "Do not fetch missing data sets (experiments that need them say so).") boolean noSetup;

  @Mixin Options.Cache data;

  @Mixin Options.Cluster cluster;

  @Spec CommandSpec spec;

  private volatile boolean cancelled;

  @Override
  public Integer call() throws Exception {
    Profile p = Profile.parse(profile);
    int port = address.port();
    Path runs = runDir.dir;
    List<Experiment<?, ?>> experiments = Experiments.select(only);
    // Refuse unusable output directories now, not after hours of experiments.
    OutputDir.check(runs, OutputDir.LAB_RUNS);
    OutputDir.check(site, OutputDir.SITE);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path cache = data.dir();
    if (!noSetup && p != Profile.MINI) fetchData(cache, err);

    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      cancelled = true;
      try {
        done.await(30, TimeUnit.SECONDS); // let the runner stop the experiment and keep what is finished
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "focus-lab-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    List<LabRunner.Result> results;
    TaskPlan.Estimate estimate = null;
    long t0 = System.nanoTime();
    try {
      out.printf(Locale.ROOT, "focus lab: %d experiment(s), profile %s, reports in %s%n", experiments.size(),
          p.name().toLowerCase(Locale.ROOT), runs);
      out.flush();
      try (Distributed d = Distributed.start(cluster, "lab", cluster.workDir(runs.resolve(".work")), data.dir, cache, p, seed, err);
           Distributed.TaskBar bar = new Distributed.TaskBar("lab", err, () -> cancelled)) {
        LabRunner runner = new LabRunner(runs, p, seed, cache, d.runner());
        results = runner.run(experiments, force, new Bars(experiments, p, err, bar));
        List<Task<?, ?>> plan = runner.plan(experiments);
        if (!plan.isEmpty()) estimate = TaskPlan.estimate(plan, d.runner().store());
      }
    } finally {
      done.countDown();
    }
    if (cancelled) {
      err.println("focus lab: interrupted; finished reports are kept, rerun to continue");
      err.flush();
      return 130;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // shutting down
    }
    boolean failed = false;
    out.println();
    for (LabRunner.Result r : results) {
      out.printf(Locale.ROOT, "  %-32s %-9s %8s%s%n", r.experiment().slug(), r.outcome().name().toLowerCase(Locale.ROOT),
          r.outcome() == LabRunner.Outcome.SKIPPED ? "" : format(r.seconds()),
          r.error() == null ? "" : "  " + r.error());
      failed |= r.outcome() == LabRunner.Outcome.FAILED;
    }
    out.printf(Locale.ROOT, "  total %s%n", format((System.nanoTime() - t0) / 1e9));
    if (estimate != null) out.println("Planned tasks: " + estimate.describe(1, 2, 4, 8));
    StaticSite.Result s = StaticSite.write(runs, site);
    out.printf("Site: %d report(s) written to %s%n", s.reports(), s.index());
    for (String problem : s.problems()) err.println("focus lab: warning: " + problem);
    out.flush();
    err.flush();
    if (noServe) return failed ? 1 : 0;
    SiteServer server = SiteServer.start(address.host, port, runs);
    out.println("Serving the lab at " + server.uri() + "  (Ctrl-C to stop)");
    out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
    return 0;
  }

  /** Fetches missing data sets; a failure is a warning (the experiments that need them say so). */
  private void fetchData(Path cache, PrintWriter err) {
    DataSetup setup = new DataSetup(cache, DataSetup.PROCESS, line -> {
      err.println("focus lab: " + line);
      err.flush();
    });
    for (String target : List.of("digits", "brown")) {
      try {
        setup.run(target);
      } catch (Exception e) {
        err.println("focus lab: warning: could not fetch " + target + " (" + e.getMessage() + "); run './focus setup "
            + target + "' later");
        err.flush();
      }
    }
  }

  private static String format(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
  }

  /** One progress bar per experiment, with the overall position and elapsed time in its title. */
  private final class Bars implements LabRunner.Listener {
    private final int count;
    private final PrintWriter err;
    private final List<Experiment<?, ?>> all;
    private final Profile profileValue;
    private ProgressBar bar;
    private int index;
    private double expectedDone, actualDone;

    private final Distributed.TaskBar tasks;

    @Override
    public TaskRunner.Listener tasks() { return tasks; }

    Bars(List<Experiment<?, ?>> all, Profile profile, PrintWriter err, Distributed.TaskBar tasks) {
      this.tasks = tasks;
      this.count = all.size();
      this.all = all;
      this.profileValue = profile;
      this.err = err;
    }

    @Override
    public void started(Experiment<?, ?> e, int i, int n) {
      index = i;
    }

    @Override
    public Progress progress(Experiment<?, ?> e) {
      bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "[%d/%d] %s", index + 1, count, e.slug()))
          .setStyle(ProgressBarStyle.ASCII).setInitialMax(-1).showSpeed().setUpdateIntervalMillis(500)
          .setMaxRenderedLength(140).build();
      bar.setExtraMessage(overall(e));
      ProgressBar b = bar;
      return new Progress() {
        @Override public void total(long units) { b.maxHint(units); }
        @Override public void step(long units) { b.stepBy(units); }
        @Override public void message(String text) { b.setExtraMessage(text); }
        @Override public boolean cancelled() { return cancelled; }
      };
    }

    /**
     * "overall ETA": the expected minutes of this and the remaining experiments, scaled by how the
     * finished ones compared with their own estimates.
     */
    private String overall(Experiment<?, ?> current) {
      double remaining = 0;
      boolean from = false;
      for (Experiment<?, ?> x : all) {
        from |= x == current;
        if (from) remaining += x.expectedMinutes(profileValue);
      }
      double ratio = expectedDone > 0 ? actualDone / (expectedDone * 60) : 1;
      return "overall ETA ~" + format(remaining * 60 * ratio);
    }

    @Override
    public void finished(LabRunner.Result r) {
      if (r.outcome() == LabRunner.Outcome.SKIPPED) {
        err.println("[" + (r.experiment().slug()) + "] already done (use --force to redo)");
        err.flush();
        return;
      }
      expectedDone += r.experiment().expectedMinutes(profileValue);
      actualDone += r.seconds();
      if (bar != null) {
        bar.setExtraMessage(r.outcome().name().toLowerCase(Locale.ROOT));
        bar.close();
        bar = null;
      }
    }
  }
}
