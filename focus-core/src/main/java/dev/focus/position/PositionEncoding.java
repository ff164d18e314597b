package dev.focus.position;

/**
 * A position encoding (spec 04 §3–§5, spec 05 §3.1). Each variant is a small final type owning its
 * forward and backward:
 *
 * <ul>
 *   <li>{@link Nope}: nothing (a control).
 *   <li>{@link LearnedAbsolute}: an (N_max, C) table added to the embeddings.
 *   <li>{@link Sinusoidal}: fixed sin/cos added to the embeddings (Vaswani et al. 2017 §3.5).
 *   <li>{@link Rope}: rotary q/k rotation for every rotary scheme: RoPE-1D (with HF scaling, partial
 *       rotary, either pair layout), RoPE-2D/3D, M-RoPE, RoPE-Tie and RoPE-TV all share one code path:
 *       a {@link FrequencyPlan} applied at per-token coordinates from a {@link PositionScheme}.
 *   <li>{@link Alibi}: a per-head linear bias on the logits (Press et al. 2022), through the attention
 *       kernel's additive-bias hook.
 * </ul>
 * Build one with {@link PositionSpec#create}. A decoder asks its encoding for the three ways positions
 * enter it, and each variant answers for one of them: {@link #addTo} the embeddings (absolute),
 * {@link #rotaryTable} for q and k (rotary), {@link #logitSlopes} for the logits (ALiBi).
 *
 * <p>Legend: B batch, T positions, C model width, H query heads.
 */
public sealed interface PositionEncoding permits Nope, LearnedAbsolute, Sinusoidal, Rope, Alibi {

  /** The factory name ({@code nope}, {@code rope-tv}, …). */
  String name();

  /** How layouts map to coordinates; {@link PositionScheme#FLAT} for every 1-D encoding. */
  PositionScheme scheme();

  /** Coordinates of a layout under this encoding's scheme. */
  default Positions positions(Layout layout) { return scheme().assign(layout); }

  /**
   * x (B, T, C) += the encoding of positions pos0..pos0+T−1, the same for each of the B sequences;
   * nothing for an encoding that does not touch the embeddings.
   */
  default void addTo(float[] x, int batch, int t, int pos0) {}

  /**
   * The backward of {@link #addTo} at positions 0..T−1: the input gradient passes through unchanged,
   * and a learned table's gradient accumulates dTable[t] += Σ_b dx[b, t] (batch rows in order).
   */
  default void addToBackward(float[] dTable, float[] dx, int batch, int t) {}

  /**
   * The cos/sin rows of flat text positions 0..n−1 (coordinates (p, p[, p]) on every axis, which by
   * spec 04 §4 is RoPE-1D for every option-1 plan), or null when q and k are not rotated.
   */
  default RopeTable rotaryTable(int n) { return null; }

  /** (H,) per-head slopes of a distance bias on the logits (ALiBi), rounded to float, or null for none. */
  default float[] logitSlopes() { return null; }
}
