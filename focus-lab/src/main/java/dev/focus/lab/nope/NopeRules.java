package dev.focus.lab.nope;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Stats;
import dev.focus.position.PositionKind;
import dev.focus.report.Verdict;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of report 5 over its section records: one test per point of the note (spec 05 §5), the
 * temperature repair and the counterweight. Each is written out where the verdict text states it.
 */
final class NopeRules {
  private NopeRules() {}

  /** E7's accuracy per "task label/arm", mean over that run's seeds: the buckets, then overall. */
  static Map<String, double[]> resolution(Resolution.Settings s, Resolution.Result r) {
    Map<String, double[]> out = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Resolution.Run run : r.runs()) counts.merge(Resolution.taskLabel(run.task()) + "/" + run.arm(), 1, Integer::sum);
    for (Resolution.Run run : r.runs()) {
      String key = Resolution.taskLabel(run.task()) + "/" + run.arm();
      double[] acc = out.computeIfAbsent(key, k -> new double[s.buckets().size()]);
      for (int b = 0; b < acc.length; b++) acc[b] += run.accuracy()[b] / counts.get(key);
    }
    return out;
  }

  /** Point 3's E7 drop: BOS-free NoPE's n mod 10 accuracy on the first bucket minus the last, at least this much. */
  static final double DROP = 0.10;

  /**
   * E7's test of point 3: BOS-free NoPE's n mod 10 accuracy on [0,8) minus that on [32,64), per seed,
   * above {@link #DROP} on its 95% interval (below it on the interval contradicts the drop); null when
   * that arm did not run.
   */
  static Claim modDrop(Resolution.Result r) {
    double[] drops = r.runs().stream().filter(x -> x.arm().equals("nope") && Resolution.taskLabel(x.task()).equals("n mod 10"))
        .sorted(java.util.Comparator.comparingInt(Resolution.Run::seed))
        .mapToDouble(x -> x.accuracy()[0] - x.accuracy()[x.accuracy().length - 2]).toArray();
    return drops.length == 0 ? null : Claim.above(drops, DROP);
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

  /** Spec E7's case against: BOS-free NoPE flat (within 5 points) and within 5 points of learned positions on n mod 10. */
  static boolean resolutionAgainst(Map<String, double[]> res) {
    double[] a = res.get("n mod 10/nope"), ape = res.get("n mod 10/learned");
    return a != null && ape != null && flat(a) && Math.abs(a[a.length - 1] - ape[ape.length - 1]) <= 0.05;
  }

  /** E4's test of point 3: the probe's error grows by at least this many positions from n &lt; 8 to n ≥ 32. */
  static final double PROBE_RISE = 2;

  /**
   * E4's test of point 3 over the trained NoPE seeds: after block 1, MAD(n ≥ 32) minus MAD(n &lt; 8), per
   * seed, above {@link #PROBE_RISE} positions on its 95% interval (below it on the interval: the code does
   * not lose resolution with n, spec E4's case against); null when NoPE was not probed. A position-blind
   * guess errs less in the last bucket than in the first ({@link PositionProbe#bucketChance}: 21.3 against
   * 28.3 at L = 64), so a rising error cannot come from the chance profile.
   */
  static Claim probeRises(TrainedProbes.Result probes) {
    List<PositionProbe.Result> rs = probes == null ? List.of() : probes.all("nope", TrainedProbes.RESIDUAL, 1);
    if (rs.isEmpty()) return null;
    return Claim.above(rs.stream().mapToDouble(p -> p.bucketMad()[p.bucketMad().length - 1] - p.bucketMad()[0]).toArray(), PROBE_RISE);
  }

  /** The note's mechanism after training: the per-head log norms reach at least this share of the full head-output probe's gain. */
  static final double NORM_SHARE = 0.5;

  /**
   * Does the variance code of D3 survive training? Over the trained NoPE seeds, at layer 1, the share
   * of the full head-output probe's gain over chance that the four per-head log norms reach, above
   * {@link #NORM_SHARE} on its 95% interval (spec E2's threshold; below it on the interval: the trained
   * model keeps its position elsewhere than in the norms). Reported beside the four points, not counted
   * in the verdict; null when not probed.
   */
  static Claim normCode(TrainedProbes.Result probes) {
    double[] share = probes == null ? new double[0] : TrainedProbes.logNormShare(probes, 1);
    return share.length == 0 ? null : Claim.above(share, NORM_SHARE);
  }

  /** E8: per "task/arm", exact match by length (mean over seeds) and its means in and beyond the training lengths. */
  record Copy(double[] exactMatch, double inDistribution, double beyond) {}

  /** E8: each seed's mean exact match beyond the training lengths of {@code task} and {@code arm}, in seed order. */
  static double[] beyond(LengthGeneralisation.Settings s, LengthGeneralisation.Result r, String task, PositionKind arm) {
    int trMax = s.trainMax(), testMax = s.testMax();
    return r.runs().stream().filter(x -> x.task().equals(task) && x.arm() == arm)
        .sorted(java.util.Comparator.comparingInt(LengthGeneralisation.Run::seed))
        .mapToDouble(x -> mean(Arrays.copyOfRange(x.exactMatch(), trMax, testMax))).toArray();
  }

  /**
   * The counterweight on copy (E8): NoPE's exact match beyond the training lengths minus that of the
   * better of RoPE and ALiBi there ({@code other}, by mean), paired by seed, above 0 on its 95% interval
   * reproduces Kazemnejad et al.; below 0 on the interval does not; {@code learned}: NoPE's mean exact
   * match in distribution is at least 50% (else the test says nothing about extrapolation).
   */
  record Counter(String other, Claim claim, boolean learned) {
    boolean reproduced() { return learned && claim.agrees(); }
  }

  static Counter counter(LengthGeneralisation.Settings s, LengthGeneralisation.Result r) {
    if (r == null) return null;
    Map<String, Copy> copy = copy(s, r);
    Copy nope = copy.get("copy/nope"), rope = copy.get("copy/rope"), alibi = copy.get("copy/alibi");
    if (nope == null || rope == null || alibi == null) return null;
    PositionKind other = alibi.beyond() > rope.beyond() ? PositionKind.ALIBI : PositionKind.ROPE;
    double[] a = beyond(s, r, "copy", PositionKind.NOPE), b = beyond(s, r, "copy", other);
    int n = Math.min(a.length, b.length);
    return new Counter(NopeReport.schemeLabel(LanguageModels.posName(other)),
        Claim.pairedAbove(Arrays.copyOf(a, n), Arrays.copyOf(b, n), 0), nope.inDistribution() >= 0.5);
  }

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

  /**
   * Per NoPE seed (arrays in seed order): the 1× → 4× rise of the loss on the last bytes at λ = 1
   * ({@code gap}), and the gains (loss decreases) at 4× and at 1× of the best global λ &gt; 1 (the one
   * with the least mean 4× loss over seeds) and of the trained λₕ. Wang et al.'s claim, as tested here:
   * for one of the two, the gain at 4× minus a quarter of the rise ({@code bestShare}, {@code headShare})
   * and the gain at 4× minus the gain at 1× ({@code bestSpecific}, {@code headSpecific}) are both above
   * 0 on their 95% intervals; against: both gains at 4× below a quarter of the rise on the interval.
   */
  record Repair(double[] gap, int bestIndex, double bestLambda, double[] bestGain256, double[] bestGain64, double[] headGain256,
                double[] headGain64, Claim bestShare, Claim bestSpecific, Claim headShare, Claim headSpecific) {
    boolean repairs() { return (bestShare.agrees() && bestSpecific.agrees()) || (headShare.agrees() && headSpecific.agrees()); }

    boolean against() { return bestShare.contradicts() && headShare.contradicts(); }
  }

  static Repair repair(TemperatureRepair.Settings s, TemperatureRepair.Result r) {
    if (r == null || r.seeds().isEmpty()) return null;
    int n = r.seeds().size(), lambdas = r.first().global().size();
    int best = 1;                                                   // the best λ > 1 by mean 4× loss over seeds
    for (int i = 2; i < lambdas; i++) if (meanLong(r, i) < meanLong(r, best)) best = i;
    double[] gap = new double[n], b256 = new double[n], b64 = new double[n], h256 = new double[n], h64 = new double[n];
    for (int q = 0; q < n; q++) {
      TemperatureRepair.Repaired x = r.seeds().get(q);
      List<TemperatureRepair.Scaled> g = x.global();
      double base64 = g.get(0).atTrain().tailLoss(), base256 = g.get(0).atLong().tailLoss();
      gap[q] = base256 - base64;
      b256[q] = base256 - g.get(best).atLong().tailLoss();
      b64[q] = base64 - g.get(best).atTrain().tailLoss();
      h256[q] = base256 - x.after().atLong().tailLoss();
      h64[q] = base64 - x.after().atTrain().tailLoss();
    }
    return new Repair(gap, best, s.lambdas().get(best), b256, b64, h256, h64, Claim.above(minus(b256, gap, 0.25), 0),
        Claim.pairedAbove(b256, b64, 0), Claim.above(minus(h256, gap, 0.25), 0), Claim.pairedAbove(h256, h64, 0));
  }

  private static double meanLong(TemperatureRepair.Result r, int lambda) {
    return mean(r.seeds().stream().mapToDouble(x -> x.global().get(lambda).atLong().tailLoss()).toArray());
  }

  /** a − k·b, element by element. */
  private static double[] minus(double[] a, double[] b, double k) {
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) d[i] = a[i] - k * b[i];
    return d;
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

  /** Point 1's language-model test: NoPE beats the unigram baseline by this many nats per byte. */
  static final double LEARNS = 0.1;

  /** Point 1's language-model test: NoPE's loss minus the unigram baseline's, per seed, below −{@link #LEARNS} on its 95% interval. */
  static Claim lmLearns(LanguageModels.Result r) {
    LanguageModels.Lm nope = r == null ? null : r.lm("nope");
    if (nope == null) return null;
    double[] d = nope.valLoss().clone();
    for (int i = 0; i < d.length; i++) d[i] -= r.unigram();
    return Claim.below(d, -LEARNS);
  }

  /** The better relative scheme of E3 (RoPE or ALiBi, by mean loss), or null when either is missing. */
  static LanguageModels.Lm bestRelative(LanguageModels.Result r) {
    LanguageModels.Lm rope = r == null ? null : r.lm("rope"), alibi = r == null ? null : r.lm("alibi");
    return rope == null || alibi == null ? null : rope.mean() <= alibi.mean() ? rope : alibi;
  }

  /**
   * Point 2: NoPE's loss minus the better relative scheme's, paired seed by seed (same initialisation
   * and batch seeds), above 0 on the 95% interval; below 0 on the interval contradicts it.
   */
  static Claim relativeAhead(LanguageModels.Result r) {
    LanguageModels.Lm nope = r == null ? null : r.lm("nope"), best = bestRelative(r);
    if (nope == null || best == null) return null;
    int n = Math.min(nope.valLoss().length, best.valLoss().length);
    return Claim.pairedAbove(Arrays.copyOf(nope.valLoss(), n), Arrays.copyOf(best.valLoss(), n), 0);
  }

  /** Point 4's thresholds: a rise of the normalised entropy H/ln n of at least this much from 1× to 4× … */
  static final double RISE = 0.02;

  /** … and a loss factor of at least this much. */
  static final double LOSS_FACTOR = 1.05;

  /**
   * Point 4 over the E3 models of every seed, from 1× to 4× the training length (E9): NoPE's mean
   * normalised attention entropy H/ln n (n the visible keys; mean over the layers) rises by at least
   * {@link #RISE} ({@code rise}), by more than ALiBi's (paired seed by seed: {@code aboveAlibi}), and its
   * loss on the last bytes grows by a factor of at least {@link #LOSS_FACTOR} ({@code lossRatio}), each on
   * its 95% interval over seeds. The raw entropy is not the rule's: a head whose pattern keeps its shape
   * (uniform, say) gains ln 4 nats at 4× by the wider window alone ({@code rawRise}, reported). Beside
   * the rule: RoPE's loss factor, and NoPE's factor minus RoPE's, paired ({@code nopeVsRope}, below 0:
   * NoPE extrapolates better, as Kazemnejad et al. find).
   */
  record Diffusion(Claim rise, Claim aboveAlibi, Claim lossRatio, Claim ropeRatio, Claim rawRise, Claim nopeVsRope)
      implements java.io.Serializable {
    boolean holds() { return rise.agrees() && aboveAlibi.agrees() && lossRatio.agrees(); }

    /** The case against: the rise and the loss factor both below their thresholds on the interval. */
    boolean against() { return rise.contradicts() && lossRatio.contradicts(); }
  }

  static Diffusion diffusion(LongContext.Settings s, LongContext.Result r) {
    if (r == null) return null;
    int train = s.trainLength(), longest = s.lengths().get(s.lengths().size() - 1);
    double[][] nope = rises(r, "nope", train, longest), alibi = rises(r, "alibi", train, longest), rope = rises(r, "rope", train, longest);
    if (nope == null || alibi == null || rope == null) return null;
    int n = Math.min(nope[0].length, alibi[0].length), m = Math.min(nope[1].length, rope[1].length);
    return new Diffusion(Claim.above(nope[0], RISE), Claim.pairedAbove(Arrays.copyOf(nope[0], n), Arrays.copyOf(alibi[0], n), 0),
        Claim.above(nope[1], LOSS_FACTOR), Claim.above(rope[1], LOSS_FACTOR), Claim.above(nope[2], 0),
        new Claim(Stats.pairedDifference95(Arrays.copyOf(nope[1], m), Arrays.copyOf(rope[1], m)), 0, false));
  }

  /**
   * Per seed of {@code arm}: {H/ln n at {@code to} − at {@code from}, tail loss at {@code to} / at
   * {@code from}, raw entropy at {@code to} − at {@code from}} (entropies: means over the layers); null when missing.
   */
  static double[][] rises(LongContext.Result r, String arm, int from, int to) {
    List<NopeTraining.LongEval> a = r.all(arm, from), b = r.all(arm, to);
    if (a.isEmpty() || a.size() != b.size()) return null;
    double[][] out = new double[3][a.size()];
    for (int q = 0; q < a.size(); q++) {
      out[0][q] = mean(b.get(q).normalisedEntropy()) - mean(a.get(q).normalisedEntropy());
      out[1][q] = b.get(q).tailLoss() / a.get(q).tailLoss();
      out[2][q] = mean(b.get(q).entropy()) - mean(a.get(q).entropy());
    }
    return out;
  }

  /** The four points, the counterweight, and the verdict. */
  record Decision(boolean lawHolds, boolean causalKnows, boolean biBlind, Claim lmLearns, boolean usesOrder, MaskedLmDecision mlm,
                  boolean point1, String bestRelative, Claim relative, boolean point2, Claim degrades, Claim probeRises,
                  boolean against3, boolean point3, Diffusion diffusion, boolean point4, boolean point4Against, Counter counter,
                  Claim normCode, Repair repair, Verdict verdict) {}

  static Decision decide(NopeExperiment.Settings s, NopeExperiment.Results r) {
    VarianceLaw.Stack nopeStack = r.e1().stack(dev.focus.position.PositionKind.NOPE);
    double nopeSlope = nopeStack == null ? Double.NaN : nopeStack.slopes()[0];
    boolean lawHolds = Math.abs(r.e1().uniformSlope() + 1) <= 0.02 && Math.abs(nopeSlope + 1) <= 0.1;
    FrozenProbes.Probe res = r.e2().probe("causal", "residual after block 1"), bi = r.e2().probe("bidirectional", "residual after block 1");
    boolean causalKnows = res != null && res.result().mad() < 0.8 * r.e2().chance();
    boolean biBlind = bi != null && bi.result().mad() > 0.9 * r.e2().chance();
    Claim lmLearns = lmLearns(r.e3());
    double[] shuf = r.e5() == null ? null : r.e5().loss("nope");
    boolean usesOrder = shuf != null && shuf[1] > 1.1 * shuf[0];
    MaskedLmDecision mlm = maskedLm(s.e6(), r.e6());
    boolean point1 = lawHolds && causalKnows && biBlind && lmLearns != null && lmLearns.agrees() && usesOrder && mlm != null
        && mlm.holds();

    LanguageModels.Lm best = bestRelative(r.e3());
    Claim relative = relativeAhead(r.e3());
    boolean point2 = relative != null && relative.agrees();

    Diffusion diffusion = diffusion(s.e9(), r.e9());
    boolean point4 = diffusion != null && diffusion.holds();
    boolean point4Against = diffusion != null && diffusion.against();

    Counter counter = counter(s.e8(), r.e8());

    Map<String, double[]> resolution = resolution(s.e7(), r.e7());
    Claim degrades = modDrop(r.e7()), probeRises = probeRises(r.e4());
    boolean against3 = resolutionAgainst(resolution) || degrades != null && degrades.contradicts()
        || probeRises != null && probeRises.contradicts();
    boolean point3 = degrades != null && degrades.agrees() && probeRises != null && probeRises.agrees();
    int held = (point1 ? 1 : 0) + (point2 ? 1 : 0) + (point3 ? 1 : 0) + (point4 ? 1 : 0);
    Verdict v = held == 4 ? Verdict.AGREES : held == 0 ? Verdict.CONTRADICTS : Verdict.PARTLY;
    return new Decision(lawHolds, causalKnows, biBlind, lmLearns, usesOrder, mlm, point1, best == null ? null : best.name(), relative,
        point2, degrades, probeRises, against3, point3, diffusion, point4, point4Against, counter, normCode(r.e4()),
        repair(s.repair(), r.repair()), v);
  }
}
