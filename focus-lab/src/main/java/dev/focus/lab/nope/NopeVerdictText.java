package dev.focus.lab.nope;

import static dev.focus.lab.nope.NopeReport.TEXT;
import static dev.focus.lab.nope.NopeReport.pct;
import static dev.focus.lab.nope.NopeReport.posName;
import static dev.focus.lab.nope.NopeReport.signed;
import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Findings;
import dev.focus.position.PositionKind;
import java.util.Map;

/** The verdict of report 5 and its index summary, from a {@link NopeRules.Decision}. */
final class NopeVerdictText {
  private NopeVerdictText() {}

  /** Point 1's E6 sentence. */
  static String mlm(NopeExperiment.Results r, NopeRules.MaskedLmDecision m) {
    if (m == null || m.best() == null) return TEXT.fill("verdict.mlm.none");
    return TEXT.fill("verdict.mlm", "nope", m.nope().format(4), "bag", r.e6().bag().loss(), "best", m.arms().get(m.best()).format(4),
        "bestName", posName(m.best()), "seeds", m.nope().n(), "gaps", MaskedLmReport.gaps(m.gaps()), "shareMax", 100 * NopeRules.BAG_SHARE,
        "exact", m.equivariant() ? "exact checks hold" : "exact checks fail", "holds", m.holds() ? "as D1 predicts" : "not shown by the rule");
  }

  static void render(Findings f, NopeExperiment.Settings s, NopeExperiment.Results r, NopeRules.Decision d) {
    VarianceLaw.Stack nopeStack = r.e1().stack(PositionKind.NOPE);
    double nopeSlope = nopeStack == null ? Double.NaN : nopeStack.slopes()[0];
    FrozenProbes.Probe res = r.e2().probe("causal", "residual after block 1"), bi = r.e2().probe("bidirectional", "residual after block 1");
    LanguageModels.Lm nope = r.e3().lm("nope"), rope = r.e3().lm("rope"), alibi = r.e3().lm("alibi");
    LanguageModels.Lm best = r.e3().lm(d.bestRelative() == null ? "" : d.bestRelative());
    double[] shuf = r.e5().loss("nope");
    Map<String, double[]> resolution = NopeRules.resolution(s.e7(), r.e7());
    double[] nopeMod = resolution.get("n mod 10/nope"), bosMod = resolution.get("n mod 10/nope+BOS");
    double[] apeMod = resolution.get("n mod 10/learned");
    int lastB = s.e7().buckets().size() - 2, allB = s.e7().buckets().size() - 1;
    java.util.List<PositionProbe.Result> tp = r.e4().all("nope", TrainedProbes.RESIDUAL, 1);
    double[] bc = PositionProbe.bucketChance(s.e4().length());
    Map<String, NopeRules.Copy> copy = NopeRules.copy(s.e8(), r.e8());
    NopeRules.Copy nopeCopy = copy.get("copy/nope"), ropeCopy = copy.get("copy/rope"), alibiCopy = copy.get("copy/alibi");
    NopeRules.Repair rep = d.repair();
    String causal = res == null ? "n/a" : Findings.num(res.result().mad(), 3), biMad = bi == null ? "n/a" : Findings.num(bi.result().mad(), 3);
    String nopeLoss = nope == null ? "n/a" : nope.interval().format(4);
    String nopeOod = nopeCopy == null ? "n/a" : pct(nopeCopy.beyond()), ropeOod = ropeCopy == null ? "n/a" : pct(ropeCopy.beyond());
    String alibiOod = alibiCopy == null ? "n/a" : pct(alibiCopy.beyond());
    String modFirst = nopeMod == null ? "n/a" : pct(nopeMod[0]), modLast = nopeMod == null ? "n/a" : pct(nopeMod[lastB]);
    String bosFirst = bosMod == null ? "n/a" : pct(bosMod[0]), bosLast = bosMod == null ? "n/a" : pct(bosMod[lastB]);
    NopeRules.Diffusion dif = d.diffusion();
    f.md(TEXT.fill("verdict", "verdict", d.verdict().label(),
        "p1", d.point1() ? "agrees" : "not shown", "law", d.lawHolds() ? "holds" : "fails", "uniform", r.e1().uniformSlope(),
        "nopeSlope", nopeSlope, "causal", causal, "chance", r.e2().chance(),
        "knows", d.causalKnows() ? "below 0.8× chance" : "not below 0.8× chance", "bi", biMad,
        "blind", d.biBlind() ? "at chance" : "below chance",
        "beats", d.lmLearns() == null ? "was not trained against" : d.lmLearns().agrees() ? "beats" : "does not clearly beat",
        "nopeLoss", nopeLoss, "unigram", r.e3().unigram(), "learns", d.lmLearns() == null ? "n/a" : d.lmLearns().text(4),
        "learnBy", NopeRules.LEARNS, "hurt", d.usesOrder() ? "is hurt by" : "is not clearly hurt by",
        "shuffle", shuf == null ? "n/a" : Findings.num(shuf[1] / shuf[0], 3), "mlm", mlm(r, d.mlm()),
        "p2", d.relative() == null ? "not shown" : d.point2() ? "agrees" : d.relative().contradicts() ? "contradicted"
            : "not shown (inside the noise)",
        "bestName", best == null ? "the best relative scheme" : NopeReport.schemeLabel(best.name()),
        "bestRel", best == null ? "n/a" : best.interval().format(4), "relative", d.relative() == null ? "n/a" : d.relative().text(4),
        "p3", d.point3() ? "agrees" : d.against3() ? "contradicted"
            : d.degrades() != null && d.degrades().agrees() || d.probeRises() != null && d.probeRises().agrees() ? "partly shown" : "not shown",
        "drop", d.degrades() == null ? "n/a" : d.degrades().text(3), "dropMin", NopeRules.DROP,
        "modFirst", modFirst, "modLast", modLast, "bosFirst", bosFirst, "bosLast", bosLast,
        "apeAll", apeMod == null ? "n/a" : pct(apeMod[allB]),
        "probeFirst", tp.isEmpty() ? "n/a" : Findings.num(mean(tp.stream().mapToDouble(x -> x.bucketMad()[0]).toArray()), 3),
        "probeLast", tp.isEmpty() ? "n/a" : Findings.num(mean(tp.stream().mapToDouble(x -> x.bucketMad()[3]).toArray()), 3),
        "c0", bc[0], "c3", bc[3], "probeRise", d.probeRises() == null ? "n/a" : d.probeRises().text(3), "probeMin", NopeRules.PROBE_RISE,
        "norm", d.normCode() == null ? "n/a" : d.normCode().text(3), "normMin", NopeRules.NORM_SHARE,
        "against3", TEXT.fill(d.against3() ? "verdict.against3" : "verdict.for3"),
        "p4", d.point4() ? "agrees" : d.point4Against() ? "contradicted" : "mixed",
        "rise", dif == null ? "n/a" : dif.rise().text(3), "aboveAlibi", dif == null ? "n/a" : dif.aboveAlibi().text(3),
        "ratio", dif == null ? "n/a" : dif.lossRatio().text(3), "ropeRatio", dif == null ? "n/a" : dif.ropeRatio().interval().format(3),
        "raw", dif == null ? "n/a" : dif.rawRise().interval().format(3),
        "riseMin", NopeRules.RISE, "factor", NopeRules.LOSS_FACTOR,
        "repair", rep == null ? "not run." : TEXT.fill("verdict.repair",
            "outcome", rep.repairs() ? "partly repairs, as expected" : rep.against() ? "no repair: contradicted" : "no repair shown",
            "lambda", rep.bestLambda(), "best256", signed(-mean(rep.bestGain256())), "best64", signed(-mean(rep.bestGain64())),
            "steps", s.repair().steps(), "head256", signed(-mean(rep.headGain256())), "head64", signed(-mean(rep.headGain64())),
            "gap", signed(mean(rep.gap())), "seeds", rep.gap().length, "headShare", rep.headShare().text(3),
            "bestShare", rep.bestShare().text(3)),
        "counter", counterOutcome(d.counter()), "nopeOod", nopeOod, "ropeOod", ropeOod, "alibiOod", alibiOod,
        "counterDiff", d.counter() == null ? "n/a" : d.counter().claim().points(),
        "counterOther", d.counter() == null ? "the better relative scheme" : d.counter().other(),
        "lean", dif == null ? "" : TEXT.fill(dif.nopeVsRope().agrees() ? "verdict.lean" : "verdict.nolean",
            "vsRope", dif.nopeVsRope().text(3), "nope", dif.lossRatio().interval().format(3), "rope", dif.ropeRatio().interval().format(3)),
        "counterText", TEXT.fill(d.counter() != null && d.counter().reproduced() ? "verdict.counter.win" : "verdict.counter.loss")));
    f.verdict(d.verdict(), TEXT.fill("summary", "slope", nopeSlope, "causal", causal, "chance", r.e2().chance(), "bi", biMad,
        "text", r.e3().text().equals("brown") ? "Brown" : "synthetic-text", "nope", nopeLoss,
        "rope", rope == null ? "n/a" : rope.interval().format(4), "alibi", alibi == null ? "n/a" : alibi.interval().format(4),
        "seeds", nope == null ? 0 : nope.valLoss().length, "dH", dif == null ? "n/a" : dif.rise().interval().format(3),
        "raw", dif == null ? "n/a" : dif.rawRise().interval().format(3), "nopeRatio", dif == null ? "n/a" : dif.lossRatio().interval().format(3),
        "ropeRatio", dif == null ? "n/a" : dif.ropeRatio().interval().format(3),
        "best256", rep == null ? "n/a" : signed(-mean(rep.bestGain256())), "head256", rep == null ? "n/a" : signed(-mean(rep.headGain256())), "modFirst", modFirst, "modLast", modLast,
        "bosFirst", bosFirst, "bosLast", bosLast, "nopeOod", nopeOod, "ropeOod", ropeOod, "alibiOod", alibiOod,
        "mlmNope", mlmMean(r, PositionKind.NOPE), "mlmRope", mlmMean(r, PositionKind.ROPE),
        "mlmBag", r.e6() == null ? "n/a" : Findings.num(r.e6().bag().loss(), 4)));
  }

  /** The counterweight's outcome in words. */
  private static String counterOutcome(NopeRules.Counter c) {
    if (c == null) return "not run";
    if (!c.learned()) return "inconclusive (NoPE did not learn copy in distribution)";
    return c.claim().agrees() ? "reproduced" : c.claim().contradicts() ? "not reproduced (contradicted on the interval)"
        : "not shown (inside the noise)";
  }

  private static String mlmMean(NopeExperiment.Results r, PositionKind p) {
    double[] l = r.e6() == null ? new double[0] : r.e6().losses(p);
    return l.length == 0 ? "n/a" : Findings.num(mean(l), 4);
  }
}
