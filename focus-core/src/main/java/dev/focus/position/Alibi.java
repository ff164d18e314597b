package dev.focus.position;

/**
 * ALiBi (Press et al. 2022, arXiv 2108.12409 §3; spec 04 §3.3, spec 05 §3.1): head h adds
 * −λ_h·(n−m) to the scaled logit of query n and key m (m ≤ n), or −λ_h·|n−m| under a bidirectional
 * mask. Slopes: λ_h = 2^(−8h/H), h = 1..H, when H is a power of two; otherwise the P = 2^⌊log₂H⌋
 * slopes, then the first H−P odd-h slopes of the 2P-head rule (H = 12: 2^−1…2^−8, 2^−0.5, 2^−1.5,
 * 2^−2.5, 2^−3.5). The bias depends only on n − m, so it is shift-invariant. Flat positions only.
 *
 * <p>Legend: H heads, Tq queries, Tk keys. Nothing to learn: the backward is empty (the logit
 * gradient passes through the bias unchanged).
 */
public final class Alibi implements PositionEncoding {
  private final int nHeads;
  private final double[] slopes;   // (H,)

  public Alibi(int nHeads) {
    this.slopes = slopes(nHeads);
    this.nHeads = nHeads;
  }

  public int nHeads() { return nHeads; }

  @Override public String name() { return "alibi"; }

  @Override public PositionScheme scheme() { return PositionScheme.FLAT; }

  /** (H,) slopes λ_1..λ_H. */
  public double[] slopes() { return slopes.clone(); }

  /** (H,) the slopes rounded to float, for the attention kernel's bias hook. */
  @Override
  public float[] logitSlopes() {
    float[] f = new float[nHeads];
    for (int h = 0; h < nHeads; h++) f[h] = (float) slopes[h];
    return f;
  }

  /** (H,) ALiBi slopes for any head count. */
  public static double[] slopes(int heads) {
    if (heads < 1) throw new IllegalArgumentException("alibi: heads=" + heads + " must be >= 1");
    int p = Integer.highestOneBit(heads);
    double[] s = new double[heads];
    for (int h = 1; h <= p; h++) s[h - 1] = Math.pow(2.0, -8.0 * h / p);
    for (int i = 0; i < heads - p; i++) s[p + i] = Math.pow(2.0, -8.0 * (2 * i + 1) / (2.0 * p));
    return s;
  }

  /** The bias of head h (0-based) for query position n and key position m. */
  public double bias(int head, double n, double m, boolean bidirectional) {
    if (head < 0 || head >= nHeads) throw new IllegalArgumentException("alibi: head=" + head + " outside [0, " + nHeads + ")");
    double lambda = slopes[head];
    return bidirectional ? 0.0 - lambda * Math.abs(n - m) : lambda * (m - n); // +0.0 on the diagonal
  }

  /**
   * Adds head h's bias to a (Tq, Tk) block of logits at {@code scores[off..]}; query i sits at flat
   * position q0+i and key j at k0+j. Entries the causal mask removes get a (positive) bias too; the
   * mask must still drop them.
   */
  public void addBias(float[] scores, int off, int head, int tq, int tk, int q0, int k0, boolean bidirectional) {
    if (head < 0 || head >= nHeads) throw new IllegalArgumentException("alibi: head=" + head + " outside [0, " + nHeads + ")");
    if (off < 0 || off + (long) tq * tk > scores.length) {
      throw new IllegalArgumentException("alibi: needs " + (long) tq * tk + " scores from offset " + off + " but the array has " + scores.length);
    }
    double lambda = slopes[head];
    for (int i = 0; i < tq; i++) {
      for (int j = 0; j < tk; j++) {
        double d = (q0 + i) - (k0 + j);
        scores[off + i * tk + j] += (float) (bidirectional ? 0.0 - lambda * Math.abs(d) : -lambda * d);
      }
    }
  }
}
