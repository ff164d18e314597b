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
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E6: causal n×n attention matrices (rows sum to 1) — softmax with logits N(0, γ²) and elu+1
 * linear attention with Gaussian q, k. A lower-triangular matrix with a positive diagonal is
 * non-singular (log|det A| = Σᵢ log aᵢᵢ); the question is how concentrated each row is.
 */
public final class DecoderFraming implements Section<DecoderFraming.Settings, DecoderFraming.Result> {
  public record Settings(int d, List<Integer> ns, double gamma, long seed) implements Serializable {
    public Settings {
      ns = List.copyOf(ns);
    }
  }

  /** One matrix: whether it is lower-triangular, its smallest diagonal entry, log|det| and mean row S* over rows ≥ 32. */
  public record Matrix(int n, String attention, boolean lowerTriangular, double minDiagonal, double logAbsDet, double meanRowS)
      implements Serializable {}

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
      matrices.add(new Matrix(n, "softmax γ=2.5", QueryDependence.isLowerTriangular(as, n), dS,
          QueryDependence.logAbsDetTriangular(as, n), meanFrom(ss, 32)));
      matrices.add(new Matrix(n, "elu+1", QueryDependence.isLowerTriangular(al, n), dL,
          QueryDependence.logAbsDetTriangular(al, n), meanFrom(sl, 32)));
      lastSoft = ss;
      lastLin = sl;
    }
    return new Result(gamma, matrices, lastSoft, lastLin, minDiag, meanFrom(lastSoft, 32), meanFrom(lastLin, 32),
        Predictors.sExp(gamma));
  }
}
