package dev.focus.lab.nope;

import static dev.focus.lab.nope.NopeReport.TEXT;
import static dev.focus.lab.nope.NopeReport.pct;
import static dev.focus.lab.nope.NopeReport.posName;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.position.PositionKind;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Heatmap;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Report 5's synthetic tasks: E7 resolution and offsets, E8 length generalisation on copy. */
final class TasksReport {
  private TasksReport() {}

  /** The drop of BOS-free NoPE on n mod 10 as a sentence part. */
  static String dropText(dev.focus.lab.run.Claim c) {
    if (c == null) return "not run";
    String verdict = c.agrees() ? "degrading with $n$, as expected" : c.contradicts() ? "not degrading by 10 points"
        : "whether it drops by 10 points is inside the noise";
    return verdict + "; first minus last bucket per seed: " + c.text(3) + ", the rule: above " + Findings.num(NopeRules.DROP, 2);
  }

  static void resolution(Findings f, Resolution.Settings s, Resolution.Result r) {
    List<Integer> edges = s.buckets();
    int nb = edges.size();
    f.md(TEXT.fill("e7", "length", s.length(), "steps", s.steps(), "batch", s.batch(), "seeds", s.seeds() == s.otherSeeds()
        ? s.seeds() + (s.seeds() == 1 ? " seed" : " seeds") : s.seeds() + " seeds of the runs that decide point 3 (" + String.join(", ",
        Resolution.DECIDING) + "), " + s.otherSeeds() + " of the others", "eval", s.eval()));
    List<String> bucketNames = new ArrayList<>();
    for (int b = 0; b + 1 < nb; b++) bucketNames.add("[" + edges.get(b) + "," + edges.get(b + 1) + ")");
    List<List<?>> csv = new ArrayList<>();
    for (Resolution.Run run : r.runs()) {
      List<Object> c = new ArrayList<>(List.of(Resolution.taskLabel(run.task()), run.arm(), run.seed()));
      for (double v : run.accuracy()) c.add(v);
      csv.add(c);
    }
    Map<String, double[]> means = NopeRules.resolution(s, r);
    List<List<String>> rows = new ArrayList<>();
    List<String> heatRows = new ArrayList<>();
    List<double[]> heat = new ArrayList<>();
    for (int t = 0; t < s.tasks().size(); t++) {
      String label = Resolution.taskLabel(s.tasks().get(t));
      for (Resolution.Arm arm : s.arms()) {
        double[] acc = means.get(label + "/" + arm.name());
        if (acc == null) continue;
        List<String> row = new ArrayList<>(List.of(label, arm.name()));
        for (double v : acc) row.add(pct(v));
        row.add(pct(acc[nb - 2] - acc[0]));
        rows.add(row);
        heatRows.add((t == 0 ? "a " : "b ") + (arm.bos() ? "BOS" : arm.name()));     // short: the axis clips long labels
        heat.add(Arrays.copyOf(acc, nb - 1));
      }
    }
    List<String> header = new ArrayList<>(List.of("task", "arm"));
    header.addAll(bucketNames);
    header.addAll(List.of("all", "last − first"));
    f.md(Findings.table(header, rows));
    f.chart(Chart.heatmap("e7-buckets", "Accuracy by data-position bucket (rows: a = 3 back, b = n mod 10; then the arm, BOS = NoPE with BOS)",
        "position bucket", "", new Heatmap(heatRows, bucketNames, heat.toArray(double[][]::new))));
    List<String> cols = new ArrayList<>(List.of("task", "arm", "seed"));
    for (String b : bucketNames) cols.add("acc_" + b.replaceAll("[^0-9]+", "_").replaceAll("^_|_$", ""));
    cols.add("acc_all");
    f.data(DataFile.csv("e7-resolution.csv", cols, csv));
    double[] nopeMod = means.get("n mod 10/nope"), bosMod = means.get("n mod 10/nope+BOS"), apeMod = means.get("n mod 10/learned");
    double[] nopeK = means.get("3 back/nope"), ropeK = means.get("3 back/rope"), alibiK = means.get("3 back/alibi");
    if (nopeMod != null && bosMod != null && apeMod != null && nopeK != null && ropeK != null && alibiK != null) {
      int all = nb - 1, last = all - 1;
      f.md(TEXT.fill("e7.result", "nopeFirst", pct(nopeMod[0]), "nopeLast", pct(nopeMod[last]),
          "degrades", dropText(NopeRules.modDrop(r)),
          "bosFirst", pct(bosMod[0]), "bosLast", pct(bosMod[last]), "bosAll", pct(bosMod[all]), "nopeAll", pct(nopeMod[all]),
          "bos", bosMod[all] > nopeMod[all] + 0.05 ? "BOS helps, as D9 predicts" : "BOS does not clearly help",
          "learnedAll", pct(apeMod[all]), "ropeMin", pct(NopeRules.min(ropeK, last)), "ropeMax", pct(NopeRules.max(ropeK, last)),
          "alibiMin", pct(NopeRules.min(alibiK, last)), "alibiMax", pct(NopeRules.max(alibiK, last)),
          "flat", NopeRules.flat(ropeK) && NopeRules.flat(alibiK) ? "flat within 5 points, as expected" : "not both flat within 5 points",
          "nopeK", pct(nopeK[all]), "ropeK", pct(ropeK[all]), "alibiK", pct(alibiK[all])));
      double[] ropeMod = means.get("n mod 10/rope");
      if (ropeMod != null && NopeRules.flat(ropeMod) && ropeMod[all] > 0.9) {
        double[] alibiMod = means.get("n mod 10/alibi");
        boolean alibiDrops = alibiMod != null && alibiMod[0] - alibiMod[last] >= 0.10;
        f.md(TEXT.fill("e7.rope", "all", pct(ropeMod[all]), "alibi", alibiDrops
            ? TEXT.fill("e7.rope.alibi", "first", pct(alibiMod[0]), "last", pct(alibiMod[last])) : ""));
      }
    }
  }

  /** An interval of fractions in percent: "12.3 ± 4.5%", or "12.3% (1 seed)". */
  static String points(Stats.Interval i) {
    return i.n() < 2 ? pct(i.mean()) + " (1 seed)" : Findings.num(100 * i.mean(), 3) + " ± " + Findings.num(100 * i.halfWidth(), 2) + "%";
  }

  static void lengthGeneralisation(Findings f, LengthGeneralisation.Settings s, LengthGeneralisation.Result r) {
    int trMax = s.trainMax(), testMax = s.testMax();
    f.md(TEXT.fill("e8", "tasks", String.join(" and ", s.tasks()), "trainMax", trMax, "symbols", s.symbols(), "steps", s.steps(),
        "batch", s.batch(), "seeds", s.seeds(), "eval", s.eval(), "testMax", testMax));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    Map<String, NopeRules.Copy> copy = NopeRules.copy(s, r);
    for (String task : s.tasks()) {
      List<Series> series = new ArrayList<>();
      for (PositionKind pos : s.arms()) {
        NopeRules.Copy c = copy.get(task + "/" + posName(pos));
        if (c == null) continue;
        List<LengthGeneralisation.Run> runs = r.runs().stream().filter(x -> x.task().equals(task) && x.arm() == pos).toList();
        double[] x = new double[testMax];
        for (int n = 0; n < testMax; n++) {
          x[n] = n + 1;
          for (LengthGeneralisation.Run run : runs) csv.add(List.of(task, posName(pos), run.seed(), n + 1, run.exactMatch()[n]));
        }
        double[] em = c.exactMatch();
        rows.add(List.of(task, posName(pos), String.valueOf(runs.size()), pct(c.inDistribution()),
            points(Stats.interval95(NopeRules.beyond(s, r, task, pos))), pct(em[trMax]), pct(em[testMax - 1])));
        series.add(Series.of(posName(pos), x, em));
      }
      f.chart(Chart.line("e8-" + task, "Exact match on " + task + " by length (trained on 1.." + trMax + ")", "length n",
          "exact match", series.toArray(Series[]::new)));
    }
    f.md(Findings.table(List.of("task", "position", "seeds", "in distribution (n ≤ " + trMax + ")",
        "beyond (" + (trMax + 1) + "–" + testMax + "), mean ± 95% interval", "n = " + (trMax + 1), "n = " + testMax), rows));
    f.data(DataFile.csv("e8-length.csv", List.of("task", "position", "seed", "length", "exact_match"), csv));
    NopeRules.Counter c = NopeRules.counter(s, r);
    if (c != null) {
      f.md(TEXT.fill("e8.result", "other", c.other(), "diff", c.claim().points(),
          "outcome", TEXT.fill(!c.learned() ? "e8.unlearned" : c.claim().agrees() ? "e8.win" : c.claim().contradicts() ? "e8.loss" : "e8.noise")));
    }
  }
}
