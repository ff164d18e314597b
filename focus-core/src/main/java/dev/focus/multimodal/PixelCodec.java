package dev.focus.multimodal;

import dev.focus.data.PixelImage;

/**
 * The lossless pixel codec of spec 02 §3.1. With s = (levels − 1)/2 in float:
 * encode y = v/s − 1 ∈ [−1, 1]; decode v = clamp(round((y + 1)·s), 0, levels − 1), round half up.
 * decode(encode(v)) == v for every v and every level count 2..256 in float32 — this round trip is what
 * "lossless input" means in Focus.
 */
public final class PixelCodec {
  private PixelCodec() {}

  /** Encodes every value of {@code image} to [−1, 1], HWC order. */
  public static float[] encode(PixelImage image) {
    int[] v = image.data();
    float s = scale(image.levels());
    float[] y = new float[v.length];
    for (int i = 0; i < v.length; i++) y[i] = v[i] / s - 1f;
    return y;
  }

  /** Encodes one level. */
  public static float encode(int value, int levels) {
    if (value < 0 || value >= levels) {
      throw new IllegalArgumentException("pixel value " + value + " is outside 0.." + (levels - 1));
    }
    return value / scale(levels) - 1f;
  }

  /** Decodes [−1, 1] floats (out-of-range values clamp) to an image; NaN or ±Inf throws naming the index. */
  public static PixelImage decode(float[] y, int height, int width, int channels, int levels) {
    float s = scale(levels);
    int[] v = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      if (!Float.isFinite(y[i])) {
        throw new IllegalArgumentException("cannot decode non-finite value " + y[i] + " at index " + i);
      }
      int q = (int) Math.floor((y[i] + 1f) * s + 0.5f); // round half up
      v[i] = Math.max(0, Math.min(levels - 1, q));
    }
    return new PixelImage(height, width, channels, levels, v);
  }

  private static float scale(int levels) {
    if (levels < 2) throw new IllegalArgumentException("levels=" + levels + " must be >= 2");
    return (levels - 1) / 2f;
  }
}
