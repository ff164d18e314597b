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
    VqComparison.Result first = r.vq().get(0);
    Verdict v = LosslessRules.verdict(first);
    int small = LosslessRules.smallest(first), large = LosslessRules.largest(first);
    List<String> arms = new ArrayList<>();
    for (VqComparison.Arm a : first.arms()) {
      if (a.codebook() == 0) continue;
      arms.add("VQ-" + a.codebook() + " " + (a.accuracy().length > 1 ? pct(LosslessRules.beatsOrMatches(first, a.codebook()))
          : "1 seed, not decided"));
    }
    f.md(TEXT.fill("verdict", "verdict", v.label(), "task", first.task(), "every", LosslessRules.everyArm(first).text(),
        "arms", String.join("; ", arms), "match", 100 * LosslessRules.MATCH, "small", small, "large", large,
        "gapSmall", 100 * LosslessRules.gap(first, small), "gapLarge", 100 * LosslessRules.gap(first, large),
        "growing", pct(LosslessRules.growing(first)), "digits", digits));
    f.verdict(v, TEXT.fill("summary", "task", first.task(), "gap4", 100 * LosslessRules.gap(first, small), "small", small,
        "gap256", 100 * LosslessRules.gap(first, large), "large", large, "seeds", first.seeds(),
        "growing", LosslessRules.growing(first).outcome().text()));
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
    f.md(Findings.table(List.of("codebook K", "L", "capacity (bits)"), demo));
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
      String diff = a.codebook() == 0 ? "–" : n < 2 ? "(1 seed)" : pct(LosslessRules.beatsOrMatches(r, a.codebook())).replace(": ", " (")
          .concat(")");
      rows.add(List.of(a.name(), a.codebook() == 0 ? "∞ (raw)" : Findings.num(a.capacityBits(), 3),
          acc.n() < 2 ? Findings.num(100 * acc.mean(), 3) + " (1 seed)"
              : Findings.num(100 * acc.mean(), 3) + " ± " + Findings.num(100 * acc.halfWidth(), 2),
          perSeed(a.accuracy()), diff, Findings.num(100 * a.exactReconstruction(), 3) + "%", Findings.num(a.levelError(), 3)));
    }
    // The chart's x axis ascends: VQ arms from the smallest codebook.
    List<VqComparison.Arm> vqArms = r.arms().subList(1, r.arms().size());
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
  }

  /** "3 seeds" when every arm ran as many, else "3 seeds (vq-64, vq-16: 1)". */
  static String seedText(VqComparison.Result r) {
    List<String> fewer = new ArrayList<>();
    for (VqComparison.Arm a : r.arms()) if (a.accuracy().length < r.seeds()) fewer.add(a.name() + ": " + a.accuracy().length);
    return r.seeds() + (r.seeds() == 1 ? " seed" : " seeds") + (fewer.isEmpty() ? "" : " (" + String.join(", ", fewer) + ")");
  }

  static String perSeed(double[] v) {
    List<String> out = new ArrayList<>();
    for (double x : v) out.add(Findings.num(100 * x, 3));
    return String.join(", ", out);
  }

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
    return TEXT.fill("verdict.digits", "accuracy", 100 * d.accuracy(), "agreement", 100 * d.agreement());
  }
}
