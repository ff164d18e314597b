/**
 * Attention cores: exact and tiled softmax attention, and linear attention in three forms, each with
 * a hand-written backward pass, plus incremental decoding (KV cache, recurrent state).
 *
 * <p>Legend: B batch, T positions, H query heads, KVH key/value heads (KVH divides H; query head h
 * reads kv head h/(H/KVH)), HS head size, F linear-attention feature size.
 *
 * <p>Layout (all row-major float32, no transposes needed around the projections):
 * <pre>
 *   q, out, dq, dOut : (B, T, H, HS)
 *   k, v, dk, dv     : (B, T, KVH, HS)
 *   headScale        : (H)            λ_h, softmax only, null = all 1
 *   weights          : (B, H, T, T)
 * </pre>
 *
 * <p>Gradient convention (as in {@code dev.focus.op}): activation gradients dq, dk and dv are
 * overwritten; the parameter gradient dHeadScale is accumulated (+=). Saved state from forward holds
 * references to q, k, v and out, which must not change before backward.
 *
 * <p>Logits of the softmax variants (spec 05 §2): s_ij = scale·λ_h·q_i·k_j − slope_h·|pos_i − j|,
 * scale = 1/sqrt(HS) by default, the ALiBi term only when slopes are set; masked entries contribute
 * exactly 0 to outputs, row maxima and gradients. Query positions are token indices plus an offset
 * (the cache length when decoding).
 *
 * <p>Entry points: {@link dev.focus.attention.SoftmaxAttention}, {@link dev.focus.attention.FlashAttention},
 * {@link dev.focus.attention.LinearAttention}, all {@link dev.focus.attention.Attention}s; masks in
 * {@link dev.focus.attention.Mask}.
 */
package dev.focus.attention;
