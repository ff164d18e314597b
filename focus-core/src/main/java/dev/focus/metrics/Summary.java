package dev.focus.metrics;

import java.util.Arrays;

/**
 * Summary of a per-row metric over rows, heads or a layer, keeping only rows that see at least
 * {@code nMin} keys (short causal prefixes are trivially dense or sparse) and skipping NaN rows
 * (all-zero rows).
 *
 * @param count rows summarised
 * @param skipped rows dropped (n &lt; nMin or NaN)
 * @param mean mean
 * @param sd sample standard deviation (n−1; 0 for one row)
 * @param min minimum
 * @param median median (mean of the middle two for an even count)
 * @param max maximum
 */
public record Summary(int count, int skipped, double mean, double sd, double min, double median, double max) {

  /** Summary of {@code values[i]} over rows with {@code n[i] >= nMin}; all NaN fields when none is left. */
  public static Summary of(double[] values, int[] n, int nMin) {
    if (values.length != n.length) {
      throw new IllegalArgumentException("values length " + values.length + " != counts length " + n.length);
    }
    double[] kept = new double[values.length];
    int k = 0;
    for (int i = 0; i < values.length; i++) {
      if (n[i] >= nMin && !Double.isNaN(values[i])) kept[k++] = values[i];
    }
    return ofKept(Arrays.copyOf(kept, k), values.length - k);
  }

  /** Summary of all values, skipping NaN. */
  public static Summary of(double[] values) {
    int[] n = new int[values.length];
    Arrays.fill(n, Integer.MAX_VALUE);
    return of(values, n, 0);
  }

  /**
   * One summary per head of {@code values (heads, rows)} with per-row key counts {@code n (rows)}
   * shared by all heads.
   */
  public static Summary[] perHead(double[] values, int heads, int[] n, int nMin) {
    int rows = n.length;
    if (values.length != heads * rows) {
      throw new IllegalArgumentException("values length " + values.length + " != heads*rows=" + heads + "*" + rows);
    }
    Summary[] out = new Summary[heads];
    for (int h = 0; h < heads; h++) {
      out[h] = of(Arrays.copyOfRange(values, h * rows, (h + 1) * rows), n, nMin);
    }
    return out;
  }

  /** Layer summary: all heads' rows of {@code values (heads, rows)} pooled. */
  public static Summary layer(double[] values, int heads, int[] n, int nMin) {
    int rows = n.length;
    if (values.length != heads * rows) {
      throw new IllegalArgumentException("values length " + values.length + " != heads*rows=" + heads + "*" + rows);
    }
    int[] all = new int[values.length];
    for (int h = 0; h < heads; h++) System.arraycopy(n, 0, all, h * rows, rows);
    return of(values, all, nMin);
  }

  private static Summary ofKept(double[] v, int skipped) {
    int k = v.length;
    if (k == 0) return new Summary(0, skipped, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    Arrays.sort(v);
    double mean = 0;
    for (double x : v) mean += x;
    mean /= k;
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    double sd = k > 1 ? Math.sqrt(ss / (k - 1)) : 0.0;
    double median = (k & 1) == 1 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    return new Summary(k, skipped, mean, sd, v[0], median, v[k - 1]);
  }
}
