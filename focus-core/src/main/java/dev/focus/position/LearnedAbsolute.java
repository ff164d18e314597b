package dev.focus.position;

import java.util.Random;

/**
 * Learned absolute positions (GPT-2's wpe; spec 04 §3.3, spec 05 §3.1): an (N_max, C) table whose
 * row n is added to token n's embedding. Positions are flat and must be integers in [0, N_max).
 *
 * <p>Legend: T tokens, C model width, N_max table rows. Forward: x[t] += table[pos_t]. Backward: the
 * input gradient passes through unchanged (it is the residual stream), and dTable[pos_t] += dOut[t]
 * (parameter gradients accumulate).
 */
public final class LearnedAbsolute implements PositionEncoding {
  private final int maxPositions;   // N_max
  private final int dModel;         // C
  private final float[] table;      // (N_max, C) the parameter, shared by reference

  /** A zero table; call {@link #initNormal} or load weights into {@link #table()}. */
  public LearnedAbsolute(int maxPositions, int dModel) {
    this(maxPositions, dModel, new float[checkSize(maxPositions, dModel)]);
  }

  /** Wraps an existing (N_max, C) table (not copied). */
  public LearnedAbsolute(int maxPositions, int dModel, float[] table) {
    checkSize(maxPositions, dModel);
    if (table.length != maxPositions * dModel) {
      throw new IllegalArgumentException("learned: table has " + table.length + " elements but N_max*C=" + maxPositions * dModel);
    }
    this.maxPositions = maxPositions;
    this.dModel = dModel;
    this.table = table;
  }

  static int checkSize(int n, int c) {
    if (n < 1 || c < 1) throw new IllegalArgumentException("learned: maxPositions=" + n + " and dModel=" + c + " must be >= 1");
    if ((long) n * c > Integer.MAX_VALUE) throw new IllegalArgumentException("learned: table " + n + "x" + c + " is too large");
    return n * c;
  }

  @Override public String name() { return "learned"; }

  @Override public PositionScheme scheme() { return PositionScheme.FLAT; }

  public int maxPositions() { return maxPositions; }

  public int dModel() { return dModel; }

  /** The live (N_max, C) parameter. */
  public float[] table() { return table; }

  /** Fills the table with N(0, std²) (spec 05: std 0.02). */
  public void initNormal(Random rng, double std) {
    for (int i = 0; i < table.length; i++) table[i] = (float) (rng.nextGaussian() * std);
  }

  /** x (T, C) at {@code x[off..]} += table rows pos0..pos0+T−1. */
  public void forward(float[] x, int off, int pos0, int tokens) {
    checkRange(pos0, tokens);
    checkBuffer("x", x, off, tokens);
    for (int t = 0; t < tokens; t++) {
      int src = (pos0 + t) * dModel, dst = off + t * dModel;
      for (int c = 0; c < dModel; c++) x[dst + c] += table[src + c];
    }
  }

  /** x (T, C) += table rows at per-token flat positions (T,) (integral doubles). */
  public void forward(float[] x, int off, double[] positions) {
    checkBuffer("x", x, off, positions.length);
    for (int t = 0; t < positions.length; t++) {
      int src = row(positions[t], t) * dModel, dst = off + t * dModel;
      for (int c = 0; c < dModel; c++) x[dst + c] += table[src + c];
    }
  }

  /** x (B, T, C) += table rows pos0..pos0+T−1 in each sequence. */
  @Override
  public void addTo(float[] x, int batch, int t, int pos0) {
    for (int b = 0; b < batch; b++) forward(x, b * t * dModel, pos0, t);
  }

  /** dTable[t] += dx[b, t] for b = 0..B−1 in order, t &lt; T (positions 0..T−1). */
  @Override
  public void addToBackward(float[] dTable, float[] dx, int batch, int t) {
    for (int b = 0; b < batch; b++) backward(dTable, dx, b * t * dModel, 0, t);
  }

  /** dTable[pos0+t] += dOut[t] for dOut (T, C) at {@code dOut[off..]}. */
  public void backward(float[] dTable, float[] dOut, int off, int pos0, int tokens) {
    checkRange(pos0, tokens);
    checkBuffer("dOut", dOut, off, tokens);
    checkTable(dTable);
    for (int t = 0; t < tokens; t++) {
      int dst = (pos0 + t) * dModel, src = off + t * dModel;
      for (int c = 0; c < dModel; c++) dTable[dst + c] += dOut[src + c];
    }
  }

  /** dTable[pos_t] += dOut[t] at per-token flat positions. */
  public void backward(float[] dTable, float[] dOut, int off, double[] positions) {
    checkBuffer("dOut", dOut, off, positions.length);
    checkTable(dTable);
    for (int t = 0; t < positions.length; t++) {
      int dst = row(positions[t], t) * dModel, src = off + t * dModel;
      for (int c = 0; c < dModel; c++) dTable[dst + c] += dOut[src + c];
    }
  }

  private int row(double p, int t) {
    if (p != Math.rint(p) || p < 0 || p >= maxPositions) {
      throw new IllegalArgumentException("learned: position " + p + " of token " + t + " must be an integer in [0, " + maxPositions + ")");
    }
    return (int) p;
  }

  private void checkRange(int pos0, int tokens) {
    if (pos0 < 0 || tokens < 0 || (long) pos0 + tokens > maxPositions) {
      throw new IllegalArgumentException("learned: positions [" + pos0 + ", " + ((long) pos0 + tokens)
          + ") exceed the table's maxPositions=" + maxPositions);
    }
  }

  private void checkBuffer(String what, float[] a, int off, int tokens) {
    if (off < 0 || off + (long) tokens * dModel > a.length) {
      throw new IllegalArgumentException("learned: " + what + " needs " + (long) tokens * dModel + " elements from offset " + off
          + " but has " + a.length);
    }
  }

  private void checkTable(float[] dTable) {
    if (dTable.length != table.length) {
      throw new IllegalArgumentException("learned: dTable has " + dTable.length + " elements but the table has " + table.length);
    }
  }
}
