package dev.focus.multimodal;

/**
 * The hybrid attention mask of spec 02 §3.5: causal overall, bidirectional inside one image.
 * allow(i, j) = ¬pad(j) ∧ (j ≤ i ∨ (img(i) ≠ −1 ∧ img(i) = img(j))). j = i is always allowed
 * (for non-pad i), so no row of a real token is fully masked.
 */
public final class HybridMask {
  private HybridMask() {}

  /** Whether query i may attend key j, given per-token image ids (−1 = text) and pad flags. */
  public static boolean allow(int i, int j, int[] imageId, boolean[] pad) {
    if (pad != null && pad[j]) return false;
    return j <= i || (imageId[i] != -1 && imageId[i] == imageId[j]);
  }

  /** The full (S, S) mask, row-major, true = allowed. */
  public static boolean[] matrix(int[] imageId, boolean[] pad) {
    int s = imageId.length;
    boolean[] m = new boolean[s * s];
    for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) m[i * s + j] = allow(i, j, imageId, pad);
    return m;
  }

  /** For each query i, one past the last key it may see (keys beyond i only inside its own image). */
  public static int[] keyLimit(int[] imageId) {
    int s = imageId.length;
    int[] limit = new int[s];
    for (int i = 0; i < s; i++) {
      int end = i + 1;
      if (imageId[i] != -1) while (end < s && imageId[end] == imageId[i]) end++;
      limit[i] = end;
    }
    return limit;
  }
}
