package dev.focus.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Training settings: an immutable value with named {@code withX} copies and a {@link Builder}. This is
 * the one place that holds training defaults; the CLI's options read theirs from {@link #defaults()}.
 * Defaults follow spec 05 §5: AdamW lr 3e-3 with 10% (at most 100 steps) linear warmup and a cosine to
 * lr/10, β = (0.9, 0.95), ε = 1e-8, weight decay 0.1, global-norm clip 1, batch 16 × 64 tokens.
 *
 * <p>Fields (accessors have the same names):
 * <pre>
 *   steps            optimizer steps in the whole run (the schedule's N)                      1000
 *   batchSize        sequences per optimizer step (B)                                          16
 *   seqLen           tokens per sequence (T); tasks with their own sequence shape ignore it     64
 *   accumulation     micro-batches per step; must divide batchSize                             1
 *   lr, minLr        peak learning rate and the end of the cosine                              3e-3, lr/10
 *   warmup           linear warmup steps                                                       min(100, steps/10)
 *   weightDecay      AdamW λ (decoupled), on parameters with decay = true                      0.1
 *   beta1, beta2     AdamW β1, β2                                                              0.9, 0.95
 *   eps              AdamW ε                                                                   1e-8
 *   clipNorm         global gradient-norm limit; 0 disables clipping                           1.0
 *   seed             data seed (the batch of step s is a function of (seed, s))                0
 *   evalEvery        validation loss every N steps and at the end; 0 disables                  100
 *   evalBatches      validation batches per evaluation                                         4
 *   checkpointEvery  checkpoint every N steps (and always at the end or on stop); 0 = only then 500
 *   trainOnly        parameter filter (spec 05 §3.1, "train only λ_h"), regular expressions;    none
 *                    when not empty only parameters whose name contains a match train; the others
 *                    stay frozen: no update, no decay, no optimizer state, not in the clipped norm
 *   onNan            what a non-finite loss or gradient does: STOP the run (keeping the last   STOP
 *                    good checkpoint) or SKIP the step (no update)
 * </pre>
 * minLr and warmup follow lr and steps until they are set explicitly.
 */
public final class TrainConfig {
  /** What the loop does with a step whose loss or gradient norm is NaN or infinite. */
  public enum OnNan { STOP, SKIP }

  private final long steps;
  private final int batchSize, seqLen, accumulation;
  private final double lr;
  private final Double minLr;     // null: lr / 10
  private final Integer warmup;   // null: min(100, steps / 10)
  private final double weightDecay, beta1, beta2, eps, clipNorm;
  private final long seed;
  private final int evalEvery, evalBatches, checkpointEvery;
  private final List<String> trainOnly;
  private final OnNan onNan;

  private TrainConfig(Builder b) {
    steps = b.steps;
    batchSize = b.batchSize;
    seqLen = b.seqLen;
    accumulation = b.accumulation;
    lr = b.lr;
    minLr = b.minLr;
    warmup = b.warmup;
    weightDecay = b.weightDecay;
    beta1 = b.beta1;
    beta2 = b.beta2;
    eps = b.eps;
    clipNorm = b.clipNorm;
    seed = b.seed;
    evalEvery = b.evalEvery;
    evalBatches = b.evalBatches;
    checkpointEvery = b.checkpointEvery;
    trainOnly = List.copyOf(b.trainOnly);
    onNan = b.onNan;
    validate();
  }

  private void validate() {
    for (String p : trainOnly) {
      if (p.isBlank()) throw new IllegalArgumentException("trainOnly pattern '" + p + "' is empty");
      try {
        Pattern.compile(p);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("trainOnly pattern '" + p + "' is not a valid regular expression: " + e.getDescription());
      }
    }
    if (steps < 1) throw new IllegalArgumentException("steps=" + steps + " must be >= 1");
    if (batchSize < 1) throw new IllegalArgumentException("batch=" + batchSize + " must be >= 1");
    if (seqLen < 1) throw new IllegalArgumentException("seq=" + seqLen + " must be >= 1");
    if (accumulation < 1 || batchSize % accumulation != 0) {
      throw new IllegalArgumentException("accumulation=" + accumulation + " must be >= 1 and divide batch=" + batchSize);
    }
    schedule(); // validates lr, minLr, warmup
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1=" + beta1 + " must be in [0, 1)");
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2=" + beta2 + " must be in [0, 1)");
    if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps=" + eps + " must be finite and > 0");
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("weightDecay=" + weightDecay + " must be >= 0");
    if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip=" + clipNorm + " must be >= 0 (0 disables)");
    if (evalEvery < 0) throw new IllegalArgumentException("evalEvery=" + evalEvery + " must be >= 0");
    if (evalBatches < 1) throw new IllegalArgumentException("evalBatches=" + evalBatches + " must be >= 1");
    if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery=" + checkpointEvery + " must be >= 0");
    if (onNan == null) throw new IllegalArgumentException("onNan must be STOP or SKIP");
  }

  /** The defaults (1000 steps). */
  public static TrainConfig defaults() { return new Builder().build(); }

  /** The defaults for a run of {@code steps} steps (warmup min(100, steps/10)). */
  public static TrainConfig defaults(long steps) { return new Builder().steps(steps).build(); }

  public static Builder builder() { return new Builder(); }

  /** A builder holding this configuration's values (minLr and warmup stay derived unless they were set). */
  public Builder toBuilder() { return new Builder(this); }

  public long steps() { return steps; }
  public int batchSize() { return batchSize; }
  public int seqLen() { return seqLen; }
  public int accumulation() { return accumulation; }
  public double lr() { return lr; }
  public double minLr() { return minLr != null ? minLr : lr / 10; }
  public int warmup() { return warmup != null ? warmup : (int) Math.min(100, steps / 10); }
  public double weightDecay() { return weightDecay; }
  public double beta1() { return beta1; }
  public double beta2() { return beta2; }
  public double eps() { return eps; }
  public double clipNorm() { return clipNorm; }
  public long seed() { return seed; }
  public int evalEvery() { return evalEvery; }
  public int evalBatches() { return evalBatches; }
  public int checkpointEvery() { return checkpointEvery; }
  public List<String> trainOnly() { return trainOnly; }
  public OnNan onNan() { return onNan; }

  /** The learning-rate schedule: warmup, then cosine from lr to minLr over the remaining steps. */
  public LrSchedule schedule() { return new LrSchedule(lr, minLr(), warmup(), steps); }

  public TrainConfig withSteps(long v) { return toBuilder().steps(v).build(); }
  public TrainConfig withBatch(int b, int t) { return toBuilder().batchSize(b).seqLen(t).build(); }
  public TrainConfig withBatchSize(int v) { return toBuilder().batchSize(v).build(); }
  public TrainConfig withSeqLen(int v) { return toBuilder().seqLen(v).build(); }
  public TrainConfig withAccumulation(int v) { return toBuilder().accumulation(v).build(); }
  /** Peak and final learning rate and warmup steps, all three explicit. */
  public TrainConfig withLr(double max, double min, int w) { return toBuilder().lr(max).minLr(min).warmup(w).build(); }
  public TrainConfig withLr(double v) { return toBuilder().lr(v).build(); }
  public TrainConfig withMinLr(double v) { return toBuilder().minLr(v).build(); }
  public TrainConfig withWarmup(int v) { return toBuilder().warmup(v).build(); }
  public TrainConfig withWeightDecay(double v) { return toBuilder().weightDecay(v).build(); }
  public TrainConfig withClip(double v) { return toBuilder().clipNorm(v).build(); }
  /** AdamW's weight decay, β1, β2 and ε, and the clipping norm. */
  public TrainConfig withOptimizer(double wd, double b1, double b2, double e, double clip) {
    return toBuilder().weightDecay(wd).betas(b1, b2).eps(e).clipNorm(clip).build();
  }
  public TrainConfig withSeed(long v) { return toBuilder().seed(v).build(); }
  public TrainConfig withEval(int every, int batches) { return toBuilder().evalEvery(every).evalBatches(batches).build(); }
  public TrainConfig withCheckpointEvery(int v) { return toBuilder().checkpointEvery(v).build(); }
  public TrainConfig withTrainOnly(List<String> patterns) { return toBuilder().trainOnly(patterns).build(); }
  public TrainConfig withOnNan(OnNan v) { return toBuilder().onNan(v).build(); }

  /**
   * The settings that change the numbers of a run, by name: everything but steps, evaluation,
   * checkpoint frequency and onNan (a run may be resumed with more steps, or to skip a bad step).
   * A resumed run must match them exactly ({@link TrainerState#firstDifference}).
   */
  public Map<String, String> resumeSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("batch", Integer.toString(batchSize));
    m.put("seq", Integer.toString(seqLen));
    m.put("accumulation", Integer.toString(accumulation));
    m.put("lr", Double.toString(lr));
    m.put("minLr", Double.toString(minLr()));
    m.put("warmup", Integer.toString(warmup()));
    m.put("weightDecay", Double.toString(weightDecay));
    m.put("beta1", Double.toString(beta1));
    m.put("beta2", Double.toString(beta2));
    m.put("eps", Double.toString(eps));
    m.put("clip", Double.toString(clipNorm));
    m.put("seed", Long.toString(seed));
    if (!trainOnly.isEmpty()) m.put("trainOnly", String.join(",", trainOnly));
    return m;
  }

  /**
   * The names among {@code names} that train under {@link #trainOnly} (all of them when it is empty).
   *
   * @throws IllegalArgumentException when a pattern matches no name
   */
  public List<String> trained(List<String> names) {
    if (trainOnly.isEmpty()) return List.copyOf(names);
    List<Pattern> ps = new ArrayList<>();
    for (String p : trainOnly) ps.add(Pattern.compile(p));
    for (int i = 0; i < ps.size(); i++) {
      Pattern p = ps.get(i);
      if (names.stream().noneMatch(n -> p.matcher(n).find())) {
        throw new IllegalArgumentException("trainOnly pattern '" + trainOnly.get(i) + "' matches no parameter (names look like "
            + String.join(", ", names.subList(0, Math.min(3, names.size()))) + ")");
      }
    }
    return names.stream().filter(n -> ps.stream().anyMatch(p -> p.matcher(n).find())).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainConfig c && describe().equals(c.describe());
  }

  @Override
  public int hashCode() { return describe().hashCode(); }

  @Override
  public String toString() { return "TrainConfig" + describe(); }

  private Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("steps", Long.toString(steps));
    m.putAll(resumeSettings());
    m.put("trainOnly", String.join(",", trainOnly));
    m.put("evalEvery", Integer.toString(evalEvery));
    m.put("evalBatches", Integer.toString(evalBatches));
    m.put("checkpointEvery", Integer.toString(checkpointEvery));
    m.put("onNan", onNan.name());
    return m;
  }

  /** Sets fields one by one; {@link #build} validates. Starts from the defaults. */
  public static final class Builder {
    private long steps = 1000;
    private int batchSize = 16, seqLen = 64, accumulation = 1;
    private double lr = 3e-3;
    private Double minLr;
    private Integer warmup;
    private double weightDecay = 0.1, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, clipNorm = 1.0;
    private long seed;
    private int evalEvery = 100, evalBatches = 4, checkpointEvery = 500;
    private List<String> trainOnly = List.of();
    private OnNan onNan = OnNan.STOP;

    private Builder() {}

    private Builder(TrainConfig c) {
      steps = c.steps;
      batchSize = c.batchSize;
      seqLen = c.seqLen;
      accumulation = c.accumulation;
      lr = c.lr;
      minLr = c.minLr;
      warmup = c.warmup;
      weightDecay = c.weightDecay;
      beta1 = c.beta1;
      beta2 = c.beta2;
      eps = c.eps;
      clipNorm = c.clipNorm;
      seed = c.seed;
      evalEvery = c.evalEvery;
      evalBatches = c.evalBatches;
      checkpointEvery = c.checkpointEvery;
      trainOnly = c.trainOnly;
      onNan = c.onNan;
    }

    public Builder steps(long v) { steps = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder seqLen(int v) { seqLen = v; return this; }
    public Builder accumulation(int v) { accumulation = v; return this; }
    public Builder lr(double v) { lr = v; return this; }
    /** The end of the cosine; null goes back to lr/10. */
    public Builder minLr(Double v) { minLr = v; return this; }
    /** Warmup steps; null goes back to min(100, steps/10). */
    public Builder warmup(Integer v) { warmup = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    public Builder eps(double v) { eps = v; return this; }
    public Builder clipNorm(double v) { clipNorm = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder evalEvery(int v) { evalEvery = v; return this; }
    public Builder evalBatches(int v) { evalBatches = v; return this; }
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
    public Builder trainOnly(List<String> v) { trainOnly = v == null ? List.of() : List.copyOf(v); return this; }
    public Builder onNan(OnNan v) { onNan = Objects.requireNonNull(v, "onNan"); return this; }

    public TrainConfig build() { return new TrainConfig(this); }
  }
}
