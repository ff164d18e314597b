package dev.focus.position;

/**
 * A position encoding (spec 04 §3–§5, spec 05 §3.1). Each variant is a small final type owning its
 * forward and backward:
 *
 * <ul>
 *   <li>{@link NoPe}: nothing (a control).
 *   <li>{@link LearnedAbsolute}: an (N_max, C) table added to the embeddings.
 *   <li>{@link Sinusoidal}: fixed sin/cos added to the embeddings (Vaswani et al. 2017 §3.5).
 *   <li>{@link Rope}: rotary q/k rotation for every rotary scheme: RoPE-1D (with HF scaling, partial
 *       rotary, either pair layout), RoPE-2D/3D, M-RoPE, RoPE-Tie and RoPE-TV all share one code path:
 *       a {@link FrequencyPlan} applied at per-token coordinates from a {@link PositionScheme}.
 *   <li>{@link Alibi}: a per-head linear bias on the logits (Press et al. 2022), through the attention
 *       kernel's additive-bias hook.
 * </ul>
 * Dispatch with {@code instanceof} patterns (no preview switch on JDK 17). Build one from a name with
 * {@link PositionEncodings#create}.
 */
public sealed interface PositionEncoding permits NoPe, LearnedAbsolute, Sinusoidal, Rope, Alibi {

  /** The factory name ({@code nope}, {@code rope-tv}, …). */
  String name();

  /** How layouts map to coordinates; {@link PositionScheme#FLAT} for every 1-D encoding. */
  PositionScheme scheme();

  /** Coordinates of a layout under this encoding's scheme. */
  default Positions positions(Layout layout) { return scheme().assign(layout); }
}
