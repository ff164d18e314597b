package dev.focus.lab.lossless;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.data.PixelImage;
import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.lab.run.Template;
import dev.focus.multimodal.Png;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders {@link LosslessInputExperiment.Results} as report 2, with the prose of {@code lossless-input.md}. */
final class LosslessReport {
  private static final Template TEXT = Template.of(LosslessReport.class, "lossless-input.md");

  private LosslessReport() {}

  static Findings render(LosslessInputExperiment.Results r) {
    Findings f = new Findings().tag("multimodal").tag("diffusion").tag("spec 02");
    f.md(TEXT.fill("claim"));
    audit(f, r.audit());
    for (VqComparison.Result v : r.vq()) vq(f, v);
    String digits = digits(f, r.digits());
    masks(f, r);
    VqComparison.Result first = r.vq().get(0);
    Verdict v = LosslessRules.verdict(first);
    int small = LosslessRules.smallest(first), large = LosslessRules.largest(first);
    List<String> arms = new ArrayList<>();
    for (VqComparison.Arm a : first.arms()) {
      if (!LosslessRules.lossy(a)) continue;
      arms.add(a.name() + " " + (a.accuracy().length > 1 ? pct(LosslessRules.beatsOrMatches(first, a.name())) : "1 seed, not decided"));
    }
    Claim linear = LosslessRules.growingThroughLinear(first);
    String growing = "VQ-" + large + " minus VQ-" + small + " " + pct(LosslessRules.growing(first))
        + (linear == null ? "" : "; centroids-" + large + " minus centroids-" + small + " " + pct(linear));
    f.md(TEXT.fill("verdict", "verdict", v.label(), "task", first.task(), "every", LosslessRules.everyArm(first).text(),
        "arms", String.join("; ", arms), "match", 100 * LosslessRules.MATCH, "small", small, "large", large,
        "gapSmall", 100 * LosslessRules.gap(first, small), "gapLarge", 100 * LosslessRules.gap(first, large),
        "grows", LosslessRules.gapGrows(first).text(), "growing", growing, "digits", digits));
    f.verdict(v, TEXT.fill("summary", "task", first.task(), "gap4", 100 * LosslessRules.gap(first, small), "small", small,
        "gap256", 100 * LosslessRules.gap(first, large), "large", large, "seeds", first.seeds(),
        "growing", LosslessRules.gapGrows(first).text()));
    return f;
  }

  static void audit(Findings f, InformationAudit.Result a) {
    f.md(TEXT.fill("audit") + "\n");
    List<List<String>> rows = new ArrayList<>();
    for (InformationAudit.AuditRow row : a.rows()) {
      InformationAudit.ImageCase c = row.image();
      String v = row.minVocab() != null ? row.minVocab() : "$2^{" + Findings.num(Math.ceil(row.log2MinVocab()), 6) + "}$";
      rows.add(List.of(c.height() + "×" + c.width() + "×" + c.channels(), Findings.num(c.bitsPerSubpixel(), 3),
          Findings.num(row.bits(), 8), String.valueOf(c.length()), Findings.num(row.log2MinVocab(), 5), v));
    }
    f.md(Findings.table(List.of("image", "b", "bits", "L", "log₂ V_min", "V_min"), rows));
    List<List<String>> demo = new ArrayList<>();
    for (InformationAudit.Capacity c : a.capacities()) {
      demo.add(List.of(String.valueOf(c.codebook()), String.valueOf(c.tokens()), Findings.num(c.bits(), 4)));
    }
    f.md(TEXT.fill("audit.demo", "glyphBits", a.glyphBits(), "digitBits", a.digitBits()) + "\n\n");
    f.md(Findings.table(List.of("codebook K", "L", "capacity (bits)"), demo) + "\n");
    ContentEstimate.Result c = a.content();
    if (c == null) {
      f.md(TEXT.fill("audit.content.missing", "glyphRead", a.glyphReadBits(), "glyphBits", a.glyphBits()));
      return;
    }
    InformationAudit.Capacity large = a.capacities().get(0), small = a.capacities().get(a.capacities().size() - 1);
    f.md(TEXT.fill("audit.content", "train", c.trainImages(), "marginal", c.marginalBits(), "patches", c.patches(),
        "patchH", c.patchEntropy(), "distinct", c.distinctPatches(), "patchBits", c.patchBits(), "test", c.testImages(),
        "context", c.contextBits(), "best", c.bestBits(), "large", large.codebook(), "largeBits", large.bits(),
        "largeFrac", 100 * large.bits() / c.bestBits(), "small", small.codebook(), "smallBits", small.bits(),
        "frac", 100 * small.bits() / c.bestBits(), "perToken", large.bits() / large.tokens(), "glyphRead", a.glyphReadBits(),
        "glyphBits", a.glyphBits()));
  }

  /** A claim on accuracies in points: "+12.3 ± 4.5 points over 3 seeds: agrees". */
  static String pct(Claim c) { return c.points(); }

  static void vq(Findings f, VqComparison.Result r) {
    String id = r.task().replace("glyphs-", "");
    List<List<String>> rows = new ArrayList<>();
    double[] lossless = r.arm("lossless").accuracy();
    for (VqComparison.Arm a : r.arms()) {
      Stats.Interval acc = Stats.interval95(a.accuracy());
      int n = Math.min(lossless.length, a.accuracy().length);
      String diff = a.name().equals("lossless") ? "–" : n < 2 ? "(1 seed)"
          : pct(LosslessRules.beatsOrMatches(r, a.name())).replace(": ", " (").concat(")");
      rows.add(List.of(a.name(), a.codebook() == 0 ? "∞ (" + (a.name().startsWith("pool-") ? "continuous" : "raw") + ")"
              : Findings.num(a.capacityBits(), 3),
          acc.n() < 2 ? Findings.num(100 * acc.mean(), 3) + " (1 seed)"
              : Findings.num(100 * acc.mean(), 3) + " ± " + Findings.num(100 * acc.halfWidth(), 2),
          perSeed(a.accuracy()), diff, Findings.num(100 * a.exactReconstruction(), 3) + "%", Findings.num(a.levelError(), 3)));
    }
    // The chart's x axis ascends: VQ arms from the smallest codebook.
    List<VqComparison.Arm> vqArms = r.vqArms();
    int n = vqArms.size();
    double[] ks = new double[n], vqMean = new double[n], losslessLine = new double[n];
    for (int i = 0; i < n; i++) {
      VqComparison.Arm a = vqArms.get(n - 1 - i);
      ks[i] = a.codebook();
      vqMean[i] = mean(a.accuracy());
      losslessLine[i] = mean(lossless);
    }
    String what = r.task().equals("digits") ? TEXT.fill("vq.digits") : TEXT.fill("vq.glyphs", "task", r.task());
    f.md(TEXT.fill("vq", "task", r.task(), "what", what, "steps", r.steps(), "testSize", r.testSize(), "seeds", seedText(r)) + "\n\n");
    f.md(Findings.table(List.of("input", "capacity of 16 tokens (bits)", "caption accuracy (%), mean ± 95% interval", "per seed",
        "lossless minus this arm, paired", "exact reconstruction", "mean level error"), rows));
    f.chart(Chart.line("vq-gap-" + id, "Held-out caption accuracy against codebook size (" + r.task() + ")", "codebook size K", "accuracy",
        Series.of("VQ-K", ks, vqMean), Series.of("lossless", ks, losslessLine)).withLogX());
    List<List<?>> csv = new ArrayList<>();
    for (VqComparison.Arm a : r.arms()) for (int s = 0; s < a.accuracy().length; s++) csv.add(List.of(a.name(), s, a.accuracy()[s]));
    f.data(DataFile.csv("vq-vs-lossless-" + id + ".csv", List.of("arm", "seed", "accuracy"), csv));
    List<String> lines = new ArrayList<>();
    for (VqComparison.Arm a : r.vqArms()) {
      Claim c = LosslessRules.interfaceEffect(r, a.codebook());
      if (c != null) lines.add("K = " + a.codebook() + " " + c.points().replace(": agrees", ": centroids ahead").replace(": contradicts", ": VQ ahead"));
    }
    if (!lines.isEmpty()) f.md("\n" + TEXT.fill("vq.interface", "lines", String.join("; ", lines)) + "\n");
    curves(f, r, id);
  }

  /** Last-quarter gain above which an arm is "still rising" (points on the curve's held-out images; fixed before the runs). */
  static final double RISING = 0.05;

  /** The training curves: accuracy on the first held-out images after each quarter of the steps, mean over seeds. */
  static void curves(Findings f, VqComparison.Result r, String id) {
    List<List<String>> rows = new ArrayList<>();
    List<Series> series = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    double[] x = new double[4];
    for (int q = 0; q < 4; q++) x[q] = (double) r.steps() * (q + 1) / 4;
    for (VqComparison.Arm a : r.arms()) {
      double[] mean = new double[4];
      for (int s = 0; s < a.curves().length; s++) {
        for (int q = 0; q < 4; q++) {
          mean[q] += a.curves()[s][q] / a.curves().length;
          csv.add(List.of(a.name(), s, (long) x[q], a.curves()[s][q]));
        }
      }
      double gain = mean[3] - mean[2];
      List<String> row = new ArrayList<>(List.of(a.name()));
      for (double m : mean) row.add(Findings.num(100 * m, 3));
      row.add(String.format(java.util.Locale.ROOT, "%+.1f", 100 * gain));
      row.add(gain > RISING ? "still rising" : "flat");
      rows.add(row);
      series.add(Series.of(a.name(), x, mean));
    }
    f.md("\n" + TEXT.fill("vq.curves", "steps", r.steps(), "images", VqArmRun.CURVE_IMAGES, "rising", 100 * RISING) + "\n\n");
    List<String> head = new ArrayList<>(List.of("input"));
    for (double s : x) head.add("after " + (long) s);
    head.add("last quarter (points)");
    head.add("status");
    f.md(Findings.table(head, rows));
    f.chart(Chart.line("vq-curves-" + id, "Held-out caption accuracy during training (" + r.task() + ", mean over seeds)", "step",
        "accuracy", series.toArray(new Series[0])));
    f.data(DataFile.csv("vq-curves-" + id + ".csv", List.of("arm", "seed", "step", "accuracy"), csv));
  }

  /** "3 seeds" when every arm ran as many, else "3 seeds (vq-64, vq-16: 1)". */
  static String seedText(VqComparison.Result r) {
    List<String> fewer = new ArrayList<>();
    for (VqComparison.Arm a : r.arms()) if (a.accuracy().length < r.seeds()) fewer.add(a.name() + ": " + a.accuracy().length);
    List<String> later = new ArrayList<>();
    for (int k : LosslessInputExperiment.CODEBOOKS) {
      if (r.arms().stream().noneMatch(a -> a.codebook() == k)) later.add("VQ-" + k);
    }
    return r.seeds() + (r.seeds() == 1 ? " seed" : " seeds") + (fewer.isEmpty() ? "" : " (" + String.join(", ", fewer) + ")")
        + (later.isEmpty() ? "" : "; " + String.join(" and ", later) + ", which only fill in the curve against K, run in the full profile");
  }

  static String perSeed(double[] v) {
    List<String> out = new ArrayList<>();
    for (double x : v) out.add(Findings.num(100 * x, 3));
    return String.join(", ", out);
  }

  /** The mask section: the hybrid arm (the demonstration when no hybrid run is planned) against the causal arm. */
  static void masks(Findings f, LosslessInputExperiment.Results r) {
    if (r.masks().isEmpty()) {
      if (r.digits() != null && r.digits().skipped() == null) f.md(TEXT.fill("masks.full") + "\n");
      return;
    }
    List<DigitsDemo.Result> hybrid = new ArrayList<>(), causal = new ArrayList<>();
    for (int i = 0; i < r.masks().size(); i++) (r.maskRuns().get(i).mask().equals("hybrid") ? hybrid : causal).add(r.masks().get(i));
    boolean demoAsHybrid = hybrid.isEmpty() && r.digits() != null && r.digits().skipped() == null
        && r.digits().steps() == causal.get(0).steps();
    if (demoAsHybrid) hybrid.add(r.digits());
    List<List<String>> rows = new ArrayList<>();
    double[][] agreement = new double[2][];
    int i = 0;
    for (List<DigitsDemo.Result> arm : List.of(hybrid, causal)) {
      double[] acc = arm.stream().mapToDouble(DigitsDemo.Result::accuracy).toArray();
      agreement[i] = arm.stream().mapToDouble(DigitsDemo.Result::agreement).toArray();
      rows.add(List.of(i == 0 ? "hybrid (bidirectional inside the image)" : "causal image block", String.valueOf(arm.isEmpty() ? 0 : arm.get(0).steps()),
          String.valueOf(arm.size()), meanText(acc), perSeed(acc), meanText(agreement[i]), perSeed(agreement[i]),
          arm.isEmpty() ? "–" : String.valueOf(10 * arm.get(0).perDigit())));
      i++;
    }
    f.md(TEXT.fill("masks") + "\n\n");
    f.md(Findings.table(List.of("image block", "steps", "seeds", "captioning (%)", "per seed", "3-NN agreement of samples (%)", "per seed",
        "samples per seed"), rows));
    if (hybrid.isEmpty()) return;
    Claim c = LosslessRules.hybridHelps(agreement[0], agreement[1]);
    f.md("\n" + TEXT.fill("masks.claim", "claim", pct(c), "demo", demoAsHybrid ? TEXT.fill("masks.demo") : "") + "\n");
  }

  static String meanText(double[] v) {
    if (v.length == 0) return "–";
    Stats.Interval in = Stats.interval95(v);
    return in.n() < 2 ? Findings.num(100 * in.mean(), 3) : Findings.num(100 * in.mean(), 3) + " ± " + Findings.num(100 * in.halfWidth(), 2);
  }

  /** Share of samples below the held-out 5th percentile above which generation counts as copying (fixed before the runs). */
  static final double COPY_SHARE = 0.20;

  /** The memorisation rule: more than {@link #COPY_SHARE} of samples closer than 95% of held-out digits, or any exact copy. */
  static boolean copies(DigitsDemo.Result d) { return d.closeShare() > COPY_SHARE || d.copies() > 0; }

  /** The digits section; returns its sentence for the verdict ("" when skipped). */
  static String digits(Findings f, DigitsDemo.Result d) {
    f.md(TEXT.fill("digits") + "\n");
    if (d.skipped() != null) {
      f.md(TEXT.fill("digits.skipped", "reason", d.skipped()));
      return "";
    }
    List<PixelImage> samples = new ArrayList<>();
    for (DigitsDemo.Sample s : d.samples()) samples.add(s.image());
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(Png.contactSheet(samples, Math.min(20, d.perDigit() * 2), 6, 6), "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    f.data(new DataFile("digit-samples.png", png.toByteArray()));
    f.md(TEXT.fill("digits.result", "steps", d.steps(), "trainImages", d.trainImages(), "accuracy", 100 * d.accuracy(),
        "testImages", d.testImages(), "agreement", 100 * d.agreement(), "samples", 10 * d.perDigit(), "perDigit", d.perDigit()) + "\n");
    double[] s = d.sampleNearest(), h = d.heldOutNearest();
    f.md("\n" + TEXT.fill("digits.memory", "sampleMedian", Stats.percentile(s, 0.5), "sampleMin", Stats.percentile(s, 0),
        "heldMedian", Stats.percentile(h, 0.5), "heldOut", h.length, "p5", Stats.percentile(h, 0.05),
        "close", 100 * d.closeShare(), "copies", d.copies(), "limit", 100 * COPY_SHARE,
        "outcome", copies(d) ? "the samples copy training digits" : "holds, the samples are not copies") + "\n");
    return TEXT.fill("verdict.digits", "accuracy", 100 * d.accuracy(), "agreement", 100 * d.agreement(),
        "memory", copies(d) ? "they copy training digits" : "they are not copies of training digits");
  }
}
