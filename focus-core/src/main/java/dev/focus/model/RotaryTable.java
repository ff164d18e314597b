package dev.focus.model;

import dev.focus.model.ModelConfig.RopeLayout;

/**
 * Rotary position embedding for the model's q and k (Su et al., RoFormer, eq. 34), with the cos/sin
 * tables computed once in double and rounded to float.
 *
 * <p>Legend: T positions, HS head size, P = HS/2 pairs. θ_i = b^(−2i/HS); position n rotates pair i by
 * n·θ_i. Pair layout (spec 04 §3.1): {@link RopeLayout#HALF} pairs dim j with j + P (Hugging Face
 * rotate_half); {@link RopeLayout#ADJACENT} pairs (2i, 2i+1). On text tokens M-RoPE gives every axis the
 * same coordinate, so its angle n·θ_i is this table's whatever the sections (spec 04 §4, compatibility rule).
 *
 * <p>The rotation is orthogonal, so the backward pass is the rotation by −n·θ_i ({@code inverse=true}).
 */
final class RotaryTable {
  private final int headSize;
  private final int pairs;
  private final int maxPositions;
  private final RopeLayout layout;
  private final float[] cos; // (Tmax, P)
  private final float[] sin; // (Tmax, P)

  RotaryTable(int headSize, int maxPositions, double theta, RopeLayout layout) {
    this.headSize = headSize;
    this.pairs = headSize / 2;
    this.maxPositions = maxPositions;
    this.layout = layout;
    this.cos = new float[maxPositions * pairs];
    this.sin = new float[maxPositions * pairs];
    for (int i = 0; i < pairs; i++) {
      double inv = 1.0 / Math.pow(theta, 2.0 * i / headSize);
      for (int n = 0; n < maxPositions; n++) {
        double a = n * inv;
        cos[n * pairs + i] = (float) Math.cos(a);
        sin[n * pairs + i] = (float) Math.sin(a);
      }
    }
  }

  int maxPositions() { return maxPositions; }

  /**
   * Rotates {@code rows} consecutive head vectors in place, row r at position {@code pos0 + r}.
   *
   * @param x       (rows, HS) head vectors starting at {@code off}
   * @param inverse rotate by −angle (the backward pass)
   */
  void rotate(float[] x, int off, int rows, int pos0, boolean inverse) {
    if (pos0 < 0 || pos0 + rows > maxPositions) {
      throw new IllegalArgumentException(
          "positions " + pos0 + ".." + (pos0 + rows - 1) + " exceed context=" + maxPositions);
    }
    float sign = inverse ? -1f : 1f;
    int stride1 = layout == RopeLayout.HALF ? 1 : 2;
    int partner = layout == RopeLayout.HALF ? pairs : 1;
    for (int r = 0; r < rows; r++) {
      int base = off + r * headSize;
      int t = (pos0 + r) * pairs;
      for (int i = 0; i < pairs; i++) {
        int a = base + i * stride1, b = a + partner;
        float c = cos[t + i], s = sign * sin[t + i];
        float xa = x[a], xb = x[b];
        x[a] = xa * c - xb * s;
        x[b] = xb * c + xa * s;
      }
    }
  }
}
