package dev.focus.op;

/**
 * Token embedding lookup. (Absolute positions are added by the position package's encodings,
 * {@code PositionEncoding.addTo}.)
 *
 * <p>Legend: N rows (B·T), B batch, T positions, C width, V vocabulary.
 */
public final class Embedding {
  private Embedding() {}

  /**
   * out[n, :] = wte[tokens[n], :].
   *
   * @param out    (N, C) embeddings, overwritten
   * @param tokens (N) token ids in [0, V)
   * @param wte    (V, C) embedding table
   */
  public static void forward(float[] out, int[] tokens, float[] wte, int n, int c, int v) {
    for (int i = 0; i < n; i++) {
      int tok = tokens[i];
      if (tok < 0 || tok >= v) {
        throw new IllegalArgumentException("token id " + tok + " at index " + i + " is outside the vocabulary [0, " + v + ")");
      }
      System.arraycopy(wte, tok * c, out, i * c, c);
    }
  }

  /** dWte[tokens[n], :] += dOut[n, :]. dWte (V, C), dOut (N, C). */
  public static void backward(float[] dWte, float[] dOut, int[] tokens, int n, int c) {
    var k = dev.focus.kernel.Kernels.get();
    for (int i = 0; i < n; i++) k.axpy(1f, dOut, i * c, dWte, tokens[i] * c, c);
  }
}
