package dev.focus.spark;

import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.ResultStore;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskResult;
import dev.focus.lab.run.TaskRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A {@link TaskRunner} on Apache Spark: the tasks whose results are not stored become one Spark job per
 * wave of dependencies (a wave: the tasks whose dependencies are all done), one Spark task per Focus
 * task. Each runs on an executor through {@link RunOnExecutor}, which stores its result under the work
 * directory as soon as it finishes, so a lost executor costs only its running tasks (Spark retries
 * them elsewhere; a task resumes from the state it saved) and a restarted driver finds every finished
 * task. The driver also writes each collected result to its own view of the store, so results reach
 * it even when the executors' work directory is not shared.
 *
 * <p>Progress: the listener's {@code finished} is called as each Spark task succeeds (from Spark's
 * listener bus), with the task's run time. In local mode the tasks run in this JVM, and their
 * in-task progress (steps) reaches the listener's {@code progress} sink too.
 */
public final class SparkTaskRunner implements TaskRunner {
  private static final AtomicLong GROUPS = new AtomicLong();

  private final JavaSparkContext sc;
  private final ResultStore store;
  private final RunOnExecutor.Setup setup;

  /**
   * @param workUri  the work directory as every executor reaches it (a path, {@code file:}, {@code hdfs://} …)
   * @param dataDir  the data cache on every node, or null for each node's default
   */
  public SparkTaskRunner(JavaSparkContext sc, String workUri, String dataDir, Profile profile, long seed) {
    this.sc = sc;
    this.store = Stores.open(workUri);
    this.setup = new RunOnExecutor.Setup(workUri, dataDir, profile, seed);
  }

  @Override
  public ResultStore store() { return store; }

  @Override
  public void runMissing(List<Task<?, ?>> order, Map<String, TaskResult<?>> done, Listener listener) throws Exception {
    Set<String> inPlan = new HashSet<>();
    for (Task<?, ?> t : order) inPlan.add(t.key());
    while (done.size() < order.size()) {
      List<Task<?, ?>> wave = new ArrayList<>();
      for (Task<?, ?> t : order) {
        if (done.containsKey(t.key())) continue;
        boolean ready = true;
        for (String k : t.after()) ready &= !inPlan.contains(k) || done.containsKey(k);
        if (ready) wave.add(t);
      }
      for (TaskResult<?> r : runWave(wave, listener)) done.put(r.key(), r);
    }
  }

  private List<TaskResult<?>> runWave(List<Task<?, ?>> wave, Listener listener) throws Exception {
    if (listener.cancelled()) throw new CancellationException("stopped before " + wave.size() + " tasks");
    String group = "focus-tasks-" + GROUPS.incrementAndGet();
    Map<String, Progress> sinks = new HashMap<>();
    for (Task<?, ?> t : wave) sinks.put(t.key(), listener.progress(t));
    WaveListener tracker = new WaveListener(group, wave, listener);
    sc.sc().addSparkListener(tracker);
    RunOnExecutor.LOCAL_PROGRESS.putAll(sinks);
    sc.setJobGroup(group, wave.size() + " Focus tasks", true);
    try {
      JavaFutureAction<List<byte[]>> job = sc.parallelize(new ArrayList<>(wave), wave.size()).map(new RunOnExecutor(setup)).collectAsync();
      List<byte[]> encoded = await(job, listener);
      List<TaskResult<?>> out = new ArrayList<>(wave.size());
      for (int i = 0; i < wave.size(); i++) {
        Task<?, ?> t = wave.get(i);
        TaskResult<?> r = FileResultStore.decode(t, encoded.get(i));
        if (r == null) throw new IllegalStateException("task " + t + " sent back a result that does not read");
        if (store.get(t) == null) store.put(t, r);
        out.add(r);
      }
      tracker.flush(out);
      return out;
    } finally {
      sc.clearJobGroup();
      for (String k : sinks.keySet()) RunOnExecutor.LOCAL_PROGRESS.remove(k);
      sc.sc().removeSparkListener(tracker);
    }
  }

  /** Waits for the job, cancelling it when the listener asks to stop; a task's failure is rethrown as its cause. */
  private static List<byte[]> await(JavaFutureAction<List<byte[]>> job, Listener listener) throws Exception {
    while (true) {
      if (listener.cancelled()) {
        job.cancel(true);
        throw new CancellationException("stopped; finished tasks are stored");
      }
      try {
        return job.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException notYet) {
        // poll the stop flag again
      } catch (ExecutionException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        String m = c.getMessage() == null ? c.toString() : c.getMessage();
        // Spark wraps the task's exception in "Job aborted due to stage failure: … : <exception>"; keep the tail.
        int cut = m.indexOf("): ");
        throw new IllegalStateException(cut >= 0 ? m.substring(cut + 3).lines().findFirst().orElse(m) : m, c);
      }
    }
  }

  /** Calls the listener as the Spark tasks of one wave succeed (on Spark's listener bus thread). */
  private static final class WaveListener extends SparkListener {
    private final String group;
    private final List<Task<?, ?>> wave;
    private final Listener listener;
    private final Set<Integer> stages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<Integer> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    WaveListener(String group, List<Task<?, ?>> wave, Listener listener) {
      this.group = group;
      this.wave = wave;
      this.listener = listener;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      if (e.properties() != null && group.equals(e.properties().getProperty("spark.jobGroup.id"))) {
        for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) stages.add((Integer) id);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (!stages.contains(e.stageId()) || !e.taskInfo().successful()) return;
      int i = e.taskInfo().index();
      if (i < 0 || i >= wave.size() || !reported.add(i)) return;
      listener.finished(wave.get(i), e.taskInfo().duration() / 1e3, false);
    }

    /** Reports the tasks whose end event had not arrived when the job returned. */
    void flush(List<TaskResult<?>> results) {
      for (int i = 0; i < wave.size(); i++) if (reported.add(i)) listener.finished(wave.get(i), results.get(i).seconds(), false);
    }
  }
}
