package dev.focus.position;

import java.util.Arrays;

/**
 * A rotary frequency plan, spec 04 §4: frequency index i (i &lt; d/2) turns by φ_i = pos[axisOf[i]]·θ_i,
 * and the pair layout says which two dims it rotates. RoPE-1D, RoPE-2D/3D, M-RoPE, RoPE-Tie and
 * RoPE-TV are all one plan each; {@link RopeTable} applies any of them.
 *
 * <p>θ_i = b^(−2i/d) is computed in float64 as {@code 1.0/Math.pow(b, 2.0*i/d)} (the bit-exact
 * compatibility rule: every plan built from the same (d, b) shares this exact array). Scaled plans
 * ({@link RopeScaling}) replace θ before axes are assigned.
 *
 * @param theta  (d/2,) angular frequency per frequency index
 * @param axisOf (d/2,) coordinate axis driving each frequency index
 * @param layout which dims form each pair
 */
public record FrequencyPlan(double[] theta, int[] axisOf, PairLayout layout) {

  public FrequencyPlan {
    if (theta == null || axisOf == null || layout == null) throw new IllegalArgumentException("FrequencyPlan: null argument");
    if (theta.length != axisOf.length) {
      throw new IllegalArgumentException("FrequencyPlan: theta has " + theta.length + " entries but axisOf has " + axisOf.length);
    }
    if (theta.length == 0) throw new IllegalArgumentException("FrequencyPlan: at least one frequency (dim >= 2) is needed");
    for (int i = 0; i < theta.length; i++) {
      if (!Double.isFinite(theta[i])) throw new IllegalArgumentException("FrequencyPlan: theta[" + i + "]=" + theta[i] + " is not finite");
      if (axisOf[i] < 0 || axisOf[i] > 2) throw new IllegalArgumentException("FrequencyPlan: axisOf[" + i + "]=" + axisOf[i] + " must be 0, 1 or 2");
    }
    theta = theta.clone();
    axisOf = axisOf.clone();
  }

  /** θ_i = b^(−2i/d) for i &lt; d/2, in float64 (spec 04 §3.1). */
  public static double[] ropeTheta(int dim, double base) {
    checkDim(dim);
    if (!(base > 1.0) || Double.isInfinite(base)) throw new IllegalArgumentException("rope base=" + base + " must be a finite number > 1");
    double[] t = new double[dim / 2];
    for (int i = 0; i < t.length; i++) t[i] = 1.0 / Math.pow(base, 2.0 * i / dim);
    return t;
  }

  /** RoPE-1D over {@code dim} dims. */
  public static FrequencyPlan oneD(int dim, double base, PairLayout layout) {
    return of(dim, base, AxisAssignment.oneD(), layout);
  }

  /** A plan from θ = b^(−2i/d) (per axis for {@link AxisAssignment.Halves}) and an axis assignment. */
  public static FrequencyPlan of(int dim, double base, AxisAssignment axes, PairLayout layout) {
    checkDim(dim);
    int[] axisOf = axes.axisOf(dim / 2);
    double[] theta;
    if (axes.sharesTheta()) {
      theta = ropeTheta(dim, base);
    } else {
      theta = new double[dim / 2];
      int per = dim / axes.axes();
      double[] sub = ropeTheta(per, base);
      for (int i = 0; i < theta.length; i++) theta[i] = sub[i % (per / 2)];
    }
    return new FrequencyPlan(theta, axisOf, layout);
  }

  /** The same axes and layout with scaled frequencies θ′ (spec 04 §3.2: scaling precedes axis assignment). */
  public FrequencyPlan withTheta(double[] scaled) {
    return new FrequencyPlan(scaled, axisOf, layout);
  }

  /** Number of frequency indices, d/2. */
  public int pairs() { return theta.length; }

  /** Dims rotated per head, d (partial rotary: the leading d dims of a longer head). */
  public int rotaryDim() { return 2 * theta.length; }

  /** Number of coordinate axes the plan reads (1 + the largest axisOf). */
  public int axes() {
    int m = 0;
    for (int a : axisOf) m = Math.max(m, a);
    return m + 1;
  }

  @Override public double[] theta() { return theta.clone(); }

  @Override public int[] axisOf() { return axisOf.clone(); }

  double thetaAt(int i) { return theta[i]; }

  int axisAt(int i) { return axisOf[i]; }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrequencyPlan p && Arrays.equals(theta, p.theta) && Arrays.equals(axisOf, p.axisOf) && layout == p.layout;
  }

  @Override
  public int hashCode() { return 31 * (31 * Arrays.hashCode(theta) + Arrays.hashCode(axisOf)) + layout.hashCode(); }

  @Override
  public String toString() {
    return "FrequencyPlan[d=" + rotaryDim() + ", axes=" + axes() + ", " + layout + "]";
  }

  static void checkDim(int dim) {
    if (dim < 2 || dim % 2 != 0) throw new IllegalArgumentException("rotary dim=" + dim + " must be even and >= 2");
  }
}
