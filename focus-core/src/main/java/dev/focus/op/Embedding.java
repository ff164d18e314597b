package dev.focus.op;

/**
 * Token embedding lookup and additive position tables.
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

  /**
   * out[b, t, :] += table[t0 + t, :]: adds an absolute position table (learned or sinusoidal).
   *
   * @param out   (B, T, C) embeddings, updated in place
   * @param table (Tmax, C) position table; t0 + T ≤ Tmax
   * @param t0    position of the first row (0 for training, the cache length when decoding)
   */
  public static void addPositions(float[] out, float[] table, int b, int t, int c, int t0) {
    var k = dev.focus.kernel.Kernels.get();
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) k.axpy(1f, table, (t0 + ti) * c, out, (bi * t + ti) * c, c);
    }
  }

  /** dTable[t, :] += Σ_b dOut[b, t, :]. dTable (Tmax, C), dOut (B, T, C). */
  public static void backwardPositions(float[] dTable, float[] dOut, int b, int t, int c) {
    var k = dev.focus.kernel.Kernels.get();
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) k.axpy(1f, dOut, (bi * t + ti) * c, dTable, ti * c, c);
    }
  }

  /**
   * The sinusoidal table of Vaswani et al. 2017, §3.5: e(n)[2i] = sin(n·ω_i), e(n)[2i+1] = cos(n·ω_i),
   * ω_i = 10000^(−2i/C), 0-based n; computed in double, rounded once to float.
   *
   * @return (Tmax, C) table
   */
  public static float[] sinusoidalTable(int tMax, int c) {
    if (c % 2 != 0) throw new IllegalArgumentException("sinusoidal width C=" + c + " must be even");
    float[] table = new float[tMax * c];
    for (int n = 0; n < tMax; n++) {
      for (int i = 0; i < c / 2; i++) {
        double w = 1.0 / Math.pow(10000.0, 2.0 * i / c);
        table[n * c + 2 * i] = (float) Math.sin(n * w);
        table[n * c + 2 * i + 1] = (float) Math.cos(n * w);
      }
    }
    return table;
  }
}
