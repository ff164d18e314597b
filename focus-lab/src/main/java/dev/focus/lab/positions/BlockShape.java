package dev.focus.lab.positions;

import java.io.Serializable;

/** An image block of h rows × w columns of patches. */
public record BlockShape(int h, int w) implements Serializable {
  public BlockShape {
    if (h < 1 || w < 1) throw new IllegalArgumentException("block " + h + "×" + w + " needs at least one row and column");
  }

  /** The layout token of this block, e.g. {@code I4x8}. */
  public String token() { return "I" + h + "x" + w; }
}
