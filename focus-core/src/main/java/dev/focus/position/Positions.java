package dev.focus.position;

import java.util.List;

/**
 * The result of assigning a layout (spec 04 §5): per-token coordinates (T, A), kinds, the visual
 * spans (for the attention package's mask: causal overall, bidirectional inside each span) and the
 * cursor after the last token.
 */
public final class Positions {
  private final PositionScheme scheme;
  private final double[][] coords;   // (T, A)
  private final TokenKind[] kinds;   // (T,)
  private final List<VisualSpan> spans;
  private final int[] spanOf;        // (T,) index into spans, −1 for text
  private final PositionCursor next;

  Positions(PositionScheme scheme, double[][] coords, TokenKind[] kinds, List<VisualSpan> spans, PositionCursor next) {
    this.scheme = scheme;
    this.coords = coords;
    this.kinds = kinds;
    this.spans = List.copyOf(spans);
    this.next = next;
    this.spanOf = new int[coords.length];
    java.util.Arrays.fill(spanOf, -1);
    for (int s = 0; s < this.spans.size(); s++) {
      VisualSpan v = this.spans.get(s);
      for (int t = v.start(); t < v.end(); t++) spanOf[t] = s;
    }
  }

  public PositionScheme scheme() { return scheme; }

  /** T. */
  public int tokens() { return coords.length; }

  public int axes() { return scheme.axes(); }

  /** A copy of the coordinates, (T, A). */
  public double[][] coords() {
    double[][] c = new double[coords.length][];
    for (int t = 0; t < c.length; t++) c[t] = coords[t].clone();
    return c;
  }

  /** Coordinates of token {@code t} (a copy). */
  public double[] coords(int t) { return coords[t].clone(); }

  public TokenKind kind(int t) { return kinds[t]; }

  /** Image and video spans in token order. */
  public List<VisualSpan> spans() { return spans; }

  /** Index into {@link #spans()} of token t's span, or −1 for a text token. */
  public int spanOf(int t) { return spanOf[t]; }

  /** The mask rule: key {@code k} is visible from query {@code q} if k ≤ q or both lie in the same visual span. */
  public boolean attends(int q, int k) {
    return k <= q || (spanOf[q] >= 0 && spanOf[q] == spanOf[k]);
  }

  /** A fresh copy of the cursor after the last token (continue decoding from here). */
  public PositionCursor cursor() { return next.copy(); }
}
