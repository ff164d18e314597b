package dev.focus.lab.nope;

import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.kernel.Parallel;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Stats;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Spec 05 E3: tiny byte-level language models that differ only in the position scheme (width 64,
 * 4 heads, SwiGLU 256, L = 64, batch 16, AdamW), plus a unigram baseline. Every (arm, seed) run is
 * independent; they run two at a time on the shared pool. The seed-1 model of each arm goes into the
 * {@link LmStore} for E4, E5 and E9.
 */
final class LanguageModels implements Section<LanguageModels.Settings, LanguageModels.Result> {
  /** A position scheme and a depth; its name is the scheme, with " (4 blocks)" for the deeper arms. */
  record Arm(PositionKind position, int layers) implements Serializable {
    String name() { return posName(position) + (layers == 2 ? "" : " (" + layers + " blocks)"); }
  }

  /** Validation uses {@code valBatches} batches from seed {@code seed + 7}; run s of an arm starts from {@code seed + 1000 s}. */
  record Settings(List<Arm> arms, int seeds, int steps, int valBatches, int window, int batch, long seed) implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }
  }

  /** One arm: validation loss per seed (nats/byte), seed 1's training-loss curve, mean seconds per run. */
  record Lm(String name, PositionKind position, int layers, double[] valLoss, double[] curve, double seconds)
      implements Serializable {
    double mean() { return Stats.mean(valLoss); }
  }

  /** The text's name ("brown" or "synthetic-text") and vocabulary, every arm in order, and the unigram loss. */
  record Result(String text, int vocab, List<Lm> lms, double unigram) implements Serializable {
    Lm lm(String name) {
      for (Lm l : lms) if (l.name().equals(name)) return l;
      return null;
    }
  }

  private final LmStore store;

  LanguageModels(LmStore store) { this.store = store; }

  @Override
  public Result run(Settings st, LabContext ctx) throws IOException {
    TextDataset data = store.text(ctx, st.seed());
    int T = st.window(), B = st.batch();
    long evalSeed = st.seed() + 7;
    List<Arm> arms = st.arms();
    // every (arm, seed) run is independent: the runs share the two cores (each run's own ops then run inline)
    int seeds = st.seeds(), runs = arms.size() * seeds;
    double[] val = new double[runs], seconds = new double[runs];
    Model[] models = new Model[runs];
    double[][] trainCurves = new double[runs][];
    Progress progress = synced(ctx.progress());
    parallelRuns(runs, j -> {
      Arm arm = arms.get(j / seeds);
      int s = j % seeds;
      if (ctx.cancelled()) return;
      long t0 = System.nanoTime();
      progress.message("E3: " + arm.name() + " LM, seed " + (s + 1) + "/" + seeds);
      ModelConfig cfg = ModelConfig.llama(data.vocabSize(), 64, 256, arm.layers(), 4, T).withPosition(arm.position());
      Model m = new Model(cfg, st.seed() + 1000L * s + 11);
      NopeTraining.Settings ts = new NopeTraining.Settings(st.steps(), B, T, 3e-3, Math.min(100, st.steps() / 10),
          st.seed() + 1000L * s + 12);
      trainCurves[j] = NopeTraining.train(m, data, ts, i -> progress.step(1), ctx::cancelled);
      val[j] = NopeTraining.validationLoss(m, data, st.valBatches(), B, T, evalSeed);
      models[j] = m;
      seconds[j] = (System.nanoTime() - t0) / 1e9;
    });
    List<Lm> out = new ArrayList<>();
    if (ctx.cancelled()) return new Result(data.name(), data.vocabSize(), out, Double.NaN);
    for (int a = 0; a < arms.size(); a++) {
      Arm arm = arms.get(a);
      double sec = 0;
      for (int s = 0; s < seeds; s++) sec += seconds[a * seeds + s] / seeds;
      out.add(new Lm(arm.name(), arm.position(), arm.layers(), Arrays.copyOfRange(val, a * seeds, (a + 1) * seeds),
          trainCurves[a * seeds], sec));
      store.put(arm.name(), models[a * seeds]);
    }
    return new Result(data.name(), data.vocabSize(), out, unigramLoss(data, st.valBatches(), B, T, st.seed() + 13, evalSeed));
  }

  static String posName(PositionKind p) { return p.name().toLowerCase(Locale.ROOT); }

  /**
   * Runs {@code job(0..n−1)} on the shared pool ({@link Parallel}): independent training runs of these
   * tiny models barely use a second core on their own, so two runs at a time roughly halve the wall
   * time on two cores. Each run stays deterministic (its model, data and seed are its own).
   */
  static void parallelRuns(int n, IntConsumer job) {
    Parallel.forRange(n, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) job.accept(i);
    });
  }

  /** {@code p} with every call synchronised, for runs reporting from two threads. */
  static Progress synced(Progress p) {
    return new Progress() {
      @Override public synchronized void total(long units) { p.total(units); }
      @Override public synchronized void step(long units) { p.step(units); }
      @Override public synchronized void message(String text) { p.message(text); }
      @Override public boolean cancelled() { return p.cancelled(); }
    };
  }

  /** Cross-entropy of the add-½ smoothed byte distribution of 200 training batches on the validation windows. */
  static double unigramLoss(TextDataset data, int valBatches, int b, int t, long trainSeed, long evalSeed) {
    double[] counts = new double[data.vocabSize()];
    Arrays.fill(counts, 0.5);
    double total = 0.5 * counts.length;
    for (int i = 0; i < 200; i++) {
      for (int x : data.batch(Split.TRAIN, trainSeed, i, b, t).targets()) { counts[x]++; total++; }
    }
    double sum = 0;
    long n = 0;
    for (int i = 0; i < valBatches; i++) {
      for (int x : data.batch(Split.VALIDATION, evalSeed, i, b, t).targets()) { sum -= Math.log(counts[x] / total); n++; }
    }
    return sum / n;
  }
}
