package dev.focus.lab.nope;

import dev.focus.attention.Mask;
import dev.focus.model.Model;
import dev.focus.model.ModelObserver;

/**
 * The E2 hook points of one forward pass of a {@link Model} with either mask (spec 05 §3.2, E2): the
 * model's own blocks run once under the causal mask and once with every key visible
 * ({@link Model#logits(int[], int, int, Mask)}), so the only difference between the two arms is the
 * mask (D1: without a mask and without positions the stack is permutation-equivariant, so no probe can
 * read position). An observer collects the embeddings, each layer's head outputs and the residual
 * stream after each block, widened to double for the probes.
 *
 * <p>Legend: B batch, T positions, C width, NH heads, HS head size, L layers.
 */
final class NopeForward {
  private NopeForward() {}

  /**
   * What one pass exposes (the E2 hook points).
   *
   * @param embeddings  (B, T, C) token embeddings
   * @param headOutputs per layer, (B, T, NH·HS) head outputs before W_o
   * @param residuals   per layer, (B, T, C) residual stream after the block
   */
  record Taps(int batch, int seqLen, double[] embeddings, double[][] headOutputs, double[][] residuals) {}

  /** Runs {@code tokens (B, T)} through the model with a causal or a bidirectional mask. */
  static Taps run(Model model, int[] tokens, int batch, int t, boolean causal) {
    int layers = model.config().layers();
    double[][] emb = new double[1][], heads = new double[layers][], res = new double[layers][];
    ModelObserver before = model.observer();
    model.setObserver(new ModelObserver() {
      @Override
      public void onActivation(int layer, Point point, float[] values, int b, int seqLen, int width) {
        if (point == Point.EMBEDDINGS) emb[0] = widen(values, b * seqLen * width);
        if (point == Point.RESIDUAL_AFTER_MLP) res[layer] = widen(values, b * seqLen * width);
      }

      @Override
      public void onHeadOutputs(int layer, float[] values, int b, int seqLen, int nh, int hs) {
        heads[layer] = widen(values, b * seqLen * nh * hs);
      }
    });
    try {
      model.logits(tokens, batch, t, causal ? Mask.causal() : Mask.bidirectional());
    } finally {
      model.setObserver(before);
    }
    return new Taps(batch, t, emb[0], heads, res);
  }

  private static double[] widen(float[] v, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = v[i];
    return d;
  }
}
