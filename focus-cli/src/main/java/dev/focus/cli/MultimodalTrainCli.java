package dev.focus.cli;

import dev.focus.train.CheckpointSwap;
import dev.focus.data.DataCache;
import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.NoisePredictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code focus train --preset mm-tiny --data digits}: the multimodal branch of {@link TrainCommand}
 * (spec 02 §4). Trains captioning and generation in one model, writes OUT/metrics.jsonl,
 * OUT/checkpoint/ and OUT/mm-config.json, and reports held-out captioning accuracy.
 */
final class MultimodalTrainCli {
  private MultimodalTrainCli() {}

  static int train(TrainCommand o, PrintWriter out, PrintWriter err) throws IOException {
    if (o.steps < 1 || o.steps > Integer.MAX_VALUE) throw new IllegalArgumentException("--steps=" + o.steps + " must be >= 1");
    if (o.batch < 2 || o.batch % 2 != 0) throw new IllegalArgumentException("--batch=" + o.batch + " must be even and >= 2 for multimodal training");
    if (o.resume && o.force) throw new IllegalArgumentException("--resume and --force exclude each other");
    if (o.attention != null && !o.attention.equalsIgnoreCase("softmax")) {
      throw new IllegalArgumentException("--attention " + o.attention + ": multimodal presets use softmax attention (the hybrid mask)");
    }
    String position = o.position == null ? "rope-tv" : o.position.toLowerCase(Locale.ROOT);
    NoisePredictor.Target target = null;
    for (String set : o.sets) {
      String[] kv = set.split("=", 2);
      if (kv.length == 2 && kv[0].trim().equals("target")) {
        String v = kv[1].trim().toLowerCase(Locale.ROOT);
        if (!v.equals("eps") && !v.equals("x0")) throw new IllegalArgumentException("--set target=" + kv[1] + " must be eps or x0");
        target = v.equals("eps") ? NoisePredictor.Target.EPS : NoisePredictor.Target.X0;
      } else {
        throw new IllegalArgumentException("--set " + set + " is not a multimodal setting (valid: target=eps|x0)");
      }
    }
    Path cache = o.cache != null ? o.cache : DataCache.dir();
    MultimodalData data = MultimodalData.load(o.data, cache, 20000, 1000, o.seed);
    MultimodalConfig config = MultimodalRun.preset(o.preset, data).withPosition(position); // validates before touching OUT
    if (target != null) config = config.withTarget(target);
    boolean exists = Files.exists(o.out.resolve("checkpoint")) || Files.exists(o.out.resolve("metrics.jsonl"));
    if (exists && !o.resume && !o.force) {
      throw new Main.UserException(o.out + " already holds a run; use --resume to continue it or --force to start over");
    }
    if (exists && o.force) {
      for (String f : new String[] {"metrics.jsonl", "mm-config.json"}) Files.deleteIfExists(o.out.resolve(f));
      CheckpointSwap.deleteTree(o.out.resolve("checkpoint"));
    }
    int warmup = o.warmup != null ? o.warmup : (int) Math.min(100, o.steps / 10);
    var settings = new MultimodalTrainer.Settings((int) o.steps, o.batch, o.lr, o.minLr != null ? o.minLr : o.lr / 10, warmup,
        o.weightDecay, o.clip, o.seed, o.checkpointEvery, false);
    MultimodalRun run = new MultimodalRun(config, data, settings, o.out);
    if (o.resume && run.trainer().resume()) err.println("focus train: resuming " + o.out + " at step " + run.trainer().step());
    err.flush();

    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      run.trainer().requestStop();
      try { finished.await(120, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }, "focus-train-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ProgressBar bar = o.progress ? new ProgressBarBuilder().setTaskName("train " + o.preset + " on " + data.name())
          .setInitialMax(o.steps).setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120).startsFrom(run.trainer().step(),
              java.time.Duration.ZERO).build() : null;
      try {
        run.train(false, info -> {
          if (bar == null) return;
          bar.stepTo(info.step());
          bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f (text %.3f, image %.3f)", info.loss(), info.textLoss(),
              info.imageLoss()));
        });
      } finally {
        if (bar != null) bar.close();
      }
      if (run.trainer().step() < o.steps) {
        out.printf(Locale.ROOT, "stopped at step %d of %d; checkpoint saved in %s; continue with --resume%n",
            run.trainer().step(), o.steps, o.out.resolve("checkpoint"));
        out.flush();
        return 130;
      }
      int n = Math.min(200, data.test().size());
      double acc = run.captionAccuracy(n);
      out.printf(Locale.ROOT, "trained %d steps; held-out captioning accuracy %.1f%% on %d %s images; checkpoint in %s%n",
          run.trainer().step(), 100 * acc, n, data.name(), o.out.resolve("checkpoint"));
      out.printf(Locale.ROOT, "generate with: ./focus generate --checkpoint %s \"%s\"%n", o.out, data.test().get(0).caption());
      out.flush();
      return Main.EXIT_OK;
    } finally {
      finished.countDown();
      try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException shuttingDown) { /* hook running */ }
    }
  }
}
