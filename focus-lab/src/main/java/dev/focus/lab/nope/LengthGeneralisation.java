package dev.focus.lab.nope;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E8, the counterweight (Kazemnejad et al. 2023): copy (and reverse in the full profile)
 * trained on lengths 1..trainMax, then exact match (every output token right under teacher forcing)
 * at every length up to twice that. Every (task, arm, seed) run is one planned task
 * ({@link LengthRun}, {@code nope.length-run.v1}), so a cluster trains them side by side.
 */
final class LengthGeneralisation implements Section<LengthGeneralisation.Settings, LengthGeneralisation.Result> {
  /** Run s of an arm starts from {@code seed + 2000 s}; lengths n = 1..2·trainMax are scored on {@code eval} examples. */
  record Settings(List<String> tasks, List<PositionKind> arms, int symbols, int trainMax, int batch, int seeds, int steps,
                  int eval, long seed) implements Serializable {
    Settings {
      tasks = List.copyOf(tasks);
      arms = List.copyOf(arms);
    }

    int testMax() { return 2 * trainMax; }

    /** Every run's settings, task by task, arm by arm, seed by seed. */
    List<LengthRun.Settings> runs() {
      List<LengthRun.Settings> out = new ArrayList<>();
      for (String t : tasks) {
        for (PositionKind a : arms) {
          for (int q = 0; q < seeds; q++) out.add(new LengthRun.Settings(t, a, q, symbols, trainMax, batch, steps, eval, seed));
        }
      }
      return out;
    }
  }

  /** One run's exact match at n = 1..testMax. */
  record Run(String task, PositionKind arm, int seed, double[] exactMatch) implements Serializable {}

  /** Task by task, arm by arm, seed by seed. */
  record Result(List<Run> runs) implements Serializable {}

  static List<Task<LengthRun.Settings, Run>> tasks(Settings s) { return Task.each(s.runs(), LengthRun::task); }

  @Override
  public Result run(Settings st, LabContext ctx) throws Exception {
    return new Result(ctx.results(tasks(st)));
  }
}
