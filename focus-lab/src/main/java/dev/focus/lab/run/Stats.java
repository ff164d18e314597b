package dev.focus.lab.run;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Summary statistics the reports quote: mean and sample standard deviation over seeds or draws, the
 * 95% interval of a mean over seeds, and durations in words. The one place that computes an interval
 * over seeds: every table with "mean ± interval" and every verdict that needs the interval of a
 * difference on the claimed side calls {@link #interval95}.
 */
public final class Stats {
  private Stats() {}

  public static double mean(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s / a.length;
  }

  /** The mean of one number read off each of {@code xs} (a field of per-seed records, say). */
  public static <T> double mean(List<T> xs, ToDoubleFunction<? super T> f) {
    return mean(xs.stream().mapToDouble(f).toArray());
  }

  /** The {@code q}-quantile of {@code v} (0 ≤ q ≤ 1), interpolating linearly between order statistics. */
  public static double percentile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double at = q * (s.length - 1);
    int lo = (int) Math.floor(at), hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (at - lo) * (s[hi] - s[lo]);
  }

  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  public static double sd(double[] a) {
    if (a.length < 2) return 0;
    double m = mean(a), s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return Math.sqrt(s / (a.length - 1));
  }

  /**
   * The mean of {@code n} values with its 95% interval {@code [lo, hi]} = mean ± t·sd/√n, t the 0.975
   * quantile of Student's t with n − 1 degrees of freedom. With one value the interval is unknown
   * (lo = −∞, hi = +∞): one seed says nothing about the spread.
   */
  public record Interval(double mean, double lo, double hi, int n) {
    /** Half the width, mean − lo (∞ for one value). */
    public double halfWidth() { return mean - lo; }

    /** True when the whole interval is above {@code x} (a difference "on the claimed side" of 0). */
    public boolean above(double x) { return lo > x; }

    /** True when the whole interval is below {@code x}. */
    public boolean below(double x) { return hi < x; }

    /** "0.512 ± 0.031" with {@code digits} decimals, or "0.512 (1 seed)" for one value. */
    public String format(int digits) {
      String f = "%." + digits + "f";
      return n < 2 ? String.format(Locale.ROOT, f + " (1 seed)", mean)
          : String.format(Locale.ROOT, f + " ± " + f, mean, halfWidth());
    }
  }

  /** The 95% interval of the mean of {@code a} (at least one value). */
  public static Interval interval95(double[] a) {
    if (a.length == 0) throw new IllegalArgumentException("no values to summarise");
    double m = mean(a);
    if (a.length < 2) return new Interval(m, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1);
    double h = tQuantile975(a.length - 1) * sd(a) / Math.sqrt(a.length);
    return new Interval(m, m - h, m + h, a.length);
  }

  /** The 95% interval of the mean difference a[i] − b[i] over paired seeds. */
  public static Interval pairedDifference95(double[] a, double[] b) {
    if (a.length != b.length) throw new IllegalArgumentException(a.length + " values paired with " + b.length);
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) d[i] = a[i] - b[i];
    return interval95(d);
  }

  /** Student's t 0.975 quantiles for 1..30 degrees of freedom (to 3 decimals). */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
      2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
      2.045, 2.042};

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom (beyond 30: a 1/df expansion around 1.960). */
  public static double tQuantile975(int df) {
    if (df < 1) throw new IllegalArgumentException("df=" + df + " must be >= 1");
    if (df <= T975.length) return T975[df - 1];
    double z = 1.959964;
    // Cornish–Fisher expansion of t in powers of 1/df (two terms: within 1e-3 beyond 30).
    return z + (z * z * z + z) / (4.0 * df) + (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / (96.0 * df * df);
  }

  /** A duration in words: "42.0s", "3m07s", "1h05m". */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds)) return "?";
    long s = Math.round(seconds);
    if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
  }
}
