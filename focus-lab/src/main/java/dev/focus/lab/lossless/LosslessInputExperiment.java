package dev.focus.lab.lossless;

import dev.focus.data.DataCache;
import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Task;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Note 2 (spec 02): images should enter a Transformer losslessly, as raw patches, and leave by
 * diffusion in the same model. Four sections: the information audit ({@link InformationAudit}),
 * lossless patches against k-means VQ tokens and other lossy inputs on a captioning task
 * ({@link VqComparison}), the digits demonstration, captioning accuracy and generated samples
 * ({@link DigitsDemo}), and the hybrid mask against a causal image block in generation ({@link MaskArmRun}).
 */
public final class LosslessInputExperiment
    implements Experiment<LosslessInputExperiment.Settings, LosslessInputExperiment.Results> {
  static final List<Integer> CODEBOOKS = List.of(256, 64, 16, 4);

  /**
   * The input arms through the lossless Linear ({@link InputArmRun}), each with the deciding arms'
   * seeds: the centroids of the largest and smallest codebooks, and the 2×2-pooled image.
   */
  static final List<String> INPUTS = List.of("centroids-256", "centroids-4", "pool-2");

  /**
   * Seeds of the codebooks between the largest and the smallest in the quick profile: none, since they
   * only fill in the curve against K (issue #13: quick runs the arms that decide, within 20 minutes).
   */
  static final int MIDDLE_SEEDS = 0;

  /**
   * @param vq               the VQ comparisons in order; the first decides the verdict
   * @param ifDigitsMissing  replaces a {@code digits} comparison when the digits are not in the data
   *                         cache (null: none, the digits comparison is left out; see {@link #comparisons})
   * @param masks            the mask arms' runs ({@link MaskArmRun}), on the digits; left out when the
   *                         digits are not in the data cache
   */
  public record Settings(InformationAudit.Settings audit, List<VqComparison.Settings> vq,
                         VqComparison.Settings ifDigitsMissing, DigitsDemo.Settings digits, List<MaskArmRun.Settings> masks)
      implements Serializable {
    public Settings {
      vq = List.copyOf(vq);
      masks = List.copyOf(masks);
    }
  }

  /** {@code masks}: the mask arms' results in the settings' order (empty when they did not run). */
  public record Results(InformationAudit.Result audit, List<VqComparison.Result> vq, DigitsDemo.Result digits,
                        List<MaskArmRun.Settings> maskRuns, List<DigitsDemo.Result> masks) implements Serializable {}

  @Override public String slug() { return "02-lossless-input"; }

  @Override public String title() { return "Lossless input: raw patches in, diffusion out, one Transformer"; }

  /**
   * Quick compares on the digits (a model learns them within the budget); full adds the detail task
   * glyphs-read. Lossless and the largest and smallest codebooks decide the verdict and run three
   * seeds (mini: two); the codebooks in between only fill in the curve against K: {@link #MIDDLE_SEEDS}
   * in quick, three in full.
   */
  @Override
  public Settings settings(Profile p, long seed) {
    int seeds = p.pick(2, 3, 3), vqSteps = p.pick(20, 350, 2000);
    VqComparison.Settings glyphs = new VqComparison.Settings("glyphs-read", seeds, p.pick(1, MIDDLE_SEEDS, 3), vqSteps,
        p.pick(64, 4000, 20000), p.pick(16, 300, 1000), CODEBOOKS, seed, INPUTS);
    List<VqComparison.Settings> vq = switch (p) {
      case MINI -> List.of(glyphs);
      case QUICK -> List.of(glyphs.withTask("digits"));
      case FULL -> List.of(glyphs.withTask("digits"), glyphs);
    };
    DigitsDemo.Settings demo = new DigitsDemo.Settings(p.pick(20, 900, 6000), seed, p.pick(20, 200, Integer.MAX_VALUE),
        p.pick(1, 4, 20), 20);
    return new Settings(InformationAudit.spec(CODEBOOKS, seed), vq, p == Profile.QUICK ? glyphs : null, demo, masks(p, demo));
  }

  /**
   * The mask arms. Full: both masks, three seeds each, 2000 steps and 20 samples per digit. Quick and
   * mini: none. (Quick ran one causal seed beside the demonstration, which decided nothing; it went to
   * full to keep quick within 20 minutes, and the report says where the section is.)
   */
  static List<MaskArmRun.Settings> masks(Profile p, DigitsDemo.Settings demo) {
    List<MaskArmRun.Settings> out = new ArrayList<>();
    if (p == Profile.FULL) {
      DigitsDemo.Settings full = new DigitsDemo.Settings(2000, demo.seed(), Integer.MAX_VALUE, 20, demo.ddimSteps());
      for (String m : List.of("hybrid", "causal")) for (int q = 0; q < 3; q++) out.add(new MaskArmRun.Settings(m, q, full));
    }
    return out;
  }

  static List<Task<MaskArmRun.Settings, DigitsDemo.Result>> maskTasks(Settings s) { return Task.each(s.masks(), MaskArmRun::task); }

  @Override
  public Results run(Settings s, LabContext ctx) throws Exception {
    List<VqComparison.Settings> plan = comparisons(s, ctx.dataCache());
    List<MaskArmRun.Settings> maskRuns = digitsCached(ctx.dataCache()) ? s.masks() : List.of();
    long units = digitsCached(ctx.dataCache()) ? s.digits().steps() : 0; // the demonstration is skipped without them
    for (VqComparison.Settings v : plan) units += v.units();
    for (MaskArmRun.Settings m : maskRuns) units += m.demo().steps();
    ctx.progress().total(units);

    InformationAudit.Result audit = new InformationAudit().run(s.audit(), ctx);
    List<VqComparison.Result> vq = new ArrayList<>();
    for (VqComparison.Settings v : plan) {
      vq.add(new VqComparison().run(v, ctx));
      if (ctx.cancelled()) return new Results(audit, vq, null, List.of(), List.of());
    }
    List<DigitsDemo.Result> masks = ctx.results(Task.each(maskRuns, MaskArmRun::task));
    return new Results(audit, vq, new DigitsDemo().run(s.digits(), ctx), maskRuns, masks);
  }

  /** The comparisons' trainings with the data sets of the default cache (the digits' tasks): see {@link #plan(Settings, Path)}. */
  @Override
  public List<Task<?, ?>> plan(Settings s) {
    List<Task<?, ?>> out = new ArrayList<>();
    for (VqComparison.Settings v : s.vq()) out.addAll(VqComparison.tasks(v));
    out.addAll(maskTasks(s));
    return out;
  }

  static boolean digitsCached(Path dataCache) {
    return dataCache != null && Files.isRegularFile(DataCache.digitsFile(dataCache));
  }

  /**
   * The comparisons' trainings under {@code dataCache}, one task per arm and seed: without the digits
   * in the cache, those of the stand-in comparison that {@link #run} then makes, so that the lab's plan
   * holds no task that fails for want of data.
   */
  @Override
  public List<Task<?, ?>> plan(Settings s, Path dataCache) {
    List<Task<?, ?>> out = new ArrayList<>();
    for (VqComparison.Settings v : comparisons(s, dataCache)) out.addAll(VqComparison.tasks(v));
    if (digitsCached(dataCache)) out.addAll(maskTasks(s));
    return out;
  }

  /**
   * The comparisons that run under {@code dataCache}: a {@code digits} comparison is replaced by the
   * stand-in when the digits are not cached (the report then says they are missing), or left out when
   * there is no stand-in or the stand-in already runs (full: glyphs-read). Throws when none is left.
   */
  static List<VqComparison.Settings> comparisons(Settings s, Path dataCache) {
    List<VqComparison.Settings> out = new ArrayList<>();
    for (VqComparison.Settings v : s.vq()) {
      VqComparison.Settings use = v.task().equals("digits") && !digitsCached(dataCache) ? s.ifDigitsMissing() : v;
      if (use != null && !out.contains(use)) out.add(use);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the digits are not in the data cache " + dataCache + " (run './focus setup digits')");
    }
    return out;
  }

  @Override
  public Findings render(Settings settings, Results results) {
    return LosslessReport.render(results);
  }
}
