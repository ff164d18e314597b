package dev.focus.multimodal;

/**
 * The author's noise schedule (spec 02 §3.8, in his notation where α_t is a per-step scale):
 * α_t = sqrt(1 − 0.02·t/T), β_t = sqrt(1 − α_t²), ᾱ_t = Π_{s≤t} α_s, β̄_t = sqrt(1 − ᾱ_t²),
 * ᾱ_0 = 1, β̄_0 = 0, for t ∈ {1..T}. Forward noising: x_t = ᾱ_t·x_0 + β̄_t·ε.
 *
 * <p>Arrays are indexed by t itself (index 0 is the clean image), computed in double.
 */
public final class DiffusionSchedule {
  /** T of the article; keep it: with T = 100 the formula ends at ᾱ_T ≈ 0.60, not noise. */
  public static final int DEFAULT_STEPS = 1000;

  private final int steps;
  private final double[] alpha, beta, alphaBar, betaBar; // (T+1,)

  public DiffusionSchedule(int steps) {
    if (steps < 2) throw new IllegalArgumentException("diffusion steps T=" + steps + " must be >= 2");
    this.steps = steps;
    alpha = new double[steps + 1];
    beta = new double[steps + 1];
    alphaBar = new double[steps + 1];
    betaBar = new double[steps + 1];
    alpha[0] = 1;
    alphaBar[0] = 1;
    for (int t = 1; t <= steps; t++) {
      alpha[t] = Math.sqrt(1 - 0.02 * t / steps);
      beta[t] = Math.sqrt(1 - alpha[t] * alpha[t]);
      alphaBar[t] = alphaBar[t - 1] * alpha[t];
      betaBar[t] = Math.sqrt(1 - alphaBar[t] * alphaBar[t]);
    }
  }

  public static DiffusionSchedule standard() { return new DiffusionSchedule(DEFAULT_STEPS); }

  public int steps() { return steps; }
  public double alpha(int t) { return alpha[check(t)]; }
  public double beta(int t) { return beta[check(t)]; }
  public double alphaBar(int t) { return alphaBar[check(t)]; }
  public double betaBar(int t) { return betaBar[check(t)]; }

  /** x_t = ᾱ_t·x_0 + β̄_t·ε, elementwise into {@code out}. */
  public void noise(float[] out, float[] x0, float[] eps, int t) {
    float a = (float) alphaBar(t), b = (float) betaBar(t);
    for (int i = 0; i < out.length; i++) out[i] = a * x0[i] + b * eps[i];
  }

  private int check(int t) {
    if (t < 0 || t > steps) throw new IllegalArgumentException("diffusion time t=" + t + " is outside 0.." + steps);
    return t;
  }
}
