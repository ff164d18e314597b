package dev.focus.metrics;

import java.util.SplittableRandom;

/**
 * Model-free measurements of spec 05 (Su 2024, "Why do decoder-only LLMs need position encoding?",
 * kexue.fm/archives/10347): causal averaging, effective tokens (D4), ALiBi saturation (D5), resolution
 * (D6), probe chance (D7) and the attention-map distance of Kazemnejad et al. 2023.
 *
 * <p>The measurements that need a trained model (position probe, log-norm probe, shuffled-prefix
 * loss) live in the lab: they take hook outputs of {@code dev.focus.model} and reuse
 * {@link #probeChance}, {@link #medianGuessMad} and {@link VarianceProfile} from here.
 *
 * <p>Shapes: T positions, D width; attention {@code (T, S)} row-major; values {@code (S, D)}.
 * Positions n are 1-based in formulas, 0-based in arrays.
 */
public final class NopeMeasures {
  private NopeMeasures() {}

  // ---------------------------------------------------------------- averaging

  /** Uniform causal average y_n = (1/n)Σ_{m≤n} v_m (assumption A1 of D3); v, y {@code (T, D)}. */
  public static double[] causalUniformAverage(double[] v, int t, int d) {
    if (v.length != t * d) throw new IllegalArgumentException("values length " + v.length + " != T*D=" + t + "*" + d);
    double[] y = new double[t * d];
    double[] run = new double[d];
    for (int n = 0; n < t; n++) {
      for (int i = 0; i < d; i++) {
        run[i] += v[n * d + i];
        y[n * d + i] = run[i] / (n + 1);
      }
    }
    return y;
  }

  /** y = a·v for attention a {@code (T, S)} and values v {@code (S, D)}; y {@code (T, D)}. */
  public static double[] mix(double[] a, int t, int s, double[] v, int d) {
    if (a.length != t * s) throw new IllegalArgumentException("attention length " + a.length + " != T*S=" + t + "*" + s);
    if (v.length != s * d) throw new IllegalArgumentException("values length " + v.length + " != S*D=" + s + "*" + d);
    double[] y = new double[t * d];
    for (int n = 0; n < t; n++) {
      for (int m = 0; m < s; m++) {
        double w = a[n * s + m];
        if (w == 0) continue;
        for (int i = 0; i < d; i++) y[n * d + i] += w * v[m * d + i];
      }
    }
    return y;
  }

  // ---------------------------------------------------------------- effective tokens (D4)

  /**
   * Per row: n_eff = 1/Σp², entropy H = −Σ p ln p (nats) and H/ln n, with p the row normalised to unit
   * l1 over its visible keys and n the visible count (H/ln n is NaN for n = 1 and for all-zero rows).
   */
  public record EffectiveTokens(double[] nEff, double[] entropy, double[] normalisedEntropy, int[] n) {}

  /** {@link EffectiveTokens} of every row of {@code a (rows, cols)} under {@code mask}. */
  public static EffectiveTokens effectiveTokens(double[] a, int rows, int cols, KeyMask mask) {
    double[] h = Sparsity.perRow(a, rows, cols, mask, Sparsity::shannonEntropy);
    double[] pr = Sparsity.perRow(a, rows, cols, mask, Sparsity::participationRatio);
    int[] n = Sparsity.visibleCounts(rows, cols, mask);
    double[] hn = new double[rows];
    for (int r = 0; r < rows; r++) hn[r] = n[r] > 1 ? h[r] / Math.log(n[r]) : Double.NaN;
    return new EffectiveTokens(pr, h, hn, n);
  }

  // ---------------------------------------------------------------- ALiBi saturation (D5)

  /**
   * Σ_m a_{n,m}² for bias-only ALiBi weights a_{n,m} ∝ r^{n−m}, r = e^{−slope}, m = 1..n:
   * (1−r^{2n})(1−r)²/((1−r²)(1−rⁿ)²), with every 1−r^k as −expm1(−k·slope); 1/n at slope 0.
   */
  public static double alibiSumSquares(double slope, long n) {
    if (!(slope >= 0) || slope == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("slope=" + slope + " must be finite and >= 0");
    if (n < 1) throw new IllegalArgumentException("n=" + n + " must be >= 1");
    if (slope == 0) return 1.0 / n;
    double one = -Math.expm1(-slope), two = -Math.expm1(-2 * slope);
    double oneN = -Math.expm1(-n * slope), twoN = -Math.expm1(-2 * n * slope);
    return twoN * one * one / (two * oneN * oneN);
  }

  /** The n → ∞ limit (1−r)/(1+r) = tanh(slope/2); n_eff → (1+r)/(1−r). */
  public static double alibiSumSquaresLimit(double slope) {
    if (!(slope > 0)) throw new IllegalArgumentException("slope=" + slope + " must be > 0");
    return Math.tanh(0.5 * slope);
  }

  /** Bias-only ALiBi weights for the query at 1-based position n: a_m ∝ r^{n−m}, m = 1..n, summing to 1. */
  public static double[] alibiWeights(double slope, int n) {
    if (n < 1) throw new IllegalArgumentException("n=" + n + " must be >= 1");
    double[] a = new double[n];
    double s = 0;
    for (int m = 0; m < n; m++) {
      a[m] = Math.exp(-slope * (n - 1 - m));
      s += a[m];
    }
    for (int m = 0; m < n; m++) a[m] /= s;
    return a;
  }

  // ---------------------------------------------------------------- resolution (D6)

  /**
   * Probability of telling n from n+1 by thresholding MS at the geometric midpoint of σ²/n and
   * σ²/(n+1), with {@code heads} independent heads averaging log MS:
   * Φ(ln(1+1/n)·√heads/(2√(2/d))) (log-normal approximation of χ²_d/d).
   */
  public static double resolutionProbability(long n, int d, int heads) {
    if (n < 1 || d < 1 || heads < 1) throw new IllegalArgumentException("n=" + n + ", d=" + d + ", heads=" + heads + " must be >= 1");
    return SpecialFunctions.normalCdf(Math.log1p(1.0 / n) * Math.sqrt(heads) / (2 * Math.sqrt(2.0 / d)));
  }

  /**
   * Monte Carlo of {@link #resolutionProbability}: per draw and class (n, n+1) and head, y is the
   * average of n (or n+1) i.i.d. N(0, I_d) values, sampled exactly as z/√n; the mean over heads of
   * ln MS is compared with ln(1/√(n(n+1))). Returns the fraction classified correctly over 2·draws trials.
   */
  public static double resolutionMonteCarlo(int n, int d, int heads, int draws, long seed) {
    if (n < 1 || d < 1 || heads < 1 || draws < 1) {
      throw new IllegalArgumentException("n=" + n + ", d=" + d + ", heads=" + heads + ", draws=" + draws + " must be >= 1");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double logThreshold = -0.5 * Math.log((double) n * (n + 1));
    int correct = 0;
    for (int k = 0; k < draws; k++) {
      for (int cls = 0; cls < 2; cls++) {
        int len = n + cls;
        double mean = 0;
        for (int h = 0; h < heads; h++) {
          double s = 0;
          for (int i = 0; i < d; i++) {
            double z = rng.nextGaussian();
            s += z * z;
          }
          mean += Math.log(s / ((double) d * len));
        }
        mean /= heads;
        boolean saysN = mean > logThreshold;
        if (saysN == (cls == 0)) correct++;
      }
    }
    return correct / (2.0 * draws);
  }

  // ---------------------------------------------------------------- probe chance (D7)

  /** E|U−V| = (L²−1)/(3L) for independent U, V uniform on {1..L}. */
  public static double probeChance(long l) {
    if (l < 1) throw new IllegalArgumentException("L=" + l + " must be >= 1");
    return ((double) l * l - 1) / (3.0 * l);
  }

  /** Mean absolute error of the best constant guess (a median): L/4 for even L, (L²−1)/(4L) for odd L. */
  public static double medianGuessMad(long l) {
    if (l < 1) throw new IllegalArgumentException("L=" + l + " must be >= 1");
    return (l & 1) == 0 ? l / 4.0 : ((double) l * l - 1) / (4.0 * l);
  }

  // ---------------------------------------------------------------- attention-map distance

  /**
   * Jensen–Shannon divergence in nats (≤ ln 2) of two rows, each normalised to unit l1 first:
   * ½KL(P‖M) + ½KL(Q‖M), M = (P+Q)/2.
   */
  public static double jensenShannon(double[] p, int pOff, double[] q, int qOff, int len) {
    double sp = 0, sq = 0;
    for (int i = 0; i < len; i++) {
      double a = p[pOff + i], b = q[qOff + i];
      if (!(a >= 0) || !(b >= 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
        throw new IllegalArgumentException("attention entries must be finite and >= 0, got " + a + " and " + b + " at " + i);
      }
      sp += a;
      sq += b;
    }
    if (sp == 0 || sq == 0) throw new IllegalArgumentException("an attention row sums to 0");
    double js = 0;
    for (int i = 0; i < len; i++) {
      double a = p[pOff + i] / sp, b = q[qOff + i] / sq, m = 0.5 * (a + b);
      if (a > 0) js += 0.5 * a * Math.log(a / m);
      if (b > 0) js += 0.5 * b * Math.log(b / m);
    }
    return Math.max(0, js);
  }

  /**
   * D_AT(P, Q) = (1/T)Σ_t JSD(P_t‖Q_t) in nats for two heads' attention maps {@code (T, S)} (Kazemnejad
   * et al. 2023). For a batch, pass the maps as {@code (B·T, S)}: the mean over all rows equals the batch
   * mean of the per-sequence D_AT.
   */
  public static double headDistance(double[] p, double[] q, int t, int s) {
    if (p.length != t * s || q.length != t * s) {
      throw new IllegalArgumentException("maps have " + p.length + " and " + q.length + " entries, expected T*S=" + t + "*" + s);
    }
    double sum = 0;
    for (int r = 0; r < t; r++) sum += jensenShannon(p, r * s, q, r * s, s);
    return sum / t;
  }

  /** Layer distance min over head pairs (P, Q) ∈ A × B of D_AT(P, Q); each head a {@code (T, S)} map. */
  public static double layerDistance(double[][] headsA, double[][] headsB, int t, int s) {
    double best = Double.POSITIVE_INFINITY;
    for (double[] p : headsA) for (double[] q : headsB) best = Math.min(best, headDistance(p, q, t, s));
    return best;
  }
}
