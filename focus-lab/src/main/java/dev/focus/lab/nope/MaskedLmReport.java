package dev.focus.lab.nope;

import static dev.focus.lab.nope.NopeReport.TEXT;
import static dev.focus.lab.nope.NopeReport.perSeed;
import static dev.focus.lab.nope.NopeReport.posName;
import static dev.focus.lab.nope.NopeReport.smoothed;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.position.PositionKind;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Report 5's E6 section: the masked-LM encoders, the bag of bytes and the two exact checks of D1. */
final class MaskedLmReport {
  private MaskedLmReport() {}

  static void render(Findings f, MaskedLms.Settings s, MaskedLms.Result r, NopeRules.MaskedLmDecision d) {
    MaskedLms.Bag bag = r.bag();
    f.md(TEXT.fill("e6", "text", r.text().equals("brown") ? "Brown" : "a synthetic text", "steps", s.steps(), "batch", s.batch(),
        "window", s.window(), "seeds", s.seeds(), "k", dev.focus.train.MaskedLm.bert(r.vocab()).targetsPerSequence(s.window()),
        "val", s.valBatches() * s.batch(), "targets", bag.targets(), "bagBatches", s.bagBatches(), "lambda", bag.lambda(),
        "alpha", bag.alpha(), "rows", s.checkRows()));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<Series> curves = new ArrayList<>();
    for (PositionKind p : s.arms()) {
      List<MaskedLmRun.Result> runs = r.runs(p);
      if (runs.isEmpty()) continue;
      Stats.Interval i = Stats.interval95(r.losses(p));
      Stats.Interval gap = d == null ? null : d.gaps().get(p);
      double perm = 0, spread = 0, secs = 0;
      for (MaskedLmRun.Result run : runs) {
        perm = Math.max(perm, run.permutation() / run.logitScale());
        spread = Math.max(spread, run.maskRowSpread());
        secs += run.seconds() / runs.size();
        csv.add(List.of(posName(p), run.seedIndex() + 1, run.valLoss(), run.permutation(), run.logitScale(), run.maskRowSpread(),
            run.maskPairs()));
      }
      rows.add(List.of(posName(p), i.format(4), perSeed(r.losses(p)), Findings.num(Math.exp(i.mean()), 4),
          gap == null ? "–" : gap.format(4), sci(perm), sci(spread), Findings.num(secs, 3)));
      curves.add(smoothed(posName(p), runs.get(0).curve(), 100));
    }
    rows.add(List.of("bag of bytes", Findings.num(bag.loss(), 4), "–", Findings.num(Math.exp(bag.loss()), 4), "–", "0 (by construction)",
        "0 (by construction)", "–"));
    rows.add(List.of("unigram", Findings.num(bag.unigram(), 4), "–", Findings.num(Math.exp(bag.unigram()), 4), "–", "–", "–", "–"));
    csv.add(List.of("bag", 0, bag.loss(), 0, 0, 0, 0));
    csv.add(List.of("unigram", 0, bag.unigram(), 0, 0, 0, 0));
    f.md(Findings.table(List.of("encoder", "val loss, mean ± 95%", "per seed", "perplexity", "NoPE − this (paired, 95%)",
        "permutation: F(PX) − PF(X), largest, per largest logit", "[MASK] rows: largest difference", "s per run"), rows));
    f.chart(Chart.line("e6-train", "Masked-LM training loss (moving average, seed 1)", "step", "loss (nats per masked byte)",
        curves.toArray(Series[]::new)));
    f.data(DataFile.csv("e6-mlm.csv", List.of("encoder", "seed", "val_loss", "permutation_deviation", "max_abs_logit",
        "mask_row_difference", "mask_pairs"), csv));
    if (d == null || d.best() == null) return;
    Stats.Interval best = d.arms().get(d.best());
    f.md(TEXT.fill("e6.result", "nope", d.nope().format(4), "bag", bag.loss(), "mask", bag.mask(), "visible", bag.visible(),
        "best", posName(d.best()), "bestLoss", best.format(4), "share", 100 * d.share(), "shareMax", 100 * NopeRules.BAG_SHARE,
        "likeBag", d.likeBag() ? "about a bag, as expected" : "more than a bag",
        "help", d.positionsHelp() ? "the best encoder with positions is better than NoPE on the paired 95% interval"
            : "the best encoder with positions is not better than NoPE on the paired 95% interval",
        "nopePerm", sci(d.nopePermutation()), "posPerm", d.positionedPermutation(), "pairs", d.maskPairs(),
        "spread", d.maskSpread() == 0 ? "exactly 0" : Findings.num(d.maskSpread(), 3),
        "exact", d.equivariant() ? "both checks hold" : "the checks fail",
        "posTol", NopeRules.NOT_EQUIVARIANT));
    List<String> slow = new ArrayList<>();
    for (Map.Entry<PositionKind, Stats.Interval> e : d.gaps().entrySet()) {
      if (!e.getValue().above(0)) slow.add(posName(e.getKey()) + " (NoPE minus it: " + e.getValue().format(4) + ")");
    }
    if (!slow.isEmpty()) f.md(TEXT.fill("e6.slow", "arms", String.join(", ", slow), "steps", s.steps()));
  }

  /** 3 significant digits, tiny values as $4.2\cdot10^{-7}$ (a float32 rounding error reads as one). */
  static String sci(double v) {
    if (v == 0 || Double.isNaN(v) || Math.abs(v) >= 1e-3) return Findings.num(v, 3);
    int e = (int) Math.floor(Math.log10(Math.abs(v)));
    return "$" + Findings.num(v / Math.pow(10, e), 2) + "\\cdot10^{" + e + "}$";
  }

  /** "rope 0.41 ± 0.02 (paired), learned …" for the verdict. */
  static String gaps(Map<PositionKind, Stats.Interval> gaps) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<PositionKind, Stats.Interval> e : gaps.entrySet()) out.add(posName(e.getKey()) + " " + e.getValue().format(3));
    return String.join(", ", out);
  }
}
