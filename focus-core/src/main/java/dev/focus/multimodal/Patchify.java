package dev.focus.multimodal;

/**
 * The parameter-free "narrow patchify" of spec 02 §3.2: H×W×C → N = (H/P)(W/P) rows of D = P²C.
 * Patch k = r·(W/P) + c (row-major over the grid); element e = (py·P + px)·C + ch holds pixel
 * (r·P + py, c·P + px, ch). {@link #unpatchify} is its exact inverse. No implicit padding.
 */
public final class Patchify {
  private Patchify() {}

  /** Number of patches N = (H/P)(W/P); throws if P does not divide H and W. */
  public static int patchCount(int height, int width, int patch) {
    check(height, width, patch);
    return (height / patch) * (width / patch);
  }

  /** Values per patch D = P²C. */
  public static int patchDim(int patch, int channels) {
    return patch * patch * channels;
  }

  /** x: (H, W, C) → out: (N, D). Non-finite values are rejected. */
  public static float[] patchify(float[] x, int height, int width, int channels, int patch) {
    check(height, width, patch);
    checkLength(x.length, height, width, channels);
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) throw new IllegalArgumentException("non-finite value " + x[i] + " at index " + i);
    }
    float[] out = new float[x.length];
    permute(x, out, height, width, channels, patch, true);
    return out;
  }

  /** (N, D) → (H, W, C); exact inverse of {@link #patchify(float[], int, int, int, int)}. */
  public static float[] unpatchify(float[] patches, int height, int width, int channels, int patch) {
    check(height, width, patch);
    checkLength(patches.length, height, width, channels);
    float[] out = new float[patches.length];
    permute(out, patches, height, width, channels, patch, false);
    return out;
  }

  /** Integer twin for level data. */
  public static int[] patchify(int[] x, int height, int width, int channels, int patch) {
    check(height, width, patch);
    checkLength(x.length, height, width, channels);
    int[] out = new int[x.length];
    int gw = width / patch, d = patch * patch * channels;
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        for (int ch = 0; ch < channels; ch++) {
          out[index(y, xx, ch, gw, d, patch, channels)] = x[(y * width + xx) * channels + ch];
        }
      }
    }
    return out;
  }

  /** Integer inverse. */
  public static int[] unpatchify(int[] patches, int height, int width, int channels, int patch) {
    check(height, width, patch);
    checkLength(patches.length, height, width, channels);
    int[] out = new int[patches.length];
    int gw = width / patch, d = patch * patch * channels;
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        for (int ch = 0; ch < channels; ch++) {
          out[(y * width + xx) * channels + ch] = patches[index(y, xx, ch, gw, d, patch, channels)];
        }
      }
    }
    return out;
  }

  // image[(y, x, ch)] <-> patches[(k, e)], k = (y/P)·gw + x/P, e = ((y%P)·P + x%P)·C + ch
  private static void permute(float[] image, float[] patches, int height, int width, int channels, int patch,
                              boolean toPatches) {
    int gw = width / patch, d = patch * patch * channels;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int ch = 0; ch < channels; ch++) {
          int pi = index(y, x, ch, gw, d, patch, channels);
          int ii = (y * width + x) * channels + ch;
          if (toPatches) patches[pi] = image[ii];
          else image[ii] = patches[pi];
        }
      }
    }
  }

  private static int index(int y, int x, int ch, int gw, int d, int patch, int channels) {
    int k = (y / patch) * gw + x / patch;
    int e = ((y % patch) * patch + x % patch) * channels + ch;
    return k * d + e;
  }

  private static void check(int height, int width, int patch) {
    if (patch < 1) throw new IllegalArgumentException("patch=" + patch + " must be >= 1");
    if (height < 1 || width < 1) throw new IllegalArgumentException("image " + height + "x" + width + " is empty");
    if (height % patch != 0 || width % patch != 0) {
      throw new IllegalArgumentException("image " + height + "x" + width + " not divisible by patch " + patch);
    }
  }

  private static void checkLength(int length, int height, int width, int channels) {
    if (length != height * width * channels) {
      throw new IllegalArgumentException("expected " + height + "x" + width + "x" + channels + " = "
          + height * width * channels + " values, got " + length);
    }
  }
}
