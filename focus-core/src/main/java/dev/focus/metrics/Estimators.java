package dev.focus.metrics;

/**
 * Estimates of the Gaussian-logit parameters β and γ from a real query and its visible keys
 * (spec 01 §3). Callers pass the model's actual logits where position terms matter (after scaling,
 * rotary or additive position bias).
 *
 * <ul>
 *   <li>Isotropic, as in the article: β = q·μ̂, γ = σ̂‖q‖ with σ̂² = tr Σ̂/d.
 *   <li>Logit-moment [project]: mean and 1/n standard deviation of the row's logits; these equal
 *       q·μ̂ and √(qᵀΣ̂q) exactly (μ̂, Σ̂ the empirical mean and 1/n covariance of the keys).
 * </ul>
 * Shapes: q {@code (D)}, k {@code (N, D)} row-major, logits {@code (N)}.
 */
public final class Estimators {
  private Estimators() {}

  /** β, γ and t = β/γ of a Gaussian fit. */
  public record GaussianFit(double beta, double gamma, double t) {}

  /**
   * Moments of one row of logits: n, mean β, 1/n standard deviation γ, t = β/γ, skewness and excess
   * kurtosis (both 0 for a Gaussian; NaN when γ = 0).
   */
  public record LogitStats(int n, double beta, double gamma, double t, double skewness, double excessKurtosis) {
    public GaussianFit fit() { return new GaussianFit(beta, gamma, t); }
  }

  /** Empirical feature mean μ̃ {@code (D)} and 1/n covariance Σ̃ {@code (D, D)}. */
  public record FeatureMoments(double[] mean, double[] covariance, int n, int d) {}

  /** Isotropic estimate from q and the keys: β = q·μ̂, γ = σ̂‖q‖, σ̂² = tr Σ̂/d. */
  public static GaussianFit isotropic(double[] q, double[] k, int n, int d) {
    check(q, k, n, d);
    FeatureMoments m = featureMoments(k, n, d);
    double beta = 0, qq = 0, tr = 0;
    for (int j = 0; j < d; j++) {
      beta += q[j] * m.mean()[j];
      qq += q[j] * q[j];
      tr += m.covariance()[j * d + j];
    }
    double gamma = Math.sqrt(Math.max(tr, 0) / d * qq);
    return new GaussianFit(beta, gamma, beta / gamma);
  }

  /** Logit-moment estimate from q and the keys (logits s_j = scale·q·k_j). */
  public static LogitStats logitMoments(double[] q, double[] k, int n, int d, double scale) {
    check(q, k, n, d);
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double v = 0;
      for (int j = 0; j < d; j++) v += q[j] * k[i * d + j];
      s[i] = scale * v;
    }
    return logitMoments(s);
  }

  /** Moments of the given logits (mean, 1/n s.d., t, skewness, excess kurtosis). */
  public static LogitStats logitMoments(double[] logits) {
    int n = logits.length;
    if (n == 0) throw new IllegalArgumentException("no logits");
    double mean = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(logits[i])) throw new IllegalArgumentException("logits[" + i + "]=" + logits[i] + " is not finite");
      mean += logits[i];
    }
    mean /= n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (double v : logits) {
      double c = v - mean, c2 = c * c;
      m2 += c2;
      m3 += c2 * c;
      m4 += c2 * c2;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    double gamma = Math.sqrt(m2);
    double skew = m2 > 0 ? m3 / (m2 * gamma) : Double.NaN;
    double kurt = m2 > 0 ? m4 / (m2 * m2) - 3.0 : Double.NaN;
    return new LogitStats(n, mean, gamma, mean / gamma, skew, kurt);
  }

  /** Empirical mean and 1/n covariance of the rows of {@code f (n, d)} (e.g. key features h(K)). */
  public static FeatureMoments featureMoments(double[] f, int n, int d) {
    if (n < 1 || d < 1 || f.length != n * d) {
      throw new IllegalArgumentException("features length " + f.length + " != n*d=" + n + "*" + d);
    }
    double[] mu = new double[d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mu[j] += f[i * d + j];
    for (int j = 0; j < d; j++) mu[j] /= n;
    double[] cov = new double[d * d];
    double[] c = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) c[j] = f[i * d + j] - mu[j];
      for (int a = 0; a < d; a++) {
        double ca = c[a];
        for (int b = a; b < d; b++) cov[a * d + b] += ca * c[b];
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a * d + b] /= n;
        cov[b * d + a] = cov[a * d + b];
      }
    }
    return new FeatureMoments(mu, cov, n, d);
  }

  private static void check(double[] q, double[] k, int n, int d) {
    if (q.length != d) throw new IllegalArgumentException("q length " + q.length + " != d=" + d);
    if (n < 1 || k.length != n * d) throw new IllegalArgumentException("keys length " + k.length + " != n*d=" + n + "*" + d);
  }
}
