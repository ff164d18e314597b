package dev.focus.attention;

import dev.focus.position.RopeTable;

/**
 * One attention layer's core: queries, keys and values in, the per-head mixture of values out.
 * Projections and the output projection live in the model; positions come in per call (a rotary
 * table) or as the variant's ALiBi slopes.
 *
 * <p>Shapes (row-major; legend in {@link HeadLayout}):
 * <pre>
 *   q, out, dq, dOut : (B, T, H, HS)    the [B·T, H·HS] output of the q projection, no transpose
 *   k, v, dk, dv     : (B, T, KVH, HS)
 *   headScale        : (H)              per-head logit scale λ_h (softmax only; null means all 1)
 *   weights          : (B, H, T, T)     row i holds query i's weights over the keys
 * </pre>
 *
 * <p>Gradient convention: {@code backward} overwrites dq, dk and dv (activation gradients) and adds
 * to dHeadScale (a parameter gradient). {@code forward} returns a {@link Saved} that keeps references
 * to q, k, v and out (or to rotated copies of q and k): do not modify them before calling backward.
 *
 * <p>Variants: {@link SoftmaxAttention} (exact, materialises T×T per head), {@link FlashAttention}
 * (tiled online softmax, memory linear in T) and {@link LinearAttention} (kernel feature maps, in
 * parallel, recurrent or chunked form).
 */
public sealed interface Attention permits SoftmaxVariant, LinearAttention {

  /** Heads, kv heads and head size. */
  HeadLayout layout();

  /**
   * out = attention(q, k, v) over {@code t} positions in each of {@code batch} sequences, with rotary
   * positions from {@code rotary} (or none): softmax variants turn q and k (RoFormer eq. 34), linear
   * attention the numerator's features (RoFormer §3.4.4). Token i of sequence b turns by the table's row
   * {@link RopeTable#row}(b, i); the table is read, never kept, so a caller grows it as sequences grow
   * without rebuilding the attention.
   *
   * @param out       (B, T, H, HS), overwritten
   * @param q         (B, T, H, HS), not modified (rotations go to saved copies)
   * @param k         (B, T, KVH, HS), not modified
   * @param v         (B, T, KVH, HS)
   * @param headScale (H) per-head logit scale λ_h, or null for all 1 (softmax variants only)
   * @param mask      which keys each query sees
   * @param rotary    the rotary table, or null for no rotation
   * @param recycle   an earlier result of this attention's forward whose backward is done, whose buffers
   *                  may be taken over (a training loop passes each layer's previous one, so a step
   *                  allocates no new (T, T) buffers); it must not be used afterwards; null is allowed
   * @return what backward needs
   */
  Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, RopeTable rotary, int batch,
                int t, Saved recycle);

  /** {@link #forward(float[], float[], float[], float[], float[], Mask, RopeTable, int, int, Saved)} without positions or recycling. */
  default Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, int batch, int t) {
    return forward(out, q, k, v, headScale, mask, null, batch, t, null);
  }

  /** {@link #forward(float[], float[], float[], float[], float[], Mask, RopeTable, int, int, Saved)} without positions. */
  default Saved forward(float[] out, float[] q, float[] k, float[] v, float[] headScale, Mask mask, int batch, int t,
                        Saved recycle) {
    return forward(out, q, k, v, headScale, mask, null, batch, t, recycle);
  }

  /**
   * Gradients of the loss with respect to q, k, v (overwritten; unrotated, like the inputs) and λ_h
   * (added to dHeadScale, which may be null when not wanted), given dOut = ∂loss/∂out.
   */
  void backward(float[] dq, float[] dk, float[] dv, float[] dHeadScale, float[] dOut, Saved saved);

  /**
   * The attention weights (B, H, T, T) for diagnostics: softmax probabilities, or for linear
   * attention the implied weights a_ij ∝ φ(q_i)·φ(k_j)·λ^{|i−j|} after the same normalisation as the
   * output, with the rotations of {@code rotary} (null for none). Masked entries are exactly 0.
   */
  float[] weights(float[] q, float[] k, float[] headScale, Mask mask, RopeTable rotary, int batch, int t);

  /** {@link #weights(float[], float[], float[], Mask, RopeTable, int, int)} without positions. */
  default float[] weights(float[] q, float[] k, float[] headScale, Mask mask, int batch, int t) {
    return weights(q, k, headScale, mask, null, batch, t);
  }

  /** A fresh incremental-decoding state for {@code batch} sequences of up to {@code capacity} tokens. */
  DecodeState newDecodeState(int batch, int capacity);

  /**
   * Incremental causal decoding: appends {@code tq} new tokens' keys and values (B, Tq, KVH, HS) to
   * {@code state} and writes the outputs (B, Tq, H, HS) of their queries (B, Tq, H, HS), which sit at
   * positions {@code state length before the call} + 0..Tq−1 and turn by those rows of {@code rotary}
   * (null for none; a KV cache keeps its keys turned). Agrees with a causal {@code forward} over the
   * whole sequence.
   */
  void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, RopeTable rotary, int tq);

  /** {@link #decode(float[], float[], float[], float[], float[], DecodeState, RopeTable, int)} without positions. */
  default void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, int tq) {
    decode(out, q, k, v, headScale, state, null, tq);
  }

  /**
   * Peak bytes this implementation allocates for one forward call (or a forward and its backward when
   * {@code withBackward}) beyond the caller's inputs, outputs and gradients: saved state plus the
   * scratch of min(Parallel.threads(), B·H) workers, from the buffer sizes the code allocates.
   * Temporaries inside the kernel set and rotated copies of q and k are not included.
   */
  long workspaceBytes(int batch, int t, boolean withBackward);

  /** What a forward pass saves for its backward pass (variant-specific; opaque to callers). */
  interface Saved {
    int batch();

    int t();
  }
}
