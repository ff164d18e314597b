package dev.focus.lab.nope;

import dev.focus.data.TextDataset;
import dev.focus.io.OutputDir;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.model.Model;
import dev.focus.model.Parameter;
import dev.focus.train.ModelTrainable;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainable;
import dev.focus.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E9's temperature repair (Wang et al. 2024): the content logit becomes
 * λ·λ_h·q·k/√d_h. Each trained NoPE model of E3 (every seed) is frozen and read at 1× and 4× the
 * training length (a) with each global λ, and (b) with per-head λ_h trained alone at 4× through the
 * trainer's parameter filter. Seed 1's λ_h train from {@code seed + 51}, seed q + 1's from
 * {@code seed + 51 + 1000·q}; every seed is read on the same windows, so seeds pair.
 */
final class TemperatureRepair implements Section<TemperatureRepair.Settings, TemperatureRepair.Result> {
  /**
   * Training of the λ_h: {@code steps} AdamW steps of {@code trainBatch} windows of {@code length}
   * bytes at lr {@code lr}, from seed {@code seed + 51}; evaluation as in E9 ({@code seed + 21}).
   */
  record Settings(String arm, List<Double> lambdas, int trainLength, int length, int steps, int trainBatch, double lr, int tail,
                  int batches, int batch, long seed) implements Serializable {
    Settings {
      lambdas = List.copyOf(lambdas);
    }

    int warmup() { return Math.min(20, steps / 10); }
  }

  /** One setting read at the training length and at {@code length}. */
  record Scaled(String setting, NopeTraining.LongEval atTrain, NopeTraining.LongEval atLong) implements Serializable {}

  /**
   * One E3 seed (0 = seed 1): global λ in order, then λ_h = 1 before and after training; the tensors
   * the filter trained, the largest change outside them, the trained λ_h (layer, head) and the
   * training-loss curve.
   */
  record Repaired(int seedIndex, int heads, List<Scaled> global, Scaled before, Scaled after, List<String> trained, double frozenDiff,
                  double[][] headScales, double[] curve) implements Serializable {}

  /** Every NoPE seed of E3, in seed order. */
  record Result(List<Repaired> seeds) implements Serializable {
    Result {
      seeds = List.copyOf(seeds);
    }

    /** Seed 1's repair. */
    Repaired first() { return seeds.get(0); }
  }

  private final LmStore store;

  TemperatureRepair(LmStore store) { this.store = store; }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    List<Repaired> out = new ArrayList<>();
    for (int q = 0; q < store.seeds(s.arm()); q++) {
      Repaired r = repair(store.model(s.arm(), q), q, s, ctx);
      if (r == null) return null;
      out.add(r);
    }
    return out.isEmpty() ? null : new Result(out);
  }

  private Repaired repair(Model nope, int q, Settings s, LabContext ctx) throws IOException {
    TextDataset data = store.text(ctx, s.seed());
    List<Scaled> global = new ArrayList<>();
    for (double lambda : s.lambdas()) {
      if (ctx.cancelled()) return null;
      Model m = NopeTraining.withLogitScales(nope, lambda, false);
      global.add(new Scaled("λ=" + lambda, eval(m, data, s.trainLength(), s), eval(m, data, s.length(), s)));
    }
    // (b) train only the per-head λₕ at the long length
    Model scaled = NopeTraining.withLogitScales(nope, 1, true);
    Scaled before = new Scaled("λh before", eval(scaled, data, s.trainLength(), s), eval(scaled, data, s.length(), s));
    ctx.progress().message("E9: training only the per-head λₕ at L = " + s.length() + ", NoPE seed " + (q + 1));
    Path runDir = ctx.work("e9-head-scale" + (q == 0 ? "" : "-" + (q + 1)));
    OutputDir.deleteTree(runDir);
    TrainConfig tc = TrainConfig.defaults(s.steps()).toBuilder().batchSize(s.trainBatch()).seqLen(s.length())
        .lr(s.lr()).warmup(s.warmup()).weightDecay(0.0).seed(s.seed() + 51 + 1000L * q).evalEvery(0).evalBatches(1).checkpointEvery(0)
        .trainOnly(List.of("head_scale")).build();
    var trainer = Trainer.of(new ModelTrainable(scaled), data, tc, runDir);
    List<String> trained = trainer.trainedParams().stream().map(Trainable.Param::name).toList();
    double[] curve = new double[s.steps()];
    trainer.run(pr -> {
      curve[(int) pr.step() - 1] = pr.loss();
      ctx.progress().step(1);
      if (ctx.cancelled()) trainer.requestStop();
    });
    OutputDir.deleteTree(runDir);
    if (ctx.cancelled()) return null;
    // every other weight is exactly the E3 model's
    double frozenDiff = 0;
    for (Parameter p : scaled.parameters()) {
      if (p.name().endsWith("head_scale")) continue;
      float[] a = p.value(), o = nope.parameter(p.name()).value();
      for (int i = 0; i < a.length; i++) frozenDiff = Math.max(frozenDiff, Math.abs(a[i] - o[i]));
    }
    int layers = scaled.config().layers(), heads = scaled.config().heads();
    double[][] headScales = new double[layers][heads];
    for (int l = 0; l < layers; l++) {
      float[] v = scaled.parameter("model.layers." + l + ".self_attn.head_scale").value();
      for (int h = 0; h < heads; h++) headScales[l][h] = v[h];
    }
    Scaled after = new Scaled("λh after", eval(scaled, data, s.trainLength(), s), eval(scaled, data, s.length(), s));
    return new Repaired(q, heads, global, before, after, trained, frozenDiff, headScales, curve);
  }

  private static NopeTraining.LongEval eval(Model m, TextDataset data, int len, Settings s) {
    return NopeTraining.longEval(m, data, len, s.length(), s.tail(), s.batches(), s.batch(), s.seed() + 21, 0);
  }
}
