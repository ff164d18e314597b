package dev.focus.cli;

import dev.focus.data.Batch;
import dev.focus.io.MemoryBudget;
import dev.focus.io.OutputDir;
import dev.focus.data.Dataset;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.train.MaskedLm;
import dev.focus.train.ModelTrainable;
import dev.focus.train.Objective;
import dev.focus.train.RunDirectory;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import dev.focus.train.TrainingDiverged;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus train}: builds a model from a preset plus overrides, trains it on a dataset with
 * AdamW (warmup + cosine), shows a progress bar on stderr, writes {@code OUT/metrics.jsonl} and
 * checkpoints into {@code OUT/checkpoint/}. Ctrl-C finishes the current step, saves and exits 130;
 * {@code --resume} continues from the checkpoint with the same losses as an uninterrupted run, and
 * only with the same settings ({@code OUT/run.json} and the checkpoint record them); a run in OUT is
 * never overwritten without {@code --force}. A step whose loss or gradient is not finite stops the run
 * (exit 1, one line naming the step; the last good checkpoint stays), or is skipped with
 * {@code --on-nan skip}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a model on a dataset.",
        "Writes OUT/metrics.jsonl (one JSON object per step) and OUT/checkpoint/; Ctrl-C saves and exits 130."})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.Model model;

  @Option(names = "--attention", description = "Attention kind: softmax, flash or linear (default: the preset's).") String attention;

  @Option(names = "--position", description = "Position scheme: nope, rope, mrope, alibi, sinusoidal, learned (default: the preset's).") String position;

  @Option(names = "--objective", paramLabel = "next-token|mlm", defaultValue = "next-token",
      description = "next-token (a decoder) or mlm: BERT's masked LM for an encoder (15% of the positions, 80% [MASK] = the id after the data's last, 10% random, 10% unchanged; sets mask=bidirectional and vocab = data ids + 1 unless --set) (default: ${DEFAULT-VALUE}).")
  String objective;

  @Mixin Options.Data data;

  @Mixin Options.Training training;

  @Mixin Options.Run run;

  /** Test hook: called after every step with the trainer and its progress (e.g. to request a stop). */
  static volatile java.util.function.BiConsumer<Trainer<?>, Trainer.Progress> onStep;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
    if (run.resume && run.force) throw new IllegalArgumentException("--resume and --force exclude each other");
    if (model.preset.startsWith("mm-") && !training.trainOnly.isEmpty()) {
      throw new IllegalArgumentException("--train-only applies to the decoder presets, not " + model.preset);
    }
    OutputDir.check(run.out, OutputDir.RUN);
    if (model.preset.startsWith("mm-")) return MultimodalTrainCli.train(this, stdout, stderr);
    if (training.seq < 2) throw new IllegalArgumentException("--seq=" + training.seq + " must be >= 2");
    TrainConfig tc = training.config(model.seed);

    // Model: preset, then --attention/--position, then --set; vocab from the dataset (and objective) unless set;
    // the masked-LM objective trains an encoder unless --set mask says otherwise.
    Map<String, String> first = new LinkedHashMap<>();
    if (attention != null) first.put("attention", attention.toLowerCase(Locale.ROOT));
    if (position != null) first.put("position", position.toLowerCase(Locale.ROOT));
    Dataset dataset = data.open();
    dataset.checkSeqLen(tc.seqLen());
    Objective goal = Objective.parse(objective, dataset);
    if (!model.changes().containsKey("vocab")) first.put("vocab", Integer.toString(goal.vocabNeeded(dataset.vocabSize())));
    if (goal instanceof MaskedLm) first.put("mask", "bidirectional");
    ModelConfig config = model.config(first);
    if (goal instanceof Objective.NextToken && !config.causal()) {
      throw new IllegalArgumentException("mask=bidirectional with --objective next-token: every position would see the token it "
          + "predicts; train an encoder with --objective mlm");
    }
    if (config.vocab() < dataset.vocabSize()) {
      throw new IllegalArgumentException("vocab=" + config.vocab() + " is smaller than dataset " + dataset.name() + "'s " + dataset.vocabSize() + " ids");
    }
    if (config.context() < tc.seqLen()) {
      throw new IllegalArgumentException("--seq=" + tc.seqLen() + " exceeds the model context=" + config.context() + "; add --set context=" + tc.seqLen());
    }
    // Sizes before allocation: the step's token ids and one micro-batch's pass must fit the heap.
    MemoryBudget.require("--batch " + tc.batchSize() + " × --seq " + tc.seqLen() + " token ids", MemoryBudget.times(8L * tc.batchSize(), tc.seqLen()));
    Model.requirePassMemory(config, Math.max(1, tc.batchSize() / tc.accumulation()), tc.seqLen(), true);
    try {
      tc.trained(Model.specs(config).stream().map(Model.Spec::name).toList());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--train-only: " + e.getMessage());
    }

    if (config.position().kind() == dev.focus.position.PositionKind.NOPE && !config.causal()) {
      stderr.println("focus train: note: a NoPE encoder is permutation-equivariant (it sees its context as a bag of tokens)");
    }
    Trainer<Batch> trainer = Trainer.of(new ModelTrainable(new Model(config, model.seed)), dataset, tc, run.out, goal)
        .withIdentity(Map.of("data", data.spec));
    if (!start(trainer, stderr)) {
      stdout.printf(Locale.ROOT, "%s is already complete at step %d; raise --steps to train further%n", run.out, tc.steps());
      stdout.flush();
      return Main.EXIT_OK;
    }
    return runWithStopHook(trainer::requestStop, () -> {
      Trainer.Result result;
      ProgressBar bar = run.progress ? progressBar(stderr, "train", tc.steps(), trainer.step()) : null;
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
      } catch (TrainingDiverged e) {
        return diverged(stderr, e);
      } finally {
        if (bar != null) bar.close();
      }
      String val = result.lastValLoss() == null ? "" : String.format(Locale.ROOT, " val_loss %.4f", result.lastValLoss());
      String skipped = result.skipped() == 0 ? "" : String.format(Locale.ROOT, " (%d non-finite steps skipped)", result.skipped());
      if (result.stopped()) {
        stdout.printf(Locale.ROOT, "stopped at step %d of %d; checkpoint saved in %s; continue with --resume%n",
            result.step(), tc.steps(), Trainer.checkpointDir(run.out));
        stdout.flush();
        return 130;
      }
      stdout.printf(Locale.ROOT, "trained %d steps: loss %.4f%s%s; checkpoint in %s%n", result.step(), result.lastLoss(), val, skipped,
          Trainer.checkpointDir(run.out));
      stdout.flush();
      return Main.EXIT_OK;
    });
  }

  /**
   * Prepares the run directory for {@code trainer}: refuses to touch another run without --resume or
   * --force, clears it with --force, resumes it with --resume. Returns false when the resumed run is
   * already complete.
   */
  boolean start(Trainer<?> trainer, PrintWriter stderr) throws IOException {
    boolean exists = RunDirectory.holdsRun(run.out);
    if (exists && run.force) {
      RunDirectory.clear(run.out);
    } else if (exists && !run.resume) {
      throw new Main.UserException(run.out + " already holds a run; use --resume to continue it or --force to start over");
    }
    if (run.resume) {
      try {
        if (trainer.resume()) stderr.println("focus " + spec.name() + ": resuming " + run.out + " at step " + trainer.step());
        else stderr.println("focus " + spec.name() + ": no checkpoint in " + run.out + "; starting a new run");
      } catch (IllegalArgumentException e) {
        throw new Main.UserException(e.getMessage() + (e.getMessage().startsWith("cannot resume") ? " (use --force to start over)" : ""), e);
      }
      stderr.flush();
      return trainer.step() < trainer.config().steps();
    }
    return true;
  }

  /** Work that returns an exit code. */
  interface Body {
    int run() throws IOException;
  }

  /**
   * Runs {@code body} with a Ctrl-C hook that asks the loop to stop ({@code stop}) and then waits until
   * the body has written its checkpoint and last line, so the JVM exits only after that.
   */
  static int runWithStopHook(Runnable stop, Body body) throws IOException {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.run();
      try { finished.await(120, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
    }, "focus-train-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return body.run();
    } finally {
      finished.countDown();
      try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException shuttingDown) { /* the hook is running */ }
    }
  }

  private volatile double etaSeconds = Double.NaN;

  /** A progress bar on stderr from {@code start} to {@code max} steps, its ETA from the loop's own estimate. */
  ProgressBar progressBar(PrintWriter err, String task, long max, long start) {
    ProgressBarConsumer consumer = new ProgressBarConsumer() {
      @Override public int getMaxRenderedLength() { return 110; }
      @Override public void accept(String s) { err.print('\r'); err.print(s); err.flush(); }
      @Override public void close() { err.println(); err.flush(); }
    };
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
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

  /** A run stopped by a non-finite step: one line on stderr in the CLI's words (--on-nan), and exit 1. */
  static int diverged(PrintWriter err, TrainingDiverged e) {
    err.println("focus train: " + e.getMessage().replace("(onNan=skip)", "(--on-nan skip)"));
    err.flush();
    return Main.EXIT_FAILURE;
  }
}
