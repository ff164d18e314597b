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
    float[] out = new float[patches.length];
    permute(out, patches, height, width, channels, patch, false);
    return out;
  }

  /** Integer twin for level data. */
  public static int[] patchify(int[] x, int height, int width, int channels, int patch) {
    int[] at = patchIndex(x.length, height, width, channels, patch);
    int[] out = new int[x.length];
    for (int i = 0; i < at.length; i++) out[at[i]] = x[i];
    return out;
  }

  /** Integer inverse. */
  public static int[] unpatchify(int[] patches, int height, int width, int channels, int patch) {
    int[] at = patchIndex(patches.length, height, width, channels, patch);
    int[] out = new int[patches.length];
    for (int i = 0; i < at.length; i++) out[i] = patches[at[i]];
    return out;
  }

  private static void permute(float[] image, float[] patches, int height, int width, int channels, int patch,
                              boolean toPatches) {
    int[] at = patchIndex(image.length, height, width, channels, patch);
    for (int i = 0; i < at.length; i++) {
      if (toPatches) patches[at[i]] = image[i];
      else image[i] = patches[at[i]];
    }
  }

  /**
   * The one permutation both directions and both element types use: for each image index
   * (y·W + x)·C + ch, the index k·D + e of the same value in the patch rows, k = (y/P)·gw + x/P,
   * e = ((y%P)·P + x%P)·C + ch. Checks the shape and the length of the data first.
   */
  private static int[] patchIndex(int length, int height, int width, int channels, int patch) {
    check(height, width, patch);
    checkLength(length, height, width, channels);
    int gw = width / patch, d = patch * patch * channels;
    int[] at = new int[length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int ch = 0; ch < channels; ch++) at[(y * width + x) * channels + ch] = index(y, x, ch, gw, d, patch, channels);
      }
    }
    return at;
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
