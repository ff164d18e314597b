package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training loop. One step: zero the gradients, run the micro-batches of batch {@code step} of the
 * training split (each weighted by its share of the counted targets), clip the global norm, take an
 * AdamW step with the scheduled learning rate, then log, evaluate and checkpoint as configured.
 *
 * <p>Files in the run directory:
 * <pre>
 *   metrics.jsonl            one JSON object per step: step, loss, lr, grad_norm, tokens_per_s, elapsed
 *                            (+ val_loss on evaluation steps); steps are 1-based (step k = k updates done)
 *   checkpoint/              the latest checkpoint, replaced atomically:
 *     (model files)          whatever {@link Trainable#save} writes
 *     optimizer.bin          AdamW m, v and t ({@link TensorFile})
 *     trainer.json           step, elapsed seconds, dataset and the settings that must match on resume
 * </pre>
 *
 * <p>Resume: {@link #resume()} restores weights, optimizer state and step. The data of step s is a
 * function of (seed, s), and nothing else carries state, so the resumed run continues exactly as an
 * uninterrupted one would (bit for bit with deterministic kernels). Metric lines past the checkpoint
 * (written after it, before an interruption) are dropped.
 *
 * <p>Frozen parameters ({@link TrainConfig#trainOnly()}): the model still computes every gradient, but
 * only the selected parameters are clipped, decayed and updated, and only they have optimizer state.
 *
 * <p>Stop: {@link #requestStop()} (e.g. from a Ctrl-C shutdown hook) makes the loop finish the current
 * step, write a checkpoint and return with {@link Result#stopped()} set.
 */
public final class Trainer {
  /** Progress after one step, for listeners (progress bars, logs). */
  public record Progress(long step, long totalSteps, double loss, double lr, double gradNorm,
                         double tokensPerSecond, double elapsedSeconds, double etaSeconds, Double valLoss) {}

  /** Receives progress; called on the training thread. */
  public interface Listener {
    void onStep(Progress p);

    default void onCheckpoint(long step, Path dir) {}
  }

  /** How a run ended: the step reached, whether it was stopped early, and the last losses. */
  public record Result(long step, boolean stopped, double lastLoss, Double lastValLoss) {}

  static final String FORMAT = "focus-trainer";
  static final int VERSION = 1;

  private final Trainable model;
  private final Dataset data;
  private final TrainConfig cfg;
  private final Path runDir;
  private final AdamW opt;
  private final List<Trainable.Param> trained; // the parameters the optimizer updates (TrainConfig.trainOnly)
  private final LrSchedule schedule;
  private volatile boolean stopRequested;
  private long step;
  private double elapsedBefore;

  public Trainer(Trainable model, Dataset data, TrainConfig cfg, Path runDir) {
    this.model = model;
    this.data = data;
    this.cfg = cfg;
    this.runDir = runDir;
    data.checkSeqLen(cfg.seqLen());
    List<String> names = new ArrayList<>();
    for (Trainable.Param p : model.params()) names.add(p.name());
    java.util.Set<String> keep = new java.util.HashSet<>(cfg.trained(names));
    List<Trainable.Param> trained = new ArrayList<>();
    for (Trainable.Param p : model.params()) if (keep.contains(p.name())) trained.add(p);
    this.trained = List.copyOf(trained);
    this.opt = new AdamW(this.trained, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay());
    this.schedule = cfg.schedule();
  }

  /** Directory of the latest checkpoint of a run. */
  public static Path checkpointDir(Path runDir) { return runDir.resolve("checkpoint"); }

  /** Metrics file of a run. */
  public static Path metricsFile(Path runDir) { return runDir.resolve("metrics.jsonl"); }

  /** True when {@code runDir} holds a checkpoint that {@link #resume} can load. */
  public static boolean hasCheckpoint(Path runDir) {
    return Files.isRegularFile(checkpointDir(runDir).resolve("trainer.json"))
        || Files.isRegularFile(runDir.resolve("checkpoint.old").resolve("trainer.json"));
  }

  /** Steps completed. */
  public long step() { return step; }

  /** The parameters this run updates: all, or those selected by {@link TrainConfig#trainOnly()}. */
  public List<Trainable.Param> trainedParams() { return trained; }

  /** The optimizer (its state is part of checkpoints). */
  public AdamW optimizer() { return opt; }

  /** Asks the loop to stop after the current step, save a checkpoint and return. Thread-safe. */
  public void requestStop() { stopRequested = true; }

  /**
   * Loads the run's checkpoint (weights, optimizer, step). Returns false when there is none.
   * Throws {@link IllegalArgumentException} when it was written with different settings or data.
   */
  public boolean resume() throws IOException {
    Path dir = checkpointDir(runDir);
    if (!Files.isRegularFile(dir.resolve("trainer.json"))) {
      Path old = runDir.resolve("checkpoint.old"); // a crash between the two renames of save()
      if (!Files.isRegularFile(old.resolve("trainer.json"))) return false;
      dir = old;
    }
    String json = Files.readString(dir.resolve("trainer.json"), StandardCharsets.UTF_8);
    if (!FORMAT.equals(field(json, "format")) || !String.valueOf(VERSION).equals(field(json, "version"))) {
      throw new IOException(dir.resolve("trainer.json") + " is not a version " + VERSION + " Focus trainer state");
    }
    String key = field(json, "settings");
    if (!cfg.resumeKey().equals(key)) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": it was trained with [" + key + "], now [" + cfg.resumeKey() + "]");
    }
    String ds = field(json, "dataset");
    if (!data.name().equals(ds)) {
      throw new IllegalArgumentException("cannot resume " + runDir + ": it was trained on dataset " + ds + ", now " + data.name());
    }
    long s = Long.parseLong(field(json, "step"));
    if (s > cfg.steps()) throw new IllegalArgumentException("cannot resume " + runDir + " at step " + s + " with steps=" + cfg.steps() + " (raise --steps)");
    model.load(dir);
    opt.load(dir.resolve("optimizer.bin"));
    if (opt.stepCount() != s) throw new IOException(dir + ": optimizer step " + opt.stepCount() + " != trainer step " + s);
    step = s;
    elapsedBefore = Double.parseDouble(field(json, "elapsed"));
    truncateMetrics(s);
    return true;
  }

  /** Runs until {@code cfg.steps()} or a stop request; always ends with a checkpoint. */
  public Result run(Listener listener) throws IOException {
    Files.createDirectories(runDir);
    long startStep = step;
    long t0 = System.nanoTime();
    double lastLoss = Double.NaN;
    Double lastVal = null;
    long lastSaved = -1;
    int micro = cfg.batchSize() / cfg.accumulation();
    long tokensPerStep = (long) cfg.batchSize() * cfg.seqLen();
    try (BufferedWriter metrics = Files.newBufferedWriter(metricsFile(runDir), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (step < cfg.steps() && !stopRequested) {
        long s = step; // 0-based index of this update
        model.zeroGrad();
        Batch batch = data.batch(Split.TRAIN, cfg.seed(), s, cfg.batchSize(), cfg.seqLen());
        float loss = accumulate(batch, micro);
        double norm = GradClip.clip(trained, cfg.clipNorm());
        double lr = schedule.at(s);
        opt.step(lr);
        step = s + 1;
        lastLoss = loss;

        Double val = null;
        if (cfg.evalEvery() > 0 && (step % cfg.evalEvery() == 0 || step == cfg.steps())) {
          val = evaluate(cfg.evalBatches());
          lastVal = val;
        }
        double session = (System.nanoTime() - t0) / 1e9;
        long done = step - startStep;
        double tps = session > 0 ? done * tokensPerStep / session : 0;
        double eta = done > 0 ? (cfg.steps() - step) * session / done : Double.NaN;
        double elapsed = elapsedBefore + session;
        metrics.write(metricsLine(step, loss, lr, norm, tps, elapsed, val));
        metrics.newLine();
        metrics.flush();
        if (listener != null) listener.onStep(new Progress(step, cfg.steps(), loss, lr, norm, tps, elapsed, eta, val));
        if (cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0 && step < cfg.steps()) {
          save(elapsed);
          lastSaved = step;
          if (listener != null) listener.onCheckpoint(step, checkpointDir(runDir));
        }
      }
    }
    if (lastSaved != step) {
      save(elapsedBefore + (System.nanoTime() - t0) / 1e9);
      if (listener != null) listener.onCheckpoint(step, checkpointDir(runDir));
    }
    return new Result(step, step < cfg.steps(), lastLoss, lastVal);
  }

  /**
   * Runs the micro-batches of {@code batch} and leaves in the gradients Σ_i (n_i/N)·∇L_i, the gradient
   * of the mean over all N counted targets (n_i in micro-batch i), so that k micro-batches equal one
   * batch up to float rounding. Before micro-batch i the accumulated sum is rescaled by c_{i−1}/c_i
   * (c = n/N) and it is scaled by the last c at the end; with equal counts every factor is exactly 1
   * except the final 1/k. Returns the mean loss Σ_i c_i·L_i.
   */
  float accumulate(Batch batch, int micro) {
    int k = batch.batch() / micro;
    int total = batch.countTargets();
    if (total == 0) throw new IllegalStateException("training batch " + step + " has no targets (all −1)");
    double loss = 0;
    float prev = 0; // c of the last micro-batch that ran
    for (int i = 0; i < k; i++) {
      Batch mb = k == 1 ? batch : batch.rows(i * micro, micro);
      int n = mb.countTargets();
      if (n == 0) continue;
      float c = (float) ((double) n / total);
      if (prev != 0 && prev != c) scaleGrads(prev / c);
      float l = model.forwardBackward(mb.tokens(), mb.targets(), mb.batch(), mb.seqLen());
      loss += (double) c * l;
      prev = c;
    }
    if (prev != 1f) scaleGrads(prev);
    return (float) loss;
  }

  private void scaleGrads(float f) {
    for (Trainable.Param p : model.params()) {
      float[] g = p.grad();
      for (int j = 0; j < g.length; j++) g[j] *= f;
    }
  }

  /** Mean validation loss over batches 0..n−1 of the validation split, weighted by target counts. */
  public double evaluate(int n) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      Batch b = data.batch(Split.VALIDATION, cfg.seed(), i, cfg.batchSize(), cfg.seqLen());
      int c = b.countTargets();
      if (c == 0) continue;
      sum += (double) c * model.loss(b.tokens(), b.targets(), b.batch(), b.seqLen());
      count += c;
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /** Writes the checkpoint and swaps it in ({@link CheckpointSwap}). */
  private void save(double elapsed) throws IOException {
    String state = "{\n  \"format\": \"" + FORMAT + "\",\n  \"version\": " + VERSION + ",\n  \"step\": " + step
        + ",\n  \"steps\": " + cfg.steps() + ",\n  \"elapsed\": " + elapsed + ",\n  \"dataset\": \"" + escape(data.name())
        + "\",\n  \"settings\": \"" + escape(cfg.resumeKey()) + "\"\n}\n";
    CheckpointSwap.replace(runDir, tmp -> {
      model.save(tmp);
      opt.save(tmp.resolve("optimizer.bin"));
      Files.writeString(tmp.resolve("trainer.json"), state, StandardCharsets.UTF_8);
    });
  }

  private void truncateMetrics(long lastStep) throws IOException {
    Path f = metricsFile(runDir);
    if (!Files.exists(f)) return;
    List<String> keep = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      String s = field(line, "step");
      if (s != null && Long.parseLong(s) <= lastStep) keep.add(line);
    }
    Path tmp = runDir.resolve("metrics.jsonl.tmp");
    Files.write(tmp, keep, StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String metricsLine(long step, double loss, double lr, double norm, double tps, double elapsed, Double val) {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"step\":").append(step)
        .append(",\"loss\":").append(num(loss))
        .append(",\"lr\":").append(num(lr))
        .append(",\"grad_norm\":").append(num(norm))
        .append(",\"tokens_per_s\":").append(String.format(Locale.ROOT, "%.1f", tps))
        .append(",\"elapsed\":").append(String.format(Locale.ROOT, "%.3f", elapsed));
    if (val != null) sb.append(",\"val_loss\":").append(num(val));
    return sb.append('}').toString();
  }

  /** A JSON number, or null for NaN/infinity (which JSON cannot represent). */
  private static String num(double x) {
    return Double.isFinite(x) ? Double.toString(x) : "null";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static final Pattern FIELD = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-+0-9.eE]+|true|false|null)");

  /** The value of top-level field {@code name} of a flat JSON object (strings unescaped), or null. */
  static String field(String json, String name) {
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2);
      }
    }
    return null;
  }

}
