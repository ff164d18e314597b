package dev.focus.lab.sweep;

import dev.focus.data.DataCache;
import dev.focus.data.Dataset;
import dev.focus.data.Datasets;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.ModelTrainable;
import dev.focus.train.RunDirectory;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a sweep: a text model of a fully resolved configuration trained on a dataset with the one
 * training loop, checkpointing into the task's state directory, so a retried task (a lost executor, a
 * killed driver) resumes from its last checkpoint and ends with the losses of an uninterrupted run.
 * The result is read from the run's metrics, which a resumed run keeps whole.
 */
public final class SweepRun implements Section<SweepRun.Settings, SweepRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  public static final String KIND = "sweep.train.v1";

  /** Most points of a stored loss curve (longer runs keep every k-th step). */
  static final int CURVE_POINTS = 500;

  /**
   * @param data  the dataset spec ({@code mqar:kv=4})
   * @param model the model configuration, every key ({@link Overrides#describe})
   * @param train the training settings; {@code train.seed()} also seeds the initial weights
   */
  public record Settings(String data, Map<String, String> model, Train train) implements Serializable {
    public Settings {
      model = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(model));
    }

    /** The settings of {@code config} trained with {@code tc} on {@code data}. */
    public static Settings of(String data, ModelConfig config, TrainConfig tc) {
      return new Settings(data, Overrides.describe(config), Train.of(tc));
    }

    public ModelConfig modelConfig() { return Overrides.apply(ModelConfig.micro(), model); }
  }

  /** {@link TrainConfig} as plain data (every field, resolved). */
  public record Train(long steps, int batch, int seq, int accumulation, double lr, double minLr, int warmup, double weightDecay,
                      double beta1, double beta2, double eps, double clip, long seed, int evalEvery, int evalBatches,
                      int checkpointEvery, List<String> trainOnly, String onNan) implements Serializable {
    public Train {
      trainOnly = List.copyOf(trainOnly);
    }

    static Train of(TrainConfig c) {
      return new Train(c.steps(), c.batchSize(), c.seqLen(), c.accumulation(), c.lr(), c.minLr(), c.warmup(), c.weightDecay(),
          c.beta1(), c.beta2(), c.eps(), c.clipNorm(), c.seed(), c.evalEvery(), c.evalBatches(), c.checkpointEvery(),
          c.trainOnly(), c.onNan().name());
    }

    public TrainConfig config() {
      return TrainConfig.builder().steps(steps).batchSize(batch).seqLen(seq).accumulation(accumulation).lr(lr).minLr(minLr)
          .warmup(warmup).weightDecay(weightDecay).betas(beta1, beta2).eps(eps).clipNorm(clip).seed(seed).evalEvery(evalEvery)
          .evalBatches(evalBatches).checkpointEvery(checkpointEvery).trainOnly(trainOnly).onNan(TrainConfig.OnNan.valueOf(onNan))
          .build();
    }
  }

  /**
   * @param finalLoss      training loss of the last step
   * @param valLoss        the last validation loss, NaN when the run never evaluated
   * @param tokensPerSecond training tokens per second of the last session (a resumed run: since it resumed)
   * @param curveStep      steps of the stored loss curve (at most {@value #CURVE_POINTS}, the last step always)
   * @param curveLoss      training loss at those steps
   * @param valStep        steps with a validation loss
   * @param valCurve       the validation losses
   */
  public record Result(long steps, double finalLoss, double valLoss, double tokensPerSecond, double[] curveStep,
                       double[] curveLoss, double[] valStep, double[] valCurve) implements Serializable {}

  /** The task of one run. */
  public static Task<Settings, Result> task(Settings s, String label) {
    return Task.of(KIND, new SweepRun(), s).labelled(label).withCost(s.train().steps());
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws Exception {
    TrainConfig tc = s.train().config();
    ModelConfig config = s.modelConfig();
    Path cache = ctx.dataCache() != null ? ctx.dataCache() : DataCache.dir();
    Dataset data = Datasets.open(s.data(), cache);
    Path runDir = ctx.workDir().resolve("run");
    Trainer<?> trainer = Trainer.of(new ModelTrainable(new Model(config, tc.seed())), data, tc, runDir);
    trainer.stopWhen(ctx::cancelled);
    ctx.progress().total(tc.steps());
    if (trainer.resume()) {
      ctx.progress().message("resumed at step " + trainer.step());
      ctx.progress().step(trainer.step());
    }
    if (trainer.step() < tc.steps()) trainer.run(p -> ctx.progress().step(1));
    return read(runDir, tc.steps());
  }

  /** The result from a finished run's metrics.jsonl. */
  static Result read(Path runDir, long steps) throws java.io.IOException {
    List<Map<String, Object>> lines = RunDirectory.readMetrics(runDir);
    if (lines.isEmpty()) throw new IllegalStateException(runDir + " has no metrics");
    long stride = Math.max(1, (lines.size() + CURVE_POINTS - 1) / CURVE_POINTS);
    List<double[]> curve = new ArrayList<>(), val = new ArrayList<>();
    double tps = 0;
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Object> m = lines.get(i);
      double step = number(m.get("step")), loss = number(m.get("loss"));
      if (i % stride == stride - 1 || i == lines.size() - 1) curve.add(new double[] {step, loss});
      if (m.get("val_loss") != null) val.add(new double[] {step, number(m.get("val_loss"))});
      tps = number(m.get("tokens_per_s"));
    }
    Map<String, Object> last = lines.get(lines.size() - 1);
    return new Result(steps, number(last.get("loss")), val.isEmpty() ? Double.NaN : val.get(val.size() - 1)[1], tps,
        column(curve, 0), column(curve, 1), column(val, 0), column(val, 1));
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double[] column(List<double[]> rows, int c) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) out[i] = rows.get(i)[c];
    return out;
  }
}
