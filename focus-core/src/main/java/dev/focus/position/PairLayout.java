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

  /** Dim of the first element of pair {@code i} within a rotary block of {@code pairs} pairs. */
  int first(int i, int pairs) { return this == ADJACENT ? 2 * i : i; }

  /** Dim of the second element of pair {@code i}. */
  int second(int i, int pairs) { return this == ADJACENT ? 2 * i + 1 : i + pairs; }
}
