/**
 * Training: AdamW, the warmup + cosine schedule, global-norm clipping, gradient accumulation and
 * the {@link dev.focus.train.Trainer} loop (metrics, checkpoints, clean stop, exact resume).
 *
 * <p>The trainer drives any {@link dev.focus.train.Trainable}: the Transformer through an adapter,
 * and tiny stand-ins in tests. Gradients accumulate ({@code +=}) in {@code Param.grad} and are
 * cleared by {@code zeroGrad()}.
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
