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
 * Spec 05 E8, the counterweight (Kazemnejad et al. 2023): copy (and reverse in the full profile)
 * trained on lengths 1..trainMax, then exact match (every output token right under teacher forcing)
 * at every length up to twice that. Every (task, arm, seed) run is independent; two at a time.
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
  }

  /** One run's exact match at n = 1..testMax. */
  record Run(String task, PositionKind arm, int seed, double[] exactMatch) implements Serializable {}

  /** Task by task, arm by arm, seed by seed. */
  record Result(List<Run> runs) implements Serializable {}

  @Override
  public Result run(Settings st, LabContext ctx) {
    int trMax = st.trainMax(), testMax = st.testMax(), symbols = st.symbols();
    int seeds = st.seeds(), arms = st.arms().size(), runs = st.tasks().size() * arms * seeds;
    double[][] exact = new double[runs][testMax];
    boolean[] done = new boolean[runs];
    Progress progress = LanguageModels.synced(ctx.progress());
    LanguageModels.parallelRuns(runs, j -> {
      String task = st.tasks().get(j / (arms * seeds));
      PositionKind pos = st.arms().get(j / seeds % arms);
      int s = j % seeds;
      if (ctx.cancelled()) return;
      progress.message("E8: " + task + ", " + LanguageModels.posName(pos) + ", seed " + (s + 1));
      SyntheticDataset train = new SyntheticDataset(SyntheticTask.parse(task + ":symbols=" + symbols + ",min=1,max=" + trMax));
      ModelConfig cfg = ModelConfig.llama(train.vocabSize(), 64, 256, 2, 4, 2 * testMax + 3).withPosition(pos);
      Model m = new Model(cfg, st.seed() + 2000L * s + 31);
      NopeTraining.Settings ts = new NopeTraining.Settings(st.steps(), st.batch(), 2 * trMax + 3, 3e-3,
          Math.min(100, st.steps() / 10), st.seed() + 2000L * s + 32);
      NopeTraining.train(m, train, ts, i -> progress.step(1), ctx::cancelled);
      for (int n = 1; n <= testMax; n++) {
        SyntheticDataset test = new SyntheticDataset(SyntheticTask.parse(task + ":symbols=" + symbols + ",min=" + n + ",max=" + n));
        exact[j][n - 1] = NopeTraining.exactMatch(m, test, st.eval(), 2 * n + 3, st.seed() + 33 + n);
      }
      done[j] = true;
    });
    List<Run> out = new ArrayList<>();
    for (int j = 0; j < runs; j++) {
      if (done[j]) out.add(new Run(st.tasks().get(j / (arms * seeds)), st.arms().get(j / seeds % arms), j % seeds, exact[j]));
    }
    return new Result(out);
  }
}
