package dev.focus.lab;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import dev.focus.model.Model;
import dev.focus.model.ModelObserver;
import dev.focus.train.AdamW;
import dev.focus.train.GradClip;
import dev.focus.train.LrSchedule;
import dev.focus.train.ModelTrainable;
import java.util.function.IntConsumer;
import java.util.function.BooleanSupplier;

/**
 * Training and evaluation helpers of the NoPE experiment (spec 05 §5): an in-memory AdamW loop with
 * the spec's schedule (no checkpoints; each run is short), validation loss, the loss and attention
 * entropy of a trained model at longer windows (E9), and exact match on a synthetic task (E8).
 *
 * <p>Legend: B batch, T positions, NH heads, V vocabulary.
 */
final class NopeTraining {
  private NopeTraining() {}

  /** Optimiser settings of spec 05 §5: AdamW lr 3e-3 → 3e-4, β = (0.9, 0.95), wd 0.1, clip 1. */
  record Settings(int steps, int batch, int seqLen, double lr, int warmup, long seed) {}

  /**
   * Trains {@code model} on {@code data}; returns the training loss of every step (NaN for steps not
   * run when {@code cancelled} turns true). {@code onStep} is called after each step.
   */
  static double[] train(Model model, Dataset data, Settings s, IntConsumer onStep, BooleanSupplier cancelled) {
    ModelTrainable tr = new ModelTrainable(model);
    AdamW opt = new AdamW(tr.params(), 0.9, 0.95, 1e-8, 0.1);
    LrSchedule lr = new LrSchedule(s.lr(), s.lr() / 10, s.warmup(), s.steps());
    double[] losses = new double[s.steps()];
    java.util.Arrays.fill(losses, Double.NaN);
    for (int step = 0; step < s.steps(); step++) {
      if (cancelled.getAsBoolean()) break;
      tr.zeroGrad();
      Batch b = data.batch(Split.TRAIN, s.seed(), step, s.batch(), s.seqLen());
      losses[step] = model.forwardBackward(b.tokens(), b.targets(), b.batch(), b.seqLen());
      GradClip.clip(tr.params(), 1.0);
      opt.step(lr.at(step));
      onStep.accept(step);
    }
    return losses;
  }

  /** Mean validation loss over {@code batches} batches (weighted by target counts). */
  static double validationLoss(Model model, Dataset data, int batches, int batch, int seqLen, long seed) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < batches; i++) {
      Batch b = data.batch(Split.VALIDATION, seed, i, batch, seqLen);
      int c = b.countTargets();
      sum += (double) c * model.loss(b.tokens(), b.targets(), b.batch(), b.seqLen());
      count += c;
    }
    return sum / count;
  }

  /**
   * What a model does on windows of {@code seqLen} tokens (E9): the loss on each window's last
   * {@code tail} targets, and per layer the mean over heads, windows and the last {@code tail} query
   * rows of the attention entropy H = −Σ a ln a (nats), of H/ln n and of n_eff = 1/Σa² (D4).
   */
  record LongEval(int seqLen, double tailLoss, double[] entropy, double[] normalisedEntropy, double[] nEff) {}

  static LongEval longEval(Model model, Dataset data, int seqLen, int tail, int batches, int batch, long seed) {
    int layers = model.config().layers();
    double[] h = new double[layers], hn = new double[layers], ne = new double[layers];
    long[] rows = new long[layers];
    model.setObserver(new ModelObserver() {
      @Override public void onAttentionWeights(int layer, float[] w, int b, int heads, int t) {
        for (int u = 0; u < b * heads; u++) {
          for (int n = t - tail; n < t; n++) {
            int row = (u * t + n) * t;
            double e = 0, sq = 0;
            for (int m = 0; m <= n; m++) {
              double a = w[row + m];
              if (a > 0) e -= a * Math.log(a);
              sq += a * a;
            }
            h[layer] += e;
            hn[layer] += e / Math.log(n + 1);
            ne[layer] += 1 / sq;
            rows[layer]++;
          }
        }
      }
    });
    double sum = 0;
    long count = 0;
    try {
      for (int i = 0; i < batches; i++) {
        Batch b = data.batch(Split.VALIDATION, seed, i, batch, seqLen);
        int[] targets = b.targets().clone();
        for (int r = 0; r < batch; r++) {
          for (int n = 0; n < seqLen - tail; n++) targets[r * seqLen + n] = Batch.IGNORE;
        }
        int c = 0;
        for (int x : targets) if (x != Batch.IGNORE) c++;
        sum += (double) c * model.loss(b.tokens(), targets, batch, seqLen);
        count += c;
      }
    } finally {
      model.setObserver(null);
    }
    for (int l = 0; l < layers; l++) {
      h[l] /= rows[l];
      hn[l] /= rows[l];
      ne[l] /= rows[l];
    }
    return new LongEval(seqLen, sum / count, h, hn, ne);
  }

  /**
   * Fraction of {@code count} examples of {@code data} at {@code seqLen} whose every target is the
   * argmax of the model's logits (teacher forcing; equal to greedy exact match, since a greedy
   * decoder that is right at every step sees exactly the teacher-forced prefix).
   */
  static double exactMatch(Model model, Dataset data, int count, int seqLen, long seed) {
    int v = model.config().vocab(), done = 0, right = 0, chunk = 64;
    for (int i = 0; done < count; i++) {
      int rows = Math.min(chunk, count - done);
      Batch b = data.batch(Split.VALIDATION, seed, i, rows, seqLen);
      float[] logits = model.logits(b.tokens(), rows, seqLen);
      for (int r = 0; r < rows; r++) {
        boolean ok = true;
        for (int n = 0; n < seqLen && ok; n++) {
          int target = b.targets()[r * seqLen + n];
          if (target == Batch.IGNORE) continue;
          int base = (r * seqLen + n) * v, best = 0;
          for (int j = 1; j < v; j++) if (logits[base + j] > logits[base + best]) best = j;
          ok = best == target;
        }
        if (ok) right++;
      }
      done += rows;
    }
    return (double) right / count;
  }
}
