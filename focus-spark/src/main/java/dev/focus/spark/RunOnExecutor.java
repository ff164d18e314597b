package dev.focus.spark;

import dev.focus.data.DataCache;
import dev.focus.kernel.Parallel;
import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.LocalTaskRunner;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.ResultStore;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskResult;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * What one Spark task does on an executor: open the store, return the stored result when the task
 * already finished (a retry after the result was written), otherwise run the Focus task with its own
 * state directory, store the result atomically and send it back (Java-serialized, as the store keeps
 * it).
 *
 * <p>Threads: on an executor of its own JVM, Focus's pool is sized to {@code spark.task.cpus} (the
 * cores Spark reserves for each task), once per JVM. In local mode the tasks share the driver's JVM,
 * whose pool is left as it is (several tasks then share it: a loop that finds the pool busy runs on its
 * own thread, and results do not depend on how loops are split).
 */
final class RunOnExecutor implements Function<Task<?, ?>, byte[]> {
  private static final long serialVersionUID = 1L;

  /** In local mode: the driver's progress sink of each running task, by key (same JVM). */
  static final Map<String, Progress> LOCAL_PROGRESS = new ConcurrentHashMap<>();

  /** What every task of a run shares: where results go, where data is, what the contexts report. */
  record Setup(String workUri, String dataDir, Profile profile, long seed) implements Serializable {}

  private final Setup setup;

  RunOnExecutor(Setup setup) {
    this.setup = setup;
  }

  @Override
  public byte[] call(Task<?, ?> task) throws Exception {
    ResultStore store = Stores.open(setup.workUri());
    TaskResult<?> stored = store.get(task);
    if (stored != null) return FileResultStore.encode(stored);
    boolean local = isDriver();
    if (!local) sizePool();
    Progress progress = local ? LOCAL_PROGRESS.getOrDefault(task.key(), Progress.NONE) : Progress.NONE;
    Path data = setup.dataDir() != null ? Path.of(setup.dataDir()) : DataCache.dir();
    LabContext ctx = new LabContext(setup.profile(), setup.seed(), store.state(task), data, progress,
        new LocalTaskRunner(store, setup.profile(), setup.seed(), data));
    long t0 = System.nanoTime();
    Record value = task.run(ctx);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (progress.cancelled() || Thread.currentThread().isInterrupted()) {
      throw new CancellationException("stopped during task " + task.label());
    }
    TaskResult<?> r = result(task, value, seconds, worker());
    store.put(task, r);
    return FileResultStore.encode(r);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static TaskResult<?> result(Task<?, ?> task, Record value, double seconds, String worker) {
    return new TaskResult(task.key(), task.kind(), value, seconds, worker, LocalTaskRunner.now());
  }

  private static boolean isDriver() {
    SparkEnv env = SparkEnv.get();
    return env == null || "driver".equals(env.executorId());
  }

  /** Sizes Focus's pool to spark.task.cpus, once per executor JVM. */
  private static synchronized void sizePool() {
    TaskContext tc = TaskContext.get();
    int cpus = tc == null ? 1 : Math.max(1, tc.cpus());
    if (Parallel.threads() != cpus) Parallel.setThreads(cpus);
  }

  private static String worker() {
    SparkEnv env = SparkEnv.get();
    String host = "?";
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException ignored) {
      // an unnamed host
    }
    return "executor " + (env == null ? "?" : env.executorId()) + " on " + host;
  }
}
