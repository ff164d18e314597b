package dev.focus.lab.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One planned unit of work: a {@link Section} and its settings, with a deterministic {@link #key()}
 * (a hash of the kind and the full settings, seeds included; {@link TaskKey}). A task is
 * serializable, so a {@link TaskRunner} can run it in this JVM or send it to another machine; its
 * result is a small record of plain data, stored by key in a {@link ResultStore}, so a finished task
 * never runs twice and the same key always gives the same result.
 *
 * <p>An experiment plans its tasks from its settings ({@link Experiment}), and its report is computed
 * from their results. Seeds are just another part of the settings: three seeds of one arm are three
 * tasks.
 *
 * <p>{@link #kind()} names what the task does, with a version to bump when the code changes what it
 * computes (a stored result of an older version is then not reused): {@code positions.grid-run.v1}.
 * {@link #cost()} is a rough size in any unit shared by the tasks of one kind (training steps, say):
 * the runner scales measured seconds by it to estimate tasks not yet run. {@link #after()} lists the
 * keys of tasks whose results or state this one reads (a probe after its training run).
 *
 * @param <S> the settings record
 * @param <R> the result record (serializable plain data)
 */
public final class Task<S extends Record, R extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9.-]{0,79}");

  private final String kind;
  private final Section<S, R> section;
  private final S settings;
  private final String key;
  private final String label;
  private final double cost;
  private final long progressUnits;
  private final List<String> after;

  private Task(String kind, Section<S, R> section, S settings, String key, String label, double cost, long progressUnits,
               List<String> after) {
    this.kind = kind;
    this.section = section;
    this.settings = settings;
    this.key = key;
    this.label = label;
    this.cost = cost;
    this.progressUnits = progressUnits;
    this.after = List.copyOf(after);
  }

  /**
   * A task that runs {@code section} on {@code settings}. The section must be serializable (a small
   * final class with no state, or a serializable lambda) and the settings must be plain data.
   */
  public static <S extends Record, R extends Record> Task<S, R> of(String kind, Section<S, R> section, S settings) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("task kind '" + kind + "' must be lower-case letters, digits, '.' and '-'");
    }
    if (!(section instanceof Serializable)) {
      throw new IllegalArgumentException("the section of task kind " + kind + " (" + section.getClass().getName()
          + ") must be Serializable to run on other machines");
    }
    if (!(settings instanceof Serializable)) {
      throw new IllegalArgumentException("the settings of task kind " + kind + " (" + settings.getClass().getName()
          + ") must be Serializable");
    }
    return new Task<>(kind, section, settings, TaskKey.of(kind, settings), kind, 1, 0, List.of());
  }

  /** One task per settings record, in order: how an experiment turns its list of runs into its plan. */
  public static <S extends Record, R extends Record> List<Task<S, R>> each(List<S> settings, java.util.function.Function<S, Task<S, R>> task) {
    List<Task<S, R>> out = new ArrayList<>(settings.size());
    for (S s : settings) out.add(task.apply(s));
    return out;
  }

  /** The same task with a name for progress lines and logs (not part of the key). */
  public Task<S, R> labelled(String text) {
    return new Task<>(kind, section, settings, key, text, cost, progressUnits, after);
  }

  /** The same task with a size estimate ({@code units} > 0, not part of the key). */
  public Task<S, R> withCost(double units) {
    if (!(units > 0) || Double.isInfinite(units)) throw new IllegalArgumentException("cost=" + units + " must be > 0");
    return new Task<>(kind, section, settings, key, label, units, progressUnits, after);
  }

  /**
   * The same task, declaring the {@link Progress#step} units it reports when it runs (its training
   * steps, say: what its experiment counts in its progress total; not part of the key). When the
   * task's result is stored when its experiment starts, the {@link LabRunner} takes them out of the
   * experiment's total.
   */
  public Task<S, R> withProgressUnits(long units) {
    if (units < 0) throw new IllegalArgumentException("progress units=" + units + " must be >= 0");
    return new Task<>(kind, section, settings, key, label, cost, units, after);
  }

  /** The same task, run only after {@code first} (whose results or state it reads). */
  public Task<S, R> after(Task<?, ?>... first) {
    List<String> keys = new ArrayList<>(after);
    for (Task<?, ?> t : first) keys.add(t.key());
    return new Task<>(kind, section, settings, key, label, cost, progressUnits, keys);
  }

  public String kind() { return kind; }

  public S settings() { return settings; }

  public String key() { return key; }

  public String label() { return label; }

  public double cost() { return cost; }

  /** The progress units the task steps when it runs (0: none declared). */
  public long progressUnits() { return progressUnits; }

  public List<String> after() { return after; }

  /** Runs the section; {@code ctx.workDir()} is this task's own state directory. */
  public R run(LabContext ctx) throws Exception {
    R r = section.run(settings, ctx);
    if (r == null) throw new IllegalStateException("task " + label + " returned no result");
    if (!(r instanceof Serializable)) {
      throw new IllegalStateException("the result of task kind " + kind + " (" + r.getClass().getName() + ") is not Serializable");
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Task<?, ?> t && t.key.equals(key);
  }

  @Override
  public int hashCode() { return key.hashCode(); }

  @Override
  public String toString() { return label + " [" + key + "]"; }
}
