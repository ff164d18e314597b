/**
 * Transformer ops as forward/backward pairs, one file per op family (llm.c's layout, STYLE.md §2.1).
 *
 * <p><b>Signatures.</b> Outputs first, then inputs and caches, then sizes. Gradients carry a {@code d}
 * prefix. All arrays are dense, row-major float32; shapes are given in each method's comment with the
 * legend N rows (B·T flattened), C width, IN/OUT linear sizes, I MLP width, V vocabulary.
 *
 * <p><b>Gradient convention.</b>
 * <ul>
 *   <li>Parameter gradients (dW, dB, embedding tables) <b>accumulate</b> ({@code +=}), so a batch can be
 *       split into micro-batches and {@code zeroGrad} is the caller's job.</li>
 *   <li>Activation gradients are <b>overwritten</b>, except on the residual stream: the input gradient
 *       of a norm (whose input is the residual stream in a pre-norm block) and of {@link dev.focus.op.Residual}
 *       is <b>added</b>, because the skip path already wrote its share there. {@link dev.focus.op.Linear#backwardInput}
 *       takes an explicit {@code accumulate} flag for inputs shared by several projections (q, k, v).</li>
 * </ul>
 *
 * <p>All arithmetic goes through {@link dev.focus.kernel.Kernels#get()} (whose matrix products split their
 * work over the shared pool); element-wise and row loops are split over rows with
 * {@link dev.focus.kernel.Parallel#forRange}. Ops never allocate.
 */
package dev.focus.op;
