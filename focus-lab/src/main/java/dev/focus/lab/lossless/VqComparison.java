package dev.focus.lab.lossless;

import dev.focus.data.PixelImage;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.multimodal.InfoAudit;
import dev.focus.multimodal.KMeansTokenizer;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.Patchify;
import dev.focus.multimodal.PixelCodec;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 02 §4.3: the same model reads a captioning task either as raw patches (lossless, through
 * Linear(D→d)) or as k-means codes (VQ-K, through Embedding(K, d)); only the input differs. Each
 * arm trains {@code steps} image→text steps per seed and is scored by exact-match caption accuracy
 * on held-out images; each tokenizer is also scored by how often it returns every pixel exactly.
 */
public final class VqComparison implements Section<VqComparison.Settings, VqComparison.Result> {
  /** Every task's images are 16 patches, so 16 tokens (spec 02 §4.3). */
  static final int TOKENS = 16;

  /**
   * @param task       the data set ({@code digits}, {@code glyphs-read})
   * @param codebooks  VQ arms by codebook size K, largest first
   * @param seed       base seed; seed s of the arm trains with {@code seed + s}
   */
  public record Settings(String task, int seeds, int steps, int trainSize, int testSize, List<Integer> codebooks,
                         long seed) implements Serializable {
    public Settings {
      codebooks = List.copyOf(codebooks);
    }

    public Settings withTask(String other) {
      return new Settings(other, seeds, steps, trainSize, testSize, codebooks, seed);
    }
  }

  /**
   * One input arm: K = 0 for lossless, whose capacity is unbounded (+∞); a VQ arm's 16 tokens carry
   * 16 log₂ K bits. {@code accuracy[s]} is seed s's held-out accuracy;
   * reconstruction is measured on seed 0's tokenizer over up to 200 training images.
   */
  public record Arm(String name, int codebook, double capacityBits, double[] accuracy, double exactReconstruction,
                    double levelError) implements Serializable {}

  /** The arms in order (lossless first, then VQ by the settings' codebook order); testSize as scored. */
  public record Result(String task, int steps, int seeds, int testSize, List<Arm> arms) implements Serializable {
    public Arm arm(String name) {
      for (Arm a : arms) if (a.name().equals(name)) return a;
      throw new IllegalArgumentException("no arm " + name + " in " + arms.stream().map(Arm::name).toList());
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    List<String> names = new ArrayList<>(List.of("lossless"));
    for (int k : s.codebooks()) names.add("vq-" + k);
    double[][] acc = new double[names.size()][s.seeds()];
    double[][] recon = new double[names.size()][2];
    int testSize = s.testSize();
    for (int seed = 0; seed < s.seeds(); seed++) {
      MultimodalData data = MultimodalData.load(s.task(), ctx.dataCache(), s.trainSize(), testSize, s.seed() + seed);
      testSize = Math.min(testSize, data.test().size());
      for (int a = 0; a < names.size(); a++) {
        if (ctx.cancelled()) return result(s, testSize, names, acc, recon);
        int k = a == 0 ? 0 : s.codebooks().get(a - 1);
        ctx.progress().message(s.task() + " " + names.get(a) + " seed " + seed);
        var settings = MultimodalTrainer.defaults(s.steps(), s.seed() + seed).withWarmup(Math.min(50, s.steps() / 5));
        MultimodalRun run = new MultimodalRun("mm-tiny", data, "rope-tv", k, settings, null);
        run.trainer().captionOnly();
        run.train(false, info -> {
          ctx.progress().step(1);
          if (ctx.cancelled()) run.trainer().requestStop();
        });
        acc[a][seed] = run.captionAccuracy(testSize);
        if (seed == 0) recon[a] = reconstruction(data, run.codebook());
      }
    }
    return result(s, testSize, names, acc, recon);
  }

  private static Result result(Settings s, int testSize, List<String> names, double[][] acc, double[][] recon) {
    List<Arm> arms = new ArrayList<>();
    for (int a = 0; a < names.size(); a++) {
      int k = a == 0 ? 0 : s.codebooks().get(a - 1);
      double capacity = k == 0 ? Double.POSITIVE_INFINITY : InfoAudit.capacityBits(TOKENS, k);
      arms.add(new Arm(names.get(a), k, capacity, acc[a], recon[a][0], recon[a][1]));
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
