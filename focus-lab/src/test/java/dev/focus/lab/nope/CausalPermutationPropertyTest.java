package dev.focus.lab.nope;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spec 05 D2, property tests P4 and P5: with one causal NoPE block the last output depends on the
 * earlier tokens only as a set (bidirectional attention over x₁..x_{T−1} with a fixed query), so
 * permuting them leaves it unchanged; RoPE breaks that, and so does a second NoPE block (layer 2
 * reads states that depend on which tokens precede each position). The model runs in float32, so
 * "unchanged" is up to the rounding of sums taken over the keys in another order: changes are measured
 * relative to the output's largest entry (a few 1e-7 here, against about 0.1 where the order matters).
 */
class CausalPermutationPropertyTest {
  static final int T = 10;
  static final int[] TOKENS = {3, 17, 5, 29, 11, 23, 7, 31, 13, 19};
  static final int[] PERMUTED = {23, 5, 31, 3, 13, 17, 29, 11, 7, 19}; // x_1..x_{T−1} permuted, x_T kept

  static ModelConfig config(int layers, String position) {
    // d = 16 (2 heads of 8), weights large enough that attention is far from uniform.
    return Overrides.apply(ModelConfig.llama(64, 16, 32, layers, 2, 16),
        Map.of("position", position, "initStd", "0.5"));
  }

  /** Largest |difference| of the last position's output (the residual stream after the last block), over its largest |entry|. */
  static double lastOutputChange(Model m) {
    NopeForward.Taps a = NopeForward.run(m, TOKENS, 1, T, true), b = NopeForward.run(m, PERMUTED, 1, T, true);
    double[] ra = a.residuals()[a.residuals().length - 1], rb = b.residuals()[b.residuals().length - 1];
    int c = m.config().hidden();
    double max = 0, scale = 0;
    for (int j = 0; j < c; j++) {
      max = Math.max(max, Math.abs(ra[(T - 1) * c + j] - rb[(T - 1) * c + j]));
      scale = Math.max(scale, Math.abs(ra[(T - 1) * c + j]));
    }
    return max / scale;
  }

  @Test
  void p4OneCausalNopeBlockIgnoresTheOrderOfThePrefix() {
    double change = lastOutputChange(new Model(config(1, "nope"), 7));
    assertTrue(change <= 1e-5, "one NoPE block: last output moved by " + change);
  }

  @Test
  void p4WithRopeTheSamePermutationChangesTheLastLogits() {
    Model m = new Model(config(1, "rope"), 7);
    float[] a = m.logits(TOKENS, 1, T), b = m.logits(PERMUTED, 1, T);
    int v = m.config().vocab();
    double max = 0;
    for (int j = 0; j < v; j++) max = Math.max(max, Math.abs(a[(T - 1) * v + j] - b[(T - 1) * v + j]));
    assertTrue(max > 1e-3, "RoPE makes the last logits depend on order: " + max);
  }

  @Test
  void p5TwoCausalNopeBlocksAreOrderSensitive() {
    double change = lastOutputChange(new Model(config(2, "nope"), 7));
    assertTrue(change > 1e-3, "two NoPE blocks: last output moved by only " + change);
  }
}
