package dev.focus.lab.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs planned {@link Task}s: those whose results the {@link #store()} already holds are not run
 * again; the others run (each after the tasks it names in {@link Task#after()}) and their results are
 * stored as each finishes, so an interrupted run keeps every finished task. Equal tasks run once.
 *
 * <p>{@link LocalTaskRunner} runs them one after another in this JVM (the library's runner, used by
 * tests and by code that embeds the lab); the command line runs them on Apache Spark, in this JVM
 * ({@code local[*]}) or on a cluster, through the same interface.
 */
public interface TaskRunner extends AutoCloseable {
  /** Where results and task state are kept. */
  ResultStore store();

  /**
   * Runs every task of {@code tasks} whose result is not stored, and returns the results of all of
   * them in the order given. Throws {@link java.util.concurrent.CancellationException} when the
   * listener asks to stop (finished tasks stay stored), and the first failure of a task otherwise.
   */
  default List<TaskResult<?>> run(List<? extends Task<?, ?>> tasks, Listener listener) throws Exception {
    List<Task<?, ?>> order = TaskPlan.order(tasks);
    Map<String, TaskResult<?>> done = lookUp(order, store(), listener);
    runMissing(order, done, listener);
    return inOrder(tasks, done);
  }

  /**
   * Runs the tasks of {@code order} (distinct, dependencies first) whose results {@code done} lacks,
   * each after the tasks it names in {@link Task#after()}, storing each result and putting it into
   * {@code done} as it finishes: what a runner adds to the common {@link #run}.
   */
  void runMissing(List<Task<?, ?>> order, Map<String, TaskResult<?>> done, Listener listener) throws Exception;

  @Override
  default void close() {}

  /** Callbacks for progress; all optional. */
  interface Listener {
    /** Once per call: how many distinct tasks, and how many of them were already stored. */
    default void planned(int total, int stored) {}

    /**
     * A task finished now ({@code fromStore} false) or was found in the store (true), after
     * {@code seconds} of work (as measured when it ran).
     */
    default void finished(Task<?, ?> task, double seconds, boolean fromStore) {}

    /** Progress inside {@code task} (steps, messages); only runners that run tasks in this JVM call it. */
    default Progress progress(Task<?, ?> task) { return Progress.NONE; }

    /** True once the user asked to stop. */
    default boolean cancelled() { return false; }

    Listener NONE = new Listener() {};
  }

  /**
   * The stored results of {@code order} by key, after telling the listener the plan's size and
   * reporting each stored task as finished.
   */
  private static Map<String, TaskResult<?>> lookUp(List<Task<?, ?>> order, ResultStore store, Listener listener) throws IOException {
    Map<String, TaskResult<?>> done = new LinkedHashMap<>();
    for (Task<?, ?> t : order) {
      TaskResult<?> r = store.get(t);
      if (r != null) done.put(t.key(), r);
    }
    listener.planned(order.size(), done.size());
    for (Task<?, ?> t : order) if (done.containsKey(t.key())) listener.finished(t, done.get(t.key()).seconds(), true);
    return done;
  }

  /** The results of {@code tasks} from {@code done}, in the order of {@code tasks}. */
  private static List<TaskResult<?>> inOrder(List<? extends Task<?, ?>> tasks, Map<String, TaskResult<?>> done) {
    List<TaskResult<?>> out = new ArrayList<>(tasks.size());
    for (Task<?, ?> t : tasks) out.add(done.get(t.key()));
    return out;
  }

  /** The result values of {@code tasks}, in order: what an experiment's report is computed from. */
  static <S extends Record, R extends Record> List<R> values(List<Task<S, R>> tasks, List<TaskResult<?>> results) {
    if (tasks.size() != results.size()) throw new IllegalArgumentException(tasks.size() + " tasks but " + results.size() + " results");
    List<R> out = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      TaskResult<?> r = results.get(i);
      if (!r.key().equals(tasks.get(i).key())) throw new IllegalStateException("result " + i + " is not task " + tasks.get(i) + "'s");
      @SuppressWarnings("unchecked") R v = (R) r.value();
      out.add(v);
    }
    return out;
  }
}
