package dev.focus.lab.nope;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import java.io.Serializable;
import java.util.List;

/**
 * Spec 05 E7, one unit: a 2-block decoder with one arm (position scheme, with or without BOS)
 * trained on one task ("3 back" or n mod 10) from one seed, then its argmax accuracy per bucket of
 * data positions. Seed index q starts from {@code seed + 3000·q + 71}, draws batches from
 * {@code + 72} and is scored on sequences from {@code seed + 73}, as the section did before its runs
 * were tasks, so seed 1 gives the numbers it gave then.
 */
public final class ResolutionRun implements Section<ResolutionRun.Settings, Resolution.Run>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "nope.resolution-run.v1";

  /** {@code task} a {@link SyntheticTask#parse} spec without the BOS switch; {@code buckets} edges over the data positions. */
  public record Settings(String task, Resolution.Arm arm, int seedIndex, List<Integer> buckets, int length, int batch, int steps,
                         int eval, long seed) implements Serializable {
    public Settings {
      buckets = List.copyOf(buckets);
    }
  }

  static Task<Settings, Resolution.Run> task(Settings s) {
    return Task.of(KIND, new ResolutionRun(), s)
        .labelled("E7 " + Resolution.taskLabel(s.task()) + " " + s.arm().name() + " seed " + (s.seedIndex() + 1)).withCost(s.steps()).withProgressUnits(s.steps());
  }

  @Override
  public Resolution.Run run(Settings st, LabContext ctx) {
    Resolution.Arm arm = st.arm();
    int L = st.length(), nb = st.buckets().size(), s = st.seedIndex(), seqLen = L + (arm.bos() ? 1 : 0);
    ctx.progress().message("E7: " + Resolution.taskLabel(st.task()) + ", " + arm.name() + ", seed " + (s + 1));
    SyntheticDataset data = new SyntheticDataset(SyntheticTask.parse(st.task() + ",bos=" + arm.bos()));
    ModelConfig cfg = ModelConfig.llama(data.vocabSize(), 64, 256, 2, 4, L + 1).withPosition(arm.position());
    Model m = new Model(cfg, st.seed() + 3000L * s + 71);
    NopeTraining.Settings ts = new NopeTraining.Settings(st.steps(), st.batch(), seqLen, 3e-3, Math.min(100, st.steps() / 10),
        st.seed() + 3000L * s + 72);
    NopeTraining.train(m, data, ts, i -> ctx.progress().step(1), ctx::cancelled);
    NopeTraining.PositionAccuracy pa = NopeTraining.positionAccuracy(m, data, st.eval(), seqLen, arm.bos() ? 1 : 0, st.seed() + 73);
    double[] one = new double[nb];
    for (int b = 0; b + 1 < nb; b++) one[b] = pa.over(st.buckets().get(b), st.buckets().get(b + 1));
    one[nb - 1] = pa.overall();
    return new Resolution.Run(st.task(), arm.name(), s, one);
  }
}
