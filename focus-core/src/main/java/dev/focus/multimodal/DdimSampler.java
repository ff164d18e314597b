package dev.focus.multimodal;

import java.util.SplittableRandom;

/**
 * Samplers of spec 02 §3.9 over all patches of one image in parallel.
 *
 * <p>DDIM (deterministic, K steps): τ_k = ⌈T(K−k+1)/K⌉ for k = 1..K and τ_{K+1} = 0. Each step
 * predicts ε̂ (or x̂_0), forms x̂_0 = (x − β̄_τ ε̂)/ᾱ_τ, clips it to [−1, 1], re-derives
 * ε̂ = (x − ᾱ_τ x̂_0)/β̄_τ, and moves to x ← ᾱ_{τ'} x̂_0 + β̄_{τ'} ε̂.
 *
 * <p>Ancestral DDPM (the author's reference, all T steps):
 * x_{t−1} = (x_t − β_t²/β̄_t · ε̂)/α_t + σ_t z, σ_t = β_t, clipped at the end.
 *
 * <p>Randomness comes only from the seed, and every reduction is in a fixed order, so a seed gives
 * bit-identical samples at any thread count.
 */
public final class DdimSampler {
  private final DiffusionSchedule schedule;
  private final NoisePredictor.Target target;
  private final boolean clip;

  public DdimSampler(DiffusionSchedule schedule, NoisePredictor.Target target, boolean clip) {
    this.schedule = schedule;
    this.target = target;
    this.clip = clip;
  }

  /** The DDIM time grid τ_1..τ_{K+1} (descending, last = 0). */
  public int[] times(int k) {
    int tMax = schedule.steps();
    if (k < 2 || k > tMax) throw new IllegalArgumentException("DDIM steps K=" + k + " must be in 2.." + tMax);
    int[] tau = new int[k + 1];
    for (int i = 1; i <= k; i++) tau[i - 1] = (int) Math.ceil((double) tMax * (k - i + 1) / k);
    tau[k] = 0;
    return tau;
  }

  /** Starting noise x ~ N(0, I) of n values from the seeded generator. */
  public static float[] initialNoise(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) gaussian(rng);
    return x;
  }

  /** DDIM from the given starting noise; returns x̂_0 (N·D values in [−1, 1] when clipping). */
  public float[] ddim(NoisePredictor model, float[] start, int k) {
    int[] tau = times(k);
    float[] x = start.clone();
    float[] x0 = new float[x.length];
    float[] eps = new float[x.length];
    for (int i = 0; i < k; i++) {
      int t = tau[i], next = tau[i + 1];
      float[] pred = model.predict(x, t);
      estimates(x, pred, t, x0, eps);
      double a = schedule.alphaBar(next), b = schedule.betaBar(next);
      for (int j = 0; j < x.length; j++) x[j] = (float) (a * x0[j] + b * eps[j]);
    }
    return x;
  }

  /** Ancestral DDPM over all T steps with noise from {@code seed}. */
  public float[] ddpm(NoisePredictor model, float[] start, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = start.clone();
    float[] x0 = new float[x.length];
    float[] eps = new float[x.length];
    for (int t = schedule.steps(); t >= 1; t--) {
      float[] pred = model.predict(x, t);
      if (target == NoisePredictor.Target.X0) {
        estimates(x, pred, t, x0, eps);
      } else {
        System.arraycopy(pred, 0, eps, 0, eps.length);
      }
      x = ddpmStep(x, eps, t, rng);
    }
    if (clip) clip(x);
    return x;
  }

  /** One ancestral step x_t → x_{t−1}; no noise is added at t = 1. */
  public float[] ddpmStep(float[] xt, float[] eps, int t, SplittableRandom rng) {
    double alpha = schedule.alpha(t), beta = schedule.beta(t), betaBar = schedule.betaBar(t);
    double c = beta * beta / betaBar;
    float[] out = new float[xt.length];
    for (int j = 0; j < xt.length; j++) {
      double v = (xt[j] - c * eps[j]) / alpha;
      if (t > 1) v += beta * gaussian(rng);
      out[j] = (float) v;
    }
    return out;
  }

  /** From a prediction at time t, the clipped x̂_0 and the consistent ε̂. */
  private void estimates(float[] x, float[] pred, int t, float[] x0, float[] eps) {
    double a = schedule.alphaBar(t), b = schedule.betaBar(t);
    for (int j = 0; j < x.length; j++) {
      double hatX0 = target == NoisePredictor.Target.EPS ? (x[j] - b * pred[j]) / a : pred[j];
      if (clip) hatX0 = Math.max(-1, Math.min(1, hatX0));
      x0[j] = (float) hatX0;
      eps[j] = (float) ((x[j] - a * hatX0) / b);
    }
  }

  private static void clip(float[] x) {
    for (int j = 0; j < x.length; j++) x[j] = Math.max(-1f, Math.min(1f, x[j]));
  }

  /** Standard normal by Box–Muller (one value per call; deterministic per generator state). */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble(), u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
  }
}
