package dev.focus.position;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a multimodal layout becomes per-token coordinates (spec 04 §5): the layout rule of a
 * {@link PositionKind}. Each rule pairs with a rotary {@link FrequencyPlan} of the same axis count;
 * 1-D encodings (learned, sinusoidal, ALiBi, plain RoPE) use {@link #FLAT}. Names are parsed only by
 * {@link PositionKind#parse}; a kind's {@link PositionKind#scheme()} is its rule.
 *
 * <ul>
 *   <li>{@link #FLAT}: every token takes the next index; axes (n).
 *   <li>{@link #ROPE_TIE}, {@link #ROPE_TIE_FRAC}: RoPE-Tie v1 [S2], integer and fractional steps; axes (row, col).
 *   <li>{@link #ROPE_TV}: RoPE-TV [S1]; videos as consecutive images (option (a)); axes (row, col).
 *   <li>{@link #ROPE_TV_3D}: RoPE-TV with a frame axis (option (b)); axes (row, col, frame).
 *   <li>{@link #MROPE}: Qwen2-VL M-RoPE [HF-VL]; axes (t, h, w).
 *   <li>{@link #GRID}: spec 02 §3.6 (b), the author's RoPE-2D: text at (n, n) by flat index, patch (i, j)
 *       of an image at its raw grid position (i, j) wherever the image sits; axes (row, col). Neither
 *       equivalent nor unique (a patch may share a text token's tuple): the ablation it was run as.
 * </ul>
 */
public enum PositionScheme {
  FLAT(1),
  ROPE_TIE(2),
  ROPE_TIE_FRAC(2),
  ROPE_TV(2),
  ROPE_TV_3D(3),
  MROPE(3),
  GRID(2);

  private final int axes;

  PositionScheme(int axes) { this.axes = axes; }

  /** The command-line name ({@code rope-tv}, …; {@code rope-2d} for {@link #GRID}). */
  public String cliName() {
    return this == GRID ? PositionKind.ROPE_2D.cliName() : name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Coordinate axes per token. */
  public int axes() { return axes; }

  /** A fresh cursor at the start of a sequence. */
  public PositionCursor start() { return new PositionCursor(this); }

  /**
   * A RoPE-TV cursor with patch steps γ = (γ₁, γ₂) ≠ 1 (spec 04 §5 ablation extension; a Focus
   * choice, [S1] fixes γ = 1). Symmetry and equivalence still hold; only {@link #ROPE_TV} accepts it.
   */
  public PositionCursor start(double gammaRow, double gammaCol) { return new PositionCursor(this, gammaRow, gammaCol); }

  /** Coordinates, kinds and visual spans of a whole layout in one pass (prefill). */
  public Positions assign(Layout layout) { return assign(layout, start()); }

  /** RoPE-TV with patch steps γ (see {@link #start(double, double)}). */
  public Positions assign(Layout layout, double gammaRow, double gammaCol) { return assign(layout, start(gammaRow, gammaCol)); }

  private Positions assign(Layout layout, PositionCursor cursor) {
    int n = layout.tokens();
    double[][] coords = new double[n][];
    TokenKind[] kinds = new TokenKind[n];
    List<VisualSpan> spans = new ArrayList<>();
    int k = 0;
    for (Segment s : layout.segments()) {
      double[][] c = cursor.append(s);
      if (s.visual()) spans.add(new VisualSpan(k, k + c.length, s));
      for (double[] row : c) {
        kinds[k] = s.visual() ? TokenKind.PATCH : TokenKind.TEXT;
        coords[k++] = row;
      }
    }
    return new Positions(this, coords, kinds, spans, cursor);
  }

  @Override public String toString() { return cliName(); }
}
