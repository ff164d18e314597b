package dev.focus.position;

/**
 * Which head dimensions form rotary pair i (spec 04 §3.1). The two layouts differ by a fixed
 * permutation of dims, so a checkpoint trained under one is garbage under the other.
 *
 * <ul>
 *   <li>{@link #ADJACENT}: pair i is dims (2i, 2i+1): the form of RoFormer and of [S1]–[S3].
 *   <li>{@link #HALF}: Hugging Face's {@code rotate_half}: dim j pairs with dim j + d/2, both using θ_j.
 * </ul>
 */
public enum PairLayout {
  ADJACENT,
  HALF;

  /**
   * The fixed permutation between the layouts over a rotary block of d dims: ADJACENT dim k holds HALF
   * dim {@code perm[k]} (perm[2i] = i, perm[2i+1] = i + d/2). Gathering q/k projection rows (or
   * activations) through it turns a {@code HALF} checkpoint into an equivalent {@code ADJACENT} one.
   */
  public static int[] halfToAdjacent(int d) {
    if (d < 2 || d % 2 != 0) throw new IllegalArgumentException("rotary dim=" + d + " must be even and >= 2");
    int[] perm = new int[d];
    for (int i = 0; i < d / 2; i++) {
      perm[2 * i] = i;
      perm[2 * i + 1] = i + d / 2;
    }
    return perm;
  }

  /** Dim of the first element of pair {@code i} within a rotary block of {@code pairs} pairs. */
  int first(int i, int pairs) { return this == ADJACENT ? 2 * i : i; }

  /** Dim of the second element of pair {@code i}. */
  int second(int i, int pairs) { return this == ADJACENT ? 2 * i + 1 : i + pairs; }
}
