package dev.focus.lab.nope;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import java.io.Serializable;

/**
 * Spec 05 E8, one unit: a 2-block decoder with one position scheme trained on one task (copy, or
 * reverse in the full profile) at lengths 1..trainMax from one seed, then its exact match at every
 * length up to twice that. Seed index q starts from {@code seed + 2000·q + 31}, draws batches from
 * {@code + 32} and is scored at length n on examples from {@code seed + 33 + n}, as the section did
 * before its runs were tasks, so seed 1 gives the numbers it gave then.
 */
public final class LengthRun implements Section<LengthRun.Settings, LengthGeneralisation.Run>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "nope.length-run.v1";

  /** {@code task} a {@link SyntheticTask#parse} name ("copy", "reverse"); lengths n = 1..2·trainMax are scored on {@code eval} examples. */
  public record Settings(String task, PositionKind arm, int seedIndex, int symbols, int trainMax, int batch, int steps, int eval,
                         long seed) implements Serializable {}

  static Task<Settings, LengthGeneralisation.Run> task(Settings s) {
    return Task.of(KIND, new LengthRun(), s)
        .labelled("E8 " + s.task() + " " + LanguageModels.posName(s.arm()) + " seed " + (s.seedIndex() + 1)).withCost(s.steps())
        .withProgressUnits(s.steps());
  }

  @Override
  public LengthGeneralisation.Run run(Settings st, LabContext ctx) {
    int trMax = st.trainMax(), testMax = 2 * trMax, symbols = st.symbols(), s = st.seedIndex();
    ctx.progress().message("E8: " + st.task() + ", " + LanguageModels.posName(st.arm()) + ", seed " + (s + 1));
    SyntheticDataset train = new SyntheticDataset(SyntheticTask.parse(st.task() + ":symbols=" + symbols + ",min=1,max=" + trMax));
    ModelConfig cfg = ModelConfig.llama(train.vocabSize(), 64, 256, 2, 4, 2 * testMax + 3).withPosition(st.arm());
    Model m = new Model(cfg, st.seed() + 2000L * s + 31);
    NopeTraining.Settings ts = new NopeTraining.Settings(st.steps(), st.batch(), 2 * trMax + 3, 3e-3,
        Math.min(100, st.steps() / 10), st.seed() + 2000L * s + 32);
    NopeTraining.train(m, train, ts, i -> ctx.progress().step(1), ctx::cancelled);
    double[] exact = new double[testMax];
    for (int n = 1; n <= testMax; n++) {
      SyntheticDataset test = new SyntheticDataset(SyntheticTask.parse(st.task() + ":symbols=" + symbols + ",min=" + n + ",max=" + n));
      exact[n - 1] = NopeTraining.exactMatch(m, test, st.eval(), 2 * n + 3, st.seed() + 33 + n);
    }
    return new LengthGeneralisation.Run(st.task(), st.arm(), s, exact);
  }
}
