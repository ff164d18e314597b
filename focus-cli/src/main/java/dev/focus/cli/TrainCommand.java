package dev.focus.cli;

import dev.focus.train.CheckpointSwap;
import dev.focus.data.DataCache;
import dev.focus.data.Dataset;
import dev.focus.data.Datasets;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.ModelTrainable;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus train}: builds a model from a preset plus overrides, trains it on a dataset with
 * AdamW (warmup + cosine), shows a progress bar on stderr, writes {@code OUT/metrics.jsonl} and
 * checkpoints into {@code OUT/checkpoint/}. Ctrl-C finishes the current step, saves and exits 130;
 * {@code --resume} continues from the checkpoint with the same losses as an uninterrupted run.
 * {@code OUT/run.json} records the options; a different run in OUT is never overwritten without
 * {@code --force}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a model on a dataset.",
        "Writes OUT/metrics.jsonl (one JSON object per step) and OUT/checkpoint/; Ctrl-C saves and exits 130."})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--preset", defaultValue = "micro",
      description = "Model preset: micro, tiny or small; mm-tiny or mm-small train captioning + generation on images (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--attention", description = "Attention kind: softmax, flash or linear (default: the preset's).")
  String attention;

  @Option(names = "--position", description = "Position scheme: nope, rope, mrope, alibi, sinusoidal, learned (default: the preset's).")
  String position;

  @Option(names = "--data", required = true, description = "Dataset: brown[:bpe=N], mqar, needle, copy, reverse, addition, kback, mod10 [:key=value,...]; with mm-* presets: digits, glyphs-shapes, glyphs-read, glyphs-count.")
  String data;

  @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--out", required = true, description = "Run directory, e.g. runs/NAME.")
  Path out;

  @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq", defaultValue = "64", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--accumulate", defaultValue = "1", description = "Micro-batches per step; must divide --batch (default: ${DEFAULT-VALUE}).")
  int accumulate;

  @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--min-lr", description = "Final learning rate of the cosine (default: lr/10).")
  Double minLr;

  @Option(names = "--warmup", description = "Warmup steps (default: min(100, steps/10)).")
  Integer warmup;

  @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Model config override (repeatable), e.g. --set layers=4.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--train-only", paramLabel = "PATTERN", split = ",",
      description = "Train only the parameters whose name contains a match of PATTERN (a regular expression or plain substring; repeatable or comma-separated), e.g. --train-only head_scale; the rest stay frozen.")
  List<String> trainOnly = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial weights and the data stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--eval-every", defaultValue = "100", description = "Validation loss every N steps and at the end, 0 = off (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--eval-batches", defaultValue = "4", description = "Validation batches per evaluation (default: ${DEFAULT-VALUE}).")
  int evalBatches;

  @Option(names = "--checkpoint-every", defaultValue = "500", description = "Checkpoint every N steps, 0 = only at the end (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.")
  boolean resume;

  @Option(names = "--force", description = "Delete an existing run in --out and start over.")
  boolean force;

  @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show a progress bar on stderr (default: on; --no-progress to hide).")
  boolean progress;

  @Option(names = "--cache", description = "Dataset cache (default: $FOCUS_CACHE or ~/.cache/focus).")
  Path cache;

  /** Test hook: called after every step with the trainer and its progress (e.g. to request a stop). */
  static volatile java.util.function.BiConsumer<Trainer, Trainer.Progress> onStep;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
    if (preset.startsWith("mm-") && !trainOnly.isEmpty()) {
      throw new IllegalArgumentException("--train-only applies to the decoder presets, not " + preset);
    }
    if (preset.startsWith("mm-")) return MultimodalTrainCli.train(this, stdout, stderr);
    if (resume && force) throw new IllegalArgumentException("--resume and --force exclude each other");
    if (steps < 1) throw new IllegalArgumentException("--steps=" + steps + " must be >= 1");
    if (batch < 1) throw new IllegalArgumentException("--batch=" + batch + " must be >= 1");
    if (seq < 2) throw new IllegalArgumentException("--seq=" + seq + " must be >= 2");
    if (evalEvery < 0) throw new IllegalArgumentException("--eval-every=" + evalEvery + " must be >= 0");
    if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every=" + checkpointEvery + " must be >= 0");
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr=" + lr + " must be > 0");
    int w = warmup != null ? warmup : (int) Math.min(100, steps / 10);
    double min = minLr != null ? minLr : lr / 10;
    TrainConfig tc;
    try {
      tc = new TrainConfig(steps, batch, seq, accumulate, lr, min, w, weightDecay, 0.9, 0.95, 1e-8, clip, seed,
          evalEvery, evalBatches, checkpointEvery, trainOnly);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((e.getMessage().startsWith("trainOnly") ? "--train-only: " : "bad training option: ")
          + e.getMessage());
    }

    // Model: preset, then --attention/--position, then --set; vocab from the dataset unless set.
    ModelConfig base = ModelConfig.preset(preset);
    Map<String, String> changes = new LinkedHashMap<>();
    if (attention != null) changes.put("attention", attention.toLowerCase(Locale.ROOT));
    if (position != null) changes.put("position", position.toLowerCase(Locale.ROOT));
    List<String> setKeys = new ArrayList<>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--set '" + s + "' must have the form key=value; valid keys: " + String.join(", ", Overrides.KEYS));
      changes.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
      setKeys.add(s.substring(0, eq).trim());
    }
    Dataset dataset = Datasets.open(data, cache != null ? cache : DataCache.dir());
    dataset.checkSeqLen(seq);
    if (!setKeys.contains("vocab")) changes.put("vocab", Integer.toString(dataset.vocabSize()));
    ModelConfig config = Overrides.apply(base, changes);
    if (config.vocab() < dataset.vocabSize()) {
      throw new IllegalArgumentException("vocab=" + config.vocab() + " is smaller than dataset " + dataset.name() + "'s " + dataset.vocabSize() + " ids");
    }
    if (config.context() < seq) {
      throw new IllegalArgumentException("--seq=" + seq + " exceeds the model context=" + config.context() + "; add --set context=" + seq);
    }
    try {
      tc.trained(Model.specs(config).stream().map(Model.Spec::name).toList());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--train-only: " + e.getMessage());
    }

    // The run directory: never overwrite a different run silently.
    String runJson = runJson(config, tc);
    Path runFile = out.resolve("run.json");
    boolean exists = Files.exists(runFile) || Files.exists(Trainer.metricsFile(out)) || Trainer.hasCheckpoint(out);
    if (exists && force) {
      for (String f : List.of("run.json", "metrics.jsonl")) Files.deleteIfExists(out.resolve(f));
      for (String d : List.of("checkpoint", "checkpoint.old", "checkpoint.tmp")) CheckpointSwap.deleteTree(out.resolve(d));
    } else if (exists && !resume) {
      throw new Main.UserException(out + " already holds a run; use --resume to continue it or --force to start over");
    } else if (exists && Files.exists(runFile)) {
      String before = Files.readString(runFile, StandardCharsets.UTF_8);
      String diff = firstDifference(before, runJson);
      if (diff != null) throw new Main.UserException("cannot resume " + out + ": " + diff + " (use --force to start over)");
    }
    Files.createDirectories(out);
    Files.writeString(runFile, runJson, StandardCharsets.UTF_8);

    ModelTrainable model = new ModelTrainable(new Model(config, seed));
    Trainer trainer = new Trainer(model, dataset, tc, out);
    if (resume) {
      if (trainer.resume()) stderr.println("focus train: resuming " + out + " at step " + trainer.step());
      else stderr.println("focus train: no checkpoint in " + out + "; starting a new run");
      stderr.flush();
      if (trainer.step() == steps) {
        stdout.printf(Locale.ROOT, "%s is already complete at step %d; raise --steps to train further%n", out, steps);
        stdout.flush();
        return Main.EXIT_OK;
      }
    }

    // Ctrl-C: the hook asks the loop to stop, then waits until the checkpoint is written.
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      trainer.requestStop();
      try { finished.await(120, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
    }, "focus-train-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    try {
      Trainer.Result result;
      ProgressBar bar = progress ? progressBar(stderr, tc, trainer.step()) : null;
      try {
        result = trainer.run(new Trainer.Listener() {
          @Override public void onStep(Trainer.Progress p) {
            var hookForTests = onStep;
            if (hookForTests != null) hookForTests.accept(trainer, p);
            if (bar == null) return;
            etaSeconds = p.etaSeconds();
            bar.stepTo(p.step());
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f%s  %,.0f tok/s", p.loss(),
                p.valLoss() == null ? "" : String.format(Locale.ROOT, " val %.4f", p.valLoss()), p.tokensPerSecond()));
          }
        });
      } finally {
        if (bar != null) bar.close();
      }
      String val = result.lastValLoss() == null ? "" : String.format(Locale.ROOT, " val_loss %.4f", result.lastValLoss());
      if (result.stopped()) {
        stdout.printf(Locale.ROOT, "stopped at step %d of %d; checkpoint saved in %s; continue with --resume%n",
            result.step(), steps, Trainer.checkpointDir(out));
        stdout.flush();
        return 130;
      }
      stdout.printf(Locale.ROOT, "trained %d steps: loss %.4f%s; checkpoint in %s%n", result.step(), result.lastLoss(), val,
          Trainer.checkpointDir(out));
      stdout.flush();
      return Main.EXIT_OK;
    } finally {
      // Only now may a Ctrl-C shutdown proceed: the checkpoint and the last line are written.
      finished.countDown();
      try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException shuttingDown) { /* the hook is running */ }
    }
  }

  private String runJson(ModelConfig config, TrainConfig tc) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data", data);
    m.put("preset", preset);
    m.putAll(Overrides.describe(config));
    m.put("seed", Long.toString(seed));
    m.put("batch", Integer.toString(tc.batchSize()));
    m.put("seq", Integer.toString(tc.seqLen()));
    m.put("accumulate", Integer.toString(tc.accumulation()));
    m.put("lr", Double.toString(tc.lr()));
    m.put("minLr", Double.toString(tc.minLr()));
    m.put("warmup", Integer.toString(tc.warmup()));
    m.put("weightDecay", Double.toString(tc.weightDecay()));
    m.put("clip", Double.toString(tc.clipNorm()));
    m.put("steps", Long.toString(tc.steps()));
    if (!tc.trainOnly().isEmpty()) m.put("trainOnly", String.join(",", tc.trainOnly()));
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : m.entrySet()) {
      sb.append(first ? "\n  \"" : ",\n  \"").append(e.getKey()).append("\": \"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      first = false;
    }
    return sb.append("\n}\n").toString();
  }

  /** "key was A, now B" for the first differing line of two run.json texts (steps may change), or null. */
  static String firstDifference(String before, String now) {
    Map<String, String> a = lines(before), b = lines(now);
    for (Map.Entry<String, String> e : b.entrySet()) {
      if (e.getKey().equals("steps")) continue;
      String old = a.get(e.getKey());
      // a run written before a model key existed had that key's default
      if (old == null && e.getValue().equals(Overrides.LATER_KEYS.get(e.getKey()))) continue;
      if (!e.getValue().equals(old)) return e.getKey() + " was " + old + ", now " + e.getValue();
    }
    return null;
  }

  private static Map<String, String> lines(String json) {
    Map<String, String> m = new LinkedHashMap<>();
    var matcher = java.util.regex.Pattern.compile("\"([^\"]+)\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (matcher.find()) m.put(matcher.group(1), matcher.group(2));
    return m;
  }

  private volatile double etaSeconds = Double.NaN;

  private ProgressBar progressBar(PrintWriter err, TrainConfig tc, long start) {
    ProgressBarConsumer consumer = new ProgressBarConsumer() {
      @Override public int getMaxRenderedLength() { return 110; }
      @Override public void accept(String s) { err.print('\r'); err.print(s); err.flush(); }
      @Override public void close() { err.println(); err.flush(); }
    };
    return new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(tc.steps())
        .startsFrom(start, Duration.ZERO)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(consumer)
        .setEtaFunction(state -> etaOf(etaSeconds))
        .build();
  }


  private static Optional<Duration> etaOf(double seconds) {
    return Double.isFinite(seconds) ? Optional.of(Duration.ofMillis((long) (seconds * 1000))) : Optional.empty();
  }
}
