package dev.focus.lab.nope;

import static dev.focus.lab.nope.NopeReport.TEXT;
import static dev.focus.lab.nope.NopeReport.pct;
import static dev.focus.lab.nope.NopeReport.signed;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Report 5's sections on the trained E3 models: E4 probes, E5 shuffled prefixes, E9 long windows (the repair: {@link RepairReport}). */
final class TrainedModelsReport {
  private TrainedModelsReport() {}

  static void trainedProbes(Findings f, TrainedProbes.Settings s, TrainedProbes.Result r) {
    int L = s.length();
    double[] bc = PositionProbe.bucketChance(L);
    f.md(TEXT.fill("e4", "hidden", s.hidden(), "steps", s.steps(), "batch", s.batch(), "seqs", s.trainSeqs() + s.testSeqs(),
        "length", L, "trainSeqs", s.trainSeqs(), "testSeqs", s.testSeqs(), "chance", r.chance(), "c0", bc[0], "c1", bc[1],
        "c2", bc[2], "c3", bc[3]));
    double chance = r.chance();
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    Map<String, List<double[]>> byArm = new LinkedHashMap<>();
    for (TrainedProbes.Probe p : r.probes()) {
      double[] b = p.result().bucketMad();
      csv.add(List.of(p.arm(), p.seedIndex(), p.feature(), TrainedProbes.tapName(p.tap()), p.result().mad(), b[0], b[1], b[2], b[3]));
      if (p.seedIndex() != 0) continue;                             // one row per arm, feature and tap: the mean over its seeds
      List<PositionProbe.Result> all = r.all(p.arm(), p.feature(), p.tap());
      Stats.Interval mad = Stats.interval95(all.stream().mapToDouble(PositionProbe.Result::mad).toArray());
      List<String> row = new ArrayList<>(List.of(p.arm(), probeHook(p), String.valueOf(all.size()), mad.format(3),
          Findings.num(mad.mean() / chance, 3)));
      for (int k = 0; k < bc.length; k++) {
        int kk = k;
        double m = Stats.mean(all.stream().mapToDouble(x -> x.bucketMad()[kk]).toArray());
        row.add(Findings.num(m, 3) + " (" + Findings.num(m / bc[k], 2) + ")");
      }
      rows.add(row);
      if (p.feature().equals(TrainedProbes.RESIDUAL)) {
        byArm.computeIfAbsent(p.arm(), k -> new ArrayList<>()).add(new double[] {p.tap(), mad.mean()});
      }
    }
    if (byArm.isEmpty()) return;
    List<String> chanceRow = new ArrayList<>(List.of("chance (position-blind guess)", "–", "–", Findings.num(chance, 4), "1"));
    for (double c : bc) chanceRow.add(Findings.num(c, 4) + " (1)");
    rows.add(chanceRow);
    List<Series> byLayer = new ArrayList<>();
    for (Map.Entry<String, List<double[]>> e : byArm.entrySet()) {
      byLayer.add(Series.of(e.getKey(), e.getValue().stream().mapToDouble(v -> v[0]).toArray(),
          e.getValue().stream().mapToDouble(v -> v[1]).toArray()));
    }
    f.md(Findings.table(List.of("position", "hook point", "seeds", "MAD (mean ± 95% interval)", "MAD / chance",
        "n<8 (/ its chance)", "8≤n<16", "16≤n<32", "n≥32"), rows));
    byLayer.add(Series.of("chance", new double[] {0, 1, 2}, new double[] {chance, chance, chance}));
    f.chart(Chart.line("e4-mad", "Probe MAD on the trained models by depth (0 = embeddings; mean over seeds)", "blocks read",
        "MAD (positions)", byLayer.toArray(Series[]::new)));
    TrainedProbes.Probe n1 = r.probe("nope", 1);
    if (n1 != null) {
      double[] x = new double[L];
      for (int n = 0; n < L; n++) x[n] = n;
      f.chart(Chart.line("e4-nope-band", "Trained NoPE (seed 1), residual after block 1: probe prediction (mean and 10–90% band)",
          "true position", "predicted position", Series.of("truth", x, x), Series.of("mean", x, n1.result().meanPred()),
          Series.of("p10", x, n1.result().p10()), Series.of("p90", x, n1.result().p90())));
    }
    f.data(DataFile.csv("e4-trained-probes.csv", List.of("position", "seed", "feature", "hook", "mad", "mad_n_lt_8", "mad_8_16",
        "mad_16_32", "mad_ge_32"), csv));
    List<PositionProbe.Result> n0 = r.all("nope", TrainedProbes.RESIDUAL, 0), nb1 = r.all("nope", TrainedProbes.RESIDUAL, 1);
    TrainedProbes.Probe a0 = r.probe("learned", 0), s0 = r.probe("sinusoidal", 0);
    if (!n0.isEmpty() && !nb1.isEmpty()) {
      double nopeBest = r.bestMad("nope"), alibiBest = r.bestMad("alibi");
      Claim rises = NopeRules.probeRises(r);
      f.md(TEXT.fill("e4.result", "embeddings", madOf(n0), "chance", chance, "block1", madOf(nb1),
          "first", bucketOf(nb1, 0), "last", bucketOf(nb1, bc.length - 1), "c0", bc[0], "c3", bc[bc.length - 1],
          "rise", rises.text(3), "riseMin", NopeRules.PROBE_RISE,
          "rises", TEXT.fill(rises.agrees() ? "e4.rises" : rises.contradicts() ? "e4.flat" : "e4.noise"),
          "learned", a0 == null ? "n/a" : Findings.num(a0.result().mad(), 3),
          "sinusoidal", s0 == null ? TEXT.fill("e4.nosinusoidal") : "; sinusoidal: " + Findings.num(s0.result().mad(), 3),
          "alibiBest", alibiBest, "nopeBest", nopeBest,
          "alibi", TEXT.fill(Double.isNaN(alibiBest) ? "e4.alibi.none" : alibiBest > nopeBest ? "e4.alibi.less" : "e4.alibi.more")));
    }
    Claim code = NopeRules.normCode(r);
    if (code != null) {
      double[] share2 = TrainedProbes.logNormShare(r, 2);
      f.md(TEXT.fill("e4.norms", "heads1", madOf(r.all("nope", TrainedProbes.HEADS, 1)),
          "norms1", madOf(r.all("nope", TrainedProbes.LOG_NORM_HEADS, 1)), "res1", madOf(r.all("nope", TrainedProbes.LOG_NORM, 1)),
          "share1", code.text(3), "shareMin", NopeRules.NORM_SHARE,
          "share2", share2.length == 0 ? "n/a" : Stats.interval95(share2).format(3),
          "norms2", madOf(r.all("nope", TrainedProbes.LOG_NORM_HEADS, 2)), "heads2", madOf(r.all("nope", TrainedProbes.HEADS, 2)),
          "outcome", TEXT.fill(code.agrees() ? "e4.norms.survives" : code.contradicts() ? "e4.norms.gone" : "e4.norms.noise")));
    }
  }

  /** "after block 1", "head outputs, layer 1", "log-norm per head, layer 1". */
  private static String probeHook(TrainedProbes.Probe p) {
    return p.feature().equals(TrainedProbes.RESIDUAL) ? TrainedProbes.tapName(p.tap()) : p.feature() + ", layer " + p.tap();
  }

  /** The mean MAD over seeds with its 95% interval. */
  private static String madOf(List<PositionProbe.Result> rs) {
    return rs.isEmpty() ? "n/a" : Stats.interval95(rs.stream().mapToDouble(PositionProbe.Result::mad).toArray()).format(3);
  }

  /** The mean over seeds of one bucket's MAD. */
  private static double bucketOf(List<PositionProbe.Result> rs, int b) {
    return Stats.mean(rs.stream().mapToDouble(x -> x.bucketMad()[b]).toArray());
  }

  static void shuffled(Findings f, ShuffledPrefixes.Result r, double unigram) {
    f.md(TEXT.fill("e5", "draws", r.draws(), "unigram", unigram));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (ShuffledPrefixes.Shuffled s : r.arms()) {
      double[] l = s.loss();
      rows.add(List.of(s.arm(), Findings.num(l[0], 4), Findings.num(l[1], 4), Findings.num(l[2], 4),
          Findings.num(l[1] / l[0], 3), Findings.num(l[2] / l[0], 3)));
      csv.add(List.of(s.arm(), l[0], l[1], l[2]));
    }
    f.md(Findings.table(List.of("position", "true prefix", "shuffled", "shuffled, last kept", "ratio shuffled",
        "ratio last kept"), rows));
    f.data(DataFile.csv("e5-shuffled.csv", List.of("position", "original", "shuffled", "keep_last"), csv));
    double[] nope = r.loss("nope");
    if (nope == null) return;
    double otherMin = Double.POSITIVE_INFINITY, otherKeepMin = Double.POSITIVE_INFINITY;
    for (ShuffledPrefixes.Shuffled s : r.arms()) {
      if (s.arm().equals("nope")) continue;
      otherMin = Math.min(otherMin, s.loss()[1] / s.loss()[0]);
      otherKeepMin = Math.min(otherKeepMin, s.loss()[2] / s.loss()[0]);
    }
    f.md(TEXT.fill("e5.result", "original", nope[0], "shuffled", nope[1], "ratio", nope[1] / nope[0], "keep", nope[2] / nope[0],
        "otherKeep", otherKeepMin, "other", otherMin,
        "conclusion", TEXT.fill(nope[2] / nope[0] < otherKeepMin ? "e5.nearest" : "e5.beyond")));
  }

  static void longContext(Findings f, LongContext.Settings s, LongContext.Result r) {
    int tail = s.tail();
    f.md(TEXT.fill("e9", "windows", s.batches() * s.batch(), "tail", tail, "train", s.trainLength()));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    Map<String, List<double[]>> byArm = new LinkedHashMap<>();
    for (LongContext.Eval e : r.evals()) {
      NopeTraining.LongEval ev = e.eval();
      int len = e.length();
      csv.add(List.of(e.arm(), e.seedIndex(), len, ev.tailLoss(), ev.entropy()[0], ev.entropy()[1], ev.normalisedEntropy()[0],
          ev.normalisedEntropy()[1], ev.nEff()[0], ev.nEff()[1], ev.wholeLoss(), ev.beyondLoss()));
      if (e.seedIndex() != 0) continue;                           // one row per arm and length: the mean over its seeds
      List<NopeTraining.LongEval> all = r.all(e.arm(), len);
      Stats.Interval tailLoss = Stats.interval95(all.stream().mapToDouble(NopeTraining.LongEval::tailLoss).toArray());
      double h = Stats.mean(all, x -> mean(x.entropy()));
      byArm.computeIfAbsent(e.arm(), k -> new ArrayList<>()).add(new double[] {len, tailLoss.mean(), h,
          Stats.mean(all, x -> mean(x.normalisedEntropy()))});
      double beyond = Stats.mean(all, NopeTraining.LongEval::beyondLoss);
      rows.add(List.of(e.arm(), len + " (" + len / s.trainLength() + "×)", String.valueOf(all.size()), tailLoss.format(4),
          Findings.num(Stats.mean(all, NopeTraining.LongEval::wholeLoss), 4), Double.isNaN(beyond) ? "–" : Findings.num(beyond, 4),
          Findings.num(Stats.mean(all, x -> x.entropy()[0]), 3) + " / " + Findings.num(Stats.mean(all, x -> x.entropy()[1]), 3),
          Findings.num(Stats.mean(all, x -> x.normalisedEntropy()[0]), 3) + " / " + Findings.num(Stats.mean(all, x -> x.normalisedEntropy()[1]), 3),
          Findings.num(Stats.mean(all, x -> x.nEff()[0]), 3) + " / " + Findings.num(Stats.mean(all, x -> x.nEff()[1]), 3)));
    }
    double[] xs = s.lengths().stream().mapToDouble(Integer::doubleValue).toArray();
    List<Series> lossSeries = new ArrayList<>(), entSeries = new ArrayList<>(), normSeries = new ArrayList<>();
    for (Map.Entry<String, List<double[]>> e : byArm.entrySet()) {
      double[] x = Arrays.copyOf(xs, e.getValue().size());
      lossSeries.add(Series.of(e.getKey(), x, e.getValue().stream().mapToDouble(v -> v[1]).toArray()));
      entSeries.add(Series.of(e.getKey(), x, e.getValue().stream().mapToDouble(v -> v[2]).toArray()));
      normSeries.add(Series.of(e.getKey(), x, e.getValue().stream().mapToDouble(v -> v[3]).toArray()));
    }
    double[] lnRef = new double[xs.length];
    for (int i = 0; i < xs.length; i++) lnRef[i] = lnMean(s.lengths().get(i), tail);
    entSeries.add(Series.of("uniform (ln n)", xs, lnRef));
    f.md(Findings.table(List.of("position", "window", "seeds", "loss on last " + tail + " (mean ± 95% interval)", "loss, whole window",
        "loss beyond " + s.trainLength(), "entropy L1 / L2", "H/ln n L1 / L2", "n_eff L1 / L2"), rows));
    f.chart(Chart.line("e9-loss", "Loss on the last 16 bytes against window length (trained at 64; mean over seeds)", "window (bytes)",
        "loss (nats/byte)", lossSeries.toArray(Series[]::new)).withLogX());
    f.chart(Chart.line("e9-entropy", "Mean attention entropy of the last 16 queries (both layers; mean over seeds)", "window (bytes)",
        "entropy (nats)", entSeries.toArray(Series[]::new)).withLogX());
    f.chart(Chart.line("e9-normalised-entropy", "Normalised entropy H/ln n of the last 16 queries (both layers; 1 = uniform)",
        "window (bytes)", "H / ln n", normSeries.toArray(Series[]::new)).withLogX());
    f.data(DataFile.csv("e9-long.csv", List.of("position", "seed", "window", "tail_loss", "entropy_l1", "entropy_l2", "h_over_ln_n_l1",
        "h_over_ln_n_l2", "neff_l1", "neff_l2", "whole_loss", "beyond_train_loss"), csv));
    int first = s.trainLength(), last = s.lengths().get(s.lengths().size() - 1);
    List<NopeTraining.LongEval> n1 = r.all("nope", first), n4 = r.all("nope", last), a1 = r.all("alibi", first),
        a4 = r.all("alibi", last), r1 = r.all("rope", first), r4 = r.all("rope", last);
    if (!n1.isEmpty() && !n4.isEmpty() && !a1.isEmpty() && !a4.isEmpty() && !r1.isEmpty() && !r4.isEmpty()) {
      f.md(TEXT.fill("e9.result", "nopeH1", Stats.mean(n1, x -> mean(x.entropy())), "nopeH4", Stats.mean(n4, x -> mean(x.entropy())),
          "nopeN1", Stats.mean(n1, x -> mean(x.normalisedEntropy())), "nopeN4", Stats.mean(n4, x -> mean(x.normalisedEntropy())),
          "nopeL1", Stats.mean(n1, NopeTraining.LongEval::tailLoss), "nopeL4", Stats.mean(n4, NopeTraining.LongEval::tailLoss),
          "nopeW1", Stats.mean(n1, NopeTraining.LongEval::wholeLoss), "nopeW4", Stats.mean(n4, NopeTraining.LongEval::wholeLoss),
          "nopeB4", Stats.mean(n4, NopeTraining.LongEval::beyondLoss),
          "alibiH1", Stats.mean(a1, x -> mean(x.entropy())), "alibiH4", Stats.mean(a4, x -> mean(x.entropy())),
          "alibiN1", Stats.mean(a1, x -> mean(x.normalisedEntropy())), "alibiN4", Stats.mean(a4, x -> mean(x.normalisedEntropy())),
          "alibiL1", Stats.mean(a1, NopeTraining.LongEval::tailLoss), "alibiL4", Stats.mean(a4, NopeTraining.LongEval::tailLoss),
          "ropeH1", Stats.mean(r1, x -> mean(x.entropy())), "ropeH4", Stats.mean(r4, x -> mean(x.entropy())),
          "ropeL1", Stats.mean(r1, NopeTraining.LongEval::tailLoss), "ropeL4", Stats.mean(r4, NopeTraining.LongEval::tailLoss),
          "ropeW4", Stats.mean(r4, NopeTraining.LongEval::wholeLoss), "ropeB4", Stats.mean(r4, NopeTraining.LongEval::beyondLoss)));
    }
    NopeRules.Diffusion d = NopeRules.diffusion(s, r);
    if (d != null) {
      f.md(TEXT.fill("e9.seeds", "rise", d.rise().text(3), "aboveAlibi", d.aboveAlibi().text(3), "ratio", d.lossRatio().text(3),
          "ropeRatio", d.ropeRatio().interval().format(3), "riseMin", NopeRules.RISE, "factor", NopeRules.LOSS_FACTOR,
          "raw", d.rawRise().interval().format(3), "ln4", lnMean(last, tail) - lnMean(first, tail),
          "vsRope", d.nopeVsRope().text(3)));
    }
  }

  /** Mean of ln n over the last {@code tail} query positions n = len − tail + 1 .. len (uniform attention's entropy). */
  static double lnMean(int len, int tail) {
    double s = 0;
    for (int n = len - tail + 1; n <= len; n++) s += Math.log(n);
    return s / tail;
  }
}
