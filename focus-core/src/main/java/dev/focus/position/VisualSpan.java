package dev.focus.position;

/**
 * The token range [start, end) of one image or video. Attention is causal overall and bidirectional
 * inside each span, so the attention package builds its block mask from these.
 */
public record VisualSpan(int start, int end, Segment segment) {
  public VisualSpan {
    if (start < 0 || end <= start) throw new IllegalArgumentException("visual span [" + start + ", " + end + ") is empty or negative");
  }

  public int length() { return end - start; }

  public boolean contains(int token) { return token >= start && token < end; }
}
