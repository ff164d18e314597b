package dev.focus.lab.nope;

import static dev.focus.lab.run.Stats.mean;
import static dev.focus.lab.run.Stats.sd;

import dev.focus.lab.run.Stats;
import dev.focus.position.PositionKind;
import dev.focus.report.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of report 5 over its section records: one test per point of the note (spec 05 §5), the
 * temperature repair and the counterweight. Each is written out where the verdict text states it.
 */
final class NopeRules {
  private NopeRules() {}

  /** Spec 05 §5: a is clearly worse than b when mean(a) − mean(b) &gt; 2 pooled s.d. and a &gt; b on every seed. */
  static boolean clearlyWorse(double[] a, double[] b) {
    double pooled = Math.sqrt((sd(a) * sd(a) + sd(b) * sd(b)) / 2);
    for (int i = 0; i < Math.min(a.length, b.length); i++) if (!(a[i] > b[i])) return false;
    return mean(a) - mean(b) > 2 * pooled;
  }

  /** E7's accuracy per "task label/arm", mean over seeds: the buckets, then overall. */
  static Map<String, double[]> resolution(Resolution.Settings s, Resolution.Result r) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Resolution.Run run : r.runs()) {
      double[] acc = out.computeIfAbsent(Resolution.taskLabel(run.task()) + "/" + run.arm(), k -> new double[s.buckets().size()]);
      for (int b = 0; b < acc.length; b++) acc[b] += run.accuracy()[b] / s.seeds();
    }
    return out;
  }

  /** Max − min over the buckets (not the overall column) is at most 5 points. */
  static boolean flat(double[] acc) { return max(acc, acc.length - 2) - min(acc, acc.length - 2) <= 0.05; }

  static double min(double[] a, int last) {
    double m = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= last; i++) m = Math.min(m, a[i]);
    return m;
  }

  static double max(double[] a, int last) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= last; i++) m = Math.max(m, a[i]);
    return m;
  }

  /** E7's test of point 3: BOS-free NoPE's n mod 10 accuracy on [32,64) is at least 10 points below that on [0,8). */
  static boolean nopeModDegrades(Map<String, double[]> res) {
    double[] a = res.get("n mod 10/nope");
    return a != null && a[0] - a[a.length - 2] >= 0.10;
  }

  /** Spec E7's case against: BOS-free NoPE flat (within 5 points) and within 5 points of learned positions on n mod 10. */
  static boolean resolutionAgainst(Map<String, double[]> res) {
    double[] a = res.get("n mod 10/nope"), ape = res.get("n mod 10/learned");
    return a != null && ape != null && flat(a) && Math.abs(a[a.length - 1] - ape[ape.length - 1]) <= 0.05;
  }

  /** E4's test of point 3: the trained NoPE probe after block 1 errs at least 2 positions more for n ≥ 32 than for n &lt; 8. */
  static boolean nopeRises(TrainedProbes.Result probes) {
    TrainedProbes.Probe p = probes == null ? null : probes.probe("nope", 1);
    return p != null && p.result().bucketMad()[3] - p.result().bucketMad()[0] >= 2;
  }

  /** E8: per "task/arm", exact match by length (mean over seeds) and its means in and beyond the training lengths. */
  record Copy(double[] exactMatch, double inDistribution, double beyond) {}

  static Map<String, Copy> copy(LengthGeneralisation.Settings s, LengthGeneralisation.Result r) {
    Map<String, Copy> out = new LinkedHashMap<>();
    int trMax = s.trainMax(), testMax = s.testMax();
    for (String task : s.tasks()) {
      for (var pos : s.arms()) {
        List<LengthGeneralisation.Run> runs = r.runs().stream().filter(x -> x.task().equals(task) && x.arm() == pos).toList();
        if (runs.isEmpty()) continue;
        double[] meanEm = new double[testMax];
        for (int n = 0; n < testMax; n++) for (int q = 0; q < s.seeds(); q++) meanEm[n] += runs.get(q).exactMatch()[n] / s.seeds();
        double id = 0, ood = 0;
        for (int n = 0; n < trMax; n++) id += meanEm[n] / trMax;
        for (int n = trMax; n < testMax; n++) ood += meanEm[n] / (testMax - trMax);
        out.put(task + "/" + LanguageModels.posName(pos), new Copy(meanEm, id, ood));
      }
    }
    return out;
  }

  /** Gains (loss decreases) of the best global λ &gt; 1 and of the trained λₕ at 1× and 4×, and the 1× → 4× rise at λ = 1. */
  record Repair(double gap, int bestIndex, double bestLambda, double bestGain256, double bestGain64, double headGain256,
                double headGain64) {
    /** Wang et al.'s claim, as tested here: one of the two gains at 4× is ≥ ¼ of the rise and larger than its gain at 1×. */
    boolean repairs() {
      return gap > 0 && ((bestGain256 >= 0.25 * gap && bestGain256 > bestGain64) || (headGain256 >= 0.25 * gap && headGain256 > headGain64));
    }
  }

  static Repair repair(TemperatureRepair.Settings s, TemperatureRepair.Result r) {
    if (r == null) return null;
    List<TemperatureRepair.Scaled> g = r.global();
    double base64 = g.get(0).atTrain().tailLoss(), base256 = g.get(0).atLong().tailLoss();
    int best = 1;                                                   // the best λ > 1
    for (int i = 2; i < g.size(); i++) if (g.get(i).atLong().tailLoss() < g.get(best).atLong().tailLoss()) best = i;
    return new Repair(base256 - base64, best, s.lambdas().get(best), base256 - g.get(best).atLong().tailLoss(),
        base64 - g.get(best).atTrain().tailLoss(), base256 - r.after().atLong().tailLoss(), base64 - r.after().atTrain().tailLoss());
  }

  /** E6's permutation check passes for NoPE when the deviation is at most this share of the largest logit (float32 rounding). */
  static final double EQUIVARIANT = 1e-5;

  /** ... and shows the check can fail: every encoder with positions deviates by at least this share. */
  static final double NOT_EQUIVARIANT = 1e-2;

  /** NoPE counts as "about a bag" when it recovers at most this share of the gain of the best positions over the bag. */
  static final double BAG_SHARE = 0.25;

  /**
   * E6 from its record. {@code gaps}: per encoder with positions, the 95% interval of NoPE's loss minus
   * its loss over paired seeds; {@code positionsHelp}: the best of them (least mean loss) has that
   * interval above 0 (an arm that has not yet learned to use its positions, as learned tables at few
   * steps, does not decide whether order matters); {@code share} = (bag − NoPE)/(bag − best positions) on the means;
   * {@code nopePermutation} the largest relative deviation |F(PX) − PF(X)|/max|F| of a NoPE run,
   * {@code positionedPermutation} the smallest of an encoder with positions; {@code maskSpread} the
   * largest difference between two [MASK] rows of a NoPE run ({@code maskPairs} compared).
   */
  record MaskedLmDecision(Stats.Interval nope, Map<PositionKind, Stats.Interval> arms, Map<PositionKind, Stats.Interval> gaps,
                          PositionKind best, double share, double nopePermutation, double positionedPermutation, double maskSpread,
                          long maskPairs, boolean positionsHelp, boolean likeBag, boolean equivariant) {
    /** The bidirectional control holds: exact symmetry, NoPE about a bag, the best position scheme clearly better. */
    boolean holds() { return positionsHelp && likeBag && equivariant; }
  }

  static MaskedLmDecision maskedLm(MaskedLms.Settings s, MaskedLms.Result r) {
    if (r == null || r.losses(PositionKind.NOPE).length == 0) return null;
    double[] nope = r.losses(PositionKind.NOPE);
    Map<PositionKind, Stats.Interval> arms = new LinkedHashMap<>(), gaps = new LinkedHashMap<>();
    PositionKind best = null;
    for (PositionKind p : s.arms()) {
      double[] l = r.losses(p);
      if (l.length == 0) continue;
      arms.put(p, Stats.interval95(l));
      if (p == PositionKind.NOPE) continue;
      gaps.put(p, Stats.pairedDifference95(nope, l));
      if (best == null || mean(l) < arms.get(best).mean()) best = p;
    }
    boolean help = best != null && gaps.get(best).above(0);
    double bag = r.bag().loss();
    double share = best == null ? Double.NaN : (bag - mean(nope)) / (bag - arms.get(best).mean());
    boolean likeBag = best != null && arms.get(best).mean() < bag && share <= BAG_SHARE;
    double nopeDev = 0, posDev = Double.POSITIVE_INFINITY, spread = 0;
    long pairs = 0;
    for (MaskedLmRun.Result run : r.runs()) {
      double rel = run.permutation() / run.logitScale();
      if (run.position() == PositionKind.NOPE) {
        nopeDev = Math.max(nopeDev, rel);
        spread = Math.max(spread, run.maskRowSpread());
        pairs += run.maskPairs();
      } else {
        posDev = Math.min(posDev, rel);
      }
    }
    boolean equivariant = nopeDev <= EQUIVARIANT && spread == 0 && pairs > 0 && posDev >= NOT_EQUIVARIANT;
    return new MaskedLmDecision(arms.get(PositionKind.NOPE), arms, gaps, best, share, nopeDev, posDev, spread, pairs, help, likeBag,
        equivariant);
  }

  /** The four points, the counterweight, and the verdict. */
  record Decision(boolean lawHolds, boolean causalKnows, boolean biBlind, boolean lmLearns, boolean usesOrder, MaskedLmDecision mlm,
                  boolean point1,
                  double[] bestRelative, boolean point2, boolean degrades, boolean probeRises, boolean against3, boolean point3,
                  double entropyRise, double alibiEntropyRise, double lossRatio, double ropeRatio, boolean point4,
                  boolean point4Against, boolean counter, Repair repair, Verdict verdict) {}

  static Decision decide(NopeExperiment.Settings s, NopeExperiment.Results r) {
    VarianceLaw.Stack nopeStack = r.e1().stack(dev.focus.position.PositionKind.NOPE);
    double nopeSlope = nopeStack == null ? Double.NaN : nopeStack.slopes()[0];
    boolean lawHolds = Math.abs(r.e1().uniformSlope() + 1) <= 0.02 && Math.abs(nopeSlope + 1) <= 0.1;
    FrozenProbes.Probe res = r.e2().probe("causal", "residual after block 1"), bi = r.e2().probe("bidirectional", "residual after block 1");
    boolean causalKnows = res != null && res.result().mad() < 0.8 * r.e2().chance();
    boolean biBlind = bi != null && bi.result().mad() > 0.9 * r.e2().chance();
    LanguageModels.Lm nope = r.e3().lm("nope"), rope = r.e3().lm("rope"), alibi = r.e3().lm("alibi");
    boolean lmLearns = nope != null && nope.mean() < r.e3().unigram() - 0.1;
    double[] shuf = r.e5() == null ? null : r.e5().loss("nope");
    boolean usesOrder = shuf != null && shuf[1] > 1.1 * shuf[0];
    MaskedLmDecision mlm = maskedLm(s.e6(), r.e6());
    boolean point1 = lawHolds && causalKnows && biBlind && lmLearns && usesOrder && mlm != null && mlm.holds();

    double[] bestRel = rope == null || alibi == null ? null : rope.mean() <= alibi.mean() ? rope.valLoss() : alibi.valLoss();
    boolean point2 = nope != null && bestRel != null
        && (s.e3().seeds() > 1 ? clearlyWorse(nope.valLoss(), bestRel) : nope.mean() > mean(bestRel));

    int train = s.e9().trainLength(), longest = s.e9().lengths().get(s.e9().lengths().size() - 1);
    var n1 = r.e9().get("nope", train);
    var n4 = r.e9().get("nope", longest);
    double dH = n1 == null || n4 == null ? Double.NaN : mean(n4.entropy()) - mean(n1.entropy());
    double lossRatio = n1 == null || n4 == null ? Double.NaN : n4.tailLoss() / n1.tailLoss();
    var a1 = r.e9().get("alibi", train);
    var a4 = r.e9().get("alibi", longest);
    double dHAlibi = a1 == null || a4 == null ? Double.NaN : mean(a4.entropy()) - mean(a1.entropy());
    boolean point4 = dH >= 0.1 && dH > dHAlibi && lossRatio >= 1.05;
    boolean point4Against = dH < 0.1 && lossRatio < 1.05;
    var r1 = r.e9().get("rope", train);
    var r4 = r.e9().get("rope", longest);
    double ropeRatio = r1 == null || r4 == null ? Double.NaN : r4.tailLoss() / r1.tailLoss();

    Map<String, Copy> copy = copy(s.e8(), r.e8());
    Copy nopeCopy = copy.get("copy/nope"), ropeCopy = copy.get("copy/rope"), alibiCopy = copy.get("copy/alibi");
    boolean counter = nopeCopy != null && ropeCopy != null && alibiCopy != null && nopeCopy.beyond() > 0.05
        && nopeCopy.beyond() >= Math.max(ropeCopy.beyond(), alibiCopy.beyond());

    Map<String, double[]> resolution = resolution(s.e7(), r.e7());
    boolean degrades = nopeModDegrades(resolution), probeRises = nopeRises(r.e4()), against3 = resolutionAgainst(resolution);
    boolean point3 = degrades && probeRises;
    int held = (point1 ? 1 : 0) + (point2 ? 1 : 0) + (point3 ? 1 : 0) + (point4 ? 1 : 0);
    Verdict v = held == 4 ? Verdict.AGREES : held == 0 ? Verdict.CONTRADICTS : Verdict.PARTLY;
    return new Decision(lawHolds, causalKnows, biBlind, lmLearns, usesOrder, mlm, point1, bestRel, point2, degrades, probeRises,
        against3, point3, dH, dHAlibi, lossRatio, ropeRatio, point4, point4Against, counter, repair(s.repair(), r.repair()), v);
  }
}
