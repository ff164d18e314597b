package dev.focus.position;

import java.util.Arrays;

/**
 * Where the next token goes: the cursor of spec 04 §5, advanced one segment (or one text token) at a
 * time, so that prefill and token-by-token decoding emit identical coordinates. (The attention
 * package's {@code DecodeState} is something else: the keys and values, or running sums, of the tokens
 * decoded so far.)
 *
 * <pre>
 * cursor c = −1: the flat coordinate of the last emitted unit
 * T        : c += 1; emit (c) / (c, c) / (c, c, c)
 * I h×w    : L = c; emit patches by the scheme's rule; c += advance
 * V t×h×w  : rope-tv: t consecutive images; rope-tv-3d: 3-D rule, L = c, c += t·h·w;
 *            rope-tie, rope-tie-frac: rejected (no video rule in [S2])
 * advance  : the patch count, except rope-tie: (w+1)(h+1) − 1
 * grid     : text (c, c); patch (i, j) of an h×w image at its raw 0-based (i, j); c += h·w
 * </pre>
 * M-RoPE keeps instead p = 1 + (the largest coordinate so far) ([HF-VL] {@code get_rope_index}).
 * Not thread-safe; {@link #copy()} forks a state (for example one per beam).
 */
public final class PositionCursor {
  private final PositionScheme scheme;
  private double cursor = -1;   // last emitted flat unit (all schemes but mrope)
  private long nextMrope = 0;   // mrope: max coordinate so far + 1
  private int tokens = 0;       // tokens emitted so far
  private final double gammaRow, gammaCol;  // rope-tv patch steps γ₁, γ₂ (1 unless ablating)

  PositionCursor(PositionScheme scheme) { this(scheme, 1.0, 1.0); }

  PositionCursor(PositionScheme scheme, double gammaRow, double gammaCol) {
    if (!(gammaRow > 0) || !(gammaCol > 0) || Double.isInfinite(gammaRow) || Double.isInfinite(gammaCol)) {
      throw new IllegalArgumentException("rope-tv steps gammaRow=" + gammaRow + ", gammaCol=" + gammaCol + " must be finite and > 0");
    }
    if ((gammaRow != 1.0 || gammaCol != 1.0) && scheme != PositionScheme.ROPE_TV) {
      throw new IllegalArgumentException("patch steps γ ≠ 1 apply to rope-tv only, not " + scheme);
    }
    this.scheme = scheme;
    this.gammaRow = gammaRow;
    this.gammaCol = gammaCol;
  }

  public PositionScheme scheme() { return scheme; }

  /** Tokens emitted so far. */
  public int tokens() { return tokens; }

  /** An independent copy. */
  public PositionCursor copy() {
    PositionCursor d = new PositionCursor(scheme, gammaRow, gammaCol);
    d.cursor = cursor;
    d.nextMrope = nextMrope;
    d.tokens = tokens;
    return d;
  }

  /** Coordinates the next text token would get, without emitting it. */
  public double[] peekText() {
    double p = scheme == PositionScheme.MROPE ? nextMrope : cursor + 1;
    double[] c = new double[scheme.axes()];
    Arrays.fill(c, p);
    return c;
  }

  /** Emits one text token; returns its coordinates. */
  public double[] appendText() {
    double[] c = peekText();
    if (scheme == PositionScheme.MROPE) nextMrope++;
    else cursor += 1;
    tokens++;
    return c;
  }

  /**
   * M-RoPE's rope_delta = (max coordinate + 1) − tokens: in cached decoding, cache position q gets
   * q + delta on all axes ([HF-VL]). Zero for pure text. Defined for every scheme as
   * (next text coordinate) − tokens (0 under flat, rope-tv, rope-tv-3d, rope-tie-frac).
   */
  public double ropeDelta() { return peekText()[0] - tokens; }

  /** Emits a segment; returns its tokens' coordinates (tokens, axes). */
  public double[][] append(Segment s) {
    double[][] out;
    if (s instanceof Segment.Text t) {
      out = new double[t.count()][];
      for (int i = 0; i < out.length; i++) out[i] = appendText();
      return out;
    }
    if (scheme == PositionScheme.MROPE) {
      out = mrope(s);
    } else if (s instanceof Segment.Image im) {
      out = image(im.rows(), im.cols());
    } else {
      out = video((Segment.Video) s);
    }
    tokens += out.length;
    return out;
  }

  private double[][] image(int h, int w) {
    double L = cursor;
    double[][] out = new double[h * w][];
    int k = 0;
    switch (scheme) {
      case FLAT -> {
        for (int i = 0; i < h * w; i++) out[k++] = new double[] {L + 1 + i};
        cursor = L + (double) h * w;
      }
      case ROPE_TIE -> {
        // [S2]: 1-based patch (i, j) → (L + i(w+1), L + j(h+1)); next text at L + (w+1)(h+1).
        for (int i = 1; i <= h; i++) {
          for (int j = 1; j <= w; j++) out[k++] = new double[] {L + (double) i * (w + 1), L + (double) j * (h + 1)};
        }
        cursor = L + (double) (w + 1) * (h + 1) - 1;
      }
      case ROPE_TIE_FRAC -> {
        // [S2] fractional: steps s_r = (wh+1)/(h+1), s_c = (wh+1)/(w+1); next text at L + wh + 1.
        // Each coordinate is one rounding of the exact rational (L(h+1) + i(wh+1))/(h+1) (L is an integer here),
        // so 2 + 7/3 prints as 4.333333333333333, the double nearest 13/3.
        double wh1 = (double) w * h + 1;
        for (int i = 1; i <= h; i++) {
          for (int j = 1; j <= w; j++) {
            out[k++] = new double[] {(L * (h + 1) + i * wh1) / (h + 1), (L * (w + 1) + j * wh1) / (w + 1)};
          }
        }
        cursor = L + (double) h * w;
      }
      case ROPE_TV -> {
        // [S1]: β₁ = L + (wh−h)/2, β₂ = L + (wh−w)/2; 1-based (i, j) → (β₁+i, β₂+j); next text at L + wh + 1.
        // Ablation (general γ): β₁ = L + ½[wh+1−(h+1)γ₁], β₂ = L + ½[wh+1−(w+1)γ₂]; (i, j) → (β₁+iγ₁, β₂+jγ₂).
        if (gammaRow == 1.0 && gammaCol == 1.0) {
          double b1 = L + ((double) w * h - h) / 2, b2 = L + ((double) w * h - w) / 2;
          for (int i = 1; i <= h; i++) {
            for (int j = 1; j <= w; j++) out[k++] = new double[] {b1 + i, b2 + j};
          }
        } else {
          double wh1 = (double) w * h + 1;
          double b1 = L + 0.5 * (wh1 - (h + 1) * gammaRow), b2 = L + 0.5 * (wh1 - (w + 1) * gammaCol);
          for (int i = 1; i <= h; i++) {
            for (int j = 1; j <= w; j++) out[k++] = new double[] {b1 + i * gammaRow, b2 + j * gammaCol};
          }
        }
        cursor = L + (double) h * w;
      }
      case ROPE_TV_3D -> {
        return video(new Segment.Video(1, h, w)); // Focus choice: an image is a t = 1 video
      }
      case GRID -> {
        // spec 02 §3.6 (b), the author's RoPE-2D experiment: patch (i, j) at its raw grid position, wherever
        // the image sits in the sequence; text keeps its flat index.
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) out[k++] = new double[] {i, j};
        }
        cursor = L + (double) h * w;
      }
      default -> throw new IllegalStateException(scheme.toString());
    }
    return out;
  }

  private double[][] video(Segment.Video v) {
    int t = v.frames(), h = v.rows(), w = v.cols();
    switch (scheme) {
      case ROPE_TIE, ROPE_TIE_FRAC -> throw new IllegalArgumentException(
          "video " + v + " is not supported under " + scheme + " (RoPE-Tie has no video rule; wrap frames as images)");
      case FLAT, ROPE_TV, GRID -> {
        // Option (a): t consecutive images, each with L = the current cursor.
        double[][] out = new double[v.tokens()][];
        int k = 0;
        for (int f = 0; f < t; f++) for (double[] c : image(h, w)) out[k++] = c;
        return out;
      }
      case ROPE_TV_3D -> {
        // Option (b): β₁ = L+(wht−h)/2, β₂ = L+(wht−w)/2, β₃ = L+(wht−t)/2; 1-based (k, i, j) → (β₁+i, β₂+j, β₃+k).
        double L = cursor, n = (double) w * h * t;
        double b1 = L + (n - h) / 2, b2 = L + (n - w) / 2, b3 = L + (n - t) / 2;
        double[][] out = new double[v.tokens()][];
        int idx = 0;
        for (int f = 1; f <= t; f++) {
          for (int i = 1; i <= h; i++) {
            for (int j = 1; j <= w; j++) out[idx++] = new double[] {b1 + i, b2 + j, b3 + f};
          }
        }
        cursor = L + n;
        return out;
      }
      default -> throw new IllegalStateException(scheme.toString());
    }
  }

  /** [HF-VL]: block (T, H, W) starts at S; token (k, i, j) → (S+k, S+i, S+j); next text at S + max(T, H, W). */
  private double[][] mrope(Segment s) {
    int t = s instanceof Segment.Video v ? v.frames() : 1;
    int h = s instanceof Segment.Video v ? v.rows() : ((Segment.Image) s).rows();
    int w = s instanceof Segment.Video v ? v.cols() : ((Segment.Image) s).cols();
    long start = nextMrope;
    double[][] out = new double[t * h * w][];
    int idx = 0;
    for (int k = 0; k < t; k++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) out[idx++] = new double[] {start + k, start + i, start + j};
      }
    }
    nextMrope = start + Math.max(t, Math.max(h, w));
    return out;
  }

  @Override
  public String toString() {
    return "PositionCursor[" + scheme + ", tokens=" + tokens + ", next text=" + Arrays.toString(peekText()) + "]";
  }
}
