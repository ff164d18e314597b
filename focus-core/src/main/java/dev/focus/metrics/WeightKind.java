package dev.focus.metrics;

/**
 * Attention kinds whose raw weights {@link AttentionWeights} builds (spec 01 §3). Logits are
 * s_ij = scale·q_i·k_j + bias_j.
 *
 * <ul>
 *   <li>{@link Softmax}: a_ij = e^{s_ij − max_j s_ij} / Σ_j (normalised over visible keys).
 *   <li>{@link Identity}: a_ij = s_ij (plain linear attention without a feature map).
 *   <li>{@link Relu2}: a_ij = relu(s_ij)², optionally divided by n_i.
 *   <li>{@link Linear}: a_ij = g(scale·q_i)·h(k_j) with element-wise feature maps; no key bias.
 *   <li>{@link Decay}: a_ij = λ^{p_i − j} for the query position p_i (λ^{|p_i − j|} under a non-causal
 *       mask); ignores Q and K.
 * </ul>
 */
public sealed interface WeightKind
    permits WeightKind.Softmax, WeightKind.Identity, WeightKind.Relu2, WeightKind.Linear, WeightKind.Decay {

  static WeightKind softmax() { return new Softmax(); }

  static WeightKind identity() { return new Identity(); }

  static WeightKind relu2(boolean divideByN) { return new Relu2(divideByN); }

  static WeightKind linear(ElementwiseMap g, ElementwiseMap h) { return new Linear(g, h); }

  static WeightKind decay(double lambda) { return new Decay(lambda); }

  /** Softmax with stable max subtraction. */
  record Softmax() implements WeightKind {}

  /** Identity (raw logits). */
  record Identity() implements WeightKind {}

  /** relu², optionally divided by the visible count n_i. */
  record Relu2(boolean divideByN) implements WeightKind {}

  /** Linear attention with query map g and key map h. */
  record Linear(ElementwiseMap g, ElementwiseMap h) implements WeightKind {
    public Linear {
      if (g == null || h == null) throw new IllegalArgumentException("feature maps must not be null");
    }
  }

  /** Fixed decay λ ∈ (0, 1]. */
  record Decay(double lambda) implements WeightKind {
    public Decay {
      if (!(lambda > 0 && lambda <= 1)) throw new IllegalArgumentException("lambda=" + lambda + " must be in (0, 1]");
    }
  }
}
