package dev.focus.lab.lossless;

import dev.focus.data.PixelImage;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.InfoAudit;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.PatchFilter;
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
 * how often it returns every pixel exactly. The input arms ({@link InputArmRun}) separate VQ's
 * interface from its information loss: the centroids of VQ-K, or a blurred image, through the
 * lossless arm's Linear, and the lossless input under a causal image block.
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
   * @param inputs      input arms of {@link InputArmRun} ({@code centroids-K}, {@code pool-F}, {@code causal}), each
   *                    run with {@code seeds} seeds after the VQ arms
   */
  public record Settings(String task, int seeds, int otherSeeds, int steps, int trainSize, int testSize, List<Integer> codebooks,
                         long seed, List<String> inputs) implements Serializable {
    public Settings {
      codebooks = List.copyOf(codebooks);
      inputs = List.copyOf(inputs);
      for (String in : inputs) InputArmRun.parse(in);
    }

    public Settings withTask(String other) {
      return new Settings(other, seeds, otherSeeds, steps, trainSize, testSize, codebooks, seed, inputs);
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

    /** The input arms' runs, arm by arm, seed by seed. */
    List<InputArmRun.Settings> inputRuns() {
      List<InputArmRun.Settings> out = new ArrayList<>();
      for (String in : inputs) for (int q = 0; q < seeds; q++) out.add(new InputArmRun.Settings(task, in, q, steps, trainSize, testSize, seed));
      return out;
    }

    /** Training steps of every run, for progress. */
    long units() { return (long) (runs().size() + inputRuns().size()) * steps; }
  }

  /**
   * One input arm: K = 0 for lossless, whose capacity is unbounded (+∞); a VQ arm's 16 tokens carry
   * 16 log₂ K bits, and so do the centroids of its codebook (codebook K, name {@code centroids-K});
   * the pooled and causal arms have codebook 0 and unbounded capacity (continuous values).
   * {@code accuracy[s]} is seed s's held-out accuracy; reconstruction is measured on seed 0's input
   * over up to 200 training images; {@code curves[s]} is seed s's training curve ({@link VqArmRun.Result#curve}).
   */
  public record Arm(String name, int codebook, double capacityBits, double[] accuracy, double exactReconstruction,
                    double levelError, double[][] curves) implements Serializable {
    /** A VQ arm (codes through an Embedding). */
    public boolean vq() { return name.startsWith("vq-"); }
  }

  /** The arms in order (lossless first, then VQ by the settings' codebook order); testSize as scored; seeds: the most any arm ran. */
  public record Result(String task, int steps, int seeds, int testSize, List<Arm> arms) implements Serializable {
    public Arm arm(String name) {
      for (Arm a : arms) if (a.name().equals(name)) return a;
      throw new IllegalArgumentException("no arm " + name + " in " + arms.stream().map(Arm::name).toList());
    }

    /** The arm named {@code name}, or null when it did not run. */
    public Arm find(String name) {
      for (Arm a : arms) if (a.name().equals(name)) return a;
      return null;
    }

    /** The VQ arms, in the settings' codebook order (largest first). */
    public List<Arm> vqArms() { return arms.stream().filter(Arm::vq).toList(); }
  }

  /** The VQ arms' tasks, then the input arms' tasks. */
  static List<Task<?, ?>> tasks(Settings s) {
    List<Task<?, ?>> out = new ArrayList<>(Task.each(s.runs(), VqArmRun::task));
    out.addAll(Task.each(s.inputRuns(), InputArmRun::task));
    return out;
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws Exception {
    List<VqArmRun.Result> runs = ctx.results(Task.each(s.runs(), VqArmRun::task));
    List<Arm> arms = new ArrayList<>();
    int at = 0, testSize = s.testSize();
    for (int[] a : s.arms()) {
      double[] acc = new double[a[1]];
      double[][] curves = new double[a[1]][];
      for (int q = 0; q < a[1]; q++) {
        acc[q] = runs.get(at + q).accuracy();
        curves[q] = runs.get(at + q).curve();
        testSize = Math.min(testSize, runs.get(at + q).testSize());
      }
      VqArmRun.Result first = runs.get(at);
      double capacity = a[0] == 0 ? Double.POSITIVE_INFINITY : InfoAudit.capacityBits(TOKENS, a[0]);
      arms.add(new Arm(a[0] == 0 ? "lossless" : "vq-" + a[0], a[0], capacity, acc, first.exactReconstruction(), first.levelError(),
          curves));
      at += a[1];
    }
    List<InputArmRun.Result> inputs = ctx.results(Task.each(s.inputRuns(), InputArmRun::task));
    at = 0;
    for (String in : s.inputs()) {
      double[] acc = new double[s.seeds()];
      double[][] curves = new double[s.seeds()][];
      for (int q = 0; q < s.seeds(); q++) {
        acc[q] = inputs.get(at + q).accuracy();
        curves[q] = inputs.get(at + q).curve();
        testSize = Math.min(testSize, inputs.get(at + q).testSize());
      }
      InputArmRun.Result first = inputs.get(at);
      InputArmRun.Input parsed = InputArmRun.parse(in);
      int k = parsed.kind().equals("centroids") ? parsed.n() : 0;
      double capacity = k == 0 ? Double.POSITIVE_INFINITY : InfoAudit.capacityBits(TOKENS, k);
      arms.add(new Arm(in, k, capacity, acc, first.exactReconstruction(), first.levelError(), curves));
      at += s.seeds();
    }
    return new Result(s.task(), s.steps(), s.seeds(), testSize, arms);
  }

  /**
   * Exact-reconstruction rate over training images and mean absolute level error of what an input arm
   * keeps of each image: a VQ tokenizer's centroids, or any other filter (null, the raw patches: 1, 0).
   */
  static double[] reconstruction(MultimodalData data, PatchFilter filter) {
    if (filter == null) return new double[] {1, 0};
    int exact = 0;
    double err = 0;
    long values = 0;
    int n = Math.min(200, data.train().size());
    for (int i = 0; i < n; i++) {
      PixelImage im = data.train().get(i).image();
      float[] p = Patchify.patchify(PixelCodec.encode(im), data.height(), data.width(), data.channels(), data.patch());
      float[] back = Patchify.unpatchify(filter.apply(p), data.height(), data.width(), data.channels(), data.patch());
      PixelImage dec = PixelCodec.decode(back, data.height(), data.width(), data.channels(), data.levels());
      if (dec.equals(im)) exact++;
      int[] a = im.data(), b = dec.data();
      for (int j = 0; j < a.length; j++) err += Math.abs(a[j] - b[j]);
      values += a.length;
    }
    return new double[] {(double) exact / n, err / values};
  }
}
