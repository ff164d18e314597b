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
 * uninterrupted one. With vector kernels, lane reductions reorder sums: each step's loss then
 * differs from scalar mode by float rounding (about 1e-6 relative), and the difference can grow
 * slowly over many steps.
 */
package dev.focus.train;
