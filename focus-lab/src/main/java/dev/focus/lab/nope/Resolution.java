package dev.focus.lab.nope;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Section;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E7 (points 2–3): "the token 3 back" (a relative offset) and "n mod 10" (an absolute
 * position) over uniform random tokens, trained per arm — NoPE without and with a BOS token (D9),
 * RoPE, ALiBi, learned positions — then argmax accuracy by data-position bucket. Every (task, arm,
 * seed) run is independent; they run two at a time.
 */
final class Resolution implements Section<Resolution.Settings, Resolution.Result> {
  /** A position scheme, with or without a BOS token. */
  record Arm(String name, PositionKind position, boolean bos) implements Serializable {}

  /**
   * Tasks as {@link SyntheticTask#parse} specs without the BOS switch; {@code buckets} are the edges
   * over the data positions; run s of an arm starts from {@code seed + 3000 s}.
   */
  record Settings(List<String> tasks, List<Arm> arms, List<Integer> buckets, int length, int batch, int seeds, int steps,
                  int eval, long seed) implements Serializable {
    Settings {
      tasks = List.copyOf(tasks);
      arms = List.copyOf(arms);
      buckets = List.copyOf(buckets);
    }
  }

  /** One run's accuracy per bucket, then overall. */
  record Run(String task, String arm, int seed, double[] accuracy) implements Serializable {}

  /** Task by task, arm by arm, seed by seed. */
  record Result(List<Run> runs) implements Serializable {}

  static final List<Arm> ARMS = List.of(new Arm("nope", PositionKind.NOPE, false), new Arm("nope+BOS", PositionKind.NOPE, true),
      new Arm("rope", PositionKind.ROPE, false), new Arm("alibi", PositionKind.ALIBI, false),
      new Arm("learned", PositionKind.LEARNED, false));

  /** E7's tasks (a) and (b). */
  static final List<String> TASKS = List.of("kback:symbols=16,k=3", "mod10:symbols=16");

  /** Bucket edges over the data positions: [0,8), [8,16), [16,32), [32,64). */
  static final List<Integer> BUCKETS = List.of(0, 8, 16, 32, 64);

  static String taskLabel(String spec) { return spec.startsWith("kback") ? "3 back" : "n mod 10"; }

  @Override
  public Result run(Settings st, LabContext ctx) {
    int L = st.length(), B = st.batch(), nb = st.buckets().size();
    int seeds = st.seeds(), arms = st.arms().size(), runs = st.tasks().size() * arms * seeds;
    double[][] perRun = new double[runs][];                        // buckets, then overall
    Progress progress = LanguageModels.synced(ctx.progress());
    LanguageModels.parallelRuns(runs, j -> {
      String spec = st.tasks().get(j / (arms * seeds));
      Arm arm = st.arms().get(j / seeds % arms);
      int s = j % seeds, seqLen = L + (arm.bos() ? 1 : 0);
      if (ctx.cancelled()) return;
      progress.message("E7: " + taskLabel(spec) + ", " + arm.name() + ", seed " + (s + 1));
      SyntheticDataset data = new SyntheticDataset(SyntheticTask.parse(spec + ",bos=" + arm.bos()));
      ModelConfig cfg = ModelConfig.llama(data.vocabSize(), 64, 256, 2, 4, L + 1).withPosition(arm.position());
      Model m = new Model(cfg, st.seed() + 3000L * s + 71);
      NopeTraining.Settings ts = new NopeTraining.Settings(st.steps(), B, seqLen, 3e-3, Math.min(100, st.steps() / 10),
          st.seed() + 3000L * s + 72);
      NopeTraining.train(m, data, ts, i -> progress.step(1), ctx::cancelled);
      NopeTraining.PositionAccuracy pa = NopeTraining.positionAccuracy(m, data, st.eval(), seqLen, arm.bos() ? 1 : 0,
          st.seed() + 73);
      double[] one = new double[nb];
      for (int b = 0; b + 1 < nb; b++) one[b] = pa.over(st.buckets().get(b), st.buckets().get(b + 1));
      one[nb - 1] = pa.overall();
      perRun[j] = one;
    });
    List<Run> out = new ArrayList<>();
    for (int j = 0; j < runs; j++) {
      if (perRun[j] == null) continue;
      out.add(new Run(st.tasks().get(j / (arms * seeds)), st.arms().get(j / seeds % arms).name(), j % seeds, perRun[j]));
    }
    return new Result(out);
  }
}
