package dev.focus.multimodal;

/**
 * What a sampler asks of the model: given the noisy patches x_t (N, D) at time t, predict either the
 * noise ε (the default, as the author) or the clean x_0, depending on {@link Target}.
 */
@FunctionalInterface
public interface NoisePredictor {
  /** Returns the prediction (N·D values) for patches {@code xt} at time {@code t} ≥ 1. */
  float[] predict(float[] xt, int t);

  /** What the image head predicts (spec 02 §3.3). */
  enum Target { EPS, X0 }
}
