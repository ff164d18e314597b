package dev.focus.metrics;

import java.util.Arrays;

/**
 * Does the focus depend on the query? (spec 01 §3 "query dependence", after Su 2023 §"linear attention
 * focuses on the same keys for every query"). Matrices are {@code (R, C)} row-major, entries ranked
 * by magnitude.
 *
 * <ul>
 *   <li>{@link #topMOverlap}: mean pairwise Jaccard index of the rows' top-m key sets inside the key
 *       window all chosen rows see, next to its chance value E J for random m-subsets.
 *   <li>{@link #sharedColumnMass}: with rows at unit l1, mean over rows of (mass on the m columns of
 *       highest mean mass)/(mass on the row's own top m); near 1 means position-absolute focus.
 *   <li>{@link #singularValues}, {@link #numericalRank} (one-sided Jacobi SVD) and
 *       {@link #logAbsDetTriangular}: the decoder framing (causal matrices are triangular, full rank).
 * </ul>
 */
public final class QueryDependence {
  private QueryDependence() {}

  /**
   * Result of {@link #topMOverlap}.
   *
   * @param meanJaccard mean pairwise Jaccard index
   * @param chance E J for two independent uniform m-subsets of the window
   * @param window keys in the common window
   * @param m set size
   * @param pairs row pairs averaged
   */
  public record Overlap(double meanJaccard, double chance, int window, int m, int pairs) {}

  /**
   * Mean pairwise Jaccard index of the top-m key sets (ties to the lower index) of {@code rowsSel}
   * (null = all rows), restricted to the keys visible to every chosen row (causal: the earliest
   * query's prefix).
   *
   * @throws IllegalArgumentException if fewer than two rows, or m is not in [1, window]
   */
  public static Overlap topMOverlap(double[] a, int rows, int cols, KeyMask mask, int m, int[] rowsSel) {
    checkMatrix(a, rows, cols);
    mask.check(rows, cols);
    int[] sel = rowsSel == null ? range(rows) : rowsSel.clone();
    if (sel.length < 2) throw new IllegalArgumentException("need at least two rows, got " + sel.length);
    for (int r : sel) if (r < 0 || r >= rows) throw new IllegalArgumentException("row " + r + " outside [0, " + rows + ")");
    int[] window = new int[cols];
    int w = 0;
    for (int c = 0; c < cols; c++) {
      boolean all = true;
      for (int r : sel) if (!mask.visible(r, c)) { all = false; break; }
      if (all) window[w++] = c;
    }
    if (m < 1 || m > w) throw new IllegalArgumentException("m=" + m + " must be in [1, " + w + "] (the common key window)");
    int[][] tops = new int[sel.length][];
    for (int i = 0; i < sel.length; i++) {
      double[] v = new double[w];
      for (int j = 0; j < w; j++) v[j] = Math.abs(a[sel[i] * cols + window[j]]);
      tops[i] = topIndices(v, m);
      Arrays.sort(tops[i]);
    }
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i < sel.length; i++) {
      for (int j = i + 1; j < sel.length; j++) {
        int k = intersectionSize(tops[i], tops[j]);
        sum += (double) k / (2 * m - k);
        pairs++;
      }
    }
    return new Overlap(sum / pairs, expectedJaccard(w, m), w, m, pairs);
  }

  /**
   * {@link #topMOverlap(double[], int, int, KeyMask, int, int[])} on the explicit key window
   * [0, {@code window}) (e.g. the earliest chosen query's causal prefix, {@code window = pos + 1}).
   */
  public static Overlap topMOverlap(double[] a, int rows, int cols, int m, int[] rowsSel, int window) {
    if (window < 1 || window > cols) throw new IllegalArgumentException("window=" + window + " must be in [1, " + cols + "]");
    boolean[] table = new boolean[rows * cols];
    for (int r = 0; r < rows; r++) for (int c = 0; c < window; c++) table[r * cols + c] = true;
    return topMOverlap(a, rows, cols, KeyMask.explicit(table, rows, cols), m, rowsSel);
  }

  /**
   * E J = Σ_k C(m,k)C(n−m,m−k)/C(n,m) · k/(2m−k): the Jaccard index of two independent uniform
   * m-subsets of n items (the overlap k is hypergeometric).
   */
  public static double expectedJaccard(int n, int m) {
    if (n < 1 || m < 1 || m > n) throw new IllegalArgumentException("need 1 <= m <= n, got m=" + m + ", n=" + n);
    int kMin = Math.max(0, 2 * m - n);
    // log p(k) up to a constant, by p(k+1)/p(k) = (m−k)² / ((k+1)(n−2m+k+1))
    double[] logw = new double[m - kMin + 1];
    double max = 0;
    for (int k = kMin; k < m; k++) {
      logw[k - kMin + 1] = logw[k - kMin] + 2 * Math.log(m - k) - Math.log(k + 1.0) - Math.log(n - 2.0 * m + k + 1);
      max = Math.max(max, logw[k - kMin + 1]);
    }
    double z = 0, s = 0;
    for (int k = kMin; k <= m; k++) {
      double p = Math.exp(logw[k - kMin] - max);
      z += p;
      s += p * k / (2.0 * m - k);
    }
    return s / z;
  }

  /**
   * Shared column mass: rows normalised to unit l1 (of |a| over visible keys), the m columns of highest
   * mean mass C*, then mean over rows of mass(C*)/mass(row's own top m). All-zero rows are skipped.
   */
  public static double sharedColumnMass(double[] a, int rows, int cols, KeyMask mask, int m) {
    checkMatrix(a, rows, cols);
    mask.check(rows, cols);
    if (m < 1 || m > cols) throw new IllegalArgumentException("m=" + m + " must be in [1, " + cols + "]");
    double[] p = new double[rows * cols];
    boolean[] live = new boolean[rows];
    double[] colMean = new double[cols];
    int liveRows = 0;
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) if (mask.visible(r, c)) s += Math.abs(a[r * cols + c]);
      if (s == 0) continue;
      if (!Double.isFinite(s)) throw new IllegalArgumentException("row " + r + " has a non-finite entry");
      live[r] = true;
      liveRows++;
      for (int c = 0; c < cols; c++) {
        if (mask.visible(r, c)) {
          p[r * cols + c] = Math.abs(a[r * cols + c]) / s;
          colMean[c] += p[r * cols + c];
        }
      }
    }
    if (liveRows == 0) return Double.NaN;
    int[] shared = topIndices(colMean, m);
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      if (!live[r]) continue;
      double[] row = Arrays.copyOfRange(p, r * cols, (r + 1) * cols);
      double own = 0, sh = 0;
      for (int c : topIndices(row, m)) own += row[c];
      for (int c : shared) sh += row[c];
      sum += sh / own;
    }
    return sum / liveRows;
  }

  /**
   * Singular values of {@code a (rows, cols)}, descending, by one-sided Jacobi (Hestenes 1958):
   * column pairs are rotated until mutually orthogonal; the singular values are the column norms.
   * Cost O(sweeps·rows·cols²); meant for matrices up to a few hundred columns.
   */
  public static double[] singularValues(double[] a, int rows, int cols) {
    checkMatrix(a, rows, cols);
    double[][] u = new double[cols][rows];  // column-major copy
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) u[c][r] = a[r * cols + c];
    final double eps = 1e-15;
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < cols - 1; p++) {
        for (int q = p + 1; q < cols; q++) {
          double[] up = u[p], uq = u[q];
          double alpha = 0, beta = 0, gamma = 0;
          for (int i = 0; i < rows; i++) {
            alpha += up[i] * up[i];
            beta += uq[i] * uq[i];
            gamma += up[i] * uq[i];
          }
          if (gamma == 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) t = 1;
          double c = 1 / Math.sqrt(1 + t * t), s = c * t;
          for (int i = 0; i < rows; i++) {
            double x = up[i], y = uq[i];
            up[i] = c * x - s * y;
            uq[i] = s * x + c * y;
          }
        }
      }
      if (!rotated) break;
    }
    double[] sv = new double[cols];
    for (int c = 0; c < cols; c++) {
      double s = 0;
      for (double v : u[c]) s += v * v;
      sv[c] = Math.sqrt(s);
    }
    Arrays.sort(sv);
    for (int i = 0; i < cols / 2; i++) {
      double t = sv[i];
      sv[i] = sv[cols - 1 - i];
      sv[cols - 1 - i] = t;
    }
    return Arrays.copyOf(sv, Math.min(rows, cols));
  }

  /**
   * Number of singular values above {@code tol·σ_max}. Unreliable for causal softmax (spec 01 A8: it is
   * ill-conditioned, so this undercounts at n = 64, γ = 1); prefer {@link #logAbsDetTriangular}.
   */
  public static int numericalRank(double[] a, int rows, int cols, double tol) {
    if (!(tol >= 0)) throw new IllegalArgumentException("tol=" + tol + " must be >= 0");
    double[] sv = singularValues(a, rows, cols);
    int rank = 0;
    for (double s : sv) if (s > tol * sv[0]) rank++;
    return sv[0] == 0 ? 0 : rank;
  }

  /**
   * log|det A| = Σ_i log|a_ii| for a triangular {@code (n, n)} matrix (−∞ if a diagonal entry is 0).
   *
   * @throws IllegalArgumentException if A is neither lower nor upper triangular
   */
  public static double logAbsDetTriangular(double[] a, int n) {
    checkMatrix(a, n, n);
    if (!isLowerTriangular(a, n) && !isLowerTriangular(transpose(a, n), n)) {
      throw new IllegalArgumentException("matrix (" + n + ", " + n + ") is not triangular");
    }
    double s = 0;
    for (int i = 0; i < n; i++) s += Math.log(Math.abs(a[i * n + i]));
    return s;
  }

  /** Whether every entry above the diagonal is exactly 0. */
  public static boolean isLowerTriangular(double[] a, int n) {
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) if (a[i * n + j] != 0) return false;
    return true;
  }

  /** Indices of the m largest values (ties to the lower index), in rank order. */
  static int[] topIndices(double[] v, int m) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) idx[i] = i;
    Arrays.sort(idx, (x, y) -> {
      int c = Double.compare(v[y], v[x]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    int[] out = new int[m];
    for (int i = 0; i < m; i++) out[i] = idx[i];
    return out;
  }

  private static int intersectionSize(int[] x, int[] y) {
    int i = 0, j = 0, k = 0;
    while (i < x.length && j < y.length) {
      if (x[i] == y[j]) { k++; i++; j++; }
      else if (x[i] < y[j]) i++;
      else j++;
    }
    return k;
  }

  private static double[] transpose(double[] a, int n) {
    double[] t = new double[n * n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
    return t;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }

  private static void checkMatrix(double[] a, int rows, int cols) {
    if (rows < 1 || cols < 1 || a.length != rows * cols) {
      throw new IllegalArgumentException("matrix length " + a.length + " != rows*cols=" + rows + "*" + cols);
    }
  }
}
