package dev.focus.lab.focus;

import static dev.focus.lab.focus.FocusMath.ci95;
import static dev.focus.lab.focus.FocusMath.gaussian;
import static dev.focus.lab.focus.FocusMath.matVec;
import static dev.focus.lab.focus.FocusMath.unit;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.LogitMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.Sparsity;
import dev.focus.metrics.SpecialFunctions;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E4: keys shifted along q/‖q‖ so that the logits are N(t, 1), t ∈ [−6, 6]: S* of softmax,
 * identity, relu and relu² against t beside the closed forms. relu kinds are simulated only where
 * nΦ(t) ≥ 100.
 */
public final class KeyBias implements Section<KeyBias.Settings, KeyBias.Result> {
  public record Settings(int d, int n, int queries, int points, long seed) implements Serializable {}

  /**
   * {@code closed[kind][i]} at {@code ts[i]}; {@code measured} and {@code ci} are NaN where a kind was
   * not simulated. relu2AtMin is relu²'s measured S* at the most negative simulated t (relu2MinT),
   * with its closed form; identityMin the smallest measured identity S*; softmaxLevel e^(−1/2).
   */
  public record Result(int n, int queries, List<LogitMap> kinds, double[] ts, double[][] closed, double[][] measured,
                       double[][] ci, double relu2AtMin, double relu2MinT, double relu2ClosedAtMin, double identityMin,
                       double softmaxLevel) implements Serializable {}

  static final List<LogitMap> KINDS = List.of(LogitMap.EXP, LogitMap.IDENTITY, LogitMap.RELU, LogitMap.RELU2);

  @Override
  public Result run(Settings s, LabContext ctx) {
    int n = s.n(), queries = s.queries(), points = s.points(), d = s.d();
    SplittableRandom rng = new SplittableRandom(s.seed());
    double[] ts = new double[points];
    for (int i = 0; i < points; i++) ts[i] = -6 + 12.0 * i / (points - 1);
    double[] k = gaussian(rng, n * d);
    double[][] logits = new double[queries][];
    for (int qi = 0; qi < queries; qi++) logits[qi] = matVec(k, unit(gaussian(rng, d)), n); // N(0, 1)
    double[][] pred = new double[KINDS.size()][points], measured = new double[KINDS.size()][points], ci = new double[KINDS.size()][points];
    for (double[] row : measured) Arrays.fill(row, Double.NaN);
    for (double[] row : ci) Arrays.fill(row, Double.NaN);
    double relu2AtMin = Double.NaN, relu2MinT = Double.NaN, identityMin = Double.POSITIVE_INFINITY;
    double[] x = new double[n];
    for (int ti = 0; ti < points; ti++) {
      double t = ts[ti];
      for (int kI = 0; kI < KINDS.size(); kI++) {
        LogitMap m = KINDS.get(kI);
        pred[kI][ti] = m.closedForm(t, 1);
        boolean relu = m == LogitMap.RELU || m == LogitMap.RELU2;
        if (relu && n * SpecialFunctions.normalCdf(t) < 100) continue;
        double[] v = new double[queries];
        for (int qi = 0; qi < queries; qi++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            double sc = logits[qi][j] + t; // keys shifted by t along q/‖q‖ (‖q‖ = 1): every logit + t
            x[j] = m == LogitMap.EXP ? sc : m.apply(sc);
            max = Math.max(max, sc);
          }
          if (m == LogitMap.EXP) for (int j = 0; j < n; j++) x[j] = Math.exp(x[j] - max);
          v[qi] = Sparsity.sparsity(x);
        }
        double mean = mean(v);
        measured[kI][ti] = mean;
        ci[kI][ti] = ci95(v);
        if (m == LogitMap.RELU2 && Double.isNaN(relu2AtMin)) {
          relu2AtMin = mean;
          relu2MinT = t;
        }
        if (m == LogitMap.IDENTITY) identityMin = Math.min(identityMin, mean);
      }
    }
    return new Result(n, queries, KINDS, ts, pred, measured, ci, relu2AtMin, relu2MinT, Predictors.sRelu2(relu2MinT),
        identityMin, Predictors.sExp(1));
  }
}
