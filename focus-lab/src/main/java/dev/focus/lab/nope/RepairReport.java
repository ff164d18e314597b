package dev.focus.lab.nope;

import static dev.focus.lab.nope.NopeReport.TEXT;
import static dev.focus.lab.nope.NopeReport.pct;
import static dev.focus.lab.nope.NopeReport.signed;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.List;

/** Report 5's section on E9's temperature repair (Wang et al.) over every NoPE seed of E3. */
final class RepairReport {
  private RepairReport() {}

  static void repair(Findings f, TemperatureRepair.Settings s, TemperatureRepair.Result r) {
    if (r == null) return;
    TemperatureRepair.Repaired first = r.first();
    int steps = s.steps(), tail = s.tail(), seeds = r.seeds().size();
    f.md(TEXT.fill("repair", "scalars", 2 * first.heads(), "steps", steps, "batch", s.trainBatch(), "warmup", s.warmup(),
        "fewer", steps == 200 ? "" : ", fewer in this profile", "tail", tail, "seeds", seeds));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    int n = first.global().size();
    double[] lambdas = s.lambdas().stream().mapToDouble(Double::doubleValue).toArray();
    double[] loss64 = new double[n], loss256 = new double[n], ent256 = new double[n];
    for (int i = 0; i < n; i++) {
      int ii = i;
      List<TemperatureRepair.Scaled> g = r.seeds().stream().map(x -> x.global().get(ii)).toList();
      loss64[i] = Stats.mean(g, e -> e.atTrain().tailLoss());
      loss256[i] = Stats.mean(g, e -> e.atLong().tailLoss());
      ent256[i] = Stats.mean(g, e -> mean(e.atLong().entropy()));
      rows.add(row("global λ = " + Findings.num(lambdas[i], 3), g));
    }
    List<TemperatureRepair.Scaled> before = r.seeds().stream().map(TemperatureRepair.Repaired::before).toList();
    List<TemperatureRepair.Scaled> after = r.seeds().stream().map(TemperatureRepair.Repaired::after).toList();
    rows.add(row("per-head λₕ = 1 (before)", before));
    rows.add(row("per-head λₕ after " + steps + " steps", after));
    for (TemperatureRepair.Repaired x : r.seeds()) {
      for (int i = 0; i < n; i++) csv.add(csvRow(x.seedIndex(), "lambda=" + lambdas[i], x.global().get(i)));
      csv.add(csvRow(x.seedIndex(), "head_scale_before", x.before()));
      csv.add(csvRow(x.seedIndex(), "head_scale_after", x.after()));
    }
    f.md(Findings.table(List.of("setting", "seeds", "loss on last 16, L=64 (mean ± 95% interval)", "loss on last 16, L=256",
        "entropy L1 / L2 at 256", "n_eff L1 / L2 at 256"), rows));
    int layers = first.headScales().length, heads = first.heads();
    List<List<String>> hs = new ArrayList<>();
    for (TemperatureRepair.Repaired x : r.seeds()) {
      for (int l = 0; l < layers; l++) {
        List<String> row = new ArrayList<>(List.of("seed " + (x.seedIndex() + 1) + ", layer " + (l + 1)));
        for (int h = 0; h < heads; h++) row.add(Findings.num(x.headScales()[l][h], 3));
        hs.add(row);
      }
    }
    List<String> hh = new ArrayList<>(List.of("trained λₕ"));
    for (int h = 0; h < heads; h++) hh.add("head " + (h + 1));
    f.md(Findings.table(hh, hs));
    double t64 = Stats.mean(after, e -> e.atTrain().tailLoss()), t256 = Stats.mean(after, e -> e.atLong().tailLoss());
    double tH = Stats.mean(after, e -> mean(e.atLong().entropy()));
    f.chart(Chart.line("e9-repair", "Frozen NoPE: loss on the last 16 bytes against the global scale λ (mean over seeds)", "λ",
        "loss (nats/byte)", Series.of("L = 256 (4×)", lambdas, loss256), Series.of("L = 64 (1×)", lambdas, loss64),
        Series.of("trained λₕ, L = 256", new double[] {1, 2}, new double[] {t256, t256}),
        Series.of("trained λₕ, L = 64", new double[] {1, 2}, new double[] {t64, t64})));
    f.chart(Chart.line("e9-repair-entropy", "Frozen NoPE at L = 256: mean attention entropy of the last 16 queries", "λ",
        "entropy (nats)", Series.of("global λ", lambdas, ent256), Series.of("trained λₕ", new double[] {1, 2}, new double[] {tH, tH}),
        Series.of("uniform over the window", new double[] {1, 2},
            new double[] {TrainedModelsReport.lnMean(256, tail), TrainedModelsReport.lnMean(256, tail)})));
    f.data(DataFile.csv("e9-repair.csv", List.of("seed", "setting", "tail_loss_64", "tail_loss_256", "entropy_256_l1",
        "entropy_256_l2", "neff_256_l1", "neff_256_l2"), csv));
    List<List<?>> curve = new ArrayList<>();
    for (TemperatureRepair.Repaired x : r.seeds()) for (int i = 0; i < x.curve().length; i++) curve.add(List.of(x.seedIndex(), i + 1, x.curve()[i]));
    f.data(DataFile.csv("e9-head-scale-curve.csv", List.of("seed", "step", "train_loss"), curve));
    NopeRules.Repair rep = NopeRules.repair(s, r);
    List<String> d256 = new ArrayList<>(), d64 = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      d256.add(signed(loss256[i] - loss256[0]));
      d64.add(signed(loss64[i] - loss64[0]));
    }
    double frozen = r.seeds().stream().mapToDouble(TemperatureRepair.Repaired::frozenDiff).max().orElse(Double.NaN);
    double gap = mean(rep.gap());
    f.md(TEXT.fill("repair.result", "frozen", frozen, "tensors", first.trained().size(), "base", loss256[0],
        "gap", Stats.interval95(rep.gap()).format(3), "rise", loss256[0] / loss64[0], "d256", String.join(", ", d256),
        "d64", String.join(", ", d64), "h1", ent256[0], "h2", ent256[n - 1], "head256", signed(-mean(rep.headGain256())),
        "share", pct(mean(rep.headGain256()) / gap), "head64", signed(-mean(rep.headGain64())), "headH", tH,
        "headShare", rep.headShare().text(3), "headSpecific", rep.headSpecific().text(3), "bestShare", rep.bestShare().text(3),
        "bestSpecific", rep.bestSpecific().text(3), "lambda", rep.bestLambda(),
        "conclusion", TEXT.fill(rep.repairs() ? "repair.repairs" : rep.against() ? "repair.against" : "repair.none"),
        "note", loss256[0] / loss64[0] < 1.05 ? TEXT.fill("repair.small") : ""));
  }

  /** A setting's row: seeds, then means (with the 95% interval of the losses) over seeds. */
  private static List<String> row(String name, List<TemperatureRepair.Scaled> e) {
    return List.of(name, String.valueOf(e.size()),
        Stats.interval95(e.stream().mapToDouble(x -> x.atTrain().tailLoss()).toArray()).format(4),
        Stats.interval95(e.stream().mapToDouble(x -> x.atLong().tailLoss()).toArray()).format(4),
        Findings.num(Stats.mean(e, x -> x.atLong().entropy()[0]), 3) + " / " + Findings.num(Stats.mean(e, x -> x.atLong().entropy()[1]), 3),
        Findings.num(Stats.mean(e, x -> x.atLong().nEff()[0]), 3) + " / " + Findings.num(Stats.mean(e, x -> x.atLong().nEff()[1]), 3));
  }

  private static List<?> csvRow(int seed, String name, TemperatureRepair.Scaled e) {
    NopeTraining.LongEval e64 = e.atTrain(), e256 = e.atLong();
    return List.of(seed, name, e64.tailLoss(), e256.tailLoss(), e256.entropy()[0], e256.entropy()[1], e256.nEff()[0], e256.nEff()[1]);
  }
}
