package dev.focus.position;

/**
 * Sinusoidal absolute positions (Vaswani et al. 2017 §3.5; spec 04 §3.3): with ω_i = 10000^(−2i/C),
 * {@link Order#INTERLEAVED} writes e(n)[2i] = sin(nω_i), e(n)[2i+1] = cos(nω_i); {@link Order#SPLIT}
 * writes [sin…, cos…] (e(n)[i] = sin, e(n)[i+C/2] = cos). Forward: x[t] += g·e(pos_t), with an
 * optional learned scalar gain g ([XT]'s scaled sinusoidal; g = 1 otherwise).
 *
 * <p>Backward: no table to learn; the input gradient passes through unchanged (dx = dOut), and
 * ∂L/∂g = Σ_t dOut[t]·e(pos_t) ({@link #gainGradient}). Legend: T tokens, C model width (even).
 *
 * <p>A decoder's {@link #addTo} reads a float32 table of e(n), each value computed in float64 and
 * rounded once, kept and grown (by doubling) as longer sequences arrive, so no sin or cos is evaluated
 * per step. Immutable but for that cache; equal when width and order are.
 */
public final class Sinusoidal implements PositionEncoding {

  /** Where sin and cos go. */
  public enum Order { INTERLEAVED, SPLIT }

  private final int dModel;
  private final Order order;
  private volatile float[] table = new float[0]; // (N, C) (float) e(n), n < N

  public Sinusoidal(int dModel, Order order) {
    if (dModel < 2 || dModel % 2 != 0) throw new IllegalArgumentException("sinusoidal: dModel=" + dModel + " must be even and >= 2");
    if (order == null) throw new IllegalArgumentException("sinusoidal: order must not be null");
    this.dModel = dModel;
    this.order = order;
  }

  /** The classic interleaved form. */
  public Sinusoidal(int dModel) { this(dModel, Order.INTERLEAVED); }

  public int dModel() { return dModel; }

  public Order order() { return order; }

  @Override public String name() { return "sinusoidal"; }

  @Override public PositionScheme scheme() { return PositionScheme.FLAT; }

  /** e(n)[c]. */
  public double value(double n, int c) {
    int half = dModel / 2;
    int i = order == Order.INTERLEAVED ? c / 2 : c % half;
    boolean sin = order == Order.INTERLEAVED ? c % 2 == 0 : c < half;
    double omega = 1.0 / Math.pow(10000.0, 2.0 * i / dModel);
    return sin ? Math.sin(n * omega) : Math.cos(n * omega);
  }

  /** The (T, C) encoding of positions (T,). */
  public double[] encode(double[] positions) {
    double[] e = new double[positions.length * dModel];
    for (int t = 0; t < positions.length; t++) {
      for (int c = 0; c < dModel; c++) e[t * dModel + c] = value(positions[t], c);
    }
    return e;
  }

  /** x (T, C) at {@code x[off..]} += gain·e(pos_t). */
  public void forward(float[] x, int off, double[] positions, double gain) {
    check(x, off, positions.length);
    double[] e = encode(positions);
    for (int k = 0; k < e.length; k++) x[off + k] += (float) (gain * e[k]);
  }

  /** x (T, C) += e(pos0 + t), gain 1. */
  public void forward(float[] x, int off, int pos0, int tokens) {
    forward(x, off, range(pos0, tokens), 1.0);
  }

  /** x (B, T, C) += e(pos0 + t) in each sequence, gain 1: the same sums as {@link #forward} from the cached table. */
  @Override
  public void addTo(float[] x, int batch, int t, int pos0) {
    check(x, 0, batch * t);
    float[] e = rows(pos0 + t);
    for (int b = 0; b < batch; b++) {
      int dst = b * t * dModel, src = pos0 * dModel;
      for (int k = 0; k < t * dModel; k++) x[dst + k] += e[src + k];
    }
  }

  /** The cached table with at least {@code n} rows. */
  private float[] rows(int n) {
    float[] e = table;
    if (e.length >= (long) n * dModel) return e;
    synchronized (this) {
      if (table.length < (long) n * dModel) {
        int rows = Math.max(n, 2 * (table.length / dModel));
        float[] grown = new float[Math.multiplyExact(rows, dModel)];
        for (int p = 0; p < rows; p++) {
          for (int c = 0; c < dModel; c++) grown[p * dModel + c] = (float) value(p, c);
        }
        table = grown;
      }
      return table;
    }
  }

  /** ∂L/∂gain = Σ_t dOut[t]·e(pos_t), summed in double. (The input gradient is dOut itself.) */
  public double gainGradient(float[] dOut, int off, double[] positions) {
    check(dOut, off, positions.length);
    double[] e = encode(positions);
    double s = 0;
    for (int k = 0; k < e.length; k++) s += dOut[off + k] * e[k];
    return s;
  }

  static double[] range(int pos0, int tokens) {
    double[] p = new double[tokens];
    for (int t = 0; t < tokens; t++) p[t] = pos0 + t;
    return p;
  }

  private void check(float[] a, int off, int tokens) {
    if (off < 0 || off + (long) tokens * dModel > a.length) {
      throw new IllegalArgumentException("sinusoidal: needs " + (long) tokens * dModel + " elements from offset " + off
          + " but the array has " + a.length);
    }
  }

  @Override public boolean equals(Object o) { return o instanceof Sinusoidal s && s.dModel == dModel && s.order == order; }

  @Override public int hashCode() { return 31 * dModel + order.hashCode(); }

  @Override public String toString() { return "Sinusoidal[dModel=" + dModel + ", order=" + order + "]"; }
}
