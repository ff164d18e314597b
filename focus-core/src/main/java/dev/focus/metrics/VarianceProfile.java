package dev.focus.metrics;

/**
 * Streaming variance profile of one head's outputs (spec 05 §3.3 {@code variance_profile}, D3–D4).
 * Feed sequences y {@code (T, D)} one at a time (a hook can stream them); per 1-based position n it
 * keeps the batch mean and spread of MS_n = (1/D)Σ_i y_{n,i}², the mean-removed variance
 * (1/D)Σ_i (y_{n,i} − ȳ_n)², n·MS_n, and the least-squares line of log MS on log n.
 *
 * <p>Under uniform causal attention and i.i.d. zero-mean values of variance σ² (D3): MS_n → σ²/n,
 * slope −1, relative s.d. √(2/D) for Gaussian values, and (1/D)E[y_n·y_n'] = σ²/max(n, n'), which
 * {@link #trackPair} follows for chosen pairs. One instance per (layer, head); not thread-safe.
 */
public final class VarianceProfile {
  private final int positions, width;
  private final double[] sumMs, sumMsSq, sumVar;
  private int[][] pairs = new int[0][];
  private double[] pairSums = new double[0];
  private long count;

  /** Least-squares fit log MS = intercept + slope·log n. */
  public record Fit(double slope, double intercept, int points) {}

  /**
   * @param positions T, the sequence length
   * @param width D, the head size
   */
  public VarianceProfile(int positions, int width) {
    if (positions < 1 || width < 1) throw new IllegalArgumentException("positions=" + positions + ", width=" + width + " must be >= 1");
    this.positions = positions;
    this.width = width;
    sumMs = new double[positions];
    sumMsSq = new double[positions];
    sumVar = new double[positions];
  }

  /** Also accumulate (1/D)·y_{n1}·y_{n2} (1-based positions); call before the first {@link #add}. */
  public VarianceProfile trackPair(int n1, int n2) {
    if (count > 0) throw new IllegalStateException("trackPair must come before add");
    if (n1 < 1 || n1 > positions || n2 < 1 || n2 > positions) {
      throw new IllegalArgumentException("pair (" + n1 + ", " + n2 + ") outside [1, " + positions + "]");
    }
    int[][] p = java.util.Arrays.copyOf(pairs, pairs.length + 1);
    p[pairs.length] = new int[] {n1, n2};
    pairs = p;
    pairSums = new double[pairs.length];
    return this;
  }

  /** Adds one sequence y {@code (T, D)} starting at {@code offset}. */
  public void add(double[] y, int offset) {
    if (offset < 0 || y.length - offset < positions * width) {
      throw new IllegalArgumentException("need " + positions * width + " values from offset " + offset + ", array has " + y.length);
    }
    for (int n = 0; n < positions; n++) {
      int base = offset + n * width;
      double s = 0, s2 = 0;
      for (int i = 0; i < width; i++) {
        double v = y[base + i];
        s += v;
        s2 += v * v;
      }
      double ms = s2 / width, mean = s / width;
      sumMs[n] += ms;
      sumMsSq[n] += ms * ms;
      sumVar[n] += ms - mean * mean;
    }
    for (int p = 0; p < pairs.length; p++) {
      int b1 = offset + (pairs[p][0] - 1) * width, b2 = offset + (pairs[p][1] - 1) * width;
      double dot = 0;
      for (int i = 0; i < width; i++) dot += y[b1 + i] * y[b2 + i];
      pairSums[p] += dot / width;
    }
    count++;
  }

  /** Adds a batch y {@code (B, T, D)}. */
  public void addBatch(double[] y, int batch) {
    for (int b = 0; b < batch; b++) add(y, b * positions * width);
  }

  /** Sequences added. */
  public long count() { return count; }

  /** Batch mean of MS_n, index n−1. */
  public double[] meanMs() {
    double[] m = new double[positions];
    for (int n = 0; n < positions; n++) m[n] = sumMs[n] / count;
    return m;
  }

  /** Sample standard deviation of MS_n over the batch, index n−1. */
  public double[] sdMs() {
    double[] s = new double[positions];
    for (int n = 0; n < positions; n++) {
      double mean = sumMs[n] / count;
      s[n] = Math.sqrt(Math.max(0, (sumMsSq[n] - count * mean * mean) / (count - 1)));
    }
    return s;
  }

  /** Batch mean of the mean-removed variance (1/D)Σ(y_i − ȳ)², index n−1. */
  public double[] meanVariance() {
    double[] m = new double[positions];
    for (int n = 0; n < positions; n++) m[n] = sumVar[n] / count;
    return m;
  }

  /** n·mean MS_n, index n−1 (flat at σ² under D3). */
  public double[] nMs() {
    double[] m = meanMs();
    for (int n = 0; n < positions; n++) m[n] *= n + 1;
    return m;
  }

  /** Mean (1/D)·y_{n1}·y_{n2} of a pair registered with {@link #trackPair}. */
  public double meanInner(int n1, int n2) {
    for (int p = 0; p < pairs.length; p++) {
      if (pairs[p][0] == n1 && pairs[p][1] == n2) return pairSums[p] / count;
    }
    throw new IllegalArgumentException("pair (" + n1 + ", " + n2 + ") was not tracked");
  }

  /** Fit of log mean MS_n on log n over all positions. */
  public Fit fit() {
    int[] ns = new int[positions];
    for (int n = 0; n < positions; n++) ns[n] = n + 1;
    return fit(ns);
  }

  /** Fit of log mean MS_n on log n over the given 1-based positions. */
  public Fit fit(int[] ns) {
    if (count == 0) throw new IllegalStateException("no sequences added");
    double[] m = meanMs();
    double[] x = new double[ns.length], y = new double[ns.length];
    for (int i = 0; i < ns.length; i++) {
      if (ns[i] < 1 || ns[i] > positions) throw new IllegalArgumentException("position " + ns[i] + " outside [1, " + positions + "]");
      x[i] = Math.log(ns[i]);
      y[i] = Math.log(m[ns[i] - 1]);
    }
    double[] line = leastSquares(x, y);
    return new Fit(line[0], line[1], ns.length);
  }

  /** {slope, intercept} of the least-squares line y = intercept + slope·x. */
  static double[] leastSquares(double[] x, double[] y) {
    int k = x.length;
    if (k < 2) throw new IllegalArgumentException("need at least two points, got " + k);
    double mx = 0, my = 0;
    for (int i = 0; i < k; i++) { mx += x[i]; my += y[i]; }
    mx /= k;
    my /= k;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < k; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double slope = sxy / sxx;
    return new double[] {slope, my - slope * mx};
  }
}
