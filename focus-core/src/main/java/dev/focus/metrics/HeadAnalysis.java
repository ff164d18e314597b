package dev.focus.metrics;

import java.util.Arrays;

/**
 * Per-layer, per-head statistics of a causal decoder's attention rows and head outputs, accumulated
 * over windows of one length: what {@code focus analyze} reports.
 *
 * <ul>
 *   <li>Note 1's focus metrics of every attention row (spec 01 §2): the sparsity S* = M₁/M₂ of the
 *       row over its n visible keys (1 for a uniform row, n^{-1/2} for a one-hot row) and the
 *       participation ratio PR = n·S*² (effective attended tokens).
 *   <li>Note 5's diffusion (spec 05 §3.3 {@code effective_tokens}): the Shannon entropy H of the row
 *       in nats, and H/ln n (1 for uniform attention over the prefix; undefined at n = 1).
 *   <li>Note 5's variance law (spec 05 D3–D4): the batch mean of MS_n = (1/HS)Σᵢ y²_{n,i} of each
 *       head's output y_n (before W_o), through {@link VarianceProfile}; under uniform attention over
 *       i.i.d. zero-mean values MS_n = σ²/n, a slope of −1 on log–log axes.
 * </ul>
 *
 * Every metric is kept per position as the mean over windows. Under a causal mask the row of query
 * n sees only positions 0..n, so the rows of a window of length T are also the rows of every shorter
 * window with the same start: "against context length" is read off the same profile
 * ({@link #tailMean}), the mean over the last queries before each length, as in the lab's E9.
 *
 * <p>Legend: L layers, NH heads, T positions (the window length), HS head size; positions n are
 * 1-based in formulas and 0-based in arrays. Not thread-safe; one instance per analysed model and
 * window length.
 */
public final class HeadAnalysis {
  /** The per-row attention metrics kept per position. */
  public enum Metric {
    /** S*, spec 01 §2. */
    SPARSITY,
    /** PR = n·S*². */
    PARTICIPATION_RATIO,
    /** Shannon entropy H₁ in nats. */
    ENTROPY,
    /** H₁ / ln n (NaN at n = 1). */
    NORMALISED_ENTROPY
  }

  private final int layers, heads, positions, headSize;
  private final double[][][] sums;          // [metric][layer * NH + head][position]
  private final long[] rows;                // [layer * NH + head]: rows summed at each position (windows)
  private final VarianceProfile[] variance; // [layer * NH + head]

  /**
   * @param layers L
   * @param heads NH (query heads)
   * @param positions T, the window length every added batch has
   * @param headSize HS
   */
  public HeadAnalysis(int layers, int heads, int positions, int headSize) {
    if (layers < 1 || heads < 1 || positions < 1 || headSize < 1) {
      throw new IllegalArgumentException("layers=" + layers + ", heads=" + heads + ", positions=" + positions + ", headSize="
          + headSize + " must all be >= 1");
    }
    this.layers = layers;
    this.heads = heads;
    this.positions = positions;
    this.headSize = headSize;
    sums = new double[Metric.values().length][layers * heads][positions];
    rows = new long[layers * heads];
    variance = new VarianceProfile[layers * heads];
    for (int i = 0; i < variance.length; i++) variance[i] = new VarianceProfile(positions, headSize);
  }

  public int layers() { return layers; }

  public int heads() { return heads; }

  /** T, the window length. */
  public int positions() { return positions; }

  /**
   * Adds the causal attention weights of one layer, {@code (B, NH, T, T)} row-major, zero above the
   * diagonal (what {@code ModelObserver.onAttentionWeights} passes).
   */
  public void addAttention(int layer, float[] weights, int batch, int nh, int seqLen) {
    check(layer, nh, seqLen);
    for (int b = 0; b < batch; b++) {
      Sparsity.RowStats[] stats = Sparsity.rowStats(weights, b * nh * seqLen * seqLen, nh, seqLen, seqLen, KeyMask.causal());
      for (int h = 0; h < nh; h++) {
        int i = layer * heads + h;
        for (int n = 0; n < seqLen; n++) {
          Sparsity.RowStats s = stats[h * seqLen + n];
          sums[Metric.SPARSITY.ordinal()][i][n] += s.sparsity();
          sums[Metric.PARTICIPATION_RATIO.ordinal()][i][n] += s.participationRatio();
          sums[Metric.ENTROPY.ordinal()][i][n] += s.shannon();
          if (n > 0) sums[Metric.NORMALISED_ENTROPY.ordinal()][i][n] += s.shannon() / Math.log(n + 1);
        }
        rows[i]++;
      }
    }
  }

  /** Adds the head outputs of one layer before W_o, {@code (B, T, NH, HS)} (as {@code onHeadOutputs} passes them). */
  public void addHeadOutputs(int layer, float[] values, int batch, int seqLen, int nh, int hs) {
    check(layer, nh, seqLen);
    if (hs != headSize) throw new IllegalArgumentException("head size " + hs + " != " + headSize);
    if (values.length < batch * seqLen * nh * hs) {
      throw new IllegalArgumentException("need B*T*NH*HS=" + batch * seqLen * nh * hs + " values, got " + values.length);
    }
    double[] y = new double[seqLen * hs]; // (T, HS) of one head
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < nh; h++) {
        for (int t = 0; t < seqLen; t++) {
          int src = ((b * seqLen + t) * nh + h) * hs;
          for (int i = 0; i < hs; i++) y[t * hs + i] = values[src + i];
        }
        variance[layer * heads + h].add(y, 0);
      }
    }
  }

  private void check(int layer, int nh, int seqLen) {
    if (layer < 0 || layer >= layers) throw new IllegalArgumentException("layer " + layer + " outside [0, " + layers + ")");
    if (nh != heads) throw new IllegalArgumentException("heads " + nh + " != " + heads);
    if (seqLen != positions) throw new IllegalArgumentException("window length " + seqLen + " != " + positions + " (one length per analysis)");
  }

  /** Windows whose attention rows of {@code layer} were added. */
  public long windows(int layer) {
    return rows[index(layer, 0)];
  }

  /** Mean of {@code metric} over windows at each position, index n−1 (NaN where undefined or nothing was added). */
  public double[] byPosition(Metric metric, int layer, int head) {
    int i = index(layer, head);
    double[] out = new double[positions];
    long k = rows[i];
    for (int n = 0; n < positions; n++) {
      boolean undefined = k == 0 || (metric == Metric.NORMALISED_ENTROPY && n == 0);
      out[n] = undefined ? Double.NaN : sums[metric.ordinal()][i][n] / k;
    }
    return out;
  }

  /** Mean square MS_n of the head's output at each position, index n−1 (spec 05 D3). */
  public double[] meanSquareByPosition(int layer, int head) {
    VarianceProfile v = variance[index(layer, head)];
    if (v.count() == 0) {
      double[] nan = new double[positions];
      Arrays.fill(nan, Double.NaN);
      return nan;
    }
    return v.meanMs();
  }

  /**
   * {@code metric} summarised over positions n ≥ {@code nMin} (each position already averaged over
   * windows, so the mean is the mean over all those rows); short prefixes are trivially focused.
   */
  public Summary summary(Metric metric, int layer, int head, int nMin) {
    int[] n = new int[positions];
    for (int i = 0; i < positions; i++) n[i] = i + 1;
    return Summary.of(byPosition(metric, layer, head), n, nMin);
  }

  /**
   * Least-squares line of log MS_n on log n over positions {@code nMin..T} (slope −1 under note 5's
   * law); NaN slope when fewer than two positions remain or some MS_n is not positive.
   */
  public VarianceProfile.Fit varianceFit(int layer, int head, int nMin) {
    VarianceProfile v = variance[index(layer, head)];
    int from = Math.max(1, nMin);
    if (v.count() == 0 || positions - from + 1 < 2) return new VarianceProfile.Fit(Double.NaN, Double.NaN, 0);
    double[] ms = v.meanMs();
    int[] ns = new int[positions - from + 1];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = from + i;
      if (!(ms[ns[i] - 1] > 0)) return new VarianceProfile.Fit(Double.NaN, Double.NaN, 0);
    }
    return v.fit(ns);
  }

  /**
   * Mean of {@code metric} over the last {@code tail} queries of a window of length {@code context}
   * (positions context−tail+1..context, fewer when context &lt; tail): the metric "at context length
   * {@code context}", which causal masking makes readable from the one profile.
   */
  public double tailMean(Metric metric, int layer, int head, int context, int tail) {
    if (context < 1 || context > positions) throw new IllegalArgumentException("context " + context + " outside [1, " + positions + "]");
    if (tail < 1) throw new IllegalArgumentException("tail " + tail + " must be >= 1");
    double[] p = byPosition(metric, layer, head);
    double s = 0;
    int k = 0;
    for (int n = Math.max(1, context - tail + 1); n <= context; n++) {
      if (Double.isNaN(p[n - 1])) continue;
      s += p[n - 1];
      k++;
    }
    return k == 0 ? Double.NaN : s / k;
  }

  private int index(int layer, int head) {
    if (layer < 0 || layer >= layers || head < 0 || head >= heads) {
      throw new IllegalArgumentException("(layer, head) = (" + layer + ", " + head + ") outside (" + layers + ", " + heads + ")");
    }
    return layer * heads + head;
  }
}
