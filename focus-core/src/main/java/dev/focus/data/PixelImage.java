package dev.focus.data;

import java.util.Arrays;

/**
 * An image of integer levels 0..levels−1, H×W×C, row-major with channels last (HWC). Digits use 17
 * levels (0..16), glyphs 256. Immutable: the constructor copies and validates.
 */
public final class PixelImage {
  private final int height, width, channels, levels;
  private final int[] data; // (H, W, C)

  public PixelImage(int height, int width, int channels, int levels, int[] data) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("image " + height + "x" + width + " must have at least one row and column");
    }
    if (channels < 1) throw new IllegalArgumentException("channels=" + channels + " must be >= 1");
    if (levels < 2 || levels > 65536) throw new IllegalArgumentException("levels=" + levels + " must be in 2..65536");
    if (data.length != height * width * channels) {
      throw new IllegalArgumentException("image " + height + "x" + width + "x" + channels
          + " needs " + height * width * channels + " values, got " + data.length);
    }
    for (int i = 0; i < data.length; i++) {
      if (data[i] < 0 || data[i] >= levels) {
        throw new IllegalArgumentException("pixel value " + data[i] + " at index " + i + " is outside 0.." + (levels - 1));
      }
    }
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.levels = levels;
    this.data = data.clone();
  }

  public int height() { return height; }
  public int width() { return width; }
  public int channels() { return channels; }
  public int levels() { return levels; }

  /** Level at row y, column x, channel c. */
  public int get(int y, int x, int c) { return data[(y * width + x) * channels + c]; }

  /** A copy of the HWC values. */
  public int[] data() { return data.clone(); }

  @Override
  public boolean equals(Object o) {
    return o instanceof PixelImage p && p.height == height && p.width == width && p.channels == channels
        && p.levels == levels && Arrays.equals(p.data, data);
  }

  @Override
  public int hashCode() { return Arrays.hashCode(data) * 31 + height * 7 + width; }

  @Override
  public String toString() { return "PixelImage[" + height + "x" + width + "x" + channels + ", " + levels + " levels]"; }
}
