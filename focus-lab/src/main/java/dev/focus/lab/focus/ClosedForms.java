package dev.focus.lab.focus;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.LogitMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.SpecialFunctions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 01 E1: for each logit map f and Gaussian logits N(β, γ²), the closed form of
 * S_f = E|f| / √(E f²) (spec 01 §2) against our adaptive Gauss–Kronrod quadrature and against
 * Monte Carlo S* at finite n in independent batches. relu kinds are simulated only where
 * nΦ(t) ≥ 100; exp is compared with Monte Carlo only for γ ≤ 1.5 (caveat 3).
 */
public final class ClosedForms implements Section<ClosedForms.Settings, ClosedForms.Result> {
  /** γ runs over {@code points} values on a log grid over [0.05, 10]. */
  public record Settings(List<LogitMap> kinds, List<Double> betas, int n, int batches, int points, long seed)
      implements Serializable {
    public Settings {
      kinds = List.copyOf(kinds);
      betas = List.copyOf(betas);
    }
  }

  /**
   * One grid point. The Monte Carlo fields are NaN where it was not simulated; quadrature is NaN
   * where E f² underflows to 0 in double (relu kinds far below the kink).
   */
  public record Point(LogitMap kind, double beta, double gamma, double closed, double quadrature, boolean simulated,
                      double mcMean, double mcSe, double mcZ) implements Serializable {}

  /**
   * Per kind: the largest |closed − quadrature| and where (β, γ), the Monte Carlo points compared,
   * those within 5 standard errors, and the largest |z|.
   */
  public record KindSummary(LogitMap kind, double maxResidual, double worstBeta, double worstGamma, int compared, int within,
                            double maxZ) implements Serializable {}

  /**
   * {@code points} kind-major, then β, then γ. {@code underflow} counts the points left out of the
   * residuals; identityMin is the smallest identity closed form, relu2Negative relu² at β = −2 and
   * the smallest γ, relu2Positive relu² at β = 2 and the largest γ.
   */
  public record Result(int n, int batches, double[] gammas, List<Point> points, List<KindSummary> kinds, int compared,
                       int within, double maxZ, int underflow, double identityMin, double relu2Negative,
                       double relu2Positive) implements Serializable {
    public KindSummary kind(LogitMap m) {
      for (KindSummary k : kinds) if (k.kind() == m) return k;
      throw new IllegalArgumentException("no kind " + m);
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) {
    double[] gammas = FocusMath.logGrid(0.05, 10, s.points());
    SplittableRandom seeds = new SplittableRandom(s.seed());
    List<Point> points = new ArrayList<>();
    List<KindSummary> kinds = new ArrayList<>();
    int compared = 0, within = 0, underflow = 0;
    double maxZ = 0, identityMin = Double.POSITIVE_INFINITY, relu2Neg = Double.NaN, relu2Big = Double.NaN;
    for (LogitMap kind : s.kinds()) {
      double maxResid = 0, worstBeta = 0, worstGamma = 0, kindMaxZ = 0;
      int kindCompared = 0, kindWithin = 0;
      for (double beta : s.betas()) {
        for (int gi = 0; gi < gammas.length; gi++) {
          double g = gammas[gi];
          double c = kind.closedForm(beta, g), q = Predictors.sGaussian(kind, beta, g);
          double r = Math.abs(c - q);
          if (Double.isNaN(r)) { // E f² underflows to 0 in double (relu kinds far below the kink): nothing to compare
            underflow++;
            r = 0;
          }
          if (r > maxResid) {
            maxResid = r;
            worstBeta = beta;
            worstGamma = g;
          }
          if (kind == LogitMap.IDENTITY) identityMin = Math.min(identityMin, c);
          boolean simulate = kind == LogitMap.EXP || kind == LogitMap.IDENTITY
              || s.n() * SpecialFunctions.normalCdf(beta / g) >= 100;
          double mean = Double.NaN, se = Double.NaN, z = Double.NaN;
          if (simulate) {
            Predictors.Estimate e = Predictors.simulateBatches(kind, beta, g, s.n(), s.batches(), seeds.nextLong());
            mean = e.mean();
            se = e.standardError();
            z = (mean - c) / se;
            boolean counted = kind != LogitMap.EXP || g <= 1.5; // spec 01 caveat 3: exp only for γ ≤ 1.5
            if (counted) {
              compared++;
              kindCompared++;
              if (Math.abs(z) <= 5) {
                within++;
                kindWithin++;
              }
              maxZ = Math.max(maxZ, Math.abs(z));
              kindMaxZ = Math.max(kindMaxZ, Math.abs(z));
            }
          }
          points.add(new Point(kind, beta, g, c, q, simulate, mean, se, z));
          if (kind == LogitMap.RELU2 && beta == -2 && gi == 0) relu2Neg = c;
          if (kind == LogitMap.RELU2 && beta == 2 && gi == gammas.length - 1) relu2Big = c;
        }
      }
      kinds.add(new KindSummary(kind, maxResid, worstBeta, worstGamma, kindCompared, kindWithin, kindMaxZ));
    }
    return new Result(s.n(), s.batches(), gammas, points, kinds, compared, within, maxZ, underflow, identityMin, relu2Neg, relu2Big);
  }
}
