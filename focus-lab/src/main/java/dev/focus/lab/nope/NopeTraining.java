package dev.focus.lab.nope;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import dev.focus.train.ModelTrainable;
import dev.focus.train.Objective;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.util.function.IntConsumer;
import java.util.function.BooleanSupplier;

/**
 * Training and evaluation helpers of the NoPE experiment (spec 05 §5): in-memory runs of the training
 * loop with the spec's schedule (no checkpoints; each run is short), validation loss, the loss and attention
 * entropy of a trained model at longer windows (E9) and its copies with logit scales λ, λ_h (E9's
 * temperature repair), exact match on a synthetic task (E8), accuracy by position (E7) and residual
 * stream taps of a trained model for the position probe (E4).
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
    return train(model, data, s, Objective.NEXT_TOKEN, onStep, cancelled);
  }

  /** {@link #train} under {@code objective} (the masked-LM objective of an encoder, E6). */
  static double[] train(Model model, Dataset data, Settings s, Objective objective, IntConsumer onStep, BooleanSupplier cancelled) {
    TrainConfig tc = TrainConfig.defaults(s.steps()).toBuilder().batchSize(s.batch()).seqLen(s.seqLen()).lr(s.lr())
        .warmup(s.warmup()).seed(s.seed()).evalEvery(0).checkpointEvery(0).build(); // spec 05 §5's optimiser: the defaults
    double[] losses = new double[s.steps()];
    java.util.Arrays.fill(losses, Double.NaN);
    try {
      Trainer.of(new ModelTrainable(model), data, tc, null, objective).stopWhen(cancelled).run(p -> {
        losses[(int) p.step() - 1] = p.loss();
        onStep.accept((int) p.step() - 1);
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // an in-memory run writes nothing
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
   * What a model does on windows of {@code seqLen} tokens (E9), taken as the last {@code seqLen} tokens
   * of validation windows of {@code maxLen} (so every length predicts the same final targets): the loss
   * on each window's last {@code tail} targets ({@code tailLoss}, the rule's: the same bytes at every
   * length); per layer the mean over heads, windows and the last {@code tail} query rows of the
   * attention entropy H = −Σ a ln a (nats), of H/ln n (n the number of visible keys: 1 for uniform
   * attention at every length) and of n_eff = 1/Σa² (D4). With {@code trainLength} > 0 also the loss on
   * every target of the window ({@code wholeLoss}) and on the targets at positions ≥ trainLength
   * ({@code beyondLoss}, NaN when the window is no longer than that); NaN with {@code trainLength} = 0.
   */
  record LongEval(int seqLen, double tailLoss, double[] entropy, double[] normalisedEntropy, double[] nEff, double wholeLoss,
                  double beyondLoss) implements java.io.Serializable {}

  static LongEval longEval(Model model, Dataset data, int seqLen, int maxLen, int tail, int batches, int batch, long seed,
                           int trainLength) {
    int layers = model.config().layers(), v = model.config().vocab();
    double[] whole = new double[2], beyond = new double[2];        // {sum of −log p, count}
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
        // the last seqLen tokens of windows of maxLen: every length scores the same final targets
        Batch big = data.batch(Split.VALIDATION, seed, i, batch, maxLen);
        int[] tokens = new int[batch * seqLen], targets = new int[batch * seqLen];
        for (int r = 0; r < batch; r++) {
          System.arraycopy(big.tokens(), r * maxLen + maxLen - seqLen, tokens, r * seqLen, seqLen);
          System.arraycopy(big.targets(), r * maxLen + maxLen - seqLen, targets, r * seqLen, seqLen);
          for (int n = 0; n < seqLen - tail; n++) targets[r * seqLen + n] = Batch.IGNORE;
        }
        int c = 0;
        for (int x : targets) if (x != Batch.IGNORE) c++;
        sum += (double) c * model.loss(tokens, targets, batch, seqLen);
        count += c;
        if (trainLength > 0) wholeAndBeyond(model, tokens, big.targets(), batch, seqLen, maxLen, v, trainLength, whole, beyond);
      }
    } finally {
      model.setObserver(null);
    }
    for (int l = 0; l < layers; l++) {
      h[l] /= rows[l];
      hn[l] /= rows[l];
      ne[l] /= rows[l];
    }
    return new LongEval(seqLen, sum / count, h, hn, ne, trainLength > 0 ? whole[0] / whole[1] : Double.NaN,
        trainLength > 0 && beyond[1] > 0 ? beyond[0] / beyond[1] : Double.NaN);
  }

  /**
   * Adds −log p(target) of every target of the windows {@code tokens (B, T)} to {@code whole}, and of
   * those at positions ≥ {@code trainLength} to {@code beyond} ({sum, count}); {@code bigTargets (B, maxLen)}
   * holds the targets of the windows they are the last T tokens of. The logits pass runs without the
   * observer, so the entropy sums see each window once.
   */
  private static void wholeAndBeyond(Model model, int[] tokens, int[] bigTargets, int batch, int seqLen, int maxLen, int v,
                                     int trainLength, double[] whole, double[] beyond) {
    ModelObserver observer = model.observer();
    model.setObserver(null);
    float[] logits;                                                  // (B, T, V)
    try {
      logits = model.logits(tokens, batch, seqLen);
    } finally {
      model.setObserver(observer);
    }
    for (int r = 0; r < batch; r++) {
      for (int n = 0; n < seqLen; n++) {
        int y = bigTargets[r * maxLen + maxLen - seqLen + n];
        if (y == Batch.IGNORE) continue;
        int base = (r * seqLen + n) * v;
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (int j = 0; j < v; j++) max = Math.max(max, logits[base + j]);
        for (int j = 0; j < v; j++) z += Math.exp(logits[base + j] - max);
        double nll = Math.log(z) + max - logits[base + y];
        whole[0] += nll;
        whole[1]++;
        if (n >= trainLength) {
          beyond[0] += nll;
          beyond[1]++;
        }
      }
    }
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

  /**
   * A copy of {@code model} (weights cloned) whose content logits are multiplied by a global
   * {@code logitScale} λ and, with {@code headScale}, by a trainable per-head λ_h initialised to 1
   * (spec 05 §3.1, Wang et al. 2024's UniformScale and HeadScale): logit = λ·λ_h·q·k/√HS (+ bias).
   */
  static Model withLogitScales(Model model, double logitScale, boolean headScale) {
    ModelConfig c = Overrides.apply(model.config(), java.util.List.of("logitScale=" + logitScale, "headScale=" + headScale));
    java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
    for (Parameter p : model.parameters()) tensors.put(p.name(), p.value().clone());
    if (headScale && !model.config().headScale()) {
      for (int l = 0; l < c.layers(); l++) {
        float[] ones = new float[c.heads()];
        java.util.Arrays.fill(ones, 1f);
        tensors.put("model.layers." + l + ".self_attn.head_scale", ones);
      }
    }
    return Model.fromTensors(c, tensors);
  }

  /**
   * Correct argmax predictions and target counts per position of the data tokens (E7): position j is
   * row index n − {@code offset} (offset 1 skips a BOS), over {@code count} validation examples.
   */
  record PositionAccuracy(long[] correct, long[] total) {
    /** Accuracy over data positions [lo, hi); NaN when that range has no targets. */
    double over(int lo, int hi) {
      long c = 0, t = 0;
      for (int j = lo; j < Math.min(hi, total.length); j++) { c += correct[j]; t += total[j]; }
      return t == 0 ? Double.NaN : (double) c / t;
    }

    double overall() { return over(0, total.length); }
  }

  static PositionAccuracy positionAccuracy(Model model, Dataset data, int count, int seqLen, int offset, long seed) {
    int v = model.config().vocab(), chunk = 32, done = 0;
    long[] correct = new long[seqLen - offset], total = new long[seqLen - offset];
    for (int i = 0; done < count; i++) {
      int rows = Math.min(chunk, count - done);
      Batch b = data.batch(Split.VALIDATION, seed, i, rows, seqLen);
      float[] logits = model.logits(b.tokens(), rows, seqLen);
      for (int r = 0; r < rows; r++) {
        for (int n = offset; n < seqLen; n++) {
          int target = b.targets()[r * seqLen + n];
          if (target == Batch.IGNORE) continue;
          int base = (r * seqLen + n) * v, best = 0;
          for (int j = 1; j < v; j++) if (logits[base + j] > logits[base + best]) best = j;
          total[n - offset]++;
          if (best == target) correct[n - offset]++;
        }
      }
      done += rows;
    }
    return new PositionAccuracy(correct, total);
  }

  /**
   * The residual stream of a trained model on {@code tokens (S, T)}, read through its observer (E4):
   * index 0 the embeddings (after adding absolute positions), index l + 1 the stream after block l;
   * each (S, T, C) in float64.
   */
  static double[][] residualTaps(Model model, int[] tokens, int seqs, int t) {
    int C = model.config().hidden(), L = model.config().layers();
    double[][] out = new double[L + 1][seqs * t * C];
    int[] at = new int[1];
    observeInChunks(model, new ModelObserver() {
      @Override public void onActivation(int layer, Point point, float[] values, int b, int seqLen, int width) {
        int k = point == Point.EMBEDDINGS ? 0 : point == Point.RESIDUAL_AFTER_MLP ? layer + 1 : -1;
        if (k < 0) return;
        for (int i = 0; i < b * seqLen * width; i++) out[k][at[0] * t * C + i] = values[i];
      }
    }, tokens, seqs, t, at);
    return out;
  }

  /**
   * Runs {@code tokens (S, T)} through {@code model} in chunks of 32 sequences with {@code observer}
   * installed, {@code at[0]} holding the first sequence of the chunk under way; removes the observer after.
   */
  private static void observeInChunks(Model model, ModelObserver observer, int[] tokens, int seqs, int t, int[] at) {
    int chunk = 32;
    model.setObserver(observer);
    try {
      for (int s = 0; s < seqs; s += chunk) {
        int rows = Math.min(chunk, seqs - s);
        at[0] = s;
        model.logits(java.util.Arrays.copyOfRange(tokens, s * t, (s + rows) * t), rows, t);
      }
    } finally {
      model.setObserver(null);
    }
  }

  /**
   * Each layer's head outputs y (before W_o) of a trained model on {@code tokens (S, T)}, read through
   * its observer (E4's norm probes): per layer (S, T, NH·HS) in float64, head h in columns h·HS..(h+1)·HS.
   */
  static double[][] headOutputTaps(Model model, int[] tokens, int seqs, int t) {
    int L = model.config().layers(), C = model.config().heads() * model.config().headSize();
    double[][] out = new double[L][seqs * t * C];
    int[] at = new int[1];
    observeInChunks(model, new ModelObserver() {
      @Override public void onHeadOutputs(int layer, float[] values, int b, int seqLen, int heads, int headSize) {
        for (int i = 0; i < b * seqLen * heads * headSize; i++) out[layer][at[0] * t * C + i] = values[i];
      }
    }, tokens, seqs, t, at);
    return out;
  }

  /**
   * Spec 05 §3.3 {@code shuffled_prefix_loss}: for {@code draws} validation windows of {@code seqLen}
   * tokens and t ~ U[5, seqLen), the loss of predicting token t from (a) the original prefix
   * x₀..x_{t−1}, (b) that prefix shuffled, (c) the prefix with x₀..x_{t−2} shuffled and x_{t−1} kept.
   * Returns the three mean losses {original, shuffled, keepLast}.
   */
  static double[] shuffledPrefix(Model model, Dataset data, int draws, int batch, int seqLen, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    double[] sum = new double[3];
    int done = 0;
    for (int i = 0; done < draws; i++) {
      int rows = Math.min(batch, draws - done);
      Batch b = data.batch(Split.VALIDATION, seed, i, rows, seqLen);
      int[][] tokens = {b.tokens(), b.tokens().clone(), b.tokens().clone()};
      int[] targets = new int[rows * seqLen];
      java.util.Arrays.fill(targets, Batch.IGNORE);
      for (int r = 0; r < rows; r++) {
        int t = 5 + rng.nextInt(seqLen - 5);                 // predict token t, read at position t − 1
        targets[r * seqLen + t - 1] = b.targets()[r * seqLen + t - 1];
        shuffle(tokens[1], r * seqLen, t, rng);
        shuffle(tokens[2], r * seqLen, t - 1, rng);
      }
      for (int k = 0; k < 3; k++) sum[k] += rows * (double) model.loss(tokens[k], targets, rows, seqLen);
      done += rows;
    }
    for (int k = 0; k < 3; k++) sum[k] /= draws;
    return sum;
  }

  /** Fisher–Yates shuffle of a[off, off+n). */
  private static void shuffle(int[] a, int off, int n, java.util.SplittableRandom rng) {
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = a[off + i];
      a[off + i] = a[off + j];
      a[off + j] = tmp;
    }
  }
}
