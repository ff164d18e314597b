package dev.focus.metrics;

/**
 * Element-wise feature map of linear attention, φ applied to each coordinate of q or k
 * (Katharopoulos et al. 2020 use elu+1), in float64 for the theory's predictors. Pluggable: any lambda
 * {@code x -> ...} works; the map should be non-negative for the linear-attention predictors to apply.
 * (The trained models' maps, with their backward passes, are the enum {@code dev.focus.attention.FeatureMap}.)
 */
@FunctionalInterface
public interface ElementwiseMap {
  double apply(double x);

  /** elu(x)+1: x+1 for x &gt; 0, e^x otherwise (Katharopoulos et al. 2020, eq. 7). */
  ElementwiseMap ELU_PLUS_1 = x -> x > 0 ? x + 1.0 : Math.exp(x);
  /** max(x, 0). */
  ElementwiseMap RELU = x -> x > 0 ? x : 0.0;
  /** e^x. */
  ElementwiseMap EXP = Math::exp;

  /** The map applied to every coordinate of v[from, from+len). */
  default double[] applyAll(double[] v, int from, int len) {
    double[] out = new double[len];
    for (int i = 0; i < len; i++) out[i] = apply(v[from + i]);
    return out;
  }
}
