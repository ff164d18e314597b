package dev.focus.lab.focus;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.Quadrature;
import dev.focus.metrics.Sparsity;
import dev.focus.metrics.SpecialFunctions;
import java.util.SplittableRandom;

/**
 * Small dense helpers of report 1's simulations: Gaussian draws, (n, d)·(d) products, row-wise
 * softmax and row statistics. Keys are (n, d) row-major; attention matrices (rows, n).
 */
final class FocusMath {
  private FocusMath() {}

  static double[] logGrid(double lo, double hi, int points) {
    double[] g = new double[points];
    for (int i = 0; i < points; i++) g[i] = lo * Math.pow(hi / lo, points == 1 ? 0 : i / (double) (points - 1));
    return g;
  }

  static double relu2(double s) {
    return s > 0 ? s * s : 0.0;
  }

  static double[] gaussian(SplittableRandom rng, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
    return x;
  }

  static double[] unit(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return scaled(v, 1 / Math.sqrt(s));
  }

  static double[] scaled(double[] v, double c) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = c * v[i];
    return out;
  }

  /** Row-wise softmax of γ·logits (rows, n), with max subtraction. */
  static double[] softmaxRows(double[] logits, int rows, int n, double gamma) {
    double[] out = new double[rows * n];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < n; j++) max = Math.max(max, gamma * logits[r * n + j]);
      for (int j = 0; j < n; j++) sum += out[r * n + j] = Math.exp(gamma * logits[r * n + j] - max);
      for (int j = 0; j < n; j++) out[r * n + j] /= sum;
    }
    return out;
  }

  /** k (n, d) · v (d) → (n); d = v.length. */
  static double[] matVec(double[] k, double[] v, int n) {
    int d = v.length;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += k[i * d + j] * v[j];
      out[i] = s;
    }
    return out;
  }

  /** Mean and s.d. of elu(z)+1 for z ~ N(0, 1), by quadrature. */
  static double[] eluMoments() {
    double[] pts = {-40, 0, 40};
    double m1 = Quadrature.integrate(z -> SpecialFunctions.normalPdf(z) * ElementwiseMap.ELU_PLUS_1.apply(z), pts, 1e-14, 0).value();
    double m2 = Quadrature.integrate(z -> {
      double v = ElementwiseMap.ELU_PLUS_1.apply(z);
      return SpecialFunctions.normalPdf(z) * v * v;
    }, pts, 1e-14, 0).value();
    return new double[] {m1, Math.sqrt(m2 - m1 * m1)};
  }

  static double meanRowSparsity(double[] a, int rows, int cols) {
    double s = 0;
    for (int r = 0; r < rows; r++) s += Sparsity.sparsityOfRange(a, r * cols, (r + 1) * cols);
    return s / rows;
  }

  static double[] normaliseRows(double[] a, int n) {
    double[] out = a.clone();
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int c = 0; c < n; c++) s += out[r * n + c];
      for (int c = 0; c < n; c++) out[r * n + c] /= s;
    }
    return out;
  }

  static double minDiagonal(double[] a, int n) {
    double m = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.min(m, a[i * n + i]);
    return m;
  }

  static double meanFrom(double[] v, int from) {
    double s = 0;
    for (int i = from; i < v.length; i++) s += v[i];
    return s / (v.length - from);
  }

  /** Half-width of the 95% interval of the mean: 1.96 standard errors (0 for fewer than two values). */
  static double ci95(double[] a) {
    if (a.length < 2) return 0;
    double m = mean(a), s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return 1.96 * Math.sqrt(s / (a.length - 1) / a.length);
  }
}
