package dev.focus.lab.nope;

import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E7 (points 2–3): "the token 3 back" (a relative offset) and "n mod 10" (an absolute
 * position) over uniform random tokens, trained per arm — NoPE without and with a BOS token (D9),
 * RoPE, ALiBi, learned positions — then argmax accuracy by data-position bucket. Every (task, arm,
 * seed) run is one planned task ({@link ResolutionRun}); the runs that decide point 3 (n mod 10 with
 * BOS-free NoPE and with learned positions) run {@code seeds} seeds, the others {@code otherSeeds}.
 */
final class Resolution implements Section<Resolution.Settings, Resolution.Result> {
  /** A position scheme, with or without a BOS token. */
  record Arm(String name, PositionKind position, boolean bos) implements Serializable {}

  /**
   * Tasks as {@link SyntheticTask#parse} specs without the BOS switch; {@code buckets} are the edges
   * over the data positions; run s of an arm starts from {@code seed + 3000 s}.
   */
  record Settings(List<String> tasks, List<Arm> arms, List<Integer> buckets, int length, int batch, int seeds, int otherSeeds,
                  int steps, int eval, long seed) implements Serializable {
    Settings {
      tasks = List.copyOf(tasks);
      arms = List.copyOf(arms);
      buckets = List.copyOf(buckets);
    }

    /** Seeds of one task and arm: {@code seeds} for the runs that decide point 3, else {@code otherSeeds}. */
    int seedsOf(String task, Arm arm) { return DECIDING.contains(taskLabel(task) + "/" + arm.name()) ? seeds : otherSeeds; }

    /** Every run's settings, task by task, arm by arm, seed by seed. */
    List<ResolutionRun.Settings> runs() {
      List<ResolutionRun.Settings> out = new ArrayList<>();
      for (String t : tasks) {
        for (Arm a : arms) {
          for (int q = 0; q < seedsOf(t, a); q++) out.add(new ResolutionRun.Settings(t, a, q, buckets, length, batch, steps, eval, seed));
        }
      }
      return out;
    }
  }

  /** One run's accuracy per bucket, then overall. */
  record Run(String task, String arm, int seed, double[] accuracy) implements Serializable {}

  /** Task by task, arm by arm, seed by seed. */
  record Result(List<Run> runs) implements Serializable {}

  static final List<Arm> ARMS = List.of(new Arm("nope", PositionKind.NOPE, false), new Arm("nope+BOS", PositionKind.NOPE, true),
      new Arm("rope", PositionKind.ROPE, false), new Arm("alibi", PositionKind.ALIBI, false),
      new Arm("learned", PositionKind.LEARNED, false));

  /** The runs that decide point 3 (NoPE's drop on n mod 10, and the case against it: NoPE level with learned positions). */
  static final List<String> DECIDING = List.of("n mod 10/nope", "n mod 10/learned");

  /** E7's tasks (a) and (b). */
  static final List<String> TASKS = List.of("kback:symbols=16,k=3", "mod10:symbols=16");

  /** Bucket edges over the data positions: [0,8), [8,16), [16,32), [32,64). */
  static final List<Integer> BUCKETS = List.of(0, 8, 16, 32, 64);

  static String taskLabel(String spec) { return spec.startsWith("kback") ? "3 back" : "n mod 10"; }

  static List<Task<ResolutionRun.Settings, Run>> tasks(Settings s) { return Task.each(s.runs(), ResolutionRun::task); }

  @Override
  public Result run(Settings st, LabContext ctx) throws Exception {
    return new Result(ctx.results(tasks(st)));
  }
}
