package dev.focus.metrics;

import static dev.focus.metrics.SpecialFunctions.erf;
import static dev.focus.metrics.SpecialFunctions.normalCdf;
import static dev.focus.metrics.SpecialFunctions.normalPdf;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/**
 * Closed-form predictors of attention sparsity (spec 01 §2, after Su 2023, kexue.fm/archives/9889).
 *
 * <p>Gaussian-key reduction: with a_j ∝ f(q·k_j) and k = μ + σε, the logits are N(β, γ²) with
 * β = q·μ and γ = σ‖q‖, and as n → ∞
 * <pre>  S_f(β, γ) = E|f(β+γε)| / √(E f(β+γε)²),  ε ~ N(0, 1),  t = β/γ.</pre>
 * For positively homogeneous f (identity, relu, relu²) S depends on t only.
 *
 * <p>γ = 0 rule (every method taking β, γ): S = 1 if f(β) ≠ 0, otherwise NaN (an all-zero row).
 * Negative or NaN γ, NaN β, λ outside (0, 1] and n &lt; 1 throw {@link IllegalArgumentException}.
 */
public final class Predictors {
  private Predictors() {}

  private static final double SQRT2 = 1.4142135623730951;
  /** Below this t, S of relu and relu² (about e^{-t²/4}/√|t|) underflows to 0. */
  private static final double UNDERFLOW_T = -56;
  /** (2π)^{-1/4}. */
  private static final double FOURTH_ROOT_INV_2PI = 0.6316187777460647;

  // ---------------------------------------------------------------- Gaussian logits

  /** Softmax: S = e^{-γ²/2}, whatever β is. */
  public static double sExp(double gamma) {
    checkGamma(gamma);
    return Math.exp(-0.5 * gamma * gamma);
  }

  /** Softmax with β checked too (β does not enter). */
  public static double sExp(double beta, double gamma) {
    checkBeta(beta);
    return sExp(gamma);
  }

  /**
   * Identity: S_id(t) = (√(2/π)e^{-t²/2} + t·erf(t/√2))/√(1+t²). Even in t, minimum √(2/π) at 0, → 1
   * as |t| → ∞.
   */
  public static double sIdentity(double t) {
    if (Double.isNaN(t)) throw new IllegalArgumentException("t=NaN");
    if (Double.isInfinite(t)) return 1.0;
    double a = Math.abs(t);
    return (2.0 * normalPdf(a) + a * erf(a / SQRT2)) / Math.hypot(1.0, a);  // √(2/π)e^{-t²/2} = 2φ(t)
  }

  /** Identity at (β, γ), with the γ = 0 rule. */
  public static double sIdentity(double beta, double gamma) {
    checkBeta(beta);
    checkGamma(gamma);
    if (gamma == 0) return beta != 0 ? 1.0 : Double.NaN;
    return sIdentity(beta / gamma);
  }

  /**
   * relu²: S_r2(t), from 0 (t → −∞) through 1/√6 (t = 0) to 1 (t → +∞). Moment form for t ≥ −6, the
   * integral form below (where the moment form cancels).
   */
  public static double sRelu2(double t) {
    if (Double.isNaN(t)) throw new IllegalArgumentException("t=NaN");
    if (t == Double.POSITIVE_INFINITY) return 1.0;
    if (t < UNDERFLOW_T) return 0.0;
    if (t > 40) {  // Φ(t) = 1 and φ(t) = 0 in double: S = (t²+1)/√(t⁴+6t²+3), scaled by 1/t²
      double u = 1 / (t * t);
      return (1 + u) / Math.sqrt(1 + 6 * u + 3 * u * u);
    }
    return t >= -6 ? sRelu2Moment(t) : sReluPowerIntegral(2, t);
  }

  /** relu² at (β, γ), with the γ = 0 rule. */
  public static double sRelu2(double beta, double gamma) {
    checkBeta(beta);
    checkGamma(gamma);
    if (gamma == 0) return beta > 0 ? 1.0 : Double.NaN;
    return sRelu2(beta / gamma);
  }

  /**
   * relu² moment form [project]: ((t²+1)Φ + tφ)/√((t⁴+6t²+3)Φ + (t³+5t)φ), the ratio of E(t+ε)₊² and
   * √E(t+ε)₊⁴. For t ≥ −2 it is evaluated as written. Below, the brackets cancel (at t = −8 the quartic
   * one loses six digits), so they are evaluated in the exactly equivalent cancellation-free way: with
   * x = −t and the Mills ratio R = Φ(t)/φ(t), E(t+ε)₊^k = φ(t)·J_k where J_0 = R, J_1 = tR + 1 and
   * J_k = tJ_{k−1} + (k−1)J_{k−2}; the ratios ρ_k = J_k/J_{k−1} obey ρ_k = k/(x + ρ_{k+1}), summed
   * bottom-up (a continued fraction), and J_0 = 1/(x + ρ_1). All terms are then positive.
   */
  public static double sRelu2Moment(double t) {
    if (t < -2) return Math.sqrt(normalPdf(t)) * reluMomentRatio(-t, 2) / Math.sqrt(reluMomentRatio(-t, 4));
    double cdf = normalCdf(t), pdf = normalPdf(t), t2 = t * t;
    double m2 = (t2 + 1) * cdf + t * pdf;
    double m4 = (t2 * t2 + 6 * t2 + 3) * cdf + (t2 * t + 5 * t) * pdf;
    return m2 / Math.sqrt(m4);
  }

  /** J_k = E(t+ε)₊^k/φ(t) for x = −t ≥ 2, by the backward continued fraction of the moment recurrence. */
  static double reluMomentRatio(double x, int k) {
    double rho = 0;
    double[] ratios = new double[k + 1];
    for (int j = 400; j >= 1; j--) {
      rho = j / (x + rho);
      if (j <= k) ratios[j] = rho;
    }
    double jk = 1.0 / (x + ratios[1]);
    for (int j = 1; j <= k; j++) jk *= ratios[j];
    return jk;
  }

  /** relu² integral form: (2π)^{-1/4} e^{-t²/4} I_2/√I_4 (for t &lt; −6; valid for t ≤ 30). */
  public static double sRelu2Integral(double t) {
    return sReluPowerIntegral(2, t);
  }

  /** relu: S = (tΦ + φ)/√((t²+1)Φ + tφ) [project]; cancellation-free below t = −2 as in {@link #sRelu2Moment}, integral form below t = −6. */
  public static double sRelu(double t) {
    if (Double.isNaN(t)) throw new IllegalArgumentException("t=NaN");
    if (t == Double.POSITIVE_INFINITY) return 1.0;
    if (t < UNDERFLOW_T) return 0.0;
    if (t > 40) return 1 / Math.sqrt(1 + 1 / (t * t));  // Φ = 1, φ = 0: S = t/√(t²+1)
    if (t < -6) return sReluPowerIntegral(1, t);
    if (t < -2) return Math.sqrt(normalPdf(t)) * reluMomentRatio(-t, 1) / Math.sqrt(reluMomentRatio(-t, 2));
    double cdf = normalCdf(t), pdf = normalPdf(t);
    return (t * cdf + pdf) / Math.sqrt((t * t + 1) * cdf + t * pdf);
  }

  /** relu at (β, γ), with the γ = 0 rule. */
  public static double sRelu(double beta, double gamma) {
    checkBeta(beta);
    checkGamma(gamma);
    if (gamma == 0) return beta > 0 ? 1.0 : Double.NaN;
    return sRelu(beta / gamma);
  }

  /**
   * I_k(t) = ∫₀^∞ u^k e^{-u²/2 + tu} du by adaptive quadrature, so that E(t+ε)₊^k = φ(t)·I_k(t).
   * Finite for all t; overflows for t ≳ 37.
   */
  public static double reluMomentIntegral(int k, double t) {
    double peak = 0.5 * (t + Math.sqrt(t * t + 4.0 * k));
    double upper = t < 0 ? Math.min(peak + 45.0, (k + 80.0) / -t + peak) : peak + 45.0;
    double[] pts = peak > 0 && peak < upper ? new double[] {0, peak, upper} : new double[] {0, upper};
    return Quadrature.integrate(u -> Math.pow(u, k) * Math.exp(-0.5 * u * u + t * u), pts, 1e-14, 0).value();
  }

  /** (2π)^{-1/4} e^{-t²/4} I_k/√I_{2k}: S of relu^k (E(t+ε)₊^k / √E(t+ε)₊^{2k}). */
  static double sReluPowerIntegral(int k, double t) {
    return FOURTH_ROOT_INV_2PI * Math.exp(-0.25 * t * t) * reluMomentIntegral(k, t) / Math.sqrt(reluMomentIntegral(2 * k, t));
  }

  /**
   * S_f(β, γ) by our own 1-D quadrature of E|f(β+γε)| and E f(β+γε)² against φ(ε), split at the kink
   * ε = −t and at the given {@code centres} (where |f|φ or f²φ peaks, e.g. γ and 2γ for exp); the
   * window runs 40 standard units past the outermost point on each side. f must not overflow there.
   */
  public static double sGaussian(DoubleUnaryOperator f, double beta, double gamma, double... centres) {
    checkBeta(beta);
    checkGamma(gamma);
    if (gamma == 0) return f.applyAsDouble(beta) != 0 ? 1.0 : Double.NaN;
    double t = beta / gamma;
    TreeSet<Double> set = new TreeSet<>();
    set.add(0.0);
    if (Math.abs(t) < 1e6) set.add(-t);
    for (double c : centres) if (Double.isFinite(c)) set.add(c);
    double lo = set.first() - 40, hi = set.last() + 40;
    set.add(lo);
    set.add(hi);
    double[] pts = set.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(pts);
    double m1 = Quadrature.integrate(e -> normalPdf(e) * Math.abs(f.applyAsDouble(beta + gamma * e)), pts, 1e-14, 0).value();
    double m2 = Quadrature.integrate(e -> {
      double v = f.applyAsDouble(beta + gamma * e);
      return normalPdf(e) * v * v;
    }, pts, 1e-14, 0).value();
    return m2 == 0 ? Double.NaN : m1 / Math.sqrt(m2);
  }

  /** {@link #sGaussian(DoubleUnaryOperator, double, double, double...)} for a {@link LogitMap}, with exp centred at γ and 2γ. */
  public static double sGaussian(LogitMap f, double beta, double gamma) {
    if (f == LogitMap.EXP) return sGaussian(f::apply, beta, gamma, gamma, 2 * gamma);
    return sGaussian(f::apply, beta, gamma);
  }

  /**
   * Finite-n Monte Carlo: S* of f(β+γε_i), i &lt; n, with ε_i ~ N(0,1) from {@code SplittableRandom(seed)}.
   * exp is evaluated as e^{s − max s} (S* is scale-free), so large logits do not overflow.
   */
  public static double simulate(LogitMap f, double beta, double gamma, int n, long seed) {
    return simulate(f, beta, gamma, n, new SplittableRandom(seed));
  }

  /** As {@link #simulate(LogitMap, double, double, int, long)} with a caller's generator. */
  public static double simulate(LogitMap f, double beta, double gamma, int n, SplittableRandom rng) {
    checkBeta(beta);
    checkGamma(gamma);
    if (n < 1) throw new IllegalArgumentException("n=" + n + " must be >= 1");
    double[] x = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      x[i] = beta + gamma * rng.nextGaussian();
      max = Math.max(max, x[i]);
    }
    if (f == LogitMap.EXP) for (int i = 0; i < n; i++) x[i] = Math.exp(x[i] - max);
    else for (int i = 0; i < n; i++) x[i] = f.apply(x[i]);
    return Sparsity.sparsity(x);
  }

  /** Mean and standard error of a Monte Carlo quantity. */
  public record Estimate(double mean, double standardError) {}

  /** {@code batches} independent finite-n simulations; mean S* and its standard error. */
  public static Estimate simulateBatches(LogitMap f, double beta, double gamma, int n, int batches, long seed) {
    if (batches < 2) throw new IllegalArgumentException("batches=" + batches + " must be >= 2");
    SplittableRandom rng = new SplittableRandom(seed);
    double sum = 0, sumSq = 0;
    for (int b = 0; b < batches; b++) {
      double s = simulate(f, beta, gamma, n, rng);
      sum += s;
      sumSq += s * s;
    }
    double mean = sum / batches;
    double var = Math.max(0, (sumSq - batches * mean * mean) / (batches - 1));
    return new Estimate(mean, Math.sqrt(var / batches));
  }

  // ---------------------------------------------------------------- non-negative linear attention

  /**
   * General non-negative linear attention a_j = q̃·k̃_j with key features of mean μ̃ and covariance Σ̃:
   * S = (1 + q̃ᵀΣ̃q̃/(q̃·μ̃)²)^{-1/2}. No Gaussian assumption; exact at finite n with the empirical mean and
   * 1/n covariance (see {@link Estimators#featureMoments}). NaN if q̃·μ̃ = 0.
   *
   * @param qt q̃ (d)
   * @param mu μ̃ (d)
   * @param sigma Σ̃ (d, d) row-major
   */
  public static double sGeneralLinear(double[] qt, double[] mu, double[] sigma) {
    int d = qt.length;
    if (mu.length != d || sigma.length != d * d) {
      throw new IllegalArgumentException("shapes: q̃ " + d + ", μ̃ " + mu.length + ", Σ̃ " + sigma.length + " (expected d*d=" + d * d + ")");
    }
    double a = 0, v = 0;
    for (int i = 0; i < d; i++) {
      a += qt[i] * mu[i];
      double row = 0;
      for (int j = 0; j < d; j++) row += sigma[i * d + j] * qt[j];
      v += qt[i] * row;
    }
    if (a == 0) return Double.NaN;
    return 1.0 / Math.sqrt(1.0 + Math.max(v, 0) / (a * a));
  }

  /**
   * i.i.d. features (mean μ̃·1, covariance σ̃²I): S = (1 + (σ̃/μ̃)²(‖q̃‖₂/‖q̃‖₁)²)^{-1/2}. Note (spec 01
   * caveat 1) ‖q̃‖₂/‖q̃‖₁ ∈ [d^{-1/2}, 1] for q̃ ≥ 0, so S ≤ (1+(σ̃/μ̃)²/d)^{-1/2} and S ≥ (1+(σ̃/μ̃)²)^{-1/2}.
   */
  public static double sIidLinear(double[] qt, double mu, double sigma) {
    if (!(sigma >= 0)) throw new IllegalArgumentException("sigma=" + sigma + " must be >= 0");
    if (mu == 0 || Double.isNaN(mu)) throw new IllegalArgumentException("mu=" + mu + " must be non-zero");
    double l1 = 0, l2 = 0, m = 0;
    for (double v : qt) m = Math.max(m, Math.abs(v));
    if (m == 0) return Double.NaN;
    for (double v : qt) {
      double y = Math.abs(v) / m;
      l1 += y;
      l2 += y * y;
    }
    double r = sigma / mu;
    return 1.0 / Math.sqrt(1.0 + r * r * l2 / (l1 * l1));
  }

  // ---------------------------------------------------------------- fixed decay

  /**
   * Fixed decay a = (λ^{n−1}, …, λ, 1): S = √((1−λⁿ)(1+λ)/(n(1−λ)(1+λⁿ))), with 1−λⁿ = −expm1(n ln λ);
   * 1 for λ = 1 or n = 1.
   */
  public static double sDecay(double lambda, long n) {
    checkDecay(lambda, n);
    if (lambda == 1 || n == 1) return 1.0;
    double lnl = Math.log(lambda);
    double oneMinusLn = -Math.expm1(n * lnl);
    double ln = Math.exp(n * lnl);
    return Math.sqrt(oneMinusLn * (1 + lambda) / (n * (1 - lambda) * (1 + ln)));
  }

  /** The bound √((1+λ)/(n(1−λ)(1+λⁿ))) &gt; sDecay; +∞ at λ = 1. */
  public static double sDecayBound(double lambda, long n) {
    checkDecay(lambda, n);
    if (lambda == 1) return Double.POSITIVE_INFINITY;
    double ln = Math.exp(n * Math.log(lambda));
    return Math.sqrt((1 + lambda) / (n * (1 - lambda) * (1 + ln)));
  }

  /** Decay's participation ratio limit (1+λ)/(1−λ) as n → ∞ [project]. */
  public static double decayPrLimit(double lambda) {
    checkDecay(lambda, 1);
    return (1 + lambda) / (1 - lambda);
  }

  /** PR = n·S² (effective attended tokens). */
  public static double participationRatio(double n, double s) {
    return n * s * s;
  }

  // ---------------------------------------------------------------- checks

  static void checkGamma(double gamma) {
    if (!(gamma >= 0) || gamma == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("gamma=" + gamma + " must be finite and >= 0");
    }
  }

  static void checkBeta(double beta) {
    if (!Double.isFinite(beta)) throw new IllegalArgumentException("beta=" + beta + " must be finite");
  }

  static void checkDecay(double lambda, long n) {
    if (!(lambda > 0 && lambda <= 1)) throw new IllegalArgumentException("lambda=" + lambda + " must be in (0, 1]");
    if (n < 1) throw new IllegalArgumentException("n=" + n + " must be >= 1");
  }
}
