package dev.focus.lab.focus;

import static dev.focus.lab.focus.FocusMath.gaussian;
import static dev.focus.lab.focus.FocusMath.meanFrom;
import static dev.focus.lab.focus.FocusMath.minDiagonal;
import static dev.focus.lab.focus.FocusMath.normaliseRows;
import static dev.focus.lab.focus.FocusMath.scaled;
import static dev.focus.lab.focus.FocusMath.unit;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.AttentionWeights;
import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.KeyMask;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.QueryDependence;
import dev.focus.metrics.Sparsity;
import dev.focus.metrics.WeightKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E6: causal n×n attention matrices (rows sum to 1) — softmax with logits N(0, γ²) and elu+1
 * linear attention with Gaussian q, k. A lower-triangular matrix with a positive diagonal is
 * non-singular (log|det A| = Σᵢ log aᵢᵢ), so "full rank" holds by construction; how far from
 * singular the matrices are is told by their singular values (one-sided Jacobi, up to {@code svdMaxN}
 * rows, where it stays under a second) and the effective rank. The question the note asks instead
 * is how concentrated each row is.
 */
public final class DecoderFraming implements Section<DecoderFraming.Settings, DecoderFraming.Result> {
  /** {@code svdMaxN}: singular values are computed for n ≤ this (the Jacobi SVD costs O(n³) per sweep). */
  public record Settings(int d, List<Integer> ns, double gamma, int svdMaxN, long seed) implements Serializable {
    public Settings {
      ns = List.copyOf(ns);
    }
  }

  /**
   * One matrix: whether it is lower-triangular, its smallest diagonal entry, log|det|, mean row S*
   * over rows ≥ 32, and its singular values in descending order (empty above {@code svdMaxN}).
   */
  public record Matrix(int n, String attention, boolean lowerTriangular, double minDiagonal, double logAbsDet, double meanRowS,
                       double[] singularValues) implements Serializable {
    public Spectrum spectrum() { return singularValues.length == 0 ? null : Spectrum.of(singularValues); }
  }

  /**
   * A summary of singular values σ: smallest, 10th percentile, median, 90th percentile and largest
   * (nearest rank on the ascending order, index round(q·(n−1))); the effective rank exp(H) of
   * p_i = σ_i/Σσ (Roy and Vetterli 2007: n equal values give n, one non-zero gives 1); the
   * participation ratio (Σσ²)²/Σσ⁴ of the squared values; Σ log σ, which equals log|det| when every
   * σ is resolved; and the numerical rank, the count of σ above n·ε·σ_max (ε = 2⁻⁵², LAPACK's usual
   * tolerance): values below it are not resolved in double precision, so σ_min and Σ log σ are then
   * only what rounding left, and log|det| (from the diagonal) is the exact figure.
   */
  public record Spectrum(double min, double p10, double median, double p90, double max, double effectiveRank,
                         double participation, double sumLog, int numericalRank) implements Serializable {
    public static Spectrum of(double[] sigma) {
      double[] s = sigma.clone();
      Arrays.sort(s);
      int n = s.length;
      double sum = 0, sum2 = 0, sum4 = 0, sumLog = 0;
      for (double v : s) {
        sum += v;
        sum2 += v * v;
        sum4 += v * v * v * v;
        sumLog += Math.log(v);
      }
      double h = 0;
      for (double v : s) if (v > 0) h -= v / sum * Math.log(v / sum);
      double tol = n * Math.ulp(1.0) * s[n - 1];
      int rank = 0;
      for (double v : s) if (v > tol) rank++;
      return new Spectrum(s[0], at(s, 0.1), at(s, 0.5), at(s, 0.9), s[n - 1], Math.exp(h), sum2 * sum2 / sum4, sumLog, rank);
    }

    private static double at(double[] ascending, double q) { return ascending[(int) Math.round(q * (ascending.length - 1))]; }

    /** σ_max/σ_min (infinite when σ_min = 0). */
    public double condition() { return max / min; }
  }

  /**
   * Every matrix, n-major; the per-row S* of both kinds at the largest n (for the chart); the
   * smallest diagonal over all; mean row S* at the largest n; the softmax limit e^(−γ²/2).
   */
  public record Result(double gamma, List<Matrix> matrices, double[] softmaxRows, double[] linearRows, double minDiagonal,
                       double meanSoftmax, double meanLinear, double softmaxLimit) implements Serializable {}

  @Override
  public Result run(Settings s, LabContext ctx) {
    int d = s.d();
    SplittableRandom rng = new SplittableRandom(s.seed());
    double gamma = s.gamma(), minDiag = Double.POSITIVE_INFINITY;
    List<Matrix> matrices = new ArrayList<>();
    double[] lastSoft = null, lastLin = null;
    for (int n : s.ns()) {
      double[] k = gaussian(rng, n * d);
      double[] qs = new double[n * d], ql = gaussian(rng, n * d);
      for (int r = 0; r < n; r++) System.arraycopy(scaled(unit(gaussian(rng, d)), gamma), 0, qs, r * d, d);
      AttentionWeights.Weights soft = AttentionWeights.generate(WeightKind.softmax(), qs, k, n, n, d, 1.0, null, KeyMask.causal());
      AttentionWeights.Weights lin = AttentionWeights.generate(
          WeightKind.linear(ElementwiseMap.ELU_PLUS_1, ElementwiseMap.ELU_PLUS_1), ql, k, n, n, d, 1.0, null, KeyMask.causal());
      double[] as = soft.a(), al = normaliseRows(lin.a(), n);
      double[] ss = Sparsity.perRow(as, n, n, KeyMask.causal(), Sparsity::sparsity);
      double[] sl = Sparsity.perRow(al, n, n, KeyMask.causal(), Sparsity::sparsity);
      double dS = minDiagonal(as, n), dL = minDiagonal(al, n);
      minDiag = Math.min(minDiag, Math.min(dS, dL));
      boolean svd = n <= s.svdMaxN();
      matrices.add(new Matrix(n, "softmax γ=2.5", QueryDependence.isLowerTriangular(as, n), dS,
          QueryDependence.logAbsDetTriangular(as, n), meanFrom(ss, 32), svd ? QueryDependence.singularValues(as, n, n) : new double[0]));
      matrices.add(new Matrix(n, "elu+1", QueryDependence.isLowerTriangular(al, n), dL,
          QueryDependence.logAbsDetTriangular(al, n), meanFrom(sl, 32), svd ? QueryDependence.singularValues(al, n, n) : new double[0]));
      lastSoft = ss;
      lastLin = sl;
    }
    return new Result(gamma, matrices, lastSoft, lastLin, minDiag, meanFrom(lastSoft, 32), meanFrom(lastLin, 32),
        Predictors.sExp(gamma));
  }
}
