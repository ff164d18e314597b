package dev.focus.lab.focus;

import static dev.focus.lab.focus.FocusMath.ci95;
import static dev.focus.lab.focus.FocusMath.gaussian;
import static dev.focus.lab.focus.FocusMath.matVec;
import static dev.focus.lab.focus.FocusMath.relu2;
import static dev.focus.lab.focus.FocusMath.scaled;
import static dev.focus.lab.focus.FocusMath.unit;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.Sparsity;
import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E3: S* against the query scale c on fixed keys, queries of norm c·γ₀ (γ₀ = 1) for c on a
 * log grid over [0.1, 10]. Softmax sharpens towards one key; identity and relu² are positively
 * homogeneous (A2), so no query's S* may move; elu+1 uses φ(c z), z ~ N(0, I).
 */
public final class Temperature implements Section<Temperature.Settings, Temperature.Result> {
  public record Settings(int d, int n, int queries, int points, long seed) implements Serializable {}

  /**
   * {@code s[kind][i]} mean S* over the queries at {@code cs[i]} and its 95% half-width; drift is the
   * largest relative change of any identity or relu² query's S* from c = 0.1; predictor is the n → ∞
   * softmax value e^(−c²/2); floor n^(−1/2).
   */
  public record Result(int n, int queries, List<String> kinds, double[] cs, double[][] s, double[][] ci, double drift,
                       double[] predictor, double floor) implements Serializable {}

  static final List<String> KINDS = List.of("softmax", "identity", "relu²", "elu+1");

  @Override
  public Result run(Settings st, LabContext ctx) {
    int n = st.n(), queries = st.queries(), points = st.points(), d = st.d();
    SplittableRandom rng = new SplittableRandom(st.seed());
    double[] cs = FocusMath.logGrid(0.1, 10, points);
    double[] k = gaussian(rng, n * d);
    double[] hk = new double[n * d];
    for (int i = 0; i < hk.length; i++) hk[i] = ElementwiseMap.ELU_PLUS_1.apply(k[i]);
    double[][] s = new double[KINDS.size()][points];
    double[][] ci = new double[KINDS.size()][points];
    double drift = 0;
    double[][] us = new double[queries][], zs = new double[queries][];
    for (int qi = 0; qi < queries; qi++) {
      us[qi] = unit(gaussian(rng, d));
      zs[qi] = gaussian(rng, d);
    }
    double[] first = new double[2 * queries];
    double[] x = new double[n];
    for (int ci0 = 0; ci0 < points; ci0++) {
      double c = cs[ci0];
      double[][] v = new double[KINDS.size()][queries];
      for (int qi = 0; qi < queries; qi++) {
        double[] q = scaled(us[qi], c); // γ = c·γ₀ with γ₀ = 1
        double[] logits = matVec(k, q, n);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        for (int j = 0; j < n; j++) x[j] = Math.exp(logits[j] - max);
        v[0][qi] = Sparsity.sparsity(x);
        v[1][qi] = Sparsity.sparsity(logits);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j]);
        v[2][qi] = Sparsity.sparsity(x);
        v[3][qi] = Sparsity.sparsity(matVec(hk, ElementwiseMap.ELU_PLUS_1.applyAll(scaled(zs[qi], c), 0, d), n));
        for (int h = 0; h < 2; h++) {
          if (ci0 == 0) first[2 * qi + h] = v[1 + h][qi];
          else drift = Math.max(drift, Math.abs(v[1 + h][qi] - first[2 * qi + h]) / first[2 * qi + h]);
        }
      }
      for (int kI = 0; kI < KINDS.size(); kI++) {
        s[kI][ci0] = mean(v[kI]);
        ci[kI][ci0] = ci95(v[kI]);
      }
    }
    double[] pred = new double[points];
    for (int i = 0; i < points; i++) pred[i] = Predictors.sExp(cs[i]);
    return new Result(n, queries, KINDS, cs, s, ci, drift, pred, 1 / Math.sqrt(n));
  }
}
