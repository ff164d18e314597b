package dev.focus.train;

/**
 * Linear warmup then cosine decay. For 0-based step s of N total with W warmup steps:
 *
 * <pre>
 *   s &lt; W:   lr = max · (s + 1) / W
 *   s ≥ W:   p = min(1, (s − W) / max(1, N − W)),   lr = min + ½ (max − min)(1 + cos πp)
 * </pre>
 * So the first step already trains (lr = max/W), step W uses max, and the last step approaches min.
 */
public record LrSchedule(double maxLr, double minLr, int warmup, long totalSteps) {
  public LrSchedule {
    if (!(maxLr > 0) || Double.isInfinite(maxLr)) throw new IllegalArgumentException("lr=" + maxLr + " must be > 0");
    if (!(minLr >= 0 && minLr <= maxLr)) throw new IllegalArgumentException("minLr=" + minLr + " must be in [0, lr=" + maxLr + "]");
    if (warmup < 0) throw new IllegalArgumentException("warmup=" + warmup + " must be >= 0");
    if (totalSteps < 1) throw new IllegalArgumentException("steps=" + totalSteps + " must be >= 1");
  }

  /** Learning rate for 0-based step {@code s}. */
  public double at(long s) {
    if (s < warmup) return maxLr * (s + 1) / warmup;
    double p = Math.min(1.0, (s - warmup) / (double) Math.max(1, totalSteps - warmup));
    return minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * p));
  }
}
