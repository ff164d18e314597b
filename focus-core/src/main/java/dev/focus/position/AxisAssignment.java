package dev.focus.position;

import java.util.Arrays;

/**
 * How rotary frequency indices are shared out among coordinate axes (spec 04 §4). Every variant
 * fills {@code axisOf[i]}, the axis whose coordinate drives frequency i; {@link FrequencyPlan} does
 * the rest.
 *
 * <ul>
 *   <li>{@link Interleaved}: axisOf[i] = i mod k. k = 1 is plain RoPE-1D; k = 2 is [S1]'s RoPE-2D
 *       (pair 0 the row, pair 1 the column, …); k = 3 is a Focus extension (22/21/21 pairs at d = 128).
 *   <li>{@link Blocked}: contiguous runs of frequency indices, Σ sections = d/2 (Qwen2-VL: 16, 24, 24).
 *   <li>{@link Halves}: [S2]/[S3]: each axis gets its own RoPE-1D over d/k dims, so its θ restart.
 * </ul>
 * Option 1 (θ_i = b^(−2i/d) shared by all axes, the Focus default) is what {@code Interleaved} and
 * {@code Blocked} give; they partition the RoPE-1D frequency set, so (n, n[, n]) equals RoPE-1D
 * bit for bit (the compatibility rule of §4).
 */
public sealed interface AxisAssignment {

  /** Number of coordinate axes. */
  int axes();

  /** axisOf[i] for {@code pairs} frequency indices; throws when this assignment cannot split them. */
  int[] axisOf(int pairs);

  /** True when every axis shares the RoPE-1D θ array (option 1); false for {@link Halves}. */
  default boolean sharesTheta() { return true; }

  /** Plain RoPE-1D: a single axis. */
  static AxisAssignment oneD() { return new Interleaved(1); }

  /** axisOf[i] = i mod k. */
  record Interleaved(int k) implements AxisAssignment {
    public Interleaved {
      if (k < 1 || k > 3) throw new IllegalArgumentException("INTERLEAVED(k): k=" + k + " must be 1, 2 or 3");
    }

    @Override public int axes() { return k; }

    @Override
    public int[] axisOf(int pairs) {
      // Spec 04 §4: INTERLEAVED(2) needs d % 4 = 0, i.e. an even number of pairs (equal row/col shares).
      if (k == 2 && pairs % 2 != 0) {
        throw new IllegalArgumentException("INTERLEAVED(2) needs dim % 4 == 0 but dim=" + 2 * pairs);
      }
      if (pairs < k) throw new IllegalArgumentException("INTERLEAVED(" + k + ") needs dim >= " + 2 * k + " but dim=" + 2 * pairs);
      int[] a = new int[pairs];
      for (int i = 0; i < pairs; i++) a[i] = i % k;
      return a;
    }

    @Override public String toString() { return "INTERLEAVED(" + k + ")"; }
  }

  /** Contiguous sections: the first sections[0] frequency indices take axis 0, and so on. */
  record Blocked(int[] sections) implements AxisAssignment {
    public Blocked {
      if (sections == null || sections.length < 1 || sections.length > 3) {
        throw new IllegalArgumentException("BLOCKED sections " + Arrays.toString(sections) + " must have 1 to 3 entries");
      }
      for (int s : sections) {
        if (s < 0) throw new IllegalArgumentException("BLOCKED sections " + Arrays.toString(sections) + " must be >= 0");
      }
      sections = sections.clone();
    }

    @Override public int axes() { return sections.length; }

    @Override
    public int[] axisOf(int pairs) {
      int sum = 0;
      for (int s : sections) sum += s;
      if (sum != pairs) {
        throw new IllegalArgumentException("sections " + Arrays.toString(sections) + " sum to " + sum
            + " but must sum to dim/2=" + pairs);
      }
      int[] a = new int[pairs];
      int i = 0;
      for (int axis = 0; axis < sections.length; axis++) {
        for (int n = 0; n < sections[axis]; n++) a[i++] = axis;
      }
      return a;
    }

    @Override public int[] sections() { return sections.clone(); }

    @Override public String toString() { return "BLOCKED" + Arrays.toString(sections); }

    @Override public boolean equals(Object o) { return o instanceof Blocked b && Arrays.equals(sections, b.sections); }

    @Override public int hashCode() { return Arrays.hashCode(sections); }
  }

  /**
   * [S2]/[S3]: k independent RoPE-1Ds over d/k dims each (θ restarts per axis; option 2 up to a
   * permutation). Under {@code ADJACENT} axis a owns dims [a·d/k, (a+1)·d/k) exactly; under {@code HALF}
   * the pairs are (j, j+d/2) across the whole head, a fixed dim permutation of per-axis rotate_half.
   */
  record Halves(int k) implements AxisAssignment {
    public Halves {
      if (k < 1 || k > 3) throw new IllegalArgumentException("HALVES(k): k=" + k + " must be 1, 2 or 3");
    }

    @Override public int axes() { return k; }

    @Override
    public int[] axisOf(int pairs) {
      if (pairs % k != 0) {
        throw new IllegalArgumentException("HALVES(" + k + ") needs dim divisible by " + 2 * k + " but dim=" + 2 * pairs);
      }
      int[] a = new int[pairs];
      for (int i = 0; i < pairs; i++) a[i] = i / (pairs / k);
      return a;
    }

    @Override public boolean sharesTheta() { return false; }

    @Override public String toString() { return "HALVES(" + k + ")"; }
  }
}
