package dev.focus.lab.focus;

import static dev.focus.lab.focus.AttentionFocusReport.TEXT;

import dev.focus.lab.run.Findings;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E7's answers to issue #15: the training curves of every arm (has it converged?), the linear sweep on
 * MQAR (head size 8–64 with elu+1; relu and relu² at head size 8), and the rank correlation of accuracy
 * with the sharpest head's S* within linear attention at a fixed head size, the test that replaces the
 * Spearman over both kinds pooled (softmax is at 100 %, so that one only ranks the kinds).
 */
final class RecallSweep {
  private RecallSweep() {}

  /** An arm has converged when, on every seed, its last two curve points differ by at most this accuracy (2 points). */
  static final double CURVE_TOLERANCE = 0.02;

  /** The within-linear correlation supports the link at or below this ρ, and contradicts it at or above 0. */
  static final double RHO_SUPPORT = -0.5;

  /** The within-linear test needs at least this many runs from at least two feature maps. */
  static final int MIN_RUNS = 4;

  /**
   * Spearman ρ of the sharpest head's S* against accuracy over the linear runs of MQAR's longest length at
   * the main head size with a state of d_h × d_h (the factorising maps elu+1 and relu, every seed). supports: ρ ≤ −0.5; contradicts: ρ ≥ 0;
   * otherwise inconclusive (also when accuracy or S* is constant, ρ NaN); not measured below 4 runs or 2 maps.
   */
  record Within(int headDim, int runs, int maps, double rho, boolean measured, boolean supports, boolean contradicts) {
    String text() {
      return !measured ? "not measured" : supports ? "supports" : contradicts ? "contradicts" : "inconclusive";
    }
  }

  static Within within(RecallTasks.Plan plan, List<RecallRun.Run> main, List<RecallRun.Run> sweep) {
    RecallTasks.Task mqar = plan.task("mqar");
    int hd = mqar.hidden() / mqar.heads(), len = plan.longest(plan.tasks().indexOf(mqar));
    List<RecallRun.Run> rs = new ArrayList<>();
    for (RecallRun.Run r : concat(main, sweep)) {
      // relu² is left out: no finite state, and no rotary positions (it runs without positions)
      if (r.task().equals("mqar") && r.kind().equals("linear") && r.length() == len && r.headDim() == hd
          && !feature(r).equals("relu²")) {
        rs.add(r);
      }
    }
    int maps = (int) rs.stream().map(RecallSweep::feature).distinct().count();
    double rho = AttentionFocusRules.spearman(rs.stream().mapToDouble(r -> r.headS()[r.sharpest()]).toArray(),
        rs.stream().mapToDouble(RecallRun.Run::accuracy).toArray());
    boolean measured = rs.size() >= MIN_RUNS && maps >= 2;
    return new Within(hd, rs.size(), maps, rho, measured, measured && rho <= RHO_SUPPORT, measured && rho >= 0);
  }

  /** The feature map of a linear run ("elu+1" for the main arm; "softmax" for softmax). */
  static String feature(RecallRun.Run r) {
    if (r.kind().equals("softmax")) return "softmax";
    int space = r.arm().indexOf(' ');
    return space < 0 ? "elu+1" : r.arm().substring(0, space);
  }

  static List<RecallRun.Run> concat(List<RecallRun.Run> a, List<RecallRun.Run> b) {
    List<RecallRun.Run> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** True when every seed's last two curve points are finite and within {@link #CURVE_TOLERANCE}. */
  static boolean converged(List<RecallRun.Run> seeds) {
    return !seeds.isEmpty() && seeds.stream().allMatch(r -> lastChange(r) <= CURVE_TOLERANCE);
  }

  /** |accuracy at the end − accuracy at the previous curve point| (NaN without a curve). */
  static double lastChange(RecallRun.Run r) {
    double[] c = r.curveAccuracy();
    if (c == null || c.length < 2) return Double.NaN;
    return Math.abs(c[c.length - 1] - c[c.length - 2]);
  }

  /** The curves section: per arm and length, accuracy at each fifth of the steps (means over seeds), and its convergence. */
  static void curves(Findings f, RecallTasks.Plan plan, List<RecallRun.Run> runs) {
    Map<String, List<RecallRun.Run>> arms = new LinkedHashMap<>();
    for (RecallRun.Run r : runs) {
      if (r.curveAccuracy() != null) arms.computeIfAbsent(r.task() + "|" + r.arm() + "|" + r.length(), k -> new ArrayList<>()).add(r);
    }
    if (arms.isEmpty()) return;
    int points = RecallRun.CURVE_POINTS;
    List<String> header = new ArrayList<>(List.of("task", "arm", "T", "seeds"));
    for (int k = 1; k <= points; k++) header.add(k + "/" + points);
    header.addAll(List.of("largest last change", "converged"));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    Map<String, List<Series>> charts = new LinkedHashMap<>();
    for (List<RecallRun.Run> rs : arms.values()) {
      RecallRun.Run first = rs.get(0);
      double[] x = new double[points], mean = new double[points];
      for (int k = 0; k < points; k++) {
        int kk = k;
        x[k] = (double) first.steps() * (k + 1) / points;
        mean[k] = rs.stream().mapToDouble(r -> r.curveAccuracy()[kk]).average().orElse(Double.NaN);
      }
      for (RecallRun.Run r : rs) {
        for (int k = 0; k < points; k++) {
          csv.add(List.of(r.task(), r.arm(), r.length(), r.seed(), (long) x[k], r.curveAccuracy()[k], r.curveLoss()[k], r.curveS()[k]));
        }
      }
      double change = rs.stream().mapToDouble(RecallSweep::lastChange).max().orElse(Double.NaN);
      List<String> row = new ArrayList<>(List.of(first.task(), first.arm(), String.valueOf(first.length()), String.valueOf(rs.size())));
      for (double v : mean) row.add(Findings.num(100 * v, 3) + "%");
      row.add(Findings.num(100 * change, 2) + " points");
      row.add(converged(rs) ? "yes" : "no");
      rows.add(row);
      int longest = plan.longest(plan.tasks().indexOf(plan.task(first.task())));
      if (first.length() == longest) {
        charts.computeIfAbsent(first.task(), k -> new ArrayList<>()).add(Series.of(first.arm(), x, mean));
      }
    }
    f.md(TEXT.fill("e7.curves", "points", points, "tolerance", 100 * CURVE_TOLERANCE) + "\n\n");
    f.md(Findings.table(header, rows));
    for (Map.Entry<String, List<Series>> e : charts.entrySet()) {
      f.chart(Chart.line("e7-curve-" + e.getKey(), "E7 · " + e.getKey() + ": validation accuracy during training (longest T, mean over seeds)",
          "step", "accuracy", e.getValue().toArray(new Series[0])));
    }
    f.data(DataFile.csv("e7-curves.csv", List.of("task", "arm", "length", "seed", "step", "accuracy", "answer_loss", "sharpest_s"), csv));
  }

  /** The linear sweep on MQAR beside the main arms, and the within-linear correlation. */
  static void sweep(Findings f, RecallTasks.Plan plan, List<RecallRun.Run> main, List<RecallRun.Run> sweep, Within within) {
    if (sweep.isEmpty()) return;
    RecallTasks.Task mqar = plan.task("mqar");
    int len = plan.longest(plan.tasks().indexOf(mqar));
    Map<String, List<RecallRun.Run>> arms = new LinkedHashMap<>();
    concat(main, sweep).stream().filter(r -> r.task().equals("mqar") && r.length() == len)
        .sorted(Comparator.comparing((RecallRun.Run r) -> r.kind().equals("softmax") ? 0 : 1)
            .thenComparing(r -> feature(r).equals("elu+1") ? 0 : 1).thenComparing(RecallSweep::feature).thenComparingInt(RecallRun.Run::headDim))
        .forEach(r -> arms.computeIfAbsent(r.kind().equals("softmax") ? "softmax" : feature(r) + " d_h=" + r.headDim(),
            k -> new ArrayList<>()).add(r));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<double[]> elu = new ArrayList<>();
    for (Map.Entry<String, List<RecallRun.Run>> e : arms.entrySet()) {
      List<RecallRun.Run> rs = e.getValue();
      RecallRun.Run first = rs.get(0);
      int hd = first.headDim(), heads = first.headS().length / 2, width = hd * heads;
      double acc = rs.stream().mapToDouble(RecallRun.Run::accuracy).average().orElse(Double.NaN);
      double s = rs.stream().mapToDouble(r -> r.headS()[r.sharpest()]).average().orElse(Double.NaN);
      StringBuilder kv = new StringBuilder();
      for (int i = 0; first.kvAccuracy() != null && i < first.kvAccuracy().length; i++) {
        int k = i;
        kv.append(i == 0 ? "" : ", ").append(Findings.num(100 * rs.stream().mapToDouble(r -> r.kvAccuracy()[k]).average().orElse(Double.NaN), 3));
      }
      String state = first.kind().equals("softmax") ? "keys × d_h (grows with T)"
          : feature(first).equals("relu²") ? "none finite (kernel; no positions)" : hd + " × " + hd;
      rows.add(List.of(e.getKey(), String.valueOf(hd), String.valueOf(heads), String.valueOf(width), state, String.valueOf(rs.size()),
          Findings.num(100 * acc, 3) + "%", kv + " %", Findings.num(s, 3), converged(rs) ? "yes" : "no"));
      for (RecallRun.Run r : rs) csv.add(List.of(e.getKey(), hd, heads, r.seed(), r.accuracy(), r.headS()[r.sharpest()], r.valLoss()));
      if (feature(first).equals("elu+1") && first.kind().equals("linear")) elu.add(new double[] {hd, acc});
    }
    List<String> points = new ArrayList<>(List.of("elu+1 d_h=" + mqar.hidden() / mqar.heads() + " (the main arm)"));
    sweep.stream().map(RecallRun.Run::arm).distinct().forEach(points::add);
    // what full adds, from full's own plan, so the sentence follows the plan
    RecallTasks.Plan full = RecallTasks.plan(dev.focus.lab.run.Profile.FULL, plan.seed());
    List<String> more = full.sweep().stream().filter(a -> !plan.sweep().contains(a))
        .map(a -> RecallTasks.Arm.label(a.feature(), a.headDim())).toList();
    String note = plan.profile().equals("quick") && !more.isEmpty()
        ? "The full profile adds " + String.join(", ", more) + ", and " + full.sweepSeeds() + " seeds of every point; quick keeps"
          + " the points it reads (relu at 8 for the rule below, a larger elu+1 state for the state size)."
        : "";
    f.md(TEXT.fill("e7.sweep", "seeds", plan.sweepSeeds(), "length", len, "points", String.join(", ", points),
        "profileNote", note) + "\n\n");
    f.md(Findings.table(List.of("arm", "d_h", "heads", "width", "state per head", "seeds", "accuracy (kv = 8)",
        "kv = " + RecallReport.ints(mqar.evalKv()), "sharpest-head S*", "converged"), rows));
    if (elu.size() > 1) {
      f.chart(Chart.line("e7-sweep-dh", "E7 · MQAR accuracy of elu+1 linear attention against its head size", "head size d_h",
          "accuracy", Series.of("elu+1", elu.stream().mapToDouble(v -> v[0]).toArray(), elu.stream().mapToDouble(v -> v[1]).toArray()))
          .withLogX());
    }
    f.data(DataFile.csv("e7-sweep.csv", List.of("arm", "head_dim", "heads", "seed", "accuracy", "sharpest_s", "answer_loss"), csv));
    f.md(TEXT.fill("e7.within", "hd", within.headDim(), "runs", within.runs(), "maps", within.maps(),
        "rho", Double.isNaN(within.rho()) ? "undefined (constant input)" : Findings.num(within.rho(), 3),
        "support", RHO_SUPPORT, "verdict", within.text()) + "\n\n");
  }
}
