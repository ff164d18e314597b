package dev.focus.lab.nope;

import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.kernel.Parallel;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Stats;
import dev.focus.lab.run.Task;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Spec 05 E3: tiny byte-level language models that differ only in the position scheme (width 64,
 * 4 heads, SwiGLU 256, L = 64, batch 16, AdamW), plus a unigram baseline. Every (arm, seed) run is
 * one planned task ({@link LmRun}, {@code nope.lm.v1}), so a cluster trains them side by side and a
 * rerun reads them back. An arm runs its own number of seeds: the arms that decide a verdict run
 * three in the quick profile, the others (read only by E4 and E5) one. Every trained model goes into
 * the {@link LmStore} for E4, E5 and E9.
 */
final class LanguageModels implements Section<LanguageModels.Settings, LanguageModels.Result> {
  /** A position scheme, a depth and how many seeds it runs; its name is the scheme, with " (4 blocks)" for the deeper arms. */
  record Arm(PositionKind position, int layers, int seeds) implements Serializable {
    String name() { return posName(position) + (layers == 2 ? "" : " (" + layers + " blocks)"); }
  }

  /** Validation uses {@code valBatches} batches from seed {@code seed + 7}; run s of an arm starts from {@code seed + 1000 s}. */
  record Settings(List<Arm> arms, int steps, int valBatches, int window, int batch, long seed) implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }

    /** The most seeds any arm runs. */
    int seeds() { return arms.stream().mapToInt(Arm::seeds).max().orElse(0); }

    /** Every run's settings, arm by arm, seed by seed. */
    List<LmRun.Settings> runs() {
      List<LmRun.Settings> out = new ArrayList<>();
      for (Arm a : arms) for (int q = 0; q < a.seeds(); q++) out.add(new LmRun.Settings(a, q, steps, valBatches, window, batch, seed));
      return out;
    }
  }

  /** One arm: validation loss per seed (nats/byte), seed 1's training-loss curve, mean seconds per run. */
  record Lm(String name, PositionKind position, int layers, double[] valLoss, double[] curve, double seconds)
      implements Serializable {
    double mean() { return Stats.mean(valLoss); }

    Stats.Interval interval() { return Stats.interval95(valLoss); }
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

  static List<Task<LmRun.Settings, LmRun.Result>> tasks(Settings s) { return Task.each(s.runs(), LmRun::task); }

  @Override
  public Result run(Settings st, LabContext ctx) throws Exception {
    TextDataset data = store.text(ctx, st.seed());
    int T = st.window(), B = st.batch();
    List<LmRun.Result> runs = ctx.results(tasks(st));
    List<Lm> out = new ArrayList<>();
    if (ctx.cancelled()) return new Result(data.name(), data.vocabSize(), out, Double.NaN);
    int at = 0;
    for (Arm arm : st.arms()) {
      double[] val = new double[arm.seeds()];
      double sec = 0;
      for (int q = 0; q < arm.seeds(); q++) {
        LmRun.Result r = runs.get(at + q);
        val[q] = r.valLoss();
        sec += r.seconds() / arm.seeds();
        store.put(arm.name(), q, LmRun.model(r, data.vocabSize(), T));
      }
      out.add(new Lm(arm.name(), arm.position(), arm.layers(), val, runs.get(at).curve(), sec));
      at += arm.seeds();
    }
    return new Result(data.name(), data.vocabSize(), out, unigramLoss(data, st.valBatches(), B, T, st.seed() + 13, st.seed() + 7));
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
