package dev.focus.lab.positions;

import static dev.focus.lab.positions.GridReport.pct;
import static dev.focus.lab.positions.GridReport.signed;
import static dev.focus.lab.positions.PositionsReport.TEXT;
import static dev.focus.lab.positions.PositionsReport.failures;
import static dev.focus.lab.positions.PositionsReport.gap;

import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Findings;
import java.util.ArrayList;
import java.util.List;

/** The verdict paragraph and index summary of report 4, from a {@link PositionsRules.Decision}. */
final class VerdictText {
  private VerdictText() {}

  static void render(Findings f, PositionsExperiment.Results r, PositionsRules.Decision d) {
    SchemeChecks.SchemeCheck tv = r.checks().of("rope-tv");
    String at = d.atBoth()
        ? TEXT.fill("verdict.at.both", "tvD", signed(d.tvAt().delta()), "tvSq", pct(d.tvAt().squares()), "tvSh", pct(d.tvAt().shifted()),
            "tieD", signed(d.tieAt().delta()), "tieSq", pct(d.tieAt().squares()), "tieSh", pct(d.tieAt().shifted()),
            "claim", points(d.atTieSuffers()), "outcome", TEXT.fill(d.atTieSuffers().agrees() ? "verdict.at.suffers"
                : d.atTieSuffers().contradicts() ? "verdict.at.holds" : "verdict.at.noise"))
        : TEXT.fill("verdict.at.out", "schemes", String.join(", ", d.notGrounding()), "es", d.notGrounding().size() == 1 ? "es" : "",
            "oneAxisSquares", pct(PositionsRules.ONE_AXIS_SQUARES), "tvSq", pct(d.tvAt().squares()), "tieSq", pct(d.tieAt().squares()));
    String training = !d.learned()
        ? TEXT.fill("verdict.training.unlearned", "tvSq", pct(d.tv().squares()), "learned", pct(PositionsRules.LEARNED))
        : d.trainOk() ? TEXT.fill("verdict.training.agrees")
        : d.tieSuffers().agrees() ? TEXT.fill("verdict.training.faster", "ratio", Findings.num(angle(r, "rope-tie") / angle(r, "rope-tv"), 2),
            "behind", points(d.tvNotBehind()))
        : d.tieSuffers().contradicts() ? TEXT.fill("verdict.training.nodrop") : TEXT.fill("verdict.training.noise");
    f.md(TEXT.fill("verdict", "verdict", d.verdict().label(),
        "tvStatus", TEXT.fill(d.tvAll() ? "verdict.tv.all" : "verdict.tv.not"), "mismatches", tv.textBitMismatches(),
        "eqGap", gap(tv.equivalenceGap()), "symGap", gap(tv.symmetryGap()), "crop", tv.cropConsistent() ? "yes" : "no",
        "others", others(r.checks(), false),
        "scaledNote", d.passAllThree().isEmpty() ? "" : TEXT.fill("verdict.scaled", "schemes", String.join(", ", d.passAllThree())),
        "tvD", signed(d.tv().delta()), "tvSq", pct(d.tv().squares()), "tvSh", pct(d.tv().shifted()),
        "tieD", signed(d.tie().delta()), "tieSq", pct(d.tie().squares()), "tieSh", pct(d.tie().shifted()),
        "baselineChanges", baselineChanges(d), "interleaved", interleaved(d),
        "suffers", points(d.tieSuffers()),
        "behind", points(d.tvNotBehind()), "margin", Findings.num(100 * PositionsRules.MARGIN, 2), "outcome", d.training().text(),
        "training", training, "at", at));
    f.verdict(d.verdict(), TEXT.fill("summary",
        "tvStatus", d.tvAll() ? TEXT.fill("summary.tv.all") : "fails " + failures(tv), "others", others(r.checks(), true),
        "tvSh", pct(d.tv().shifted()), "tvSq", pct(d.tv().squares()), "tieSh", pct(d.tie().shifted()), "tieSq", pct(d.tie().squares()),
        "baselines", baselines(d),
        "at", d.atBoth() ? TEXT.fill("summary.at.both", "tvSq", pct(d.tvAt().squares()), "tvSh", pct(d.tvAt().shifted()),
            "tieSq", pct(d.tieAt().squares()), "tieSh", pct(d.tieAt().shifted()))
            : TEXT.fill("summary.at.out", "schemes", String.join(", ", d.notGrounding()))));
  }

  /** ", −1.2 for flat and +3.4 for M-RoPE": the baselines' change from squares to shifted shapes, those that ran. */
  static String baselineChanges(PositionsRules.Decision d) {
    List<String> parts = new ArrayList<>();
    if (!Double.isNaN(d.flat().delta())) parts.add(signed(d.flat().delta()) + " for flat");
    if (!Double.isNaN(d.mrope().delta())) parts.add(signed(d.mrope().delta()) + " for M-RoPE");
    return parts.isEmpty() ? "" : ", " + String.join(" and ", parts);
  }

  /** ", flat 53.1%, M-RoPE 54.2% (interleaved frequencies 80.0%)": the baselines on shifted shapes, those that ran. */
  static String baselines(PositionsRules.Decision d) {
    StringBuilder b = new StringBuilder();
    if (!Double.isNaN(d.flat().shifted())) b.append(", flat ").append(pct(d.flat().shifted())).append('%');
    if (!Double.isNaN(d.mrope().shifted())) b.append(", M-RoPE ").append(pct(d.mrope().shifted())).append('%');
    if (!Double.isNaN(d.mropeI().shifted())) b.append(" (interleaved frequencies ").append(pct(d.mropeI().shifted())).append("%)");
    return b.toString();
  }

  /** The sentence on M-RoPE's frequency allocation, or nothing when the interleaved arm did not run. */
  static String interleaved(PositionsRules.Decision d) {
    if (d.interleaved() == null) return "";
    return TEXT.fill("verdict.interleaved", "miSq", pct(d.mropeI().squares()), "miSh", pct(d.mropeI().shifted()),
        "mrSq", pct(d.mrope().squares()), "mrSh", pct(d.mrope().shifted()), "claim", points(d.interleaved()));
  }

  /** A claim on accuracies in points: "+12.3 ± 4.5 points over 3 seeds: agrees". */
  static String points(Claim c) { return c.points(); }

  /** The fastest row-step angle of a scheme's grid model on a 4×4 grid. */
  private static double angle(PositionsExperiment.Results r, String scheme) {
    for (PositionsExperiment.StepAngles a : r.angles()) if (a.scheme().equals(scheme)) return a.square()[0];
    throw new IllegalArgumentException("no step angles for " + scheme);
  }

  /**
   * What every scheme but RoPE-TV fails. The brief form (for the index summary) says "equivalence
   * (up to …)" and leaves out RoPE-TV-3D when it passes everything.
   */
  static String others(SchemeChecks.Result checks, boolean brief) {
    List<String> parts = new ArrayList<>();
    for (SchemeChecks.SchemeCheck s : checks.checks()) {
      if (s.scheme().equals("rope-tv")) continue;
      List<String> fails = new ArrayList<>();
      if (!s.compatible()) fails.add("compatibility");
      if (!s.equivalent()) fails.add("equivalence (" + (brief ? "up to " : "off by up to ") + gap(s.equivalenceGap()) + ")");
      if (!s.symmetric()) fails.add("symmetry (gaps differ by up to " + gap(s.symmetryGap()) + ")");
      if (!s.cropConsistent()) fails.add("crop consistency");
      if (brief && fails.isEmpty() && s.scheme().equals("rope-tv-3d") && !parts.isEmpty()) continue;
      parts.add(s.scheme() + (fails.isEmpty() ? " passes all" : " fails " + String.join(", ", fails)));
    }
    return String.join("; ", parts);
  }
}
