package dev.focus.model;

/**
 * A read-only view into a forward pass (spec 05 §3.2). Every method has an empty default; the model
 * calls them only while an observer is installed ({@link Model#setObserver}), so the hooks are free when
 * off, and they never change the computation (logits are bit-identical with and without an observer).
 *
 * <p>The arrays passed are the model's internal buffers, valid only during the call: copy what you keep
 * and never write to them.
 *
 * <p>Legend: B batch, T positions, C width, NH heads, HS head size.
 */
public interface ModelObserver {

  /** Where a residual-stream or norm tensor was observed. */
  enum Point {
    /** The embeddings (after adding absolute positions, if any); layer is −1. */
    EMBEDDINGS,
    /** Output of the layer's attention norm (input of q, k, v). */
    ATTENTION_NORM,
    /** Output of the attention sub-layer after W_o, before the residual add. */
    ATTENTION_OUTPUT,
    /** Residual stream after the attention sub-layer. */
    RESIDUAL_AFTER_ATTENTION,
    /** Output of the layer's MLP norm. */
    MLP_NORM,
    /** Output of the MLP sub-layer, before the residual add. */
    MLP_OUTPUT,
    /** Residual stream after the MLP sub-layer (the block output). */
    RESIDUAL_AFTER_MLP,
    /** Output of the final norm; layer is L. */
    FINAL_NORM
  }

  /** A (B, T, C) tensor at {@code point} of {@code layer}. */
  default void onActivation(int layer, Point point, float[] values, int batch, int seqLen, int width) {}

  /**
   * Attention weights a[b, h, n, m] of one layer, (B, NH, T, T), zero above the diagonal. For linear
   * attention these are the normalised weights φ(q_n)·φ(k_m)/Σ_m' φ(q_n)·φ(k_m') (with rotations when
   * RoPE is on).
   */
  default void onAttentionWeights(int layer, float[] weights, int batch, int heads, int seqLen) {}

  /** Head outputs y[b, t, h, :] before W_o, (B, T, NH, HS). */
  default void onHeadOutputs(int layer, float[] values, int batch, int seqLen, int heads, int headSize) {}
}
