package dev.focus.lab.lossless;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import java.io.IOException;
import java.io.Serializable;

/**
 * Spec 02 §4.3, one unit of the lossless-vs-VQ comparison: the captioning model trained from one
 * seed on one input arm (raw patches, or k-means codes of one codebook size), scored on held-out
 * images, with its tokenizer's reconstruction. Seed index q loads the data and trains with
 * {@code seed + q}, as the comparison did before its arms were tasks, so seed 1 of every arm gives
 * the numbers it gave then.
 */
public final class VqArmRun implements Section<VqArmRun.Settings, VqArmRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "lossless.vq-arm.v1";

  /** {@code codebook} 0 is the lossless arm. */
  public record Settings(String task, int codebook, int seedIndex, int steps, int trainSize, int testSize, long seed)
      implements Serializable {
    String arm() { return codebook == 0 ? "lossless" : "vq-" + codebook; }
  }

  /** Held-out caption accuracy on {@code testSize} images, and the tokenizer's exact-reconstruction rate and level error. */
  public record Result(String task, int codebook, int seedIndex, double accuracy, int testSize, double exactReconstruction,
                       double levelError, double seconds) implements Serializable {}

  static Task<Settings, Result> task(Settings s) {
    return Task.of(KIND, new VqArmRun(), s).labelled(s.task() + " " + s.arm() + " seed " + (s.seedIndex() + 1)).withCost(s.steps()).withProgressUnits(s.steps());
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    long t0 = System.nanoTime();
    long seed = s.seed() + s.seedIndex();
    MultimodalData data = MultimodalData.load(s.task(), ctx.dataCache(), s.trainSize(), s.testSize(), seed);
    int testSize = Math.min(s.testSize(), data.test().size());
    ctx.progress().message(s.task() + " " + s.arm() + " seed " + (s.seedIndex() + 1));
    var settings = MultimodalTrainer.defaults(s.steps(), seed).withWarmup(Math.min(50, s.steps() / 5));
    MultimodalRun run = new MultimodalRun("mm-tiny", data, "rope-tv", s.codebook(), settings, null);
    run.trainer().captionOnly();
    run.train(false, info -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) run.trainer().requestStop();
    });
    double accuracy = run.captionAccuracy(testSize);
    double[] recon = VqComparison.reconstruction(data, run.codebook());
    return new Result(s.task(), s.codebook(), s.seedIndex(), accuracy, testSize, recon[0], recon[1], (System.nanoTime() - t0) / 1e9);
  }
}
