package dev.focus.position;

import java.util.Locale;

/**
 * How a multimodal layout becomes per-token coordinates (spec 04 §5). Each scheme pairs with a
 * rotary {@link FrequencyPlan} of the same axis count; 1-D encodings (learned, sinusoidal, ALiBi,
 * plain RoPE) use {@link #FLAT}.
 *
 * <ul>
 *   <li>{@link #FLAT}: every token takes the next index; axes (n).
 *   <li>{@link #ROPE_TIE}, {@link #ROPE_TIE_FRAC}: RoPE-Tie v1 [S2], integer and fractional steps; axes (row, col).
 *   <li>{@link #ROPE_TV}: RoPE-TV [S1]; videos as consecutive images (option (a)); axes (row, col).
 *   <li>{@link #ROPE_TV_3D}: RoPE-TV with a frame axis (option (b)); axes (row, col, frame).
 *   <li>{@link #MROPE}: Qwen2-VL M-RoPE [HF-VL]; axes (t, h, w).
 * </ul>
 */
public enum PositionScheme {
  FLAT("flat", 1),
  ROPE_TIE("rope-tie", 2),
  ROPE_TIE_FRAC("rope-tie-frac", 2),
  ROPE_TV("rope-tv", 2),
  ROPE_TV_3D("rope-tv-3d", 3),
  MROPE("mrope", 3);

  private final String cliName;
  private final int axes;

  PositionScheme(String cliName, int axes) {
    this.cliName = cliName;
    this.axes = axes;
  }

  /** The command-line name ({@code rope-tv}, …). */
  public String cliName() { return cliName; }

  /** Coordinate axes per token. */
  public int axes() { return axes; }

  /** Parses a command-line name; throws naming the unknown scheme and listing the valid ones. */
  public static PositionScheme fromName(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (PositionScheme s : values()) if (s.cliName.equals(n)) return s;
    }
    throw new IllegalArgumentException("unknown position scheme '" + name
        + "' (expected flat, rope-tie, rope-tie-frac, rope-tv, rope-tv-3d or mrope)");
  }

  /** A fresh decode state at the start of a sequence. */
  public DecodeState start() { return new DecodeState(this); }

  /**
   * A RoPE-TV decode state with patch steps γ = (γ₁, γ₂) ≠ 1 (spec 04 §5 ablation extension; a Focus
   * choice, [S1] fixes γ = 1). Symmetry and equivalence still hold; only {@link #ROPE_TV} accepts it.
   */
  public DecodeState start(double gammaRow, double gammaCol) { return new DecodeState(this, gammaRow, gammaCol); }

  /** Coordinates, kinds and visual spans of a whole layout in one pass (prefill). */
  public Positions assign(Layout layout) { return assign(layout, start()); }

  /** RoPE-TV with patch steps γ (see {@link #start(double, double)}). */
  public Positions assign(Layout layout, double gammaRow, double gammaCol) { return assign(layout, start(gammaRow, gammaCol)); }

  private Positions assign(Layout layout, DecodeState state) {
    int n = layout.tokens();
    double[][] coords = new double[n][];
    TokenKind[] kinds = new TokenKind[n];
    java.util.List<VisualSpan> spans = new java.util.ArrayList<>();
    int k = 0;
    for (Segment s : layout.segments()) {
      double[][] c = state.append(s);
      if (s.visual()) spans.add(new VisualSpan(k, k + c.length, s));
      for (double[] row : c) {
        kinds[k] = s.visual() ? TokenKind.PATCH : TokenKind.TEXT;
        coords[k++] = row;
      }
    }
    return new Positions(this, coords, kinds, spans, state);
  }

  @Override public String toString() { return cliName; }
}
