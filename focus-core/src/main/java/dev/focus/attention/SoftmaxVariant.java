package dev.focus.attention;

import dev.focus.position.RopeTable;

/**
 * What the two softmax variants share: the head layout, the global logit scale and the ALiBi slopes,
 * checked here once, and incremental decoding over a {@link KvCache}, which each variant finishes
 * with its own kernel ({@link SoftmaxAttention}'s exact pass, {@link FlashAttention}'s tiles).
 */
abstract sealed class SoftmaxVariant implements Attention permits SoftmaxAttention, FlashAttention {
  final HeadLayout layout;
  final float scale;
  final float[] alibi; // (H) slopes, or null

  SoftmaxVariant(HeadLayout layout, float scale, float[] alibi) {
    if (layout == null) throw new IllegalArgumentException("layout is null");
    this.layout = layout;
    this.scale = AttentionSupport.checkScale(scale);
    this.alibi = AttentionSupport.checkSlopes(layout, alibi);
  }

  @Override public final HeadLayout layout() { return layout; }

  /** The global logit scale (1/sqrt(HS) unless a copy set another). */
  public final float scale() { return scale; }

  /** The ALiBi slopes (a copy), or null. */
  public final float[] alibiSlopes() { return alibi == null ? null : alibi.clone(); }

  @Override
  public final KvCache newDecodeState(int batch, int capacity) {
    return new KvCache(batch, capacity, layout.kvHeads(), layout.headSize());
  }

  @Override
  public final void decode(float[] out, float[] q, float[] k, float[] v, float[] headScale, DecodeState state, RopeTable rotary,
                           int tq) {
    AttentionSupport.KvStep step = AttentionSupport.kvStep(layout, state, out, q, k, v, headScale, rotary, tq);
    decode(out, step.q(), step.cache(), headScale, tq);
  }

  /**
   * The outputs (B, Tq, H, HS) of {@code tq} new queries {@code q}, already turned, over {@code cache},
   * which already holds their keys (turned) and values: the last Tq of its {@code length()} rows.
   */
  abstract void decode(float[] out, float[] q, KvCache cache, float[] headScale, int tq);
}
