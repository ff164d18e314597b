package dev.focus.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Test stand-in for the Transformer: logits(t) = W[token t] + b, a bigram table W (V, V) with weight
 * decay and a bias b (V) without. Mean cross-entropy over targets ≠ −1 with the analytic gradient
 * dlogits = (softmax − onehot)/N. Deterministic plain loops (sums in double).
 */
final class BigramModel implements Trainable {
  final int V;
  final float[] w, dw;   // (V, V) row = current token
  final float[] b, db;   // (V)
  private final List<Param> params;

  BigramModel(int vocab, long seed) {
    V = vocab;
    w = new float[V * V]; dw = new float[V * V];
    b = new float[V]; db = new float[V];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < w.length; i++) w[i] = (float) (0.1 * r.nextGaussian());
    for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * r.nextGaussian());
    params = List.of(new Param("w", w, dw, true), new Param("b", b, db, false));
  }

  @Override public List<Param> params() { return params; }

  @Override public float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen) {
    return run(tokens, targets, true);
  }

  @Override public float loss(int[] tokens, int[] targets, int batch, int seqLen) {
    return run(tokens, targets, false);
  }

  private float run(int[] tokens, int[] targets, boolean backward) {
    int n = 0;
    for (int t : targets) if (t != -1) n++;
    double loss = 0;
    double[] p = new double[V];
    for (int i = 0; i < tokens.length; i++) {
      if (targets[i] == -1) continue;
      int row = tokens[i] * V;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < V; j++) max = Math.max(max, w[row + j] + b[j]);
      double z = 0;
      for (int j = 0; j < V; j++) { p[j] = Math.exp(w[row + j] + b[j] - max); z += p[j]; }
      loss += -(w[row + targets[i]] + b[targets[i]] - max - Math.log(z));
      if (backward) {
        for (int j = 0; j < V; j++) {
          double g = (p[j] / z - (j == targets[i] ? 1 : 0)) / n;
          dw[row + j] += (float) g;
          db[j] += (float) g;
        }
      }
    }
    return (float) (loss / n);
  }
}
