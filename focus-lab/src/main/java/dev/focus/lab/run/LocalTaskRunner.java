package dev.focus.lab.run;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * A {@link TaskRunner} that runs tasks one after another on the calling thread, each with all of
 * Focus's threads. Progress inside a task goes to the listener's {@link Listener#progress} sink.
 */
public final class LocalTaskRunner implements TaskRunner {
  private final ResultStore store;
  private final Profile profile;
  private final long seed;
  private final Path dataCache;

  /**
   * @param profile, seed  what the tasks' contexts report (tasks read only their settings)
   * @param dataCache      the data cache the tasks read
   */
  public LocalTaskRunner(ResultStore store, Profile profile, long seed, Path dataCache) {
    if (store == null) throw new IllegalArgumentException("store is null");
    this.store = store;
    this.profile = profile;
    this.seed = seed;
    this.dataCache = dataCache;
  }

  @Override
  public ResultStore store() { return store; }

  @Override
  public void runMissing(List<Task<?, ?>> order, Map<String, TaskResult<?>> done, Listener listener) throws Exception {
    for (Task<?, ?> t : order) {
      if (done.containsKey(t.key())) continue;
      if (listener.cancelled()) throw new CancellationException("stopped before task " + t.label());
      done.put(t.key(), runOne(t, listener));
    }
  }

  private <R extends Record> TaskResult<R> runOne(Task<?, R> t, Listener listener) throws Exception {
    Progress progress = listener.progress(t);
    LabContext ctx = new LabContext(profile, seed, store.state(t), dataCache, progress, this);
    long t0 = System.nanoTime();
    R value = t.run(ctx);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // A section that saw the stop request may return partial results: those are never stored.
    if (progress.cancelled() || listener.cancelled()) throw new CancellationException("stopped during task " + t.label());
    TaskResult<R> r = new TaskResult<>(t.key(), t.kind(), value, seconds, worker(), now());
    store.put(t, r);
    listener.finished(t, seconds, false);
    return r;
  }

  /** This JVM, as a result records where it ran. */
  public static String worker() {
    return "local-" + ProcessHandle.current().pid();
  }

  /** The current time as results record it. */
  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
