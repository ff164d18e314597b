package dev.focus.lab.focus;

import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Stats;
import dev.focus.metrics.Predictors;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The rules of report 1. The analytic claims (E1–E6) are checks with fixed tolerances; the trained
 * comparison (E7) supports "weaker focus ↔ weaker recall" when, on a task softmax learned, softmax is
 * more accurate than linear attention by more than 5 points at the longest length with a sharper
 * sharpest head — both on the 95% interval of the paired difference over seeds — no task says the
 * opposite (linear attention more accurate on the interval, or softmax more accurate with a sharpest
 * head less sharp on the interval), and, within linear attention at a fixed head size, the sharpest
 * head's S* correlates with accuracy at ρ ≤ −0.5 ({@link RecallSweep#within}); ρ ≥ 0 there contradicts
 * it. The Spearman over both kinds pooled is reported, but decides nothing (softmax sits at 100 %).
 */
final class AttentionFocusRules {
  private AttentionFocusRules() {}

  static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  /** The analytic checks with the numbers that decide them. */
  record Analytic(double maxResidual, boolean closedOk, boolean mcOk, double prLargeC, boolean softmaxAny, boolean floorOk,
                  boolean relu2Ok, double decayPrRatio, boolean decayOk, boolean queryDependent, boolean causalNonSingular,
                  boolean core, boolean rest) {}

  /** Decay's PR at the largest n over its limit (1+λ)/(1−λ), λ = 0.9 (the first decay row of E2). */
  static double decayPrRatio(LengthSweep.Result e2) {
    int last = e2.ns().length - 1, row = e2.simulated();
    return e2.ns()[last] * e2.sMean()[row][last] * e2.sMean()[row][last] / Predictors.decayPrLimit(0.9);
  }

  static Analytic analytic(AttentionFocusExperiment.Results r) {
    double maxResid = 0;
    for (ClosedForms.KindSummary k : r.e1().kinds()) maxResid = Math.max(maxResid, k.maxResidual());
    boolean closedOk = maxResid < 1e-8;
    boolean mcOk = r.e1().within() == r.e1().compared();
    double softmaxLargeC = softmaxLargeC(r.e3());
    double prLargeC = Math.pow(softmaxLargeC / r.e3().floor(), 2); // PR = n·S*² with n^{-1/2} the floor
    boolean softmaxAny = prLargeC < 5;
    boolean floorOk = r.e1().identityMin() >= SQRT_2_OVER_PI - 1e-12 && r.e4().identityMin() > SQRT_2_OVER_PI - 0.02;
    boolean relu2Ok = r.e1().relu2Negative() < 1e-6 && r.e4().relu2AtMin() < 0.2 && r.e3().drift() < 1e-9;
    double decay = decayPrRatio(r.e2());
    boolean decayOk = Math.abs(decay - 1) < 0.01;
    GeneralLinear.Overlap dense = r.e5().overlap("linear dense"), soft = r.e5().overlap("softmax");
    // the note's claim read with its own d: sparse linear focus is query-independent for a dense q̃, and a
    // one-hot-like q̃ (which selects one feature column) varies with the query among at most d patterns
    boolean queryDep = dense.jaccard() > 3 * dense.chance() && soft.jaccard() < dense.jaccard() && r.e5().hotPatterns() <= r.e5().d();
    // full rank holds by construction (triangular, positive diagonal), so it can fail only through a bug; what can
    // fail is the doc's stated contradiction of E6, elu+1 rows as concentrated as softmax's
    boolean nonSingular = r.e6().minDiagonal() > 0 && r.e6().matrices().stream()
        .allMatch(m -> m.singularValues().length == 0 || m.spectrum().min() > 0) && r.e6().meanLinear() > r.e6().meanSoftmax();
    boolean core = closedOk && softmaxAny && floorOk && relu2Ok;             // the note's central analytic claims
    boolean rest = mcOk && decayOk && queryDep && nonSingular;               // simulation, decay, query dependence, framing
    return new Analytic(maxResid, closedOk, mcOk, prLargeC, softmaxAny, floorOk, relu2Ok, decay, decayOk, queryDep, nonSingular,
        core, rest);
  }

  /** Softmax's mean S* at the largest query scale of E3. */
  static double softmaxLargeC(Temperature.Result e3) { return e3.s()[0][e3.cs().length - 1]; }

  /** Mean accuracy and sharpest-head S* over seeds, per length, of one task and kind (lengths ascending). */
  record Curve(String task, String kind, double[] lengths, double[] accuracy, double[] sharpestS) {}

  /** Softmax must beat linear attention by more than this accuracy (5 points) at the longest length. */
  static final double MARGIN = 0.05;

  /**
   * Softmax against linear attention at the longest length of one task, over the seeds both ran
   * (paired by seed: the same initialisation seed and data): mean accuracies and sharpest-head S*,
   * and the claims {@code gap} (softmax − linear accuracy above {@link #MARGIN}), {@code linearAhead}
   * (linear − softmax accuracy above 0: the opposite) and {@code sharper} (linear − softmax S* above 0).
   */
  record Comparison(String task, int length, double softmaxAccuracy, double linearAccuracy, double softmaxS, double linearS,
                    Claim gap, Claim linearAhead, Claim sharper) {}

  /** The comparison at the longest length of {@code task}, or null when the kinds did not both run there. */
  static Comparison compare(String task, int length, List<RecallRun.Run> runs) {
    double[][] soft = atLength(runs, task, "softmax", length), lin = atLength(runs, task, "linear", length);
    int n = Math.min(soft[0].length, lin[0].length);
    if (n == 0) return null;
    double[] sa = Arrays.copyOf(soft[0], n), la = Arrays.copyOf(lin[0], n), ss = Arrays.copyOf(soft[1], n), ls = Arrays.copyOf(lin[1], n);
    return new Comparison(task, length, Stats.mean(sa), Stats.mean(la), Stats.mean(ss), Stats.mean(ls), Claim.pairedAbove(sa, la, MARGIN),
        Claim.pairedAbove(la, sa, 0), Claim.pairedAbove(ls, ss, 0));
  }

  /** {accuracy, sharpest-head S*} of the runs of one task, kind and length, in seed order. */
  static double[][] atLength(List<RecallRun.Run> runs, String task, String kind, int length) {
    List<RecallRun.Run> rs = runs.stream().filter(r -> r.task().equals(task) && r.kind().equals(kind) && r.length() == length)
        .sorted(Comparator.comparingInt(RecallRun.Run::seed)).toList();
    return new double[][] {rs.stream().mapToDouble(RecallRun.Run::accuracy).toArray(),
        rs.stream().mapToDouble(r -> r.headS()[r.sharpest()]).toArray()};
  }

  /**
   * What E7's runs say. {@code comparisons} holds the tasks where both kinds ran the same lengths and
   * softmax learned the task (≥ 50 % on some run); {@code counted} the runs of learned tasks, over
   * which {@code rho} is the Spearman correlation of sharpest-head S* and accuracy (both kinds pooled);
   * {@code within} the deciding correlation within linear attention.
   */
  record Recall(List<Curve> curves, List<Comparison> comparisons, List<String> learned, List<String> unlearned, int counted,
                double rho, double seconds, boolean supports, boolean contradicts, RecallSweep.Within within) {}

  static List<Curve> curves(RecallTasks.Plan plan, List<RecallRun.Run> runs) {
    List<Curve> out = new ArrayList<>();
    for (RecallTasks.Task task : plan.tasks()) {
      for (String kind : RecallTasks.KINDS) {
        List<RecallRun.Run> rs = runs.stream().filter(r -> r.task().equals(task.name()) && r.kind().equals(kind)).toList();
        double[] ls = rs.stream().mapToInt(RecallRun.Run::length).distinct().sorted().asDoubleStream().toArray();
        if (ls.length == 0) continue;
        double[] a = new double[ls.length], s = new double[ls.length];
        for (int i = 0; i < ls.length; i++) {
          int l = (int) ls[i];
          a[i] = rs.stream().filter(r -> r.length() == l).mapToDouble(RecallRun.Run::accuracy).average().orElse(Double.NaN);
          s[i] = rs.stream().filter(r -> r.length() == l).mapToDouble(r -> r.headS()[r.sharpest()]).average().orElse(Double.NaN);
        }
        out.add(new Curve(task.name(), kind, ls, a, s));
      }
    }
    return out;
  }

  static Recall recall(RecallTasks.Plan plan, List<RecallRun.Run> runs) { return recall(plan, runs, List.of()); }

  static Recall recall(RecallTasks.Plan plan, List<RecallRun.Run> runs, List<RecallRun.Run> sweep) {
    List<Curve> curves = curves(plan, runs);
    // a task counts only if softmax learned it somewhere (at least 50% accuracy); otherwise its runs say nothing about focus
    List<String> learned = new ArrayList<>(), unlearned = new ArrayList<>();
    for (RecallTasks.Task task : plan.tasks()) {
      double best = runs.stream().filter(r -> r.task().equals(task.name()) && r.kind().equals("softmax"))
          .mapToDouble(RecallRun.Run::accuracy).max().orElse(0);
      (best >= 0.5 ? learned : unlearned).add(task.name());
    }
    List<Comparison> comparisons = new ArrayList<>();
    int supportVotes = 0, contraVotes = 0;
    for (RecallTasks.Task task : plan.tasks()) {
      Curve soft = curve(curves, task.name(), "softmax"), lin = curve(curves, task.name(), "linear");
      if (soft == null || lin == null || soft.accuracy().length != lin.accuracy().length) continue;
      int last = soft.accuracy().length - 1;
      Comparison c = compare(task.name(), (int) soft.lengths()[last], runs);
      if (c == null) continue;
      if (!unlearned.contains(task.name())) comparisons.add(c);
      boolean learnedHere = Arrays.stream(soft.accuracy()).max().orElse(0) >= 0.5;
      if (learnedHere && c.gap().agrees() && c.sharper().agrees()) supportVotes++;
      if (learnedHere && (c.linearAhead().agrees() || (c.gap().agrees() && c.sharper().contradicts()))) contraVotes++;
    }
    List<RecallRun.Run> counted = runs.stream().filter(r -> learned.contains(r.task())).toList();
    double rho = spearman(counted.stream().mapToDouble(r -> r.headS()[r.sharpest()]).toArray(),
        counted.stream().mapToDouble(RecallRun.Run::accuracy).toArray());
    double seconds = runs.stream().mapToDouble(RecallRun.Run::seconds).sum() + sweep.stream().mapToDouble(RecallRun.Run::seconds).sum();
    // the pooled rho only ranks the kinds (softmax at 100 %); what decides is S* against accuracy within linear attention
    RecallSweep.Within within = RecallSweep.within(plan, runs, sweep);
    boolean supports = supportVotes > 0 && contraVotes == 0 && within.supports();
    boolean contradicts = (contraVotes > 0 && supportVotes == 0) || within.contradicts();
    return new Recall(curves, comparisons, learned, unlearned, counted.size(), rho, seconds, supports, contradicts, within);
  }

  static Curve curve(List<Curve> curves, String task, String kind) {
    for (Curve c : curves) if (c.task().equals(task) && c.kind().equals(kind)) return c;
    return null;
  }

  /**
   * Contradicts when a core analytic claim fails; agrees when every other check holds and the
   * trained comparison supports the link; partly otherwise.
   */
  static Verdict verdict(Analytic a, Recall trained) {
    return !a.core() ? Verdict.CONTRADICTS : a.rest() && trained != null && trained.supports() ? Verdict.AGREES : Verdict.PARTLY;
  }

  /** Spearman rank correlation (average ranks for ties); NaN for fewer than 3 points or a constant input. */
  static double spearman(double[] x, double[] y) {
    if (x.length < 3) return Double.NaN;
    double[] rx = ranks(x), ry = ranks(y);
    double mx = Stats.mean(rx), my = Stats.mean(ry), sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) idx[i] = i;
    Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
      for (int k = i; k <= j; k++) r[idx[k]] = 0.5 * (i + j);
      i = j + 1;
    }
    return r;
  }
}
