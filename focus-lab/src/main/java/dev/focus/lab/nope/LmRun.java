package dev.focus.lab.nope;

import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spec 05 E3, one unit of the language-model comparison: a byte-level decoder with one position
 * scheme and depth ({@link LanguageModels.Arm}) trained from one seed, its validation loss, and its
 * trained weights, from which E4, E5 and E9 rebuild the model ({@link #model}) in whatever JVM reads
 * the result. Seed index q starts from {@code seed + 1000·q + 11} and draws its batches from
 * {@code seed + 1000·q + 12}, as the section did before it was a task, so seed 1 of every arm gives
 * the numbers it gave then.
 */
public final class LmRun implements Section<LmRun.Settings, LmRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "nope.lm.v1";

  /** Validation uses {@code valBatches} batches from {@code seed + 7}; the stand-in text (no Brown) is drawn from {@code seed}. */
  public record Settings(LanguageModels.Arm arm, int seedIndex, int steps, int valBatches, int window, int batch, long seed)
      implements Serializable {}

  /** Validation loss (nats/byte), the training-loss curve, seconds, and the trained tensors by name. */
  public record Result(LanguageModels.Arm arm, int seedIndex, double valLoss, double[] curve, double seconds,
                       Map<String, float[]> weights) implements Serializable {}

  static Task<Settings, Result> task(Settings s) {
    return Task.of(KIND, new LmRun(), s).labelled("E3 " + s.arm().name() + " LM seed " + (s.seedIndex() + 1)).withCost(s.steps()).withProgressUnits(s.steps());
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    long t0 = System.nanoTime();
    TextDataset data = LmStore.shared(ctx, s.seed());
    ctx.progress().message("E3: " + s.arm().name() + " LM, seed " + (s.seedIndex() + 1));
    Model m = new Model(config(data.vocabSize(), s.arm(), s.window()), s.seed() + 1000L * s.seedIndex() + 11);
    NopeTraining.Settings ts = new NopeTraining.Settings(s.steps(), s.batch(), s.window(), 3e-3, Math.min(100, s.steps() / 10),
        s.seed() + 1000L * s.seedIndex() + 12);
    double[] curve = NopeTraining.train(m, data, ts, i -> ctx.progress().step(1), ctx::cancelled);
    double val = NopeTraining.validationLoss(m, data, s.valBatches(), s.batch(), s.window(), s.seed() + 7);
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (Parameter p : m.parameters()) weights.put(p.name(), p.value().clone());
    return new Result(s.arm(), s.seedIndex(), val, curve, (System.nanoTime() - t0) / 1e9, weights);
  }

  /** E3's decoder: width 64, 4 heads, SwiGLU 256, the arm's depth and position scheme. */
  static ModelConfig config(int vocab, LanguageModels.Arm arm, int window) {
    return ModelConfig.llama(vocab, 64, 256, arm.layers(), 4, window).withPosition(arm.position());
  }

  /** The trained model of {@code r}, rebuilt from its tensors (the same function, bit for bit). */
  static Model model(Result r, int vocab, int window) {
    Map<String, float[]> copy = new LinkedHashMap<>();
    r.weights().forEach((k, v) -> copy.put(k, v.clone())); // fromTensors keeps the arrays: the result stays as stored
    return Model.fromTensors(config(vocab, r.arm(), window), copy);
  }
}
