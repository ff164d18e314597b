package dev.focus.lab.nope;

import dev.focus.data.Batch;
import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Stats;
import dev.focus.lab.run.Task;
import dev.focus.position.PositionKind;
import dev.focus.train.MaskedLm;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Spec 05 E6, the bidirectional control (note 5's premise, D1): masked-LM encoders that differ only in
 * the position scheme, one {@link MaskedLmRun} task per scheme and seed, against a bag-of-bytes
 * baseline that predicts a masked byte from the unordered window ({@link Bag}). Without positions an
 * encoder sees its window as a multiset plus the token at the position itself, exactly what the
 * baseline sees, so the spec expects NoPE to score about like the bag and far behind any encoder with
 * positions (Haviv et al.: perplexity 147 against ≈ 4).
 */
final class MaskedLms implements Section<MaskedLms.Settings, MaskedLms.Result> {
  /**
   * {@code arms} position schemes, {@code seeds} runs of each ({@link MaskedLmRun.Settings}); the bag
   * is fitted on {@code bagBatches} training batches drawn from {@code seed + 23}.
   */
  record Settings(List<PositionKind> arms, int seeds, int steps, int batch, int window, int valBatches, int checkRows,
                  int bagBatches, long seed) implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }

    long evalSeed() { return seed + 17; }

    /** Every run's settings, arm by arm, seed by seed. */
    List<MaskedLmRun.Settings> runs() {
      List<MaskedLmRun.Settings> out = new ArrayList<>();
      for (PositionKind p : arms) {
        for (int q = 0; q < seeds; q++) {
          out.add(new MaskedLmRun.Settings(p, q, steps, batch, window, valBatches, checkRows, seed, evalSeed(), seed));
        }
      }
      return out;
    }
  }

  /**
   * The bag-of-bytes baseline, fitted on training batches and scored on the encoders' validation
   * batches: with u the add-½ unigram of the training bytes and c the share of byte y among the
   * window's visible (non-[MASK]) inputs,
   * q(y) = (1 − λ)·u(y) + λ·c(y); at a [MASK] input p(y) = q(y), at a visible input x (the 10% kept
   * and the 10% replaced) p(y) = α·[y = x] + (1 − α)·q(y). λ and α are the grid values (step 0.01)
   * of least training loss. {@code unigram} is the loss of u alone, {@code mask} and {@code visible}
   * the bag's loss on the two kinds of target.
   */
  record Bag(double lambda, double alpha, double loss, double unigram, double mask, double visible, long targets)
      implements Serializable {}

  record Result(String text, int vocab, List<MaskedLmRun.Result> runs, Bag bag) implements Serializable {
    /** The validation losses of {@code arm}, seed by seed (empty when it did not run). */
    double[] losses(PositionKind arm) {
      return runs.stream().filter(r -> r.position() == arm).sorted((a, b) -> Integer.compare(a.seedIndex(), b.seedIndex()))
          .mapToDouble(MaskedLmRun.Result::valLoss).toArray();
    }

    List<MaskedLmRun.Result> runs(PositionKind arm) { return runs.stream().filter(r -> r.position() == arm).toList(); }
  }

  static List<Task<MaskedLmRun.Settings, MaskedLmRun.Result>> tasks(Settings s) { return Task.each(s.runs(), MaskedLmRun::task); }

  @Override
  public Result run(Settings s, LabContext ctx) throws Exception {
    List<MaskedLmRun.Result> runs = ctx.results(tasks(s));
    TextDataset data = LmStore.shared(ctx, s.seed());
    Bag bag = bag(data, s.bagBatches(), s.valBatches(), s.batch(), s.window(), s.seed() + 23, s.evalSeed());
    return new Result(data.name(), data.vocabSize(), runs, bag);
  }

  /** Fits and scores the {@link Bag} (training windows from {@code trainSeed}, the encoders' validation batches from {@code evalSeed}). */
  static Bag bag(TextDataset data, int trainBatches, int valBatches, int batch, int window, long trainSeed, long evalSeed) {
    int v = data.vocabSize();
    MaskedLm mlm = MaskedLm.bert(v);
    double[] u = new double[v];
    Arrays.fill(u, 0.5);
    double total = 0.5 * v;
    for (int i = 0; i < trainBatches; i++) {
      for (int x : data.batch(Split.TRAIN, trainSeed, i, batch, window).tokens()) { u[x]++; total++; }
    }
    for (int y = 0; y < v; y++) u[y] /= total;
    Targets train = new Targets(), val = new Targets();
    for (int i = 0; i < trainBatches; i++) {
      train.add(mlm.apply(data.batch(Split.TRAIN, trainSeed, i, batch, window), Split.TRAIN, trainSeed, i), mlm.maskId(), u, v);
    }
    for (int i = 0; i < valBatches; i++) {
      val.add(MaskedLmRun.validationBatch(data, mlm, i, batch, window, evalSeed), mlm.maskId(), u, v);
    }
    double lambda = best(l -> train.maskLoss(l)), alpha = best(a -> train.visibleLoss(lambda, a));
    double mask = val.maskLoss(lambda), visible = val.visibleLoss(lambda, alpha);
    long nm = val.maskCount(), nv = val.size() - nm;
    return new Bag(lambda, alpha, (mask * nm + visible * nv) / val.size(), val.unigramLoss(), mask, visible, val.size());
  }

  /** The grid value in {0, 0.01, …, 0.99} of least {@code loss}. */
  private static double best(java.util.function.DoubleUnaryOperator loss) {
    double arg = 0, min = Double.POSITIVE_INFINITY;
    for (int k = 0; k < 100; k++) {
      double x = k / 100.0, l = loss.applyAsDouble(x);
      if (l < min) { min = l; arg = x; }
    }
    return arg;
  }

  /** Per target: u(y), c(y), whether its input is [MASK], whether its input is y itself; the bag's losses over them. */
  static final class Targets {
    private double[] uy = new double[1024], cy = new double[1024];
    private boolean[] masked = new boolean[1024], self = new boolean[1024];
    private int n;

    void add(Batch b, int maskId, double[] u, int v) {
      int t = b.seqLen();
      int[] counts = new int[v];
      for (int r = 0; r < b.batch(); r++) {
        Arrays.fill(counts, 0);
        int visible = 0;
        for (int i = 0; i < t; i++) {
          int x = b.tokens()[r * t + i];
          if (x != maskId) { counts[x]++; visible++; }
        }
        for (int i = 0; i < t; i++) {
          int y = b.targets()[r * t + i];
          if (y == Batch.IGNORE) continue;
          if (n == uy.length) grow();
          int x = b.tokens()[r * t + i];
          uy[n] = u[y];
          cy[n] = visible == 0 ? 0 : (double) counts[y] / visible;
          masked[n] = x == maskId;
          self[n] = x == y;
          n++;
        }
      }
    }

    private void grow() {
      uy = Arrays.copyOf(uy, 2 * n);
      cy = Arrays.copyOf(cy, 2 * n);
      masked = Arrays.copyOf(masked, 2 * n);
      self = Arrays.copyOf(self, 2 * n);
    }

    int size() { return n; }

    long maskCount() {
      long c = 0;
      for (int i = 0; i < n; i++) if (masked[i]) c++;
      return c;
    }

    double q(int i, double lambda) { return (1 - lambda) * uy[i] + lambda * cy[i]; }

    double maskLoss(double lambda) {
      double s = 0;
      long c = 0;
      for (int i = 0; i < n; i++) if (masked[i]) { s -= Math.log(q(i, lambda)); c++; }
      return s / c;
    }

    double visibleLoss(double lambda, double alpha) {
      double s = 0;
      long c = 0;
      for (int i = 0; i < n; i++) {
        if (masked[i]) continue;
        s -= Math.log((self[i] ? alpha : 0) + (1 - alpha) * q(i, lambda));
        c++;
      }
      return c == 0 ? Double.NaN : s / c;
    }

    double unigramLoss() {
      double s = 0;
      for (int i = 0; i < n; i++) s -= Math.log(uy[i]);
      return s / n;
    }
  }

  /** Mean and 95% interval of each arm's validation loss over seeds. */
  static Stats.Interval interval(Result r, PositionKind arm) { return Stats.interval95(r.losses(arm)); }
}
