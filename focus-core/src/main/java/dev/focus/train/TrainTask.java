package dev.focus.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the one training loop ({@link Trainer}) trains: a model's parameters, the batch of each step
 * and the model's forward+backward pass on it. {@code B} is whatever a batch is for this model: a text
 * {@link dev.focus.data.Batch} of (B, T) token ids and targets, a packed multimodal batch, ….
 *
 * <p>The loop calls, for 0-based step s: {@link #zeroGrad}, {@code b = }{@link #batch}{@code (s)}, then
 * {@link #forwardBackward} on b (or on each of its {@link #split micro-batches}), then clips, schedules
 * and updates. Everything a task keeps between steps must be a function of (seed, s) so that a resumed
 * run sees the same data as an uninterrupted one.
 *
 * @param <B> the batch type
 */
public interface TrainTask<B> {
  /** The loss of one forward+backward pass: the value the loop logs and checks, and named parts to log beside it. */
  record Loss(double value, Map<String, Double> parts) {
    public Loss {
      parts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parts)); // keeps the task's order
    }

    public static Loss of(double value) { return new Loss(value, Map.of()); }
  }

  /** The parameters, in a fixed order: the clipping sum and the optimizer state follow it. */
  List<Trainable.Param> params();

  /** The batch of 0-based step {@code step}: a pure function of (seed, step). */
  B batch(long step);

  /** Forward and backward on {@code b}: adds d(loss)/d(param) to every gradient and returns the loss. */
  Loss forwardBackward(B b);

  /** Sets every gradient to 0. */
  default void zeroGrad() {
    for (Trainable.Param p : params()) Arrays.fill(p.grad(), 0f);
  }

  /**
   * The loss counts of {@code b}: the number of targets its mean loss is over, which weights its
   * micro-batches when a step accumulates. 1 for tasks that do not accumulate.
   */
  default int weight(B b) { return 1; }

  /**
   * Micro-batch {@code i} of {@code parts} equal parts of {@code b}, for gradient accumulation
   * ({@link TrainConfig#accumulation()} &gt; 1). Tasks that cannot split refuse.
   */
  default B part(B b, int i, int parts) {
    throw new IllegalArgumentException("accumulation=" + parts + " is not supported by this task (use 1)");
  }

  /** Tokens (or other units) a batch trains on, for the throughput figure; 0 when it has no such unit. */
  default long tokens(B b) { return 0; }

  /** The mean validation loss over {@code batches} batches, or null when the task has no validation data. */
  default Double evaluate(int batches) { return null; }

  /**
   * What else must match to resume a run besides the training settings: the data set and the
   * model's configuration, by name (compared with {@link TrainerState#firstDifference}).
   */
  default Map<String, String> identity() { return Map.of(); }

  /**
   * Writes the model (weights and whatever rebuilds it) into the fresh directory {@code dir}; by
   * default the parameters alone ({@link Trainable#saveParams}).
   */
  default void save(Path dir) throws IOException { Trainable.saveParams(params(), dir); }

  /** Reads weights written by {@link #save} into the existing parameters; shapes must match. */
  default void load(Path dir) throws IOException { Trainable.loadParams(params(), dir); }
}
