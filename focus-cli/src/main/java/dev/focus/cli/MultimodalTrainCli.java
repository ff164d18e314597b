package dev.focus.cli;

import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.NoisePredictor;
import dev.focus.train.TrainConfig;
import dev.focus.train.TrainingDiverged;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * {@code focus train --preset mm-tiny --data digits}: the multimodal branch of {@link TrainCommand}
 * (spec 02 §4). Trains captioning and generation in one model through the same loop, options and run
 * directory handling as the text models, writes OUT/metrics.jsonl and OUT/checkpoint/ (model.safetensors
 * + config.json, read by {@code focus generate --checkpoint OUT}), and reports held-out captioning
 * accuracy.
 */
final class MultimodalTrainCli {
  private MultimodalTrainCli() {}

  static int train(TrainCommand o, PrintWriter out, PrintWriter err) throws IOException {
    if (o.training.steps > Integer.MAX_VALUE) throw new IllegalArgumentException("--steps=" + o.training.steps + " is too large");
    if (o.attention != null && !o.attention.equalsIgnoreCase("softmax")) {
      throw new IllegalArgumentException("--attention " + o.attention + ": multimodal presets use softmax attention (the hybrid mask)");
    }
    TrainConfig tc = o.training.config(o.model.seed);
    if (tc.batchSize() % 2 != 0 || tc.batchSize() < 2) {
      throw new IllegalArgumentException("--batch=" + tc.batchSize() + " must be even and >= 2 for multimodal training");
    }
    String position = o.position == null ? "rope-tv" : o.position.toLowerCase(Locale.ROOT);
    NoisePredictor.Target target = null;
    for (String set : o.model.sets) {
      String[] kv = set.split("=", 2);
      if (kv.length == 2 && kv[0].trim().equals("target")) {
        String v = kv[1].trim().toLowerCase(Locale.ROOT);
        if (!v.equals("eps") && !v.equals("x0")) throw new IllegalArgumentException("--set target=" + kv[1] + " must be eps or x0");
        target = v.equals("eps") ? NoisePredictor.Target.EPS : NoisePredictor.Target.X0;
      } else {
        throw new IllegalArgumentException("--set " + set + " is not a multimodal setting (valid: target=eps|x0)");
      }
    }
    MultimodalData data = MultimodalData.load(o.data.spec, o.data.cacheDir(), 20000, 1000, o.model.seed);
    MultimodalConfig config = MultimodalRun.preset(o.model.preset, data).withPosition(position); // validates before touching OUT
    if (target != null) config = config.withTarget(target);
    MultimodalRun run = new MultimodalRun(config, data, tc, o.run.out);
    if (!o.start(run.trainer().loop(), err)) {
      out.printf(Locale.ROOT, "%s is already complete at step %d; raise --steps to train further%n", o.run.out, tc.steps());
      out.flush();
      return Main.EXIT_OK;
    }
    return TrainCommand.runWithStopHook(run.trainer()::requestStop, () -> {
      ProgressBar bar = o.run.progress ? o.progressBar(err, "train " + o.model.preset + " on " + data.name(), tc.steps(),
          run.trainer().step()) : null;
      try {
        run.train(false, info -> {
          if (bar == null) return;
          bar.stepTo(info.step());
          bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f (text %.3f, image %.3f)", info.loss(), info.textLoss(),
              info.imageLoss()));
        });
      } catch (TrainingDiverged e) {
        return TrainCommand.diverged(err, e);
      } finally {
        if (bar != null) bar.close();
      }
      if (run.trainer().step() < tc.steps()) {
        out.printf(Locale.ROOT, "stopped at step %d of %d; checkpoint saved in %s; continue with --resume%n",
            run.trainer().step(), tc.steps(), o.run.out.resolve("checkpoint"));
        out.flush();
        return 130;
      }
      int n = Math.min(200, data.test().size());
      double acc = run.captionAccuracy(n);
      out.printf(Locale.ROOT, "trained %d steps; held-out captioning accuracy %.1f%% on %d %s images; checkpoint in %s%n",
          run.trainer().step(), 100 * acc, n, data.name(), o.run.out.resolve("checkpoint"));
      out.printf(Locale.ROOT, "generate with: ./focus generate --checkpoint %s \"%s\"%n", o.run.out, data.test().get(0).caption());
      out.flush();
      return Main.EXIT_OK;
    });
  }
}
