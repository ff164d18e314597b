package dev.focus.lab.lossless;

import dev.focus.data.Digits;
import dev.focus.data.PixelImage;
import dev.focus.io.OutputDir;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Stats;
import dev.focus.lab.run.Section;
import dev.focus.multimodal.CaptionedImage;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalInference;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spec 02 §4.4: one model (`mm-tiny`, RoPE-TV, x₀-prediction) trained half text→image, half
 * image→text on the 8×8 digits; held-out captioning accuracy, then generated samples for each
 * prompt, read back by a 3-nearest-neighbour classifier on the real training pixels (independent
 * of the model). A memorisation check sets each sample's distance to its nearest training digit
 * against the same distance for held-out real digits: a model that copies its training digits
 * puts its samples closer than real unseen digits come.
 */
public final class DigitsDemo implements Section<DigitsDemo.Settings, DigitsDemo.Result> {
  /**
   * @param testImages  held-out digits scored for captioning (at most the test split; MAX_VALUE: all)
   * @param perDigit    samples generated per prompt
   * @param ddimSteps   DDIM steps per sample
   */
  public record Settings(int steps, long seed, int testImages, int perDigit, int ddimSteps) implements Serializable {}

  /** A generated image as plain numbers: (height, width, channels) levels in 0..levels−1. */
  public record Sample(int prompt, int height, int width, int channels, int levels, int[] data) implements Serializable {
    PixelImage image() { return new PixelImage(height, width, channels, levels, data); }
  }

  /**
   * {@code skipped} holds why nothing ran (the digits are not in the data cache), else null.
   * Accuracy and agreement are fractions; samples are in prompt order, {@code perDigit} each.
   * {@code sampleNearest[i]}: the Euclidean distance, in grey levels, from sample i to its nearest
   * training digit; {@code heldOutNearest[j]}: the same for held-out real digit j (the whole test split).
   */
  public record Result(String skipped, int steps, int trainImages, double accuracy, int testImages, double agreement,
                       int perDigit, List<Sample> samples, double[] sampleNearest, double[] heldOutNearest) implements Serializable {
    /** Samples nearer their nearest training digit than the 5th percentile of held-out real digits are, as a fraction. */
    public double closeShare() {
      double p5 = Stats.percentile(heldOutNearest, 0.05);
      int close = 0;
      for (double d : sampleNearest) if (d < p5) close++;
      return (double) close / sampleNearest.length;
    }

    /** Samples identical to a training digit. */
    public int copies() {
      int n = 0;
      for (double d : sampleNearest) if (d == 0) n++;
      return n;
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException { return trainAndScore(s, false, ctx.work("digits"), ctx); }

  /**
   * Trains the demonstration's model (with a causal image block when {@code causalImages}, the
   * ablation of spec 02 §3.5's hybrid mask) and scores it. With a run directory it checkpoints and
   * resumes there; null trains in memory.
   */
  static Result trainAndScore(Settings s, boolean causalImages, Path dir, LabContext ctx) throws IOException {
    MultimodalData data;
    try {
      data = MultimodalData.load("digits", ctx.dataCache(), 0, 0, s.seed());
    } catch (NoSuchFileException | IllegalArgumentException e) {
      return new Result(e.getMessage(), s.steps(), 0, Double.NaN, 0, Double.NaN, s.perDigit(), List.of(), new double[0], new double[0]);
    }
    var settings = MultimodalTrainer.defaults(s.steps(), s.seed()).withWarmup(Math.min(100, s.steps() / 5))
        .withCheckpointEvery(dir == null ? 0 : Math.max(50, s.steps() / 10));
    MultimodalConfig config = MultimodalRun.preset("mm-tiny", data).withPosition("rope-tv").withCausalImages(causalImages);
    MultimodalRun resumed = new MultimodalRun(config, data, settings, dir);
    if (dir != null) {
      try {
        resumed.trainer().resume();
      } catch (IllegalArgumentException stale) { // other settings, or an earlier version's files: start over
        OutputDir.deleteTree(dir);
        resumed = new MultimodalRun(config, data, settings, dir);
      }
    }
    MultimodalRun run = resumed;
    ctx.progress().message("digits: training" + (causalImages ? " (causal image block)" : ""));
    run.train(false, info -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) run.trainer().requestStop(); // the checkpoint lets a rerun resume
    });
    if (ctx.cancelled()) return null;
    int n = Math.min(s.testImages(), data.test().size());
    double acc = run.captionAccuracy(n);
    MultimodalInference inf = new MultimodalInference(run.model(), data.patch(), data.channels(), data.levels());
    List<Sample> samples = new ArrayList<>();
    double[] sampleNearest = new double[10 * s.perDigit()];
    int agree = 0;
    for (int d = 0; d < 10; d++) {
      for (int i = 0; i < s.perDigit(); i++) {
        PixelImage im = inf.generate(Digits.caption(d), 8, 8, s.ddimSteps(), s.seed() * 1000 + d * 100 + i, 4).image();
        sampleNearest[samples.size()] = nearestDistance(data, im);
        samples.add(new Sample(d, im.height(), im.width(), im.channels(), im.levels(), im.data()));
        if (nearestNeighbourLabel(data, im, 3).equals(Digits.caption(d))) agree++;
      }
    }
    double[] heldOutNearest = new double[data.test().size()];
    for (int j = 0; j < heldOutNearest.length; j++) heldOutNearest[j] = nearestDistance(data, data.test().get(j).image());
    return new Result(null, s.steps(), data.train().size(), acc, n, (double) agree / (10 * s.perDigit()),
        s.perDigit(), samples, sampleNearest, heldOutNearest);
  }

  /** Euclidean distance, in grey levels, from {@code im} to its nearest training image. */
  static double nearestDistance(MultimodalData data, PixelImage im) {
    int[] x = im.data();
    long best = Long.MAX_VALUE;
    for (CaptionedImage t : data.train()) {
      int[] y = t.image().data();
      long dist = 0;
      for (int j = 0; j < x.length; j++) dist += (long) (x[j] - y[j]) * (x[j] - y[j]);
      best = Math.min(best, dist);
    }
    return Math.sqrt(best);
  }

  /** The majority caption of the k training images nearest to {@code im} in squared pixel distance (ties: nearest). */
  static String nearestNeighbourLabel(MultimodalData data, PixelImage im, int k) {
    int[] x = im.data();
    List<CaptionedImage> train = data.train();
    long[] best = new long[k];
    int[] who = new int[k];
    Arrays.fill(best, Long.MAX_VALUE);
    for (int i = 0; i < train.size(); i++) {
      int[] y = train.get(i).image().data();
      long dist = 0;
      for (int j = 0; j < x.length; j++) dist += (long) (x[j] - y[j]) * (x[j] - y[j]);
      for (int r = 0; r < k; r++) {
        if (dist < best[r]) {
          for (int m = k - 1; m > r; m--) {
            best[m] = best[m - 1];
            who[m] = who[m - 1];
          }
          best[r] = dist;
          who[r] = i;
          break;
        }
      }
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (int r = 0; r < k; r++) votes.merge(train.get(who[r]).caption(), 1, Integer::sum);
    String top = train.get(who[0]).caption();
    for (Map.Entry<String, Integer> e : votes.entrySet()) if (e.getValue() > votes.get(top)) top = e.getKey();
    return top;
  }
}
