package dev.focus.position;

/**
 * One piece of a multimodal layout (spec 04 §5): text tokens, an image of h rows × w columns of
 * patches (flattened row-major), or a video of t frames (flattened frame-major, then row-major).
 * Grids count LLM tokens (for Qwen2-VL: after the 2×2 merge).
 */
public sealed interface Segment {

  /** Tokens this segment contributes. */
  int tokens();

  /** True for images and videos. */
  default boolean visual() { return !(this instanceof Text); }

  /** {@code count} consecutive text tokens. */
  record Text(int count) implements Segment {
    public Text {
      if (count < 1) throw new IllegalArgumentException("text segment: count=" + count + " must be >= 1");
    }

    @Override public int tokens() { return count; }

    @Override public String toString() { return count == 1 ? "T" : "T*" + count; }
  }

  /** An image of {@code rows} × {@code cols} patches. */
  record Image(int rows, int cols) implements Segment {
    public Image {
      if (rows < 1 || cols < 1) throw new IllegalArgumentException("image I" + rows + "x" + cols + ": rows and cols must be >= 1");
      if ((long) rows * cols > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("image I" + rows + "x" + cols + " is too large");
    }

    @Override public int tokens() { return rows * cols; }

    @Override public String toString() { return "I" + rows + "x" + cols; }
  }

  /** A video of {@code frames} frames of {@code rows} × {@code cols} patches. */
  record Video(int frames, int rows, int cols) implements Segment {
    public Video {
      if (frames < 1 || rows < 1 || cols < 1) {
        throw new IllegalArgumentException("video V" + frames + "x" + rows + "x" + cols + ": sizes must be >= 1");
      }
      if ((long) frames * rows * cols > Integer.MAX_VALUE / 4) {
        throw new IllegalArgumentException("video V" + frames + "x" + rows + "x" + cols + " is too large");
      }
    }

    @Override public int tokens() { return frames * rows * cols; }

    @Override public String toString() { return "V" + frames + "x" + rows + "x" + cols; }
  }
}
