/**
 * Training: AdamW, the warmup + cosine schedule, global-norm clipping, gradient accumulation and
 * the one training loop, {@link dev.focus.train.Trainer} (metrics, checkpoints, a clean stop, exact
 * resume, a stop or skip on a non-finite step), configured by {@link dev.focus.train.TrainConfig}.
 *
 * <p>The loop drives a {@link dev.focus.train.TrainTask}: the parameters, the batch of each step and
 * the model's forward+backward on it. {@link dev.focus.train.TextTask} trains any
 * {@link dev.focus.train.Trainable} (the Transformer through {@link dev.focus.train.ModelTrainable},
 * tiny stand-ins in tests) on a text data set; the multimodal trainer and the lab's experiments are
 * tasks of their own. Gradients accumulate ({@code +=}) in {@code Param.grad} and are cleared by
 * {@code zeroGrad()}. {@link dev.focus.train.RunDirectory} and {@link dev.focus.train.TrainerState}
 * describe the run directory ({@code docs/checkpoints.md}).
 *
 * <p>Determinism: the data is a pure function of (seed, step) and the optimizer and clipping run
 * plain loops in a fixed order, so with {@code -Dfocus.kernels=scalar} two runs with the same seed
 * give bit-identical losses, and an interrupted then resumed run gives the same losses as an
 * uninterrupted one. Vector kernels are deterministic too (same machine, same thread count), so
 * vector-mode runs also repeat and resume bit for bit; but lane reductions reorder sums, so vector
 * and scalar losses differ by float rounding: measured about 1e-7 relative per step (tiny preset on
 * Brown, 8 steps: max 1.05e-7; micro preset, 60 steps: identical). Over long runs the two
 * trajectories can drift apart slowly, as any two float orders do; compare them with a tolerance.
 */
package dev.focus.train;
