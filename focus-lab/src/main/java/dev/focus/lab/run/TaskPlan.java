package dev.focus.lab.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A set of tasks as a schedule: the order that runs each task after the ones it needs, and what the
 * plan should take on N workers.
 *
 * <p>Expected wall time on N workers (each running one task at a time): with W the total work (the
 * sum of the task times) and C the longest chain (the largest sum of times along a path of
 * {@link Task#after()} edges; without dependencies, the longest task), no schedule beats
 * max(W/N, C), and a greedy one stays within W/N + C (Graham's bound). We quote max(W/N, C).
 * A task's time is its measured seconds when it has run; otherwise its {@link Task#cost()} times the
 * seconds per unit of cost measured on the tasks of its kind; a kind with nothing measured yet is
 * left out and counted as unknown.
 */
public final class TaskPlan {
  private TaskPlan() {}

  /** The tasks once each (first occurrence of a key), every task after the tasks of this list it needs. */
  public static List<Task<?, ?>> order(List<? extends Task<?, ?>> tasks) {
    Map<String, Task<?, ?>> byKey = new LinkedHashMap<>();
    for (Task<?, ?> t : tasks) byKey.putIfAbsent(t.key(), t);
    List<Task<?, ?>> out = new ArrayList<>(byKey.size());
    Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 placed
    for (Task<?, ?> t : byKey.values()) visit(t, byKey, state, out);
    return out;
  }

  private static void visit(Task<?, ?> t, Map<String, Task<?, ?>> byKey, Map<String, Integer> state, List<Task<?, ?>> out) {
    Integer s = state.get(t.key());
    if (s != null && s == 2) return;
    if (s != null) throw new IllegalArgumentException("tasks depend on each other in a cycle through " + t);
    state.put(t.key(), 1);
    for (String k : t.after()) {
      Task<?, ?> d = byKey.get(k);
      if (d != null) visit(d, byKey, state, out);
    }
    state.put(t.key(), 2);
    out.add(t);
  }

  /**
   * What a plan should take. {@code work} and {@code chain} are in seconds over the tasks whose time
   * is known or estimated; {@code unknown} tasks have neither.
   */
  public record Estimate(int tasks, int measured, int estimated, int unknown, double work, double chain) {
    /** max(W/N, C): the expected wall time on {@code workers} workers. */
    public double wall(int workers) {
      if (workers < 1) throw new IllegalArgumentException("workers=" + workers + " must be >= 1");
      return Math.max(work / workers, chain);
    }

    /** One line: "work 12m00s, longest chain 1m50s; expected on 1/2/4/8 workers: …". */
    public String describe(int... workers) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d tasks, work %s, longest chain %s; expected wall time on",
          tasks, Stats.duration(work), Stats.duration(chain)));
      for (int i = 0; i < workers.length; i++) {
        b.append(i == 0 ? " " : ", ").append(workers[i]).append(workers[i] == 1 ? " worker " : " workers ")
            .append(Stats.duration(wall(workers[i])));
      }
      if (estimated > 0) b.append(String.format(Locale.ROOT, " (%d of %d tasks estimated from their cost)", estimated, tasks));
      if (unknown > 0) b.append(String.format(Locale.ROOT, " (%d tasks not yet measured, left out)", unknown));
      return b.toString();
    }
  }

  /** The estimate for {@code tasks}, given the measured seconds of some of them by key. */
  public static Estimate estimate(List<? extends Task<?, ?>> tasks, Map<String, Double> measured) {
    List<Task<?, ?>> order = order(tasks);
    Map<String, double[]> rate = new HashMap<>(); // kind -> {seconds, cost} over measured tasks
    for (Task<?, ?> t : order) {
      Double s = measured.get(t.key());
      if (s == null) continue;
      double[] r = rate.computeIfAbsent(t.kind(), k -> new double[2]);
      r[0] += s;
      r[1] += t.cost();
    }
    Map<String, Double> finish = new HashMap<>();
    double work = 0, chain = 0;
    int known = 0, guessed = 0, unknown = 0;
    for (Task<?, ?> t : order) {
      Double s = measured.get(t.key());
      double secs;
      if (s != null) {
        secs = s;
        known++;
      } else if (rate.containsKey(t.kind())) {
        double[] r = rate.get(t.kind());
        secs = r[1] > 0 ? t.cost() * r[0] / r[1] : 0;
        guessed++;
      } else {
        secs = 0;
        unknown++;
      }
      double start = 0;
      for (String k : t.after()) start = Math.max(start, finish.getOrDefault(k, 0.0));
      finish.put(t.key(), start + secs);
      work += secs;
      chain = Math.max(chain, start + secs);
    }
    return new Estimate(order.size(), known, guessed, unknown, work, chain);
  }

  /** The estimate with the seconds the store holds for each task. */
  public static Estimate estimate(List<? extends Task<?, ?>> tasks, ResultStore store) throws java.io.IOException {
    Map<String, Double> seconds = new HashMap<>();
    for (Task<?, ?> t : tasks) {
      TaskResult<?> r = store.get(t);
      if (r != null) seconds.put(t.key(), r.seconds());
    }
    return estimate(tasks, seconds);
  }
}
