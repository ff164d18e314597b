package dev.focus.lab.lossless;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.KMeansTokenizer;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.PatchFilter;
import dev.focus.multimodal.Patchify;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The input arms of spec 02 §4.3 that keep the lossless arm's model and interface (raw values through
 * {@code Linear(D → C)}, the same initial weights, data order and seeds) and change one thing:
 *
 * <ul>
 *   <li>{@code centroids-K}: each patch replaced by its k-means centroid (the codebook VQ-K fits, same
 *       seed), so VQ's information loss without VQ's {@code Embedding} interface;
 *   <li>{@code pool-F}: each F×F block of pixels replaced by its mean (a blurred image at full size),
 *       a continuous input that drops detail;
 *   <li>{@code causal}: raw patches, but the image block attends causally instead of bidirectionally
 *       (spec 02 §3.5's hybrid mask switched off).
 * </ul>
 *
 * One task per arm and seed, trained image→text as {@link VqArmRun} trains, and scored the same way.
 */
public final class InputArmRun implements Section<InputArmRun.Settings, InputArmRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "lossless.input-arm.v1";

  /** {@code input}: {@code centroids-K}, {@code pool-F} or {@code causal}. */
  public record Settings(String task, String input, int seedIndex, int steps, int trainSize, int testSize, long seed)
      implements Serializable {
    public Settings {
      parse(input);
    }
  }

  /** As {@link VqArmRun.Result}: accuracy, how well the input reproduces each image, the training curve. */
  public record Result(String task, String input, int seedIndex, double accuracy, int testSize, double exactReconstruction,
                       double levelError, double seconds, double[] curve) implements Serializable {}

  /** What an input name asks for: the kind and its number (K or F; 0 for causal). */
  record Input(String kind, int n) {}

  static Input parse(String input) {
    if ("causal".equals(input)) return new Input("causal", 0);
    int dash = input == null ? -1 : input.lastIndexOf('-');
    if (dash > 0) {
      String kind = input.substring(0, dash);
      try {
        int n = Integer.parseInt(input.substring(dash + 1));
        if ((kind.equals("centroids") && n >= 2) || (kind.equals("pool") && n >= 2)) return new Input(kind, n);
      } catch (NumberFormatException ignored) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("input arm '" + input + "' is not centroids-K (K >= 2), pool-F (F >= 2) or causal");
  }

  static Task<Settings, Result> task(Settings s) {
    return Task.of(KIND, new InputArmRun(), s).labelled(s.task() + " " + s.input() + " seed " + (s.seedIndex() + 1)).withCost(s.steps()).withProgressUnits(s.steps());
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    long t0 = System.nanoTime();
    long seed = s.seed() + s.seedIndex(); // as VqArmRun: seed q of every arm draws the same data and training seed
    MultimodalData data = MultimodalData.load(s.task(), ctx.dataCache(), s.trainSize(), s.testSize(), seed);
    int testSize = Math.min(s.testSize(), data.test().size());
    ctx.progress().message(s.task() + " " + s.input() + " seed " + (s.seedIndex() + 1));
    var settings = MultimodalTrainer.defaults(s.steps(), seed).withWarmup(Math.min(50, s.steps() / 5));
    Input in = parse(s.input());
    var config = MultimodalRun.preset("mm-tiny", data).withPosition("rope-tv").withCausalImages(in.kind().equals("causal"));
    MultimodalRun run = new MultimodalRun(config, data, settings, null);
    PatchFilter filter = switch (in.kind()) {
      // The codebook VQ-K's run fits: the same points, K, seed and iterations.
      case "centroids" -> PatchFilter.centroids(KMeansTokenizer.fit(data.trainPatches(),
          data.train().size() * Patchify.patchCount(data.height(), data.width(), data.patch()), data.patchDim(), in.n(), seed, 50));
      case "pool" -> PatchFilter.averagePool(data.patch(), data.channels(), in.n());
      default -> null;
    };
    run.withInputFilter(filter).trainer().captionOnly();
    double[] curve = VqArmRun.trainWithCurve(run, data, s.steps(), testSize, ctx);
    double[] recon = VqComparison.reconstruction(data, filter);
    return new Result(s.task(), s.input(), s.seedIndex(), curve[4], testSize, recon[0], recon[1], (System.nanoTime() - t0) / 1e9,
        Arrays.copyOf(curve, 4));
  }
}
