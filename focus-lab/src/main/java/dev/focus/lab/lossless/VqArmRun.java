package dev.focus.lab.lossless;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.CaptionedImage;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.PatchFilter;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Spec 02 §4.3, one unit of the lossless-vs-VQ comparison: the captioning model trained from one
 * seed on one input arm (raw patches, or k-means codes of one codebook size), scored on held-out
 * images, with its tokenizer's reconstruction. Seed index q loads the data and trains with
 * {@code seed + q}, as the comparison did before its arms were tasks, so seed 1 of every arm gives
 * the numbers it gave then.
 */
public final class VqArmRun implements Section<VqArmRun.Settings, VqArmRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes (v2: the training curve). */
  static final String KIND = "lossless.vq-arm.v2";

  /** Held-out images the training curve is measured on (the first of the test split). */
  static final int CURVE_IMAGES = 100;

  /** {@code codebook} 0 is the lossless arm. */
  public record Settings(String task, int codebook, int seedIndex, int steps, int trainSize, int testSize, long seed)
      implements Serializable {
    String arm() { return codebook == 0 ? "lossless" : "vq-" + codebook; }
  }

  /**
   * Held-out caption accuracy on {@code testSize} images, the tokenizer's exact-reconstruction rate and
   * level error, and the training curve: {@code curve[i]} is the accuracy on the first
   * {@link #CURVE_IMAGES} held-out images after (i + 1)/4 of the steps.
   */
  public record Result(String task, int codebook, int seedIndex, double accuracy, int testSize, double exactReconstruction,
                       double levelError, double seconds, double[] curve) implements Serializable {}

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
    double[] curve = trainWithCurve(run, data, s.steps(), testSize, ctx);
    double accuracy = curve[4];
    double[] recon = VqComparison.reconstruction(data, run.codebook() == null ? null : PatchFilter.centroids(run.codebook()));
    return new Result(s.task(), s.codebook(), s.seedIndex(), accuracy, testSize, recon[0], recon[1], (System.nanoTime() - t0) / 1e9,
        Arrays.copyOf(curve, 4));
  }

  /**
   * Trains {@code run} for its steps, measuring held-out caption accuracy on the first
   * {@link #CURVE_IMAGES} test images after each quarter of them. Returns those four accuracies, then
   * the accuracy on all {@code testSize} images at the end, counted as the hits on the first images
   * plus the hits on the rest, so it is the number a single evaluation gives. Evaluating only reads
   * the weights, and each step's batch depends only on (seed, step), so training is unchanged.
   */
  static double[] trainWithCurve(MultimodalRun run, MultimodalData data, int steps, int testSize, LabContext ctx) throws IOException {
    int probe = Math.min(CURVE_IMAGES, testSize);
    double[] out = new double[5];
    run.train(false, info -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) run.trainer().requestStop();
      for (int q = 1; q <= 3; q++) if (info.step() == (long) steps * q / 4) out[q - 1] = run.captionAccuracy(probe);
    });
    long head = Math.round(run.captionAccuracy(probe) * probe);
    List<CaptionedImage> rest = data.test().subList(probe, testSize);
    long tail = rest.isEmpty() ? 0
        : Math.round(MultimodalTrainer.captionAccuracy(run.model(), rest, data.patch(), run.codebook(), run.trainer().inputFilter())
            * rest.size());
    out[3] = (double) head / probe;
    out[4] = (double) (head + tail) / testSize;
    return out;
  }
}
