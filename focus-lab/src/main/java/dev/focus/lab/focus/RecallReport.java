package dev.focus.lab.focus;

import static dev.focus.lab.focus.AttentionFocusReport.TEXT;

import dev.focus.lab.run.Findings;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** E7 of report 1: the trained runs, MQAR by number of pairs, curves against length, and the correlation. */
final class RecallReport {
  private RecallReport() {}

  /** Writes E7 and returns what its runs say (null when no run finished). */
  static AttentionFocusRules.Recall render(Findings f, RecallTasks.Plan plan, List<RecallRun.Run> runs, List<RecallRun.Run> sweep) {
    f.md(TEXT.fill("e7", "lr", plan.lr(), "seeds", plan.seeds() == plan.otherSeeds() ? plan.seeds() + " seeds at every length"
        : plan.seeds() + " seeds at each task's longest length (where the kinds are compared), " + plan.otherSeeds()
        + " at the others", "evalSequences", plan.evalSequences()) + "\n\n");
    List<List<String>> tasks = new ArrayList<>();
    for (int t = 0; t < plan.tasks().size(); t++) {
      RecallTasks.Task task = plan.tasks().get(t);
      String data = task.mqar() == null ? TEXT.fill("e7.needle", "spec", task.spec())
          : TEXT.fill("e7.mqar", "spec", task.spec(), "kvMin", task.kvMin(), "kv", task.mqar().kvPairs(), "evalKv", ints(task.evalKv()));
      tasks.add(List.of(task.mqar() == null ? task.name() : "MQAR", data, String.valueOf(task.hidden()), String.valueOf(task.heads()),
          String.valueOf(task.batch()), Findings.num(task.initStd(), 2), ints(plan.lengths().get(t)), String.valueOf(plan.steps().get(t))));
    }
    f.md(Findings.table(List.of("task", "data", "width", "heads", "batch", "init s.d.", "T", "steps"), tasks));
    f.md(TEXT.fill("e7.mqar.settings") + "\n\n");
    if (runs.isEmpty()) {
      f.md(TEXT.fill("e7.cancelled"));
      return null;
    }
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>(), headCsv = new ArrayList<>();
    for (RecallRun.Run r : runs) {
      int sh = r.sharpest(), heads = plan.task(r.task()).heads();
      rows.add(List.of(r.task(), r.kind(), String.valueOf(r.length()), String.valueOf(r.seed()), String.valueOf(r.steps()),
          Findings.num(100 * r.accuracy(), 3) + "%", Findings.num(r.valLoss(), 3), headList(r.headS(), heads),
          "L" + sh / heads + "H" + sh % heads + ": " + Findings.num(r.headS()[sh], 3) + " (PR " + Findings.num(r.headPr()[sh], 3) + ")",
          r.kind().equals("softmax") ? headList(r.headGamma(), heads) : "—"));
      csv.add(List.of(r.task(), r.kind(), r.length(), r.seed(), r.steps(), r.accuracy(), r.answers(), r.valLoss(),
          "L" + sh / heads + "H" + sh % heads, r.headS()[sh], r.headPr()[sh], r.seconds()));
      for (int i = 0; i < r.headS().length; i++) {
        headCsv.add(List.of(r.task(), r.kind(), r.length(), r.seed(), i / heads, i % heads, r.headS()[i], r.headPr()[i],
            Double.isNaN(r.headGamma()[i]) ? "" : r.headGamma()[i]));
      }
    }
    f.md(Findings.table(List.of("task", "attention", "T", "seed", "steps", "accuracy", "answer loss",
        "S* per head (L0 / L1)", "sharpest head", "softmax γ̂ per head"), rows));
    f.data(DataFile.csv("e7-trained.csv", List.of("task", "attention", "length", "seed", "steps", "accuracy", "answers",
        "answer_loss", "sharpest_head", "sharpest_s", "sharpest_pr", "seconds"), csv));
    f.data(DataFile.csv("e7-heads.csv", List.of("task", "attention", "length", "seed", "layer", "head", "s", "pr", "gamma"),
        headCsv));
    mqarByPairs(f, plan, runs);
    AttentionFocusRules.Recall recall = AttentionFocusRules.recall(plan, runs, sweep);
    RecallSweep.curves(f, plan, RecallSweep.concat(runs, sweep));
    RecallSweep.sweep(f, plan, runs, sweep, recall.within());
    for (RecallTasks.Task task : plan.tasks()) {
      List<AttentionFocusRules.Curve> cs = recall.curves().stream().filter(c -> c.task().equals(task.name())).toList();
      if (cs.isEmpty() || cs.get(cs.size() - 1).lengths().length < 2) continue; // with one length the table says it all
      f.chart(Chart.line("e7-acc-" + task.name(), "E7 · " + task.name() + ": answer accuracy against length", "T", "accuracy",
          cs.stream().map(c -> Series.of(c.kind(), c.lengths(), c.accuracy())).toArray(Series[]::new)).withLogX());
      f.chart(Chart.line("e7-s-" + task.name(), "E7 · " + task.name() + ": S* of the sharpest head at the answer positions",
          "T", "S*", cs.stream().map(c -> Series.of(c.kind(), c.lengths(), c.sharpestS())).toArray(Series[]::new)).withLogX().withLogY());
    }
    depth(f, runs);
    List<Series> scatter = new ArrayList<>();
    for (String kind : RecallTasks.KINDS) {
      for (RecallTasks.Task task : plan.tasks()) {
        List<RecallRun.Run> rs = runs.stream().filter(r -> r.kind().equals(kind) && r.task().equals(task.name())).toList();
        if (rs.isEmpty()) continue;
        scatter.add(Series.of(kind + " · " + task.name(), rs.stream().mapToDouble(r -> r.headS()[r.sharpest()]).toArray(),
            rs.stream().mapToDouble(RecallRun.Run::accuracy).toArray()));
      }
    }
    f.chart(Chart.scatter("e7-acc-vs-s", "E7 · answer accuracy against the sharpest head's S* (every run)", "sharpest-head S*",
        "accuracy", scatter.toArray(new Series[0])).withLogX());
    if (!recall.unlearned().isEmpty()) {
      f.md(TEXT.fill("e7.unlearned", "tasks", String.join(", ", recall.unlearned()),
          "mqar", recall.unlearned().contains("mqar") ? TEXT.fill("e7.unlearned.mqar") : ""));
    }
    f.md(TEXT.fill("e7.correlation", "runs", recall.counted(), "rho", recall.rho(),
        "comparisons", recall.comparisons().isEmpty() ? "" : comparisons(recall) + ". ", "seconds", recall.seconds()));
    List<String> perTask = new ArrayList<>();
    for (String name : recall.learned()) {
      List<String> prs = new ArrayList<>();
      for (String kind : RecallTasks.KINDS) {
        List<RecallRun.Run> rs = runs.stream().filter(r -> r.task().equals(name) && r.kind().equals(kind))
            .sorted(Comparator.comparingInt(RecallRun.Run::length)).toList();
        StringBuilder sb = new StringBuilder(kind + " ");
        for (int i = 0; i < rs.size(); i++) {
          RecallRun.Run r = rs.get(i);
          sb.append(i == 0 ? "" : ", ").append(Findings.num(r.headPr()[r.sharpest()], 3)).append(" at T=").append(r.length());
        }
        prs.add(sb.toString());
      }
      perTask.add("on " + name + ", " + String.join("; ", prs));
    }
    if (!perTask.isEmpty()) f.md(TEXT.fill("e7.pr", "perTask", String.join("; ", perTask)));
    return recall;
  }

  /** The comparisons of the learned tasks, "; "-separated. */
  static String comparisons(AttentionFocusRules.Recall recall) {
    return recall.comparisons().stream().map(c -> TEXT.fill("e7.comparison", "task", c.task(), "length", c.length(),
        "softmax", 100 * c.softmaxAccuracy(), "linear", 100 * c.linearAccuracy(), "gap", c.gap().points(),
        "margin", 100 * AttentionFocusRules.MARGIN, "softmaxS", c.softmaxS(), "linearS", c.linearS(), "sharper", c.sharper().text(3)))
        .collect(Collectors.joining("; "));
  }

  /** One line for the verdict table and the index: the comparisons, the correlation, and the unlearned tasks. */
  static String summary(AttentionFocusRules.Recall recall) {
    return TEXT.fill("e7.summary", "comparisons", recall.comparisons().isEmpty() ? "" : comparisons(recall) + "; ",
        "rho", recall.rho(), "within", recall.within().measured() ? TEXT.fill("e7.summary.within", "hd", recall.within().headDim(),
            "runs", recall.within().runs(), "rho", recall.within().rho(), "verdict", recall.within().text())
            : "; within linear attention: not measured", "unlearned", recall.unlearned().isEmpty() ? ""
            : "; not learned at this budget: " + String.join(", ", recall.unlearned()));
  }

  /** Needle accuracy against the pair's depth at the longest length (pooled over seeds). */
  static void depth(Findings f, List<RecallRun.Run> runs) {
    int longest = runs.stream().filter(r -> r.depthAccuracy() != null).mapToInt(RecallRun.Run::length).max().orElse(-1);
    if (longest <= 0) return;
    int bins = RecallRun.DEPTH_BINS;
    List<Series> depth = new ArrayList<>();
    double[] centres = new double[bins];
    for (int i = 0; i < bins; i++) centres[i] = (i + 0.5) / bins;
    for (String kind : RecallTasks.KINDS) {
      List<RecallRun.Run> rs = runs.stream().filter(r -> r.depthAccuracy() != null && r.length() == longest && r.kind().equals(kind)).toList();
      if (rs.isEmpty()) continue;
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < bins; i++) {
        int bin = i;
        double y = rs.stream().mapToDouble(r -> r.depthAccuracy()[bin]).filter(Double::isFinite).average().orElse(Double.NaN);
        if (Double.isFinite(y)) pts.add(new double[] {centres[i], y});
      }
      if (!pts.isEmpty()) {
        depth.add(Series.of(kind, pts.stream().mapToDouble(v -> v[0]).toArray(), pts.stream().mapToDouble(v -> v[1]).toArray()));
      }
    }
    if (!depth.isEmpty()) {
      f.chart(Chart.line("e7-depth", "E7 · needle accuracy against the pair's depth (T = " + longest + ", " + bins + " bins)",
          "depth (0 = start)", "accuracy", depth.toArray(new Series[0])));
    }
  }

  /** MQAR accuracy against the number of pairs, per kind and length (means over seeds): Zoology's picture. */
  static void mqarByPairs(Findings f, RecallTasks.Plan plan, List<RecallRun.Run> runs) {
    RecallTasks.Task mqar = plan.task("mqar");
    List<Integer> kvs = mqar.evalKv();
    List<RecallRun.Run> rs = runs.stream().filter(r -> r.kvAccuracy() != null).toList();
    if (rs.isEmpty()) return;
    double[] x = new double[kvs.size()];
    for (int i = 0; i < kvs.size(); i++) x[i] = kvs.get(i);
    List<Series> series = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    int[] lengths = rs.stream().mapToInt(RecallRun.Run::length).distinct().sorted().toArray();
    for (int len : lengths) {
      for (String kind : RecallTasks.KINDS) {
        List<RecallRun.Run> at = rs.stream().filter(r -> r.length() == len && r.kind().equals(kind)).toList();
        if (at.isEmpty()) continue;
        double[] y = new double[kvs.size()];
        List<String> row = new ArrayList<>(List.of(kind, String.valueOf(len)));
        for (int i = 0; i < kvs.size(); i++) {
          int k = i;
          y[i] = at.stream().mapToDouble(r -> r.kvAccuracy()[k]).average().orElse(Double.NaN);
          row.add(Findings.num(100 * y[i], 3) + "%");
          for (RecallRun.Run r : at) csv.add(List.of(kind, len, r.seed(), kvs.get(i), r.kvAccuracy()[i]));
        }
        rows.add(row);
        series.add(Series.of(lengths.length > 1 ? kind + " T=" + len : kind, x, y));
      }
    }
    double[] guess = new double[kvs.size()];
    for (int i = 0; i < kvs.size(); i++) guess[i] = 1.0 / kvs.get(i);
    series.add(Series.of("1/kv (values only)", x, guess));
    List<String> header = new ArrayList<>(List.of("attention", "T"));
    for (int kv : kvs) header.add("kv = " + kv + " (1/kv = " + Findings.num(100.0 / kv, 3) + "%)");
    f.md(TEXT.fill("e7.kv") + "\n\n");
    f.md(Findings.table(header, rows));
    f.chart(Chart.line("e7-mqar-kv", "E7 · MQAR accuracy against the number of key–value pairs", "kv pairs", "accuracy",
        series.toArray(new Series[0])).withLogX());
    f.data(DataFile.csv("e7-mqar-kv.csv", List.of("attention", "length", "seed", "kv", "accuracy"), csv));
  }

  static String ints(List<Integer> v) {
    return v.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  static String headList(double[] v, int heads) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      if (i > 0) sb.append(i % heads == 0 ? " / " : " ");
      sb.append(Findings.num(v[i], 3));
    }
    return sb.toString();
  }
}
