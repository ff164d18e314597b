package dev.focus.lab.nope;


import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.lab.run.Template;
import dev.focus.position.PositionKind;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Renders {@link NopeExperiment.Results} as report 5 with the prose of {@code nope.md}: E1–E3 here,
 * the sections on the trained models in {@link TrainedModelsReport}, E7 and E8 in
 * {@link TasksReport}, E6 in {@link MaskedLmReport}, the verdict in {@link NopeVerdictText}.
 */
final class NopeReport {
  static final Template TEXT = Template.of(NopeReport.class, "nope.md");

  private NopeReport() {}

  static Findings render(NopeExperiment.Settings s, NopeExperiment.Results r) {
    Findings f = new Findings().tag("positions").tag("nope").tag("spec 05");
    f.md(TEXT.fill("claim"));
    varianceLaw(f, r.e1());
    frozenProbes(f, s.e2(), r.e2());
    languageModels(f, s.e3(), r.e3());
    TrainedModelsReport.trainedProbes(f, s.e4(), r.e4());
    TrainedModelsReport.shuffled(f, r.e5(), r.e3().unigram());
    TrainedModelsReport.longContext(f, s.e9(), r.e9());
    RepairReport.repair(f, s.repair(), r.repair());
    TasksReport.resolution(f, s.e7(), r.e7());
    TasksReport.lengthGeneralisation(f, s.e8(), r.e8());
    NopeRules.Decision d = NopeRules.decide(s, r);
    MaskedLmReport.render(f, s.e6(), r.e6(), d.mlm());
    NopeVerdictText.render(f, s, r, d);
    return f;
  }

  static String pct(double x) { return Double.isNaN(x) ? "n/a" : Findings.num(100 * x, 3) + "%"; }

  /** A signed number: +0.012 or −0.034. */
  static String signed(double x) { return (x > 0 ? "+" : "") + Findings.num(x, 3); }

  static String posName(PositionKind p) { return LanguageModels.posName(p); }

  /** "RoPE", "ALiBi", or the arm's name as it is. */
  static String schemeLabel(String arm) { return arm.equals("rope") ? "RoPE" : arm.equals("alibi") ? "ALiBi" : arm; }

  // ------------------------------------------------------------------------------------------- E1

  static void varianceLaw(Findings f, VarianceLaw.Result r) {
    int L = r.length();
    f.md(TEXT.fill("e1"));
    int[] show = {1, 2, 16, 64, 256};
    List<String> header = new ArrayList<>(List.of("setup", "$\\mathrm{MS}_1$"));
    for (int n : show) if (n > 1) header.add("$n=" + n + "$");
    header.addAll(List.of("slope", "$n_\\text{eff}(256)$", "$\\mathrm{MS}_{256}n_\\text{eff}/\\mathrm{MS}_1$"));
    f.md(TEXT.fill("e1.columns"));
    List<List<String>> rows = new ArrayList<>();
    double[] ones = new double[L];
    for (int n = 0; n < L; n++) ones[n] = n + 1;
    rows.add(row("(a) uniform average, $d=64$", r.uniformMs(), ones, show));
    rows.add(row("(b) random head, $1/\\sqrt{d_h}$", r.scaled().meanMs(), r.scaled().nEff(), show));
    rows.add(row("(b) random head, no scale", r.raw().meanMs(), r.raw().nEff(), show));
    for (VarianceLaw.Stack s : r.stacks()) {
      String name = posName(s.position());
      for (int l = 0; l < 2; l++) {
        if (s.position() == PositionKind.ALIBI && l == 0) {
          for (int h = 0; h < 4; h++) {
            rows.add(row("(c) alibi, layer 1, head " + (h + 1) + " ($\\lambda_h=1/" + Math.round(1 / r.alibiSlopes()[h]) + "$)",
                s.meanMs()[0][h], s.nEff()[0][h], show));
          }
        } else {
          rows.add(row("(c) " + name + ", layer " + (l + 1) + " (mean of 4 heads)", s.meanMs(l), s.meanNEff(l), show));
        }
      }
    }
    f.md(Findings.table(header, rows));
    double[] nope = slopes(r.stack(PositionKind.NOPE)), rope = slopes(r.stack(PositionKind.ROPE));
    f.md(TEXT.fill("e1.result", "uniform", r.uniformSlope(), "head", r.scaled().slope(), "headMs1", r.scaled().meanMs()[0],
        "nope1", nope[0], "rope1", rope[0], "nope2", nope[1], "rope2", rope[1], "logitSd", r.raw().logitSd(),
        "noScale", r.raw().slope(), "plateau", r.alibiPlateauRatio(), "plateauPredicted", r.alibiPlateauPredicted(),
        "tanh", Math.tanh(0.125), "slow", r.alibiSlowSlope(), "slowPredicted", r.alibiSlowPredicted()));

    // charts: MS_n/MS_1 and n_eff on log-log axes, at log-spaced positions (keeps the page light)
    int[] at = logSpaced(L);
    double[] x = pick(ones, at);
    List<Series> ms = new ArrayList<>();
    ms.add(Series.of("1/n", x, inverse(x)));
    ms.add(Series.of("uniform average", x, pick(ratio(r.uniformMs()), at)));
    ms.add(Series.of("random head, no scale", x, pick(ratio(r.raw().meanMs()), at)));
    List<Series> ne = new ArrayList<>();
    ne.add(Series.of("n", x, x));
    ne.add(Series.of("random head, no scale", x, pick(r.raw().nEff(), at)));
    for (VarianceLaw.Stack s : r.stacks()) {
      String name = posName(s.position());
      if (s.position() == PositionKind.ALIBI) {
        ms.add(Series.of("alibi λ=1/4", x, pick(ratio(s.meanMs()[0][0]), at)));
        ms.add(Series.of("alibi λ=1/256", x, pick(ratio(s.meanMs()[0][3]), at)));
        ne.add(Series.of("alibi λ=1/4", x, pick(s.nEff()[0][0], at)));
        ne.add(Series.of("alibi λ=1/256", x, pick(s.nEff()[0][3], at)));
      } else {
        ms.add(Series.of(name + " layer 1", x, pick(ratio(s.meanMs(0)), at)));
        ms.add(Series.of(name + " layer 2", x, pick(ratio(s.meanMs(1)), at)));
        ne.add(Series.of(name + " layer 1", x, pick(s.meanNEff(0), at)));
      }
    }
    f.chart(Chart.line("e1-variance", "Mean square of head outputs at init, MS_n / MS_1", "position n", "MS_n / MS_1",
        ms.toArray(Series[]::new)).withLogX().withLogY());
    f.chart(Chart.line("e1-neff", "Effective tokens n_eff = 1/Σa² at init (layer 1)", "position n", "n_eff",
        ne.toArray(Series[]::new)).withLogX().withLogY());

    List<List<?>> csv = new ArrayList<>();
    for (int n = 0; n < L; n++) {
      List<Object> row = new ArrayList<>(List.of(n + 1, g6(r.uniformMs()[n]), g6(r.uniformSd()[n]), g6(r.scaled().meanMs()[n]),
          g6(r.scaled().nEff()[n]), g6(r.raw().meanMs()[n]), g6(r.raw().nEff()[n])));
      for (VarianceLaw.Stack s : r.stacks()) {
        for (int h = 0; h < 4; h++) { row.add(g6(s.meanMs()[0][h][n])); row.add(g6(s.nEff()[0][h][n])); }
        row.add(g6(s.meanMs(1)[n]));
        row.add(g6(s.meanNEff(1)[n]));
      }
      csv.add(row);
    }
    List<String> cols = new ArrayList<>(List.of("n", "uniform_ms", "uniform_sd", "head_ms", "head_neff", "noscale_ms", "noscale_neff"));
    for (VarianceLaw.Stack s : r.stacks()) {
      String name = posName(s.position());
      for (int h = 0; h < 4; h++) {
        cols.add(name + "_l1h" + (h + 1) + "_ms");
        cols.add(name + "_l1h" + (h + 1) + "_neff");
      }
      cols.add(name + "_l2_ms");
      cols.add(name + "_l2_neff");
    }
    f.data(DataFile.csv("e1-variance.csv", cols, csv));
  }

  private static double[] slopes(VarianceLaw.Stack s) { return s == null ? new double[] {Double.NaN, Double.NaN} : s.slopes(); }

  private static List<String> row(String name, double[] ms, double[] nEff, int[] show) {
    List<String> r = new ArrayList<>();
    r.add(name);
    r.add(Findings.num(ms[0], 4));
    for (int n : show) if (n > 1) r.add(Findings.num(n * ms[n - 1] / ms[0], 3));
    r.add(Findings.num(VarianceLaw.slopeOf(VarianceLaw.log(ms)), 4));
    r.add(Findings.num(nEff[nEff.length - 1], 4));
    r.add(Findings.num(ms[ms.length - 1] * nEff[nEff.length - 1] / ms[0], 3));
    return r;
  }

  /** Positions 1..16, then about 12 per decade up to len (1-based). */
  static int[] logSpaced(int len) {
    TreeSet<Integer> set = new TreeSet<>();
    for (int n = 1; n <= Math.min(16, len); n++) set.add(n);
    for (double v = 16; v <= len; v *= Math.pow(10, 1.0 / 12)) set.add((int) Math.round(v));
    set.add(len);
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** y at the 1-based positions {@code at}. */
  static double[] pick(double[] y, int[] at) {
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) out[i] = y[at[i] - 1];
    return out;
  }

  /** Six significant digits for the CSV files. */
  private static String g6(double x) { return Findings.num(x, 6); }

  private static double[] ratio(double[] ms) {
    double[] r = new double[ms.length];
    for (int i = 0; i < ms.length; i++) r[i] = ms[i] / ms[0];
    return r;
  }

  private static double[] inverse(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = 1 / x[i];
    return r;
  }

  // ------------------------------------------------------------------------------------------- E2

  static void frozenProbes(Findings f, FrozenProbes.Settings s, FrozenProbes.Result r) {
    int L = s.length();
    f.md(TEXT.fill("e2", "seqs", s.trainSeqs() + s.testSeqs(), "length", L, "vocab", s.vocab(), "hidden", s.hidden(),
        "steps", s.steps(), "batch", s.batch(), "trainSeqs", s.trainSeqs(), "testSeqs", s.testSeqs(), "chance", r.chance(),
        "median", r.medianGuess()));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (FrozenProbes.Probe p : r.probes()) {
      PositionProbe.Result pr = p.result();
      double[] b = pr.bucketMad();
      rows.add(List.of(p.mask(), p.hook(), String.valueOf(p.dim()), Findings.num(pr.mad(), 3), Findings.num(pr.mad() / r.chance(), 3),
          Findings.num(b[0], 3), Findings.num(b[1], 3), Findings.num(b[2], 3), Findings.num(b[3], 3)));
      csv.add(List.of(p.mask(), p.hook(), p.dim(), pr.mad(), b[0], b[1], b[2], b[3]));
    }
    double[] bc = PositionProbe.bucketChance(L);
    rows.add(List.of("chance", "a position-blind guess (D7 per bucket)", "–", Findings.num(r.chance(), 4), "1", Findings.num(bc[0], 4),
        Findings.num(bc[1], 4), Findings.num(bc[2], 4), Findings.num(bc[3], 4)));
    f.md(Findings.table(List.of("mask", "hook point", "D", "MAD", "MAD / chance", "n<8", "8≤n<16", "16≤n<32", "n≥32"), rows));
    FrozenProbes.Probe res = r.probe("causal", "residual after block 1"), bi = r.probe("bidirectional", "residual after block 1");
    FrozenProbes.Probe head = r.probe("causal", "layer-1 head outputs");
    FrozenProbes.Probe logHead = r.probe("causal", "log-norm per head, layer-1 head outputs");
    if (res != null && bi != null) {
      double[] x = new double[L];
      for (int n = 0; n < L; n++) x[n] = n;
      PositionProbe.Result c = res.result();
      f.chart(Chart.line("e2-probe", "Probe predictions on the residual after block 1 (mean and 10–90% band)",
          "true position", "predicted position", Series.of("truth", x, x), Series.of("causal mean", x, c.meanPred()),
          Series.of("causal p10", x, c.p10()), Series.of("causal p90", x, c.p90()),
          Series.of("bidirectional mean", x, bi.result().meanPred())));
      double share = (r.chance() - logHead.result().mad()) / (r.chance() - head.result().mad());
      boolean aware = c.mad() < 0.8 * r.chance(), rising = c.bucketMad()[0] < c.bucketMad()[3];
      f.md(TEXT.fill("e2.result", "mad", c.mad(), "ofChance", c.mad() / r.chance(), "aware", TEXT.fill(aware ? "e2.aware" : "e2.unaware"),
          "first", c.bucketMad()[0], "last", c.bucketMad()[3], "c0", bc[0], "c3", bc[3], "rising", rising ? "growing with $n$" : "not growing with $n$",
          "bi", bi.result().mad(), "chance", r.chance(),
          "biVerdict", TEXT.fill(bi.result().mad() > 0.9 * r.chance() ? "e2.bi.blind" : "e2.bi.sees"),
          "logHead", logHead.result().mad(), "head", head.result().mad(), "share", pct(share)));
    }
    f.data(DataFile.csv("e2-probes.csv", List.of("mask", "hook", "dim", "mad", "mad_n_lt_8", "mad_8_16", "mad_16_32",
        "mad_ge_32"), csv));
  }

  // ------------------------------------------------------------------------------------------- E3

  static void languageModels(Findings f, LanguageModels.Settings s, LanguageModels.Result r) {
    boolean brown = r.text().equals("brown");
    f.md(TEXT.fill("e3", "text", TEXT.fill(brown ? "e3.brown" : "e3.synthetic"), "vocab", r.vocab(), "steps", s.steps(),
        "seeds", seedCounts(s), "windows", s.valBatches() * s.batch()));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    LanguageModels.Lm nope = r.lm("nope");
    for (LanguageModels.Lm lm : r.lms()) {
      double m = lm.mean();
      int n = nope == null ? 0 : Math.min(nope.valLoss().length, lm.valLoss().length);
      String vsNope = nope == null ? "n/a" : lm == nope ? "–" : n > 1
          ? Stats.pairedDifference95(java.util.Arrays.copyOf(lm.valLoss(), n), java.util.Arrays.copyOf(nope.valLoss(), n)).format(4)
          : Findings.num(100 * (m - nope.mean()) / nope.mean(), 3) + "%";
      rows.add(List.of(lm.name(), String.valueOf(lm.layers()), lm.interval().format(4), perSeed(lm.valLoss()),
          Findings.num(m / Math.log(2), 4), Findings.num(Math.exp(m), 4), vsNope, Findings.num(lm.seconds(), 3)));
      for (int q = 0; q < lm.valLoss().length; q++) csv.add(List.of(lm.name(), lm.layers(), q, lm.valLoss()[q]));
    }
    double unigram = r.unigram();
    rows.add(List.of("unigram", "–", Findings.num(unigram, 4), "–", Findings.num(unigram / Math.log(2), 4),
        Findings.num(Math.exp(unigram), 4), nope == null ? "n/a" : Findings.num(unigram - nope.mean(), 4) + " (vs mean)", "–"));
    csv.add(List.of("unigram", 0, 0, unigram));
    f.md(Findings.table(List.of("position", "blocks", "val loss (nats/byte), mean ± 95% interval", "per seed", "bits/byte",
        "perplexity", "minus NoPE (paired)", "s per run"), rows));
    List<Series> curves = new ArrayList<>();
    for (LanguageModels.Lm lm : r.lms()) curves.add(smoothed(lm.name(), lm.curve(), 200));
    f.chart(Chart.line("e3-train", "Training loss (moving average, seed 1)", "step", "loss (nats/byte)", curves.toArray(Series[]::new)));
    f.data(DataFile.csv("e3-lm.csv", List.of("position", "blocks", "seed", "val_loss"), csv));

    LanguageModels.Lm learned = r.lm("learned"), best = NopeRules.bestRelative(r);
    Claim ahead = NopeRules.relativeAhead(r), learns = NopeRules.lmLearns(r);
    if (nope != null && best != null) {
      f.md(TEXT.fill("e3.result", "nope", nope.interval().format(4), "unigram", unigram, "learns", learns.text(4),
          "learnBy", NopeRules.LEARNS, "best", schemeLabel(best.name()), "bestLoss", best.interval().format(4),
          "ahead", ahead.text(4), "clear", TEXT.fill(ahead.agrees() ? "e3.clear" : ahead.contradicts() ? "e3.reversed" : "e3.noise"),
          "learned", learned == null ? "n/a" : learned.interval().format(4),
          "learnedDiff", learned == null ? "n/a" : Findings.num(100 * (nope.mean() - learned.mean()) / learned.mean(), 3)));
    }
  }

  /** "3 seeds" when every arm runs the same number, else per arm: "3 seeds (learned, sinusoidal: 1)". */
  static String seedCounts(LanguageModels.Settings s) {
    int most = s.seeds();
    List<String> fewer = new ArrayList<>();
    for (LanguageModels.Arm a : s.arms()) if (a.seeds() < most) fewer.add(a.name() + ": " + a.seeds());
    return most + (most == 1 ? " seed" : " seeds") + (fewer.isEmpty() ? "" : " (" + String.join(", ", fewer) + ")");
  }

  static String perSeed(double[] v) {
    List<String> s = new ArrayList<>();
    for (double x : v) s.add(Findings.num(x, 4));
    return String.join(", ", s);
  }

  /** A moving average (window ≈ len/points·2) sampled at about {@code points} steps; NaN steps are skipped. */
  static Series smoothed(String name, double[] y, int points) {
    int n = 0;
    while (n < y.length && !Double.isNaN(y[n])) n++;
    int stride = Math.max(1, n / points), window = Math.max(1, 2 * stride);
    List<double[]> pts = new ArrayList<>();
    for (int i = stride - 1; i < n; i += stride) {
      double s = 0;
      int c = 0;
      for (int j = Math.max(0, i - window + 1); j <= i; j++) { s += y[j]; c++; }
      pts.add(new double[] {i + 1, s / c});
    }
    if (pts.isEmpty()) pts.add(new double[] {1, n > 0 ? y[0] : 0});
    double[] xs = new double[pts.size()], ys = new double[pts.size()];
    for (int i = 0; i < xs.length; i++) { xs[i] = pts.get(i)[0]; ys[i] = pts.get(i)[1]; }
    return Series.of(name, xs, ys);
  }
}
