package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The training loop of Focus: every trainer and experiment steps its model through it. One step s
 * (0-based) of a {@link TrainTask}:
 *
 * <pre>
 *   zero the gradients
 *   b = task.batch(s)                                       the data of step s, a function of (seed, s)
 *   L = Σ_i c_i·L_i over micro-batches i of b               accumulate; c_i = n_i/N, n = counted targets
 *   ‖g‖ = global norm of the trained gradients; clip to clipNorm
 *   L or ‖g‖ not finite → stop (onNan = STOP) or skip the update (SKIP)
 *   AdamW with lr = schedule(s)                             warmup, then cosine
 * </pre>
 * then, with a run directory: one metrics line, a validation loss every evalEvery steps, a checkpoint
 * every checkpointEvery steps and at the end ({@link RunDirectory}). Without one (an in-memory run,
 * as the lab's short runs) nothing is written.
 *
 * <p>Resume: {@link #resume()} restores weights, optimizer state and step from the checkpoint after
 * {@link TrainerState#firstDifference} found the settings equal. The batch of step s is a function of
 * (seed, s) and nothing else carries state, so a resumed run continues exactly as an uninterrupted one
 * would (bit for bit: the kernels are deterministic for a given thread count and vector width).
 *
 * <p>Frozen parameters ({@link TrainConfig#trainOnly()}): the model still computes every gradient, but
 * only the selected parameters are clipped, decayed and updated, and only they have optimizer state.
 *
 * <p>Stop: {@link #requestStop()} (a Ctrl-C hook) or {@link #stopWhen} makes the loop finish the current
 * step, write a checkpoint and return with {@link Result#stopped()} set.
 *
 * @param <B> the task's batch type
 */
public final class Trainer<B> {
  /** Progress after one step, for listeners (progress bars, logs); {@code parts} are the task's named losses. */
  public record Progress(long step, long totalSteps, double loss, double lr, double gradNorm, double tokensPerSecond,
                         double elapsedSeconds, double etaSeconds, Double valLoss, Map<String, Double> parts,
                         boolean skipped) {}

  /** Receives progress; called on the training thread. */
  public interface Listener {
    void onStep(Progress p);

    default void onCheckpoint(long step, Path dir) {}
  }

  /** How a run ended: the step reached, whether it was stopped early, the last losses, steps skipped. */
  public record Result(long step, boolean stopped, double lastLoss, Double lastValLoss, long skipped) {}

  /** The optimizer state's file in a checkpoint. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";

  private final TrainTask<B> task;
  private final TrainConfig cfg;
  private final Path runDir;
  private final AdamW opt;
  private final List<Trainable.Param> trained; // the parameters the optimizer updates (TrainConfig.trainOnly)
  private final LrSchedule schedule;
  private volatile boolean stopRequested;
  private BooleanSupplier stopWhen = () -> false;
  private final Map<String, String> identity = new LinkedHashMap<>();
  private long step, skipped, lastSaved = -1;
  private double elapsedBefore;

  /**
   * @param runDir where metrics and checkpoints go, or null for an in-memory run
   */
  public Trainer(TrainTask<B> task, TrainConfig cfg, Path runDir) {
    this.task = task;
    this.cfg = cfg;
    this.runDir = runDir;
    List<String> names = new ArrayList<>();
    for (Trainable.Param p : task.params()) names.add(p.name());
    Set<String> keep = new HashSet<>(cfg.trained(names));
    List<Trainable.Param> trained = new ArrayList<>();
    for (Trainable.Param p : task.params()) if (keep.contains(p.name())) trained.add(p);
    this.trained = List.copyOf(trained);
    this.opt = new AdamW(this.trained, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay());
    this.schedule = cfg.schedule();
  }

  /** Next-token training of {@code model} on {@code data} ({@link TextTask}). */
  public static Trainer<Batch> of(Trainable model, Dataset data, TrainConfig cfg, Path runDir) {
    return new Trainer<>(new TextTask(model, data, cfg), cfg, runDir);
  }

  /** Training of {@code model} on {@code data} under {@code objective} (e.g. {@link MaskedLm} for an encoder). */
  public static Trainer<Batch> of(Trainable model, Dataset data, TrainConfig cfg, Path runDir, Objective objective) {
    return new Trainer<>(new TextTask(model, data, cfg, objective), cfg, runDir);
  }

  /** Directory of the latest checkpoint of a run. */
  public static Path checkpointDir(Path runDir) { return RunDirectory.checkpointDir(runDir); }

  /** Metrics file of a run. */
  public static Path metricsFile(Path runDir) { return RunDirectory.metricsFile(runDir); }

  /** True when {@code runDir} holds a checkpoint that {@link #resume} can load. */
  public static boolean hasCheckpoint(Path runDir) { return RunDirectory.hasCheckpoint(runDir); }

  public TrainTask<B> task() { return task; }

  public TrainConfig config() { return cfg; }

  /** Steps completed (skipped ones included). */
  public long step() { return step; }

  /** The parameters this run updates: all, or those selected by {@link TrainConfig#trainOnly()}. */
  public List<Trainable.Param> trainedParams() { return trained; }

  /** The optimizer (its state is part of checkpoints). */
  public AdamW optimizer() { return opt; }

  /** Asks the loop to stop after the current step, save a checkpoint and return. Thread-safe. */
  public void requestStop() { stopRequested = true; }

  /** Also stops (before the next step) when {@code condition} turns true, e.g. a lab run being cancelled. */
  public Trainer<B> stopWhen(BooleanSupplier condition) {
    this.stopWhen = condition;
    return this;
  }

  /**
   * Adds to (or replaces in) the task's identity, e.g. the data set's full specification where the
   * task knows only its name; checked on resume like the rest of {@link #settings}.
   */
  public Trainer<B> withIdentity(Map<String, String> more) {
    identity.putAll(more);
    return this;
  }

  /** What must match to resume: the task's identity (data, model), then the training settings. */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>(task.identity());
    m.putAll(identity);
    m.putAll(cfg.resumeSettings());
    return m;
  }

  /**
   * Loads the run's checkpoint (weights, optimizer, step), after removing what an interrupted write
   * left. Returns false when there is none (or no run directory).
   *
   * @throws IllegalArgumentException naming the first setting that differs, or a corrupt checkpoint
   *     ({@link dev.focus.checkpoint.CheckpointException}, one line naming the file)
   */
  public boolean resume() throws IOException {
    if (runDir == null) return false;
    RunDirectory.removeLeftovers(runDir);
    Path dir = RunDirectory.latest(runDir);
    if (dir == null) { // stopped before its first checkpoint: it starts over, but only as the same run
      Map<String, String> started = TrainerState.runSettings(runDir);
      String diff = started == null ? null : TrainerState.firstDifference(started, settings());
      if (diff != null) throw new IllegalArgumentException("cannot resume " + runDir + ": " + diff);
      return false;
    }
    TrainerState s = TrainerState.read(dir);
    String diff = TrainerState.firstDifference(s.settings(), settings());
    if (diff != null) throw new IllegalArgumentException("cannot resume " + runDir + ": " + diff);
    if (s.step() > cfg.steps()) {
      throw new IllegalArgumentException("cannot resume " + runDir + " at step " + s.step() + " with steps=" + cfg.steps() + " (raise --steps)");
    }
    task.load(dir);
    opt.load(dir.resolve(OPTIMIZER_FILE));
    if (opt.stepCount() != s.step() - s.skipped()) {
      throw new dev.focus.checkpoint.CheckpointException(dir + ": optimizer step " + opt.stepCount() + " does not match trainer step "
          + s.step() + " less " + s.skipped() + " skipped");
    }
    step = s.step();
    skipped = s.skipped();
    lastSaved = step;
    elapsedBefore = s.elapsed();
    return true;
  }

  /**
   * Runs from {@link #step()} until {@code cfg.steps()} or a stop; with a run directory, always ends
   * with a checkpoint. Call {@link #resume()} first to continue the run directory's run: without it the
   * run starts at step 0 and replaces what the directory holds (its metrics from the first line, its
   * checkpoint at the first save).
   *
   * @throws TrainingDiverged when a step is not finite under {@link TrainConfig.OnNan#STOP}
   */
  public Result run(Listener listener) throws IOException {
    BufferedWriter metrics = null;
    if (runDir != null) {
      Files.createDirectories(runDir);
      RunDirectory.removeLeftovers(runDir);
      RunDirectory.truncateMetrics(runDir, step); // lines of steps this run will redo
      TrainerState.writeRun(runDir, cfg.steps(), settings());
      metrics = Files.newBufferedWriter(RunDirectory.metricsFile(runDir), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    long startStep = step;
    long t0 = System.nanoTime();
    double lastLoss = Double.NaN;
    Double lastVal = null;
    long tokens = 0;
    try {
      while (step < cfg.steps() && !stopRequested && !stopWhen.getAsBoolean()) {
        Stepped st = trainStep();
        tokens += st.tokens;
        lastLoss = st.loss.value();
        Double val = null;
        if (cfg.evalEvery() > 0 && (step % cfg.evalEvery() == 0 || step == cfg.steps())) {
          val = task.evaluate(cfg.evalBatches());
          if (val != null) lastVal = val;
        }
        double session = (System.nanoTime() - t0) / 1e9;
        long done = step - startStep;
        double tps = session > 0 ? tokens / session : 0;
        double eta = done > 0 ? (cfg.steps() - step) * session / done : Double.NaN;
        double elapsed = elapsedBefore + session;
        Progress p = new Progress(step, cfg.steps(), st.loss.value(), st.lr, st.norm, tps, elapsed, eta, val, st.loss.parts(), st.skipped);
        if (metrics != null) {
          metrics.write(metricsLine(p));
          metrics.newLine();
          metrics.flush();
        }
        if (listener != null) listener.onStep(p);
        if (runDir != null && cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0 && step < cfg.steps()) {
          save(elapsed, listener);
        }
      }
    } finally {
      if (metrics != null) metrics.close();
    }
    if (runDir != null && lastSaved != step) save(elapsedBefore + (System.nanoTime() - t0) / 1e9, listener);
    return new Result(step, step < cfg.steps(), lastLoss, lastVal, skipped);
  }

  private record Stepped(TrainTask.Loss loss, double lr, double norm, long tokens, boolean skipped) {}

  /** One step of the loop (see the class comment); advances {@link #step}. */
  private Stepped trainStep() throws IOException {
    long s = step; // 0-based index of this update
    task.zeroGrad();
    B batch = task.batch(s);
    TrainTask.Loss loss = accumulate(batch);
    double norm = GradClip.clip(trained, cfg.clipNorm());
    double lr = schedule.at(s);
    boolean finite = Double.isFinite(loss.value()) && Double.isFinite(norm);
    if (!finite && cfg.onNan() == TrainConfig.OnNan.STOP) {
      throw diverged(s + 1, "loss " + loss.value() + ", gradient norm " + norm);
    }
    if (finite) opt.step(lr);
    else skipped++;
    step = s + 1;
    return new Stepped(loss, lr, norm, task.tokens(batch), !finite);
  }

  /**
   * Runs the micro-batches of {@code batch} and leaves in the gradients Σ_i (n_i/N)·∇L_i, the gradient
   * of the mean over all N counted targets (n_i in micro-batch i), so that k micro-batches equal one
   * batch up to float rounding. Before micro-batch i the accumulated sum is rescaled by c_{i−1}/c_i
   * (c = n/N) and it is scaled by the last c at the end; with equal counts every factor is exactly 1
   * except the final 1/k. Returns the mean loss Σ_i c_i·L_i (rounded to float, as a model's loss is).
   */
  TrainTask.Loss accumulate(B batch) {
    int k = cfg.accumulation();
    int total = task.weight(batch);
    if (total == 0) throw new IllegalStateException("training batch " + step + " has no targets (all −1)");
    if (k == 1) return task.forwardBackward(batch);
    double loss = 0;
    Map<String, Double> parts = new LinkedHashMap<>();
    float prev = 0; // c of the last micro-batch that ran
    for (int i = 0; i < k; i++) {
      B mb = task.part(batch, i, k);
      int n = task.weight(mb);
      if (n == 0) continue;
      float c = (float) ((double) n / total);
      if (prev != 0 && prev != c) scaleGrads(prev / c);
      TrainTask.Loss l = task.forwardBackward(mb);
      loss += (double) c * l.value();
      for (Map.Entry<String, Double> e : l.parts().entrySet()) parts.merge(e.getKey(), (double) c * e.getValue(), Double::sum);
      prev = c;
    }
    if (prev != 1f) scaleGrads(prev);
    return new TrainTask.Loss((float) loss, parts);
  }

  private void scaleGrads(float f) {
    for (Trainable.Param p : task.params()) {
      float[] g = p.grad();
      for (int j = 0; j < g.length; j++) g[j] *= f;
    }
  }

  /** The task's validation loss over {@code n} batches (null when it has no validation data). */
  public Double evaluate(int n) { return task.evaluate(n); }

  /** Writes the checkpoint and swaps it in; refuses weights that are no longer finite. */
  private void save(double elapsed, Listener listener) throws IOException {
    for (Trainable.Param p : task.params()) {
      for (float v : p.value()) {
        if (!Float.isFinite(v)) throw diverged(step, "parameter " + p.name() + " holds " + v + " after the update");
      }
    }
    TrainerState state = new TrainerState(step, skipped, cfg.steps(), elapsed, settings());
    RunDirectory.replace(runDir, tmp -> {
      task.save(tmp);
      opt.save(tmp.resolve(OPTIMIZER_FILE));
      state.write(tmp);
    });
    lastSaved = step;
    if (listener != null) listener.onCheckpoint(step, RunDirectory.checkpointDir(runDir));
  }

  private TrainingDiverged diverged(long at, String what) {
    return new TrainingDiverged(at, what, runDir == null ? -1 : lastSaved,
        runDir == null ? "memory" : RunDirectory.checkpointDir(runDir).toString());
  }

  /** One metrics line: step, loss, the task's parts, lr, grad_norm, tokens_per_s, elapsed (+ val_loss, skipped). */
  static String metricsLine(Progress p) {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"step\":").append(p.step()).append(",\"loss\":").append(num(p.loss()));
    for (Map.Entry<String, Double> e : p.parts().entrySet()) sb.append(",\"").append(e.getKey()).append("\":").append(num(e.getValue()));
    sb.append(",\"lr\":").append(num(p.lr()))
        .append(",\"grad_norm\":").append(num(p.gradNorm()))
        .append(",\"tokens_per_s\":").append(String.format(Locale.ROOT, "%.1f", p.tokensPerSecond()))
        .append(",\"elapsed\":").append(String.format(Locale.ROOT, "%.3f", p.elapsedSeconds()));
    if (p.valLoss() != null) sb.append(",\"val_loss\":").append(num(p.valLoss()));
    if (p.skipped()) sb.append(",\"skipped\":true");
    return sb.append('}').toString();
  }

  /** A JSON number, or null for NaN/infinity (which JSON cannot represent). */
  private static String num(double x) {
    return Double.isFinite(x) ? Double.toString(x) : "null";
  }
}
