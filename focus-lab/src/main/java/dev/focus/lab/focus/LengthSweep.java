package dev.focus.lab.focus;

import static dev.focus.lab.focus.FocusMath.ci95;
import static dev.focus.lab.focus.FocusMath.gaussian;
import static dev.focus.lab.focus.FocusMath.matVec;
import static dev.focus.lab.focus.FocusMath.relu2;
import static dev.focus.lab.focus.FocusMath.unit;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.Sparsity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E2: S* against the length n = 2⁶ … 2^maxLog for softmax at γ = 1, 2, 3, identity, relu²
 * at t = 0 and −1, elu+1 linear attention, and fixed decay λ = 0.9, 0.99, 0.999, each beside its
 * n → ∞ predictor. Keys k_j ~ N(0, I_d); softmax uses a query of norm γ, so the logits are exactly
 * N(0, γ²).
 */
public final class LengthSweep implements Section<LengthSweep.Settings, LengthSweep.Result> {
  public record Settings(int d, int maxLog, int queries, long seed) implements Serializable {}

  /**
   * {@code kinds} names the rows of the (kind, length) arrays: seven simulated kinds, then decay at
   * each λ (whose S* is exact, ci 0). {@code eluMoments} is (μ̃, σ̃) of elu+1 of a standard normal.
   */
  public record Result(int d, int queries, int maxLog, List<String> kinds, int simulated, double[] lambdas, double[] ns,
                       double[][] sMean, double[][] sCi, double[][] predictor, double[] eluMoments) implements Serializable {}

  static final List<String> SIMULATED = List.of("softmax γ=1", "softmax γ=2", "softmax γ=3", "identity", "relu² t=0",
      "relu² t=−1", "elu+1");
  static final double[] LAMBDAS = {0.9, 0.99, 0.999};

  @Override
  public Result run(Settings s, LabContext ctx) {
    int d = s.d(), queries = s.queries();
    SplittableRandom rng = new SplittableRandom(s.seed());
    int kinds = SIMULATED.size(), lengths = s.maxLog() - 6 + 1;
    double[] ns = new double[lengths];
    double[][] sMean = new double[kinds + LAMBDAS.length][lengths], sCi = new double[kinds + LAMBDAS.length][lengths];
    double[][] pred = new double[kinds + LAMBDAS.length][lengths];
    double[] elu = FocusMath.eluMoments();
    for (int li = 0; li < lengths; li++) {
      int n = 1 << (6 + li);
      ns[li] = n;
      double[] k = gaussian(rng, n * d);
      double[] hk = new double[n * d];
      for (int i = 0; i < hk.length; i++) hk[i] = ElementwiseMap.ELU_PLUS_1.apply(k[i]);
      double[][] sq = new double[kinds][queries];
      double[] eluPred = new double[queries];
      double[] x = new double[n];
      for (int qi = 0; qi < queries; qi++) {
        double[] u = unit(gaussian(rng, d));
        double[] logits = matVec(k, u, n); // ~ N(0, 1): ‖u‖ = 1, keys N(0, I)
        for (int g = 0; g < 3; g++) {
          double gamma = g + 1, max = Double.NEGATIVE_INFINITY;
          for (double v : logits) max = Math.max(max, gamma * v);
          for (int j = 0; j < n; j++) x[j] = Math.exp(gamma * logits[j] - max);
          sq[g][qi] = Sparsity.sparsity(x);
        }
        sq[3][qi] = Sparsity.sparsity(logits);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j]);
        sq[4][qi] = Sparsity.sparsity(x);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j] - 1);
        sq[5][qi] = Sparsity.sparsity(x);
        double[] z = gaussian(rng, d);
        double[] gq = ElementwiseMap.ELU_PLUS_1.applyAll(z, 0, d);
        sq[6][qi] = Sparsity.sparsity(matVec(hk, gq, n));
        eluPred[qi] = Predictors.sIidLinear(gq, elu[0], elu[1]);
      }
      for (int kI = 0; kI < kinds; kI++) {
        sMean[kI][li] = mean(sq[kI]);
        sCi[kI][li] = ci95(sq[kI]);
      }
      pred[0][li] = Predictors.sExp(1);
      pred[1][li] = Predictors.sExp(2);
      pred[2][li] = Predictors.sExp(3);
      pred[3][li] = Predictors.sIdentity(0);
      pred[4][li] = Predictors.sRelu2(0);
      pred[5][li] = Predictors.sRelu2(-1);
      pred[6][li] = mean(eluPred);
      for (int l = 0; l < LAMBDAS.length; l++) {
        double[] a = new double[n];
        for (int j = 0; j < n; j++) a[j] = Math.pow(LAMBDAS[l], n - 1 - j);
        sMean[kinds + l][li] = Sparsity.sparsity(a);
        pred[kinds + l][li] = Predictors.sDecay(LAMBDAS[l], n);
      }
      if (ctx.cancelled()) break;
    }
    List<String> names = new ArrayList<>(SIMULATED);
    for (double l : LAMBDAS) names.add("decay λ=" + l);
    return new Result(d, queries, s.maxLog(), names, kinds, LAMBDAS.clone(), ns, sMean, sCi, pred, elu);
  }
}
