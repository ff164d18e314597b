package dev.focus.model;

import dev.focus.model.ModelConfig.PositionKind;
import dev.focus.model.ModelConfig.RopeLayout;
import dev.focus.position.PairLayout;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;

/**
 * The model's rotary positions: the shared {@link dev.focus.position.Rope} component (RoFormer, Su et
 * al. 2021, eq. 34; spec 04 §3.1, §4) with a cos/sin table for positions 0..Tmax−1, applied to
 * token-major (B, T, H, HS) q or k in place.
 *
 * <p>θ_i = b^(−2i/HS); position n turns pair i by n·θ_i. {@link RopeLayout#HALF} pairs dim j with j + HS/2
 * (Hugging Face rotate_half), {@link RopeLayout#ADJACENT} pairs (2i, 2i+1). M-RoPE gets the coordinates
 * (n, n, n) of a text token, so by the compatibility rule of spec 04 §4 it equals RoPE-1D. A
 * {@code ropeScaling} replaces θ_i by the scaled θ′_i of {@link dev.focus.position.RopeScaling} (and
 * multiplies cos and sin by its attention factor, YaRN).
 *
 * <p>The rotation is orthogonal: the backward pass rotates by −n·θ_i ({@code inverse=true}). Linear
 * attention takes the {@link #table()} itself and rotates its features (RoFormer §3.4.4).
 */
final class RotaryTable {
  private final int headSize;
  private final int maxPositions;
  private final RopeTable table;

  RotaryTable(ModelConfig c, int maxPositions) {
    this.headSize = c.headSize();
    this.maxPositions = maxPositions;
    PairLayout layout = c.ropeLayout() == RopeLayout.HALF ? PairLayout.HALF : PairLayout.ADJACENT;
    Rope rope;
    if (c.position() == PositionKind.MROPE) {
      int[] sections = c.mropeSections().stream().mapToInt(Integer::intValue).toArray();
      rope = Rope.mrope(headSize, c.ropeTheta(), sections).withLayout(layout);
    } else {
      rope = Rope.oneD(headSize, c.ropeTheta()).withLayout(layout);
    }
    rope = rope.withScaling(c.ropeScalingSpec());
    int axes = rope.scheme().axes();
    double[][] coords = new double[maxPositions][axes];
    for (int n = 0; n < maxPositions; n++) java.util.Arrays.fill(coords[n], n);
    this.table = rope.table(coords);
  }

  int maxPositions() { return maxPositions; }

  /** The cos/sin table, row n = position n. */
  RopeTable table() { return table; }

  /**
   * Rotates {@code rows} tokens of {@code heads} head vectors each in place, token r at position
   * {@code pos0 + r}.
   *
   * @param x       (rows, heads, HS) from {@code off}
   * @param inverse rotate by −angle (the backward pass)
   */
  void rotate(float[] x, int off, int rows, int heads, int pos0, boolean inverse) {
    if (pos0 < 0 || pos0 + rows > maxPositions) {
      throw new IllegalArgumentException(
          "positions " + pos0 + ".." + (pos0 + rows - 1) + " exceed the rotary table of " + maxPositions);
    }
    if (inverse) {
      table.rotateBackward(x, off, pos0, rows, heads, headSize);
    } else {
      table.rotate(x, off, pos0, rows, heads, headSize);
    }
  }

  /** Rotates every sequence of a (B, T, heads, HS) batch, positions 0..T−1 in each. */
  void rotateBatch(float[] x, int batch, int t, int heads, boolean inverse) {
    for (int b = 0; b < batch; b++) rotate(x, b * t * heads * headSize, t, heads, 0, inverse);
  }
}
