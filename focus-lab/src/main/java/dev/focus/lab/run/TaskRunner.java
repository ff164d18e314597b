package dev.focus.lab.run;

import java.util.ArrayList;
import java.util.List;

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
  List<TaskResult<?>> run(List<? extends Task<?, ?>> tasks, Listener listener) throws Exception;

  @Override
  default void close() {}

  /** Callbacks for progress; all optional. */
  interface Listener {
    /** Once per call: how many distinct tasks, and how many of them were already stored. */
    default void planned(int total, int stored) {}

    /** A task finished now ({@code fromStore} false) or was found in the store (true). */
    default void finished(Task<?, ?> task, TaskResult<?> result, boolean fromStore) {}

    /** Progress inside {@code task} (steps, messages); only runners that run tasks in this JVM call it. */
    default Progress progress(Task<?, ?> task) { return Progress.NONE; }

    /** True once the user asked to stop. */
    default boolean cancelled() { return false; }

    Listener NONE = new Listener() {};
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
