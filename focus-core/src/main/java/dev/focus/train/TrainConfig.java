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

  // The values, in the builder's one list of fields: a private copy that nothing changes after validate().
  private final Builder values;

  private TrainConfig(Builder b) {
    values = b.copy();
    validate();
  }

  private void validate() {
    for (String p : values.trainOnly) {
      if (p.isBlank()) throw new IllegalArgumentException("trainOnly pattern '" + p + "' is empty");
      try {
        Pattern.compile(p);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("trainOnly pattern '" + p + "' is not a valid regular expression: " + e.getDescription());
      }
    }
    if (values.steps < 1) throw new IllegalArgumentException("steps=" + values.steps + " must be >= 1");
    if (values.batchSize < 1) throw new IllegalArgumentException("batch=" + values.batchSize + " must be >= 1");
    if (values.seqLen < 1) throw new IllegalArgumentException("seq=" + values.seqLen + " must be >= 1");
    if (values.accumulation < 1 || values.batchSize % values.accumulation != 0) {
      throw new IllegalArgumentException("accumulation=" + values.accumulation + " must be >= 1 and divide batch=" + values.batchSize);
    }
    schedule(); // validates lr, minLr, warmup
    if (!(values.beta1 >= 0 && values.beta1 < 1)) throw new IllegalArgumentException("beta1=" + values.beta1 + " must be in [0, 1)");
    if (!(values.beta2 >= 0 && values.beta2 < 1)) throw new IllegalArgumentException("beta2=" + values.beta2 + " must be in [0, 1)");
    if (!(values.eps > 0) || Double.isInfinite(values.eps)) throw new IllegalArgumentException("eps=" + values.eps + " must be finite and > 0");
    if (!(values.weightDecay >= 0) || Double.isInfinite(values.weightDecay)) {
      throw new IllegalArgumentException("weightDecay=" + values.weightDecay + " must be >= 0");
    }
    if (!(values.clipNorm >= 0)) throw new IllegalArgumentException("clip=" + values.clipNorm + " must be >= 0 (0 disables)");
    if (values.evalEvery < 0) throw new IllegalArgumentException("evalEvery=" + values.evalEvery + " must be >= 0");
    if (values.evalBatches < 1) throw new IllegalArgumentException("evalBatches=" + values.evalBatches + " must be >= 1");
    if (values.checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery=" + values.checkpointEvery + " must be >= 0");
    if (values.onNan == null) throw new IllegalArgumentException("onNan must be STOP or SKIP");
  }

  /** The defaults (1000 steps). */
  public static TrainConfig defaults() { return new Builder().build(); }

  /** The defaults for a run of {@code steps} steps (warmup min(100, steps/10)). */
  public static TrainConfig defaults(long steps) { return new Builder().steps(steps).build(); }

  public static Builder builder() { return new Builder(); }

  /** A builder holding this configuration's values (minLr and warmup stay derived unless they were set). */
  public Builder toBuilder() { return values.copy(); }

  public long steps() { return values.steps; }
  public int batchSize() { return values.batchSize; }
  public int seqLen() { return values.seqLen; }
  public int accumulation() { return values.accumulation; }
  public double lr() { return values.lr; }
  public double minLr() { return values.minLr != null ? values.minLr : values.lr / 10; }
  public int warmup() { return values.warmup != null ? values.warmup : (int) Math.min(100, values.steps / 10); }
  public double weightDecay() { return values.weightDecay; }
  public double beta1() { return values.beta1; }
  public double beta2() { return values.beta2; }
  public double eps() { return values.eps; }
  public double clipNorm() { return values.clipNorm; }
  public long seed() { return values.seed; }
  public int evalEvery() { return values.evalEvery; }
  public int evalBatches() { return values.evalBatches; }
  public int checkpointEvery() { return values.checkpointEvery; }
  public List<String> trainOnly() { return values.trainOnly; }
  public OnNan onNan() { return values.onNan; }

  /** The learning-rate schedule: warmup, then cosine from lr to minLr over the remaining steps. */
  public LrSchedule schedule() { return new LrSchedule(values.lr, minLr(), warmup(), values.steps); }

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
    m.put("batch", Integer.toString(values.batchSize));
    m.put("seq", Integer.toString(values.seqLen));
    m.put("accumulation", Integer.toString(values.accumulation));
    m.put("lr", Double.toString(values.lr));
    m.put("minLr", Double.toString(minLr()));
    m.put("warmup", Integer.toString(warmup()));
    m.put("weightDecay", Double.toString(values.weightDecay));
    m.put("beta1", Double.toString(values.beta1));
    m.put("beta2", Double.toString(values.beta2));
    m.put("eps", Double.toString(values.eps));
    m.put("clip", Double.toString(values.clipNorm));
    m.put("seed", Long.toString(values.seed));
    if (!values.trainOnly.isEmpty()) m.put("trainOnly", String.join(",", values.trainOnly));
    return m;
  }

  /**
   * The names among {@code names} that train under {@link #trainOnly} (all of them when it is empty).
   *
   * @throws IllegalArgumentException when a pattern matches no name
   */
  public List<String> trained(List<String> names) {
    if (values.trainOnly.isEmpty()) return List.copyOf(names);
    List<Pattern> ps = new ArrayList<>();
    for (String p : values.trainOnly) ps.add(Pattern.compile(p));
    for (int i = 0; i < ps.size(); i++) {
      Pattern p = ps.get(i);
      if (names.stream().noneMatch(n -> p.matcher(n).find())) {
        throw new IllegalArgumentException("trainOnly pattern '" + values.trainOnly.get(i) + "' matches no parameter (names look like "
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
    m.put("steps", Long.toString(values.steps));
    m.putAll(resumeSettings());
    m.put("trainOnly", String.join(",", values.trainOnly));
    m.put("evalEvery", Integer.toString(values.evalEvery));
    m.put("evalBatches", Integer.toString(values.evalBatches));
    m.put("checkpointEvery", Integer.toString(values.checkpointEvery));
    m.put("onNan", values.onNan.name());
    return m;
  }

  /** Sets fields one by one; {@link #build} validates. Starts from the defaults. */
  public static final class Builder implements Cloneable {
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

    /** A builder with this one's values (trainOnly is an immutable list, so sharing it is safe). */
    private Builder copy() {
      try {
        return (Builder) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
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
