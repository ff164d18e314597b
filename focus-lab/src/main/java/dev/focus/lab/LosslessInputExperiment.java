package dev.focus.lab;

import dev.focus.multimodal.InfoAudit;
import dev.focus.multimodal.KMeansTokenizer;
import dev.focus.multimodal.MultimodalData;
import dev.focus.multimodal.MultimodalInference;
import dev.focus.multimodal.MultimodalRun;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.Patchify;
import dev.focus.multimodal.PixelCodec;
import dev.focus.multimodal.PixelImage;
import dev.focus.multimodal.Png;
import dev.focus.web.report.Chart;
import dev.focus.web.report.DataFile;
import dev.focus.web.report.Series;
import dev.focus.web.report.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Note 2 (spec 02): images should enter a Transformer losslessly, as raw patches, and leave by
 * diffusion in the same model. Three parts: the information audit, lossless patches against k-means
 * VQ tokens on a detail-sensitive captioning task, and the digits demonstration (captioning accuracy
 * and generated samples).
 */
public final class LosslessInputExperiment implements Experiment {
  static final int[] CODEBOOKS = {256, 64, 16, 4};

  @Override public String slug() { return "02-lossless-input"; }

  @Override public String title() { return "Lossless input: raw patches in, diffusion out, one Transformer"; }

  @Override
  public Findings run(LabContext ctx) throws Exception {
    Findings f = new Findings().tag("multimodal").tag("diffusion").tag("spec 02");
    Profile p = ctx.profile();
    int seeds = p.pick(1, 1, 3);
    int vqSteps = p.pick(20, 350, 2000);
    int digitSteps = p.pick(20, 900, 6000);
    ctx.progress().total((long) seeds * (CODEBOOKS.length + 1) * vqSteps + digitSteps);

    f.md("**The claim** (Su, *“闭门造车”之多模态思路浅谈（一）：无损输入*, kexue.fm/archives/9984): a general "
        + "multimodal model should read images losslessly — raw pixel patches through a linear projection, no VQ "
        + "bottleneck — and write them with diffusion on the same patch tokens, inside one decoder Transformer.");
    audit(f);
    double[] gap = vqComparison(f, ctx, seeds, vqSteps);
    if (ctx.cancelled()) return f;
    String digits = digitsDemo(f, ctx, digitSteps);

    boolean everyArmBelow = gap[0] >= 0;
    boolean growing = gap[1] > gap[2];
    Verdict v = everyArmBelow && growing ? Verdict.AGREES : everyArmBelow || growing ? Verdict.PARTLY : Verdict.CONTRADICTS;
    f.mdf("## Verdict%n%n**%s.** On the detail task, lossless patches beat or match every VQ arm within one standard "
            + "deviation: %s; the gap at K = 4 (%s points) %s the gap at K = 256 (%s points). %s",
        v.label(), everyArmBelow ? "yes" : "no", Findings.num(100 * gap[1], 3), growing ? "exceeds" : "does not exceed",
        Findings.num(100 * gap[2], 3), digits);
    f.verdict(v, String.format(java.util.Locale.ROOT,
        "Lossless patches against k-means VQ tokens on reading two digits from 16×16 glyphs: the captioning gap grows to "
            + "%s points at $K=4$ (vs %s at $K=256$). Information audit: a 64×64 RGB image needs $\\log_2 V \\ge 36$ at $L=1024$.",
        Findings.num(100 * gap[1], 3), Findings.num(100 * gap[2], 3)));
    return f;
  }

  /** Spec 02 §2: the bits a lossless discrete tokenizer would have to carry. */
  static void audit(Findings f) {
    f.md("## 1. The information audit\n\nA tokenization of length $L$ over a vocabulary of $V$ carries at most "
        + "$L\\log_2 V$ bits, so an $H\\times W\\times C$ image at $b$ bits per sub-pixel needs\n\n"
        + "$$L\\log_2 V \\;\\ge\\; HWCb \\quad\\Longrightarrow\\quad \\log_2 V_{\\min} = \\frac{HWCb}{L}.$$\n");
    List<List<String>> rows = new ArrayList<>();
    double[][] cases = {{64, 64, 3, 3, 1024}, {64, 64, 3, 3, 256}, {64, 64, 3, 3.44, 1024}, {256, 256, 3, 3, 256}};
    for (double[] c : cases) {
      double bits = InfoAudit.imageBits(c[0], c[1], c[2], c[3]);
      double log2 = InfoAudit.minLog2Vocab(bits, c[4]);
      String v = log2 <= 64 ? InfoAudit.minVocab(bits, c[4]).toString() : "$2^{" + Findings.num(Math.ceil(log2), 6) + "}$";
      rows.add(List.of((int) c[0] + "×" + (int) c[1] + "×" + (int) c[2], Findings.num(c[3], 3), Findings.num(bits, 8),
          String.valueOf((int) c[4]), Findings.num(log2, 5), v));
    }
    f.md(Findings.table(List.of("image", "b", "bits", "L", "log₂ V_min", "V_min"), rows));
    List<List<String>> demo = new ArrayList<>();
    for (int k : CODEBOOKS) {
      demo.add(List.of(String.valueOf(k), "16", Findings.num(InfoAudit.capacityBits(16, k), 4)));
    }
    f.mdf("The demonstrations below tokenize a 16×16 glyph into $L=16$ codes. Their capacity $16\\log_2K$ stays far "
        + "below the raw content: %s bits for a binary 16×16 glyph, %s bits for an 8×8 digit of 17 levels.%n%n",
        Findings.num(256, 4), Findings.num(InfoAudit.capacityBits(64, 17), 4));
    f.md(Findings.table(List.of("codebook K", "L", "capacity (bits)"), demo));
  }

  /**
   * Spec 02 §4.3: the same model reads glyphs-read either as raw patches or as k-means codes; only
   * the input differs. Returns {min over K of (lossless − VQ_K + sd), gap at K = 4, gap at K = 256}.
   */
  static double[] vqComparison(Findings f, LabContext ctx, int seeds, int steps) throws IOException {
    Profile p = ctx.profile();
    int trainSize = p.pick(64, 4000, 20000), testSize = p.pick(16, 300, 1000);
    Map<String, double[]> acc = new LinkedHashMap<>();
    Map<String, double[]> recon = new LinkedHashMap<>();
    List<String> arms = new ArrayList<>(List.of("lossless"));
    for (int k : CODEBOOKS) arms.add("vq-" + k);
    for (String arm : arms) {
      acc.put(arm, new double[seeds]);
      recon.put(arm, new double[2]);
    }
    for (int s = 0; s < seeds; s++) {
      MultimodalData data = MultimodalData.load("glyphs-read", ctx.dataCache(), trainSize, testSize, ctx.seed() + s);
      for (String arm : arms) {
        if (ctx.cancelled()) return new double[] {0, 0, 0};
        int k = arm.equals("lossless") ? 0 : Integer.parseInt(arm.substring(3));
        ctx.progress().message("glyphs-read " + arm + " seed " + s);
        var settings = new MultimodalTrainer.Settings(steps, 32, 2e-3, 2e-4, Math.min(50, steps / 5), 0.01, 1.0,
            ctx.seed() + s, 0, true);
        MultimodalRun run = new MultimodalRun("mm-tiny", data, "rope-tv", k, settings, null);
        run.train(false, info -> {
          ctx.progress().step(1);
          if (ctx.cancelled()) run.trainer().requestStop();
        });
        acc.get(arm)[s] = run.captionAccuracy(testSize);
        if (s == 0) recon.put(arm, reconstruction(data, run.codebook()));
      }
    }
    double[] ks = new double[CODEBOOKS.length], vqMean = new double[CODEBOOKS.length], lossless = new double[CODEBOOKS.length];
    List<List<String>> rows = new ArrayList<>();
    double losslessMean = mean(acc.get("lossless")), worstMargin = Double.POSITIVE_INFINITY;
    for (String arm : arms) {
      double[] a = acc.get(arm);
      int k = arm.equals("lossless") ? 0 : Integer.parseInt(arm.substring(3));
      rows.add(List.of(arm, k == 0 ? "∞ (raw)" : Findings.num(InfoAudit.capacityBits(16, k), 3),
          Findings.num(100 * mean(a), 3) + (seeds > 1 ? " ± " + Findings.num(100 * sd(a), 2) : ""),
          Findings.num(100 * recon.get(arm)[0], 3) + "%", Findings.num(recon.get(arm)[1], 3)));
    }
    for (int i = 0; i < CODEBOOKS.length; i++) {
      double[] a = acc.get("vq-" + CODEBOOKS[i]);
      int j = CODEBOOKS.length - 1 - i; // the chart's x axis ascends
      ks[j] = CODEBOOKS[i];
      vqMean[j] = mean(a);
      lossless[j] = losslessMean;
      worstMargin = Math.min(worstMargin, losslessMean - (mean(a) - sd(a)));
    }
    f.mdf("## 2. Lossless patches against VQ tokens%n%n"
        + "Task: caption a 16×16 glyph holding two digits from a 3×5 font (`glyphs-read`; the caption depends on a few "
        + "pixels). Both arms use the same model (`mm-tiny`), data order, %d steps and seeds; the lossless arm reads "
        + "raw 4×4 patches through $\\mathrm{Linear}(16\\to d)$, the VQ arm reads k-means codes (k-means++, 50 Lloyd "
        + "iterations) through $\\mathrm{Embedding}(K,d)$. Accuracy is exact match on %d held-out glyphs; reconstruction "
        + "is how often the tokenizer returns every pixel exactly, and its mean absolute level error.%n%n", steps, testSize);
    f.md(Findings.table(List.of("input", "capacity of 16 tokens (bits)", "caption accuracy (%)", "exact reconstruction",
        "mean level error"), rows));
    f.chart(Chart.line("vq-gap", "Held-out caption accuracy against codebook size", "codebook size K", "accuracy",
        Series.of("VQ-K", ks, vqMean), Series.of("lossless", ks, lossless)).withLogX());
    List<List<?>> csv = new ArrayList<>();
    for (String arm : arms) for (int s = 0; s < seeds; s++) csv.add(List.of(arm, s, acc.get(arm)[s]));
    f.data(DataFile.csv("vq-vs-lossless.csv", List.of("arm", "seed", "accuracy"), csv));
    double gap4 = losslessMean - vqMean[0], gap256 = losslessMean - vqMean[CODEBOOKS.length - 1];
    return new double[] {worstMargin, gap4, gap256};
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

  /** The digits demonstration: caption accuracy and generated samples. Returns a sentence for the verdict. */
  static String digitsDemo(Findings f, LabContext ctx, int steps) throws IOException {
    f.md("## 3. Digits: captioning and generation in one model\n");
    MultimodalData data;
    try {
      data = MultimodalData.load("digits", ctx.dataCache(), 0, 0, ctx.seed());
    } catch (NoSuchFileException | IllegalArgumentException e) {
      f.md("*Skipped:* the digits are not in the data cache (run `./focus setup digits`). " + e.getMessage());
      return "";
    }
    var settings = new MultimodalTrainer.Settings(steps, 32, 2e-3, 2e-4, Math.min(100, steps / 5), 0.01, 1.0, ctx.seed(),
        Math.max(50, steps / 10), false);
    MultimodalRun run = new MultimodalRun("mm-tiny", data, "rope-tv", 0, settings, ctx.work("digits"));
    ctx.progress().message("digits: training");
    run.train(true, info -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) run.trainer().requestStop(); // the checkpoint lets a rerun resume
    });
    if (ctx.cancelled()) return "";
    int n = ctx.profile().pick(20, 200, data.test().size());
    double acc = run.captionAccuracy(n);
    MultimodalInference inf = new MultimodalInference(run.model(), data.patch(), data.channels(), data.levels());
    List<PixelImage> samples = new ArrayList<>();
    int perDigit = ctx.profile().pick(1, 2, 4);
    for (int d = 0; d < 10; d++) {
      for (int i = 0; i < perDigit; i++) {
        samples.add(inf.generate(dev.focus.data.Digits.caption(d), 8, 8, 20, ctx.seed() * 100 + d * 10 + i, 4).image());
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(Png.contactSheet(samples, perDigit * 2, 6, 6), "png", png);
    f.data(new DataFile("digit-samples.png", png.toByteArray()));
    f.mdf("`mm-tiny` (width 64, 4 layers, RoPE-TV, DDIM with 20 steps) trained for %d steps on %d digits, half "
            + "text→image and half image→text. Held-out captioning accuracy: **%s%%** on %d digits (chance 10%%). "
            + "Samples for the prompts *digit zero* … *digit nine*, %d per digit (rows of two digits):%n%n"
            + "![generated digits](../runs/02-lossless-input/digit-samples.png)%n",
        steps, data.train().size(), Findings.num(100 * acc, 3), n, perDigit);
    return String.format(java.util.Locale.ROOT, "On digits the same model captions held-out images with %s%% accuracy.",
        Findings.num(100 * acc, 3));
  }

  static double mean(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s / a.length;
  }

  static double sd(double[] a) {
    if (a.length < 2) return 0;
    double m = mean(a), s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return Math.sqrt(s / (a.length - 1));
  }
}
