package dev.focus.train;

/**
 * Trainer settings. Defaults follow spec 05 §5 (AdamW lr 3e-3, 100 warmup steps, cosine).
 *
 * @param steps            optimizer steps in the whole run (the schedule's N)
 * @param batchSize        sequences per optimizer step (B)
 * @param seqLen           tokens per sequence (T)
 * @param accumulation     micro-batches per step; B must be divisible by it
 * @param lr               peak learning rate
 * @param minLr            learning rate at the end of the cosine
 * @param warmup           linear warmup steps
 * @param weightDecay      AdamW λ (decoupled), applied to params with decay=true
 * @param beta1            AdamW β1
 * @param beta2            AdamW β2
 * @param eps              AdamW ε
 * @param clipNorm         global gradient-norm limit; 0 disables clipping
 * @param seed             data seed (batches are a function of seed and step)
 * @param evalEvery        validation loss every N steps and at the end; 0 disables
 * @param evalBatches      validation batches per evaluation
 * @param checkpointEvery  checkpoint every N steps (and always at the end or on stop); 0 = only then
 * @param trainOnly        parameter filter (spec 05 §3.1, "train only λ_h"): when not empty only the parameters
 *                         whose name contains a match of one of these regular expressions (a plain substring
 *                         such as {@code head_scale} works) are trained; the others stay frozen: no update, no
 *                         weight decay, no optimizer state, not counted in the clipped gradient norm
 */
public record TrainConfig(long steps, int batchSize, int seqLen, int accumulation, double lr, double minLr,
                          int warmup, double weightDecay, double beta1, double beta2, double eps,
                          double clipNorm, long seed, int evalEvery, int evalBatches, int checkpointEvery,
                          java.util.List<String> trainOnly) {

  /** The configuration without a parameter filter (every parameter trains). */
  public TrainConfig(long steps, int batchSize, int seqLen, int accumulation, double lr, double minLr,
                     int warmup, double weightDecay, double beta1, double beta2, double eps,
                     double clipNorm, long seed, int evalEvery, int evalBatches, int checkpointEvery) {
    this(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed,
        evalEvery, evalBatches, checkpointEvery, java.util.List.of());
  }

  public TrainConfig {
    trainOnly = trainOnly == null ? java.util.List.of() : java.util.List.copyOf(trainOnly);
    for (String p : trainOnly) {
      if (p.isBlank()) throw new IllegalArgumentException("trainOnly pattern '" + p + "' is empty");
      try {
        java.util.regex.Pattern.compile(p);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("trainOnly pattern '" + p + "' is not a valid regular expression: " + e.getDescription());
      }
    }
    if (steps < 1) throw new IllegalArgumentException("steps=" + steps + " must be >= 1");
    if (batchSize < 1) throw new IllegalArgumentException("batch=" + batchSize + " must be >= 1");
    if (seqLen < 1) throw new IllegalArgumentException("seq=" + seqLen + " must be >= 1");
    if (accumulation < 1 || batchSize % accumulation != 0) {
      throw new IllegalArgumentException("accumulation=" + accumulation + " must be >= 1 and divide batch=" + batchSize);
    }
    new LrSchedule(lr, minLr, warmup, steps); // validates lr, minLr, warmup
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1=" + beta1 + " must be in [0, 1)");
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2=" + beta2 + " must be in [0, 1)");
    if (!(eps > 0)) throw new IllegalArgumentException("eps=" + eps + " must be > 0");
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("weightDecay=" + weightDecay + " must be >= 0");
    if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip=" + clipNorm + " must be >= 0 (0 disables)");
    if (evalEvery < 0) throw new IllegalArgumentException("evalEvery=" + evalEvery + " must be >= 0");
    if (evalBatches < 1) throw new IllegalArgumentException("evalBatches=" + evalBatches + " must be >= 1");
    if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery=" + checkpointEvery + " must be >= 0");
  }

  /** Spec 05 §5 defaults: B=16, T=64, lr 3e-3 → 3e-4, 100 warmup, wd 0.1, β=(0.9, 0.95), clip 1. */
  public static TrainConfig defaults(long steps) {
    return new TrainConfig(steps, 16, 64, 1, 3e-3, 3e-4, (int) Math.min(100, steps / 10), 0.1, 0.9, 0.95, 1e-8,
        1.0, 0, 0, 4, 0);
  }

  public LrSchedule schedule() { return new LrSchedule(lr, minLr, warmup, steps); }

  public TrainConfig withSteps(long v) { return new TrainConfig(v, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withBatch(int b, int t) { return new TrainConfig(steps, b, t, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withAccumulation(int v) { return new TrainConfig(steps, batchSize, seqLen, v, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withLr(double max, double min, int w) { return new TrainConfig(steps, batchSize, seqLen, accumulation, max, min, w, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withOptimizer(double wd, double b1, double b2, double e, double clip) { return new TrainConfig(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, wd, b1, b2, e, clip, seed, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withSeed(long v) { return new TrainConfig(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, v, evalEvery, evalBatches, checkpointEvery, trainOnly); }
  public TrainConfig withEval(int every, int batches) { return new TrainConfig(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, every, batches, checkpointEvery, trainOnly); }
  public TrainConfig withCheckpointEvery(int v) { return new TrainConfig(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, v, trainOnly); }

  public TrainConfig withTrainOnly(java.util.List<String> patterns) { return new TrainConfig(steps, batchSize, seqLen, accumulation, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clipNorm, seed, evalEvery, evalBatches, checkpointEvery, patterns); }

  /** Fields that must match when resuming (everything that changes the numbers except steps). */
  String resumeKey() {
    return "batch=" + batchSize + " seq=" + seqLen + " accumulation=" + accumulation + " lr=" + lr + " minLr=" + minLr
        + " warmup=" + warmup + " weightDecay=" + weightDecay + " beta1=" + beta1 + " beta2=" + beta2 + " eps=" + eps
        + " clip=" + clipNorm + " seed=" + seed + (trainOnly.isEmpty() ? "" : " trainOnly=" + String.join(",", trainOnly));
  }

  /**
   * The names among {@code names} that train under {@link #trainOnly} (all of them when it is empty).
   *
   * @throws IllegalArgumentException when a pattern matches no name
   */
  public java.util.List<String> trained(java.util.List<String> names) {
    if (trainOnly.isEmpty()) return java.util.List.copyOf(names);
    java.util.List<java.util.regex.Pattern> ps = new java.util.ArrayList<>();
    for (String p : trainOnly) ps.add(java.util.regex.Pattern.compile(p));
    for (int i = 0; i < ps.size(); i++) {
      java.util.regex.Pattern p = ps.get(i);
      if (names.stream().noneMatch(n -> p.matcher(n).find())) {
        throw new IllegalArgumentException("trainOnly pattern '" + trainOnly.get(i) + "' matches no parameter (names look like "
            + String.join(", ", names.subList(0, Math.min(3, names.size()))) + ")");
      }
    }
    return names.stream().filter(n -> ps.stream().anyMatch(p -> p.matcher(n).find())).toList();
  }
}
