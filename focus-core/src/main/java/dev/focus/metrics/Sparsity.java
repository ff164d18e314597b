package dev.focus.metrics;

import dev.focus.kernel.Parallel;
import java.util.function.ToDoubleFunction;

/**
 * Concentration of one attention row (spec 01 §2): the length-normalised l1/l2 ratio S* and its
 * relatives. Smaller S* means sparser; S* ∈ [n^{-1/2}, 1].
 *
 * <p>With power means M_r = ((1/n)Σ|x_i|^r)^{1/r} and M_∞ = max|x_i|:
 * <ul>
 *   <li>S* = S*_{1,2} = M_1/M_2 = n^{-1/2}‖x‖₁/‖x‖₂; S*_{q,p} = M_q/M_p (0 &lt; q &lt; p ≤ ∞);
 *   <li>S_{1,p} = M_1/‖x‖_p (not length-normalised; p = ∞ gives S_0 = M_1/M_∞);
 *   <li>PR = ‖x‖₁²/‖x‖₂² = n·S*², ρ = S*²;
 *   <li>entropies of p = |x|/‖x‖₁ in nats: Shannon H₁ and Rényi H_α = log(Σp^α)/(1−α); H₂ = log PR.
 * </ul>
 *
 * <p>Conventions for every method: |x| is divided by max|x| before any power, so rows scaled by
 * 10^{±300} give the same value; an all-zero row gives NaN; a NaN or infinite value throws an
 * {@link IllegalArgumentException} naming its index and value. Masked variants drop the masked
 * entries (they do not count in n); zeros inside the window count.
 *
 * <p>Shapes: rows are {@code double[n]}; matrices {@code (R, C)} row-major; heads {@code (H, R, C)}.
 */
public final class Sparsity {
  private Sparsity() {}

  // ---------------------------------------------------------------- single rows

  /** S* = M_1/M_2 of the whole row. */
  public static double sparsity(double[] x) {
    return sparsityOfRange(x, 0, x.length);
  }

  /** S* of x[from, to) (named apart from {@link #sparsity(double[], double, double)}, whose int arguments would bind here). */
  public static double sparsityOfRange(double[] x, int from, int to) {
    double m = maxAbs(x, from, to);
    if (m == 0) return Double.NaN;
    double s1 = 0, s2 = 0;
    for (int i = from; i < to; i++) {
      double y = Math.abs(x[i]) / m;
      s1 += y;
      s2 += y * y;
    }
    return s1 / Math.sqrt((to - from) * s2);
  }

  /** S* of the entries of x where {@code visible[i]} is true. */
  public static double sparsity(double[] x, boolean[] visible) {
    return sparsity(visibleEntries(x, visible));
  }

  /**
   * S*_{q,p} = M_q/M_p ∈ [n^{1/p−1/q}, 1]; {@code p} may be {@link Double#POSITIVE_INFINITY}.
   *
   * @throws IllegalArgumentException unless 0 &lt; q &lt; p
   */
  public static double sparsity(double[] x, double q, double p) {
    if (!(q > 0) || !(p > q)) throw new IllegalArgumentException("need 0 < q < p, got q=" + q + ", p=" + p);
    double m = maxAbs(x, 0, x.length);
    if (m == 0) return Double.NaN;
    int n = x.length;
    double mq = powerMean(x, m, q, n);
    double mp = p == Double.POSITIVE_INFINITY ? 1.0 : powerMean(x, m, p, n);
    return mq / mp;
  }

  /**
   * S_{1,p} = M_1/‖x‖_p (un-normalised; grows under cloning x‖x for finite p). p = ∞ gives S_0 = M_1/M_∞.
   *
   * @throws IllegalArgumentException unless p ≥ 1
   */
  public static double sparsityRaw(double[] x, double p) {
    if (!(p >= 1)) throw new IllegalArgumentException("p=" + p + " must be >= 1");
    double m = maxAbs(x, 0, x.length);
    if (m == 0) return Double.NaN;
    int n = x.length;
    double s1 = 0;
    for (double v : x) s1 += Math.abs(v) / m;
    double norm;
    if (p == Double.POSITIVE_INFINITY) norm = 1.0;
    else {
      double sp = 0;
      for (double v : x) sp += Math.pow(Math.abs(v) / m, p);
      norm = Math.pow(sp, 1.0 / p);
    }
    return (s1 / n) / norm;
  }

  /** Participation ratio PR = ‖x‖₁²/‖x‖₂² = n·S*² (m equal non-zeros give m). */
  public static double participationRatio(double[] x) {
    double m = maxAbs(x, 0, x.length);
    if (m == 0) return Double.NaN;
    double s1 = 0, s2 = 0;
    for (double v : x) {
      double y = Math.abs(v) / m;
      s1 += y;
      s2 += y * y;
    }
    return s1 * s1 / s2;
  }

  /** Effective fraction ρ = S*² = PR/n. */
  public static double effectiveFraction(double[] x) {
    return participationRatio(x) / x.length;
  }

  /** Shannon entropy H₁ = −Σ p_i ln p_i of p = |x|/‖x‖₁, in nats (0·ln 0 = 0). */
  public static double shannonEntropy(double[] x) {
    double m = maxAbs(x, 0, x.length);
    if (m == 0) return Double.NaN;
    double s1 = 0;
    for (double v : x) s1 += Math.abs(v) / m;
    double h = 0;
    for (double v : x) {
      double p = Math.abs(v) / m / s1;
      if (p > 0) h -= p * Math.log(p);
    }
    return h;
  }

  /**
   * Rényi entropy H_α = log(Σ p_i^α)/(1−α) of p = |x|/‖x‖₁, in nats. α = 1 gives Shannon, α = 0 log|supp|,
   * α = ∞ gives −log max p.
   *
   * @throws IllegalArgumentException if α is negative or NaN
   */
  public static double renyiEntropy(double[] x, double alpha) {
    if (!(alpha >= 0)) throw new IllegalArgumentException("alpha=" + alpha + " must be >= 0");
    if (alpha == 1) return shannonEntropy(x);
    double m = maxAbs(x, 0, x.length);
    if (m == 0) return Double.NaN;
    double s1 = 0;
    int support = 0;
    for (double v : x) {
      s1 += Math.abs(v) / m;
      if (v != 0) support++;
    }
    if (alpha == 0) return Math.log(support);
    if (alpha == Double.POSITIVE_INFINITY) return Math.log(s1);  // max p = 1/s1 after normalising by the max
    double s = 0;
    for (double v : x) {
      double p = Math.abs(v) / m / s1;
      if (p > 0) s += Math.pow(p, alpha);
    }
    return Math.log(s) / (1 - alpha);
  }

  // ---------------------------------------------------------------- matrices and heads

  /** The visible entries of x, in order. */
  public static double[] visibleEntries(double[] x, boolean[] visible) {
    if (visible.length != x.length) {
      throw new IllegalArgumentException("mask length " + visible.length + " != row length " + x.length);
    }
    int n = 0;
    for (boolean b : visible) if (b) n++;
    double[] out = new double[n];
    for (int i = 0, j = 0; i < x.length; i++) if (visible[i]) out[j++] = x[i];
    return out;
  }

  /** The visible entries of row r of a {@code (rows, cols)} matrix starting at {@code offset}. */
  public static double[] visibleRow(double[] a, int offset, int r, int cols, KeyMask mask) {
    int n = mask.count(r, cols);
    double[] out = new double[n];
    int base = offset + r * cols, j = 0;
    for (int c = 0; c < cols && j < n; c++) if (mask.visible(r, c)) out[j++] = a[base + c];
    return out;
  }

  /** Visible key count n_r of every row. */
  public static int[] visibleCounts(int rows, int cols, KeyMask mask) {
    mask.check(rows, cols);
    int[] n = new int[rows];
    for (int r = 0; r < rows; r++) n[r] = mask.count(r, cols);
    return n;
  }

  /**
   * A row metric (e.g. {@code Sparsity::sparsity}, {@code Sparsity::participationRatio}) on every
   * visible row of {@code a (rows, cols)}. Rows with no visible key give NaN.
   */
  public static double[] perRow(double[] a, int rows, int cols, KeyMask mask, ToDoubleFunction<double[]> metric) {
    return perHead(a, 1, rows, cols, mask, metric);
  }

  /** A row metric on every row of every head of {@code a (heads, rows, cols)}; result {@code (heads, rows)}. */
  public static double[] perHead(double[] a, int heads, int rows, int cols, KeyMask mask, ToDoubleFunction<double[]> metric) {
    if (a.length != heads * rows * cols) {
      throw new IllegalArgumentException("array length " + a.length + " != heads*rows*cols=" + heads + "*" + rows + "*" + cols);
    }
    mask.check(rows, cols);
    double[] out = new double[heads * rows];
    for (int h = 0; h < heads; h++) {
      for (int r = 0; r < rows; r++) {
        double[] row = visibleRow(a, h * rows * cols, r, cols, mask);
        out[h * rows + r] = row.length == 0 ? Double.NaN : metric.applyAsDouble(row);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- all metrics of a row at once

  /**
   * Every metric of one row, from one pass over its visible entries (for hooks that stream many rows).
   *
   * @param n visible keys
   * @param sparsity S*
   * @param participationRatio PR = n·S*²
   * @param shannon H₁ in nats
   * @param renyi2 H₂ = log PR
   */
  public record RowStats(int n, double sparsity, double participationRatio, double shannon, double renyi2) {
    /** ρ = S*². */
    public double effectiveFraction() { return sparsity * sparsity; }
  }

  /** {@link RowStats} of a row (NaN metrics for an all-zero row). */
  public static RowStats rowStats(double[] x) {
    int n = x.length;
    double m = maxAbs(x, 0, n);
    if (m == 0) return new RowStats(n, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    double s1 = 0, s2 = 0;
    for (double v : x) {
      double y = Math.abs(v) / m;
      s1 += y;
      s2 += y * y;
    }
    double h = 0;
    for (double v : x) {
      double p = Math.abs(v) / m / s1;
      if (p > 0) h -= p * Math.log(p);
    }
    double pr = s1 * s1 / s2;
    return new RowStats(n, s1 / Math.sqrt(n * s2), pr, h, Math.log(pr));
  }

  /**
   * {@link RowStats} of every row of every head of a float buffer {@code a (heads, rows, cols)} starting
   * at {@code offset} (e.g. one batch element of post-softmax weights (B, NH, T, T)); the values are
   * widened to double. Result {@code [heads*rows]}, head-major; rows with no visible key get n = 0 and NaN.
   */
  public static RowStats[] rowStats(float[] a, int offset, int heads, int rows, int cols, KeyMask mask) {
    if (offset < 0 || a.length - offset < heads * rows * cols) {
      throw new IllegalArgumentException("need heads*rows*cols=" + heads + "*" + rows + "*" + cols + " values from offset "
          + offset + ", buffer has " + a.length);
    }
    mask.check(rows, cols);
    RowStats[] out = new RowStats[heads * rows];
    // rows are independent: spread (head, row) pairs over the shared pool when there are many
    Parallel.forRange(heads * rows, Math.max(1, 65536 / Math.max(1, cols)), (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        int r = i % rows;
        int n = mask.count(r, cols);
        if (n == 0) {
          out[i] = new RowStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
          continue;
        }
        double[] row = new double[n];
        int base = offset + i * cols;
        for (int c = 0, j = 0; c < cols && j < n; c++) if (mask.visible(r, c)) row[j++] = a[base + c];
        out[i] = rowStats(row);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** max|x_i| over [from, to); throws on a non-finite value, naming its index. */
  static double maxAbs(double[] x, int from, int to) {
    if (from >= to) throw new IllegalArgumentException("empty row [" + from + ", " + to + ")");
    double m = 0;
    for (int i = from; i < to; i++) {
      double v = x[i];
      if (!Double.isFinite(v)) throw new IllegalArgumentException("x[" + i + "]=" + v + " is not finite");
      double a = Math.abs(v);
      if (a > m) m = a;
    }
    return m;
  }

  private static double powerMean(double[] x, double m, double r, int n) {
    double s = 0;
    if (r == 1) for (double v : x) s += Math.abs(v) / m;
    else if (r == 2) for (double v : x) { double y = Math.abs(v) / m; s += y * y; }
    else for (double v : x) s += Math.pow(Math.abs(v) / m, r);
    return Math.pow(s / n, 1.0 / r);
  }
}
