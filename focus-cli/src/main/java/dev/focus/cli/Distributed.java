package dev.focus.cli;

import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskRunner;
import dev.focus.spark.SparkEngine;
import dev.focus.spark.SparkTaskRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The Spark side of a command that runs planned tasks ({@code lab}, {@code sweep}): starts Spark from
 * the {@link Options.Cluster} options, says where it runs (master, task slots, the UI's address, the
 * work directory), and hands out a {@link TaskRunner} and a progress bar over tasks.
 */
final class Distributed implements AutoCloseable {
  private final SparkEngine engine;
  private final SparkTaskRunner runner;

  private Distributed(SparkEngine engine, SparkTaskRunner runner) {
    this.engine = engine;
    this.runner = runner;
  }

  /**
   * @param workDir  where results go (a path or URI)
   * @param dataDir  the data cache the tasks read: given on every node when set by the user, else
   *                 the driver's in local mode and each node's own on a cluster
   */
  static Distributed start(Options.Cluster c, String command, String workDir, Path userDataDir, Path defaultDataDir,
                           Profile profile, long seed, PrintWriter err) {
    long t0 = System.nanoTime();
    SparkEngine engine = SparkEngine.start(new SparkEngine.Settings(c.master, "focus " + command, c.ui, c.taskCpus, c.conf));
    try {
      boolean local = engine.master().startsWith("local");
      Path data = userDataDir != null ? userDataDir : local ? defaultDataDir : null;
      SparkTaskRunner runner = new SparkTaskRunner(engine.context(), workDir, data == null ? null : data.toString(), profile, seed);
      String ui = engine.uiUrl();
      err.printf(Locale.ROOT, "focus %s: Spark %s, %d task slot(s), started in %.1fs%s; results in %s%n", command, engine.master(),
          engine.slots(), (System.nanoTime() - t0) / 1e9, ui == null ? "" : "; UI at " + ui, runner.store().location());
      err.flush();
      return new Distributed(engine, runner);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  TaskRunner runner() { return runner; }

  int slots() { return engine.slots(); }

  @Override
  public void close() {
    engine.close();
  }

  /**
   * A progress bar over a plan's tasks on stderr: "tasks 3/12", with the ETA of the whole plan. Each
   * task is 1000 units; in local mode a task's own steps move its share, on a cluster it jumps when
   * the task finishes.
   */
  static final class TaskBar implements TaskRunner.Listener, AutoCloseable {
    private static final long SHARE = 1000;
    private final String name;
    private final BooleanSupplier stop;
    private final Map<String, long[]> shares = new ConcurrentHashMap<>(); // key -> {total units, units done}
    private ProgressBar bar;
    private int total, done;

    private final PrintWriter err;

    TaskBar(String name, PrintWriter err, BooleanSupplier stop) {
      this.name = name;
      this.err = err;
      this.stop = stop;
    }

    @Override
    public synchronized void planned(int tasks, int stored) {
      close(); // a second plan (an experiment running tasks it did not plan) gets a bar of its own
      total = tasks;
      done = stored;
      err.printf(Locale.ROOT, "focus %s: %d task(s), %d already done%n", name, tasks, stored);
      err.flush();
      if (stored == tasks) return;
      bar = new ProgressBarBuilder().setTaskName(name).setStyle(ProgressBarStyle.ASCII).setInitialMax(tasks * SHARE)
          .startsFrom(stored * SHARE, Duration.ZERO).setUpdateIntervalMillis(500).hideEta().setConsumer(new ProgressBarConsumer() {
            @Override public int getMaxRenderedLength() { return 120; }
            @Override public void accept(String s) { err.print('\r'); err.print(s); err.flush(); }
            @Override public void close() { err.println(); err.flush(); }
          }).build();
      bar.setExtraMessage(message());
    }

    private String message() {
      return String.format(Locale.ROOT, " tasks %d/%d", done, total);
    }

    @Override
    public synchronized void finished(Task<?, ?> task, double seconds, boolean fromStore) {
      if (fromStore || bar == null) return;
      long[] s = shares.remove(task.key());
      long already = s == null ? 0 : Math.min(SHARE, s[1] * SHARE / Math.max(1, s[0]));
      done++;
      bar.stepBy(SHARE - already);
      bar.setExtraMessage(message() + eta());
      if (done == total) close(); // the plan is done; what follows (the reports) draws its own bars
    }

    private String eta() {
      double elapsed = bar.getTotalElapsed().toMillis() / 1e3;
      double fraction = (double) (bar.getCurrent() - bar.getStart()) / Math.max(1, bar.getMax() - bar.getStart());
      return fraction <= 0 ? "" : " ETA " + dev.focus.lab.run.Stats.duration(elapsed * (1 - fraction) / fraction);
    }

    @Override
    public Progress progress(Task<?, ?> task) {
      String key = task.key();
      // Until the task says how many units it has, its cost (training steps, say) is the guess.
      shares.put(key, new long[] {Math.max(1, Math.round(task.cost())), 0});
      return new Progress() {
        @Override public void total(long units) { shares.put(key, new long[] {Math.max(1, units), 0}); }

        @Override public void step(long units) {
          synchronized (TaskBar.this) {
            long[] s = shares.get(key);
            if (s == null || bar == null) return;
            long before = Math.min(SHARE, s[1] * SHARE / s[0]);
            s[1] += units;
            long after = Math.min(SHARE, s[1] * SHARE / s[0]);
            if (after > before) bar.stepBy(after - before);
            bar.setExtraMessage(TaskBar.this.message() + eta());
          }
        }

        @Override public void message(String text) {}

        @Override public boolean cancelled() { return stop.getAsBoolean(); }
      };
    }

    @Override
    public boolean cancelled() { return stop.getAsBoolean(); }

    @Override
    public synchronized void close() {
      if (bar != null) bar.close();
      bar = null;
    }
  }
}
