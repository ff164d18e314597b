package dev.focus.lab.lossless;

import dev.focus.data.PixelImage;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.InfoAudit;
import dev.focus.multimodal.KMeansTokenizer;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.Patchify;
import dev.focus.multimodal.PixelCodec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 02 §4.3: the same model reads a captioning task either as raw patches (lossless, through
 * Linear(D→d)) or as k-means codes (VQ-K, through Embedding(K, d)); only the input differs. Each
 * arm trains {@code steps} image→text steps per seed, one {@link VqArmRun} task per arm and seed,
 * and is scored by exact-match caption accuracy on held-out images; each tokenizer is also scored by
 * how often it returns every pixel exactly.
 */
public final class VqComparison implements Section<VqComparison.Settings, VqComparison.Result> {
  /** Every task's images are 16 patches, so 16 tokens (spec 02 §4.3). */
  static final int TOKENS = 16;

  /**
   * @param task        the data set ({@code digits}, {@code glyphs-read})
   * @param seeds       seeds of the arms that decide the verdict: lossless, the largest and the smallest codebook
   * @param otherSeeds  seeds of the codebooks in between (0: not run), which only fill in the curve against K
   * @param codebooks   VQ arms by codebook size K, largest first
   * @param seed        base seed; seed s of the arm trains with {@code seed + s}
   */
  public record Settings(String task, int seeds, int otherSeeds, int steps, int trainSize, int testSize, List<Integer> codebooks,
                         long seed) implements Serializable {
    public Settings {
      codebooks = List.copyOf(codebooks);
    }

    public Settings withTask(String other) {
      return new Settings(other, seeds, otherSeeds, steps, trainSize, testSize, codebooks, seed);
    }

    /** The arms' codebooks in order (0: lossless first) with the seeds each runs (none: left out). */
    List<int[]> arms() {
      List<int[]> out = new ArrayList<>(List.<int[]>of(new int[] {0, seeds}));
      for (int i = 0; i < codebooks.size(); i++) {
        boolean deciding = i == 0 || i == codebooks.size() - 1;
        if ((deciding ? seeds : otherSeeds) > 0) out.add(new int[] {codebooks.get(i), deciding ? seeds : otherSeeds});
      }
      return out;
    }

    /** Every run's settings, arm by arm, seed by seed. */
    List<VqArmRun.Settings> runs() {
      List<VqArmRun.Settings> out = new ArrayList<>();
      for (int[] a : arms()) for (int q = 0; q < a[1]; q++) out.add(new VqArmRun.Settings(task, a[0], q, steps, trainSize, testSize, seed));
      return out;
    }
  }

  /**
   * One input arm: K = 0 for lossless, whose capacity is unbounded (+∞); a VQ arm's 16 tokens carry
   * 16 log₂ K bits. {@code accuracy[s]} is seed s's held-out accuracy;
   * reconstruction is measured on seed 0's tokenizer over up to 200 training images.
   */
  public record Arm(String name, int codebook, double capacityBits, double[] accuracy, double exactReconstruction,
                    double levelError) implements Serializable {}

  /** The arms in order (lossless first, then VQ by the settings' codebook order); testSize as scored; seeds: the most any arm ran. */
  public record Result(String task, int steps, int seeds, int testSize, List<Arm> arms) implements Serializable {
    public Arm arm(String name) {
      for (Arm a : arms) if (a.name().equals(name)) return a;
      throw new IllegalArgumentException("no arm " + name + " in " + arms.stream().map(Arm::name).toList());
    }

    /** The arm of codebook {@code k} (0: lossless), or null when it did not run. */
    public Arm codebook(int k) {
      for (Arm a : arms) if (a.codebook() == k) return a;
      return null;
    }
  }

  static List<Task<VqArmRun.Settings, VqArmRun.Result>> tasks(Settings s) { return Task.each(s.runs(), VqArmRun::task); }

  @Override
  public Result run(Settings s, LabContext ctx) throws Exception {
    List<VqArmRun.Result> runs = ctx.results(tasks(s));
    List<Arm> arms = new ArrayList<>();
    int at = 0, testSize = s.testSize();
    for (int[] a : s.arms()) {
      double[] acc = new double[a[1]];
      for (int q = 0; q < a[1]; q++) {
        acc[q] = runs.get(at + q).accuracy();
        testSize = Math.min(testSize, runs.get(at + q).testSize());
      }
      VqArmRun.Result first = runs.get(at);
      double capacity = a[0] == 0 ? Double.POSITIVE_INFINITY : InfoAudit.capacityBits(TOKENS, a[0]);
      arms.add(new Arm(a[0] == 0 ? "lossless" : "vq-" + a[0], a[0], capacity, acc, first.exactReconstruction(), first.levelError()));
      at += a[1];
    }
    return new Result(s.task(), s.steps(), s.seeds(), testSize, arms);
  }

  /** Exact-reconstruction rate over training images and mean absolute level error of a tokenizer (lossless: 1, 0). */
  static double[] reconstruction(MultimodalData data, KMeansTokenizer vq) {
    if (vq == null) return new double[] {1, 0};
    int exact = 0;
    double err = 0;
    long values = 0;
    int n = Math.min(200, data.train().size());
    for (int i = 0; i < n; i++) {
      PixelImage im = data.train().get(i).image();
      float[] p = Patchify.patchify(PixelCodec.encode(im), data.height(), data.width(), data.channels(), data.patch());
      float[] back = Patchify.unpatchify(vq.decode(vq.encode(p)), data.height(), data.width(), data.channels(), data.patch());
      PixelImage dec = PixelCodec.decode(back, data.height(), data.width(), data.channels(), data.levels());
      if (dec.equals(im)) exact++;
      int[] a = im.data(), b = dec.data();
      for (int j = 0; j < a.length; j++) err += Math.abs(a[j] - b[j]);
      values += a.length;
    }
    return new double[] {(double) exact / n, err / values};
  }
}
