package dev.focus.lab.positions;

import dev.focus.lab.run.Claim;
import dev.focus.lab.run.Stats;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of report 4, over {@link SchemeChecks.Result} and the grid runs. The static checks
 * decide whether RoPE-TV is the one scheme meeting [S1]; the training comparison (spec 04 §9 E4)
 * decides between agrees and partly.
 */
public final class PositionsRules {
  private PositionsRules() {}

  /** RoPE-TV must reach this rel accuracy on squares (chance 0.25) before the training comparison counts. */
  static final double LEARNED = 0.4;
  static final double CHANCE = 0.25;
  /** The first {@code SQUARES} test shapes are squares seen in training; the rest are shifted. */
  static final int SQUARES = 2;

  /** Accuracy on a w-wide grid of a model that finds the row (or column) only and guesses uniformly along it. */
  static double oneAxis(int w) { return 1.0 / w + (1 - 1.0 / w) * CHANCE; }

  /** The one-axis level averaged over the two square test shapes (3×3, 4×4). */
  static final double ONE_AXIS_SQUARES = (oneAxis(3) + oneAxis(4)) / 2;

  /**
   * The grid runs as acc.get(scheme)[task][shape][seed] (a shape's row is null until a run filled it;
   * a scheme's rows are as long as the seeds it ran).
   */
  record Training(Map<String, double[][][]> acc) {
    static Training of(List<String> schemes, int shapes, List<GridRun.Result> runs) {
      Map<String, Integer> seeds = new LinkedHashMap<>();
      for (GridRun.Result r : runs) seeds.merge(r.scheme(), r.seedIndex() + 1, Math::max);
      Map<String, double[][][]> acc = new LinkedHashMap<>();
      for (String s : schemes) acc.put(s, new double[2][shapes][]);
      for (GridRun.Result r : runs) {
        for (int sh = 0; sh < shapes; sh++) {
          for (int task = 0; task < 2; task++) {
            double[][] per = acc.get(r.scheme())[task];
            if (per[sh] == null) per[sh] = new double[seeds.get(r.scheme())];
            per[sh][r.seedIndex()] = r.accuracy()[sh][task];
          }
        }
      }
      return new Training(acc);
    }

    /** The seeds {@code scheme} ran (0 when none). */
    int seeds(String scheme) {
      for (double[] row : acc.get(scheme)[0]) if (row != null) return row.length;
      return 0;
    }

    /** The most seeds any scheme ran. */
    int seeds() { return acc.keySet().stream().mapToInt(this::seeds).max().orElse(0); }

    /** Margin for at against the one-axis level: 2 s.d. across seeds of any scheme, at least 3 points. */
    double atMargin() {
      double m = 0.03;
      for (String s : acc.keySet()) m = Math.max(m, 2 * sd(s, 0, false));
      return m;
    }

    /**
     * Whether a scheme's at accuracy on squares beats the one-axis level by 3 points: on the 95%
     * interval over seeds when it ran several; with one seed (a baseline in quick), by the margin of
     * {@link #atMargin} on its single value.
     */
    boolean grounds(String scheme) {
      return seeds(scheme) > 1 ? Claim.above(perSeed(scheme, 0, false), ONE_AXIS_SQUARES + 0.03).agrees()
          : mean(scheme, 0, false) > ONE_AXIS_SQUARES + atMargin();
    }

    /** Mean over the squares (or the shifted shapes) and seeds of one scheme and task. */
    double mean(String scheme, int task, boolean shifted) {
      double s = 0;
      int n = 0;
      double[][] a = acc.get(scheme)[task];
      for (int sh = shifted ? SQUARES : 0; sh < (shifted ? a.length : SQUARES); sh++) {
        if (a[sh] == null) continue;
        for (double v : a[sh]) {
          s += v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : s / n;
    }

    /** Per seed, the mean over the squares (or the shifted shapes) of one scheme and task. */
    double[] perSeed(String scheme, int task, boolean shifted) {
      int seeds = seeds(scheme);
      double[] per = new double[seeds];
      for (int s = 0; s < seeds; s++) {
        double sum = 0;
        int n = 0;
        double[][] a = acc.get(scheme)[task];
        for (int sh = shifted ? SQUARES : 0; sh < (shifted ? a.length : SQUARES); sh++) {
          if (a[sh] == null) continue;
          sum += a[sh][s];
          n++;
        }
        per[s] = sum / n;
      }
      return per;
    }

    /** Standard deviation across seeds of the per-seed group means (0 for one seed). */
    double sd(String scheme, int task, boolean shifted) { return Stats.sd(perSeed(scheme, task, shifted)); }

    /** Per seed, shifted minus squares of one scheme and task. */
    double[] deltas(String scheme, int task) {
      double[] sq = perSeed(scheme, task, false), sh = perSeed(scheme, task, true);
      for (int i = 0; i < sq.length; i++) sh[i] -= sq[i];
      return sh;
    }
  }

  /** Mean rel (task 1) or at (task 0) accuracy of one scheme on squares and on shifted shapes. */
  record Change(double squares, double shifted) {
    double delta() { return shifted - squares; }
  }

  /** RoPE-Tie must fall behind RoPE-TV by more than this (5 points) from squares to shifted shapes. */
  static final double MARGIN = 0.05;

  /**
   * Everything the verdict decides, with the numbers it decides on. {@code tieSuffers}: RoPE-TV's
   * change from squares to shifted shapes minus RoPE-Tie's, paired by seed, above {@link #MARGIN} on
   * its 95% interval; {@code tvNotBehind}: RoPE-TV minus RoPE-Tie on the shifted shapes above
   * −{@link #MARGIN}; {@code atTieSuffers} as {@code tieSuffers} for at. {@code training} is the
   * training part's outcome: agrees, contradicts (RoPE-Tie's relative loss or RoPE-TV's standing
   * contradicted on the interval) or inside the noise. {@code mropeI} and {@code interleaved} (M-RoPE
   * with interleaved frequencies minus blocked M-RoPE, rel on squares, paired by seed; null without
   * both) describe; they do not enter the verdict, which is about [S1]'s coordinate rules.
   */
  record Decision(boolean tvAll, List<String> passAllThree, boolean staticOk, Change tv, Change tie, Change flat,
                  Change mrope, Change mropeI, Claim interleaved, boolean learned, Claim tieSuffers, Claim tvNotBehind, boolean atBoth,
                  Change tvAt, Change tieAt, Claim atTieSuffers, boolean trainOk, Claim.Outcome training, List<String> notGrounding,
                  Verdict verdict) {}

  /** RoPE-TV's per-seed change minus RoPE-Tie's (task 0 at, 1 rel), over their common seeds, above {@link #MARGIN}. */
  static Claim tieSuffers(Training tr, int task) {
    return paired(tr.deltas("rope-tv", task), tr.deltas("rope-tie", task), MARGIN);
  }

  /** a − b paired by seed over the seeds both ran (the first ones), above {@code threshold}. */
  static Claim paired(double[] a, double[] b, double threshold) {
    int n = Math.min(a.length, b.length);
    return Claim.pairedAbove(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n), threshold);
  }

  /** RoPE-TV minus RoPE-Tie rel accuracy on the shifted shapes, paired by seed, above −{@link #MARGIN}. */
  static Claim tvNotBehind(Training tr) {
    return paired(tr.perSeed("rope-tv", 1, true), tr.perSeed("rope-tie", 1, true), -MARGIN);
  }

  static Change change(Training tr, String scheme, int task) {
    // a baseline the profile does not train (quick trains only the deciding schemes) has no change
    if (!tr.acc().containsKey(scheme)) return new Change(Double.NaN, Double.NaN);
    return new Change(tr.mean(scheme, task, false), tr.mean(scheme, task, true));
  }

  /**
   * Static: RoPE-TV passes all three requirements and crop consistency, and every other scheme fails
   * at least one of the four. Training (rel, trained on squares): RoPE-TV learned (≥ 40 % on squares),
   * RoPE-Tie's change from squares to shifted shapes falls behind RoPE-TV's by more than 5 points, and
   * RoPE-TV is not behind RoPE-Tie on the shifted shapes by more than 5 points, each on the 95%
   * interval of the difference paired by seed; at joins only when both RoPE-TV and RoPE-Tie ground
   * both coordinates. Contradicts when the
   * static part fails, agrees when both parts hold, partly otherwise.
   */
  static Decision decide(SchemeChecks.Result checks, Training tr, List<String> trained) {
    SchemeChecks.SchemeCheck tvCheck = checks.of("rope-tv");
    boolean tvAll = tvCheck.allThree() && tvCheck.cropConsistent();
    List<String> passAllThree = new ArrayList<>();
    for (SchemeChecks.SchemeCheck s : checks.checks()) if (s.allThree() && !s.scheme().startsWith("rope-tv")) passAllThree.add(s.scheme());
    boolean othersFailOne = true;
    for (SchemeChecks.SchemeCheck s : checks.checks()) {
      if (!s.scheme().startsWith("rope-tv") && s.allThree() && s.cropConsistent()) othersFailOne = false;
    }
    boolean staticOk = tvAll && othersFailOne;
    // Shifted shapes have fewer cells and directions, so every scheme may gain on them; E4's claim is
    // relative: RoPE-Tie (shape-dependent steps) should change for the worse against RoPE-TV.
    Change tv = change(tr, "rope-tv", 1), tie = change(tr, "rope-tie", 1);
    boolean learned = tv.squares() >= LEARNED;
    Claim tieSuffers = tieSuffers(tr, 1), tvNotBehind = tvNotBehind(tr);
    boolean atBoth = tr.grounds("rope-tv") && tr.grounds("rope-tie");
    Change tvAt = change(tr, "rope-tv", 0), tieAt = change(tr, "rope-tie", 0);
    Claim atTieSuffers = tieSuffers(tr, 0);
    boolean trainOk = learned && tieSuffers.agrees() && tvNotBehind.agrees() && (!atBoth || atTieSuffers.agrees());
    boolean against = learned && (tieSuffers.contradicts() || tvNotBehind.contradicts() || (atBoth && atTieSuffers.contradicts()));
    Claim.Outcome training = trainOk ? Claim.Outcome.AGREES : against ? Claim.Outcome.CONTRADICTS : Claim.Outcome.NOISE;
    List<String> notGrounding = new ArrayList<>();
    for (String s : trained) if (!tr.grounds(s)) notGrounding.add(s);
    Verdict v = !staticOk ? Verdict.CONTRADICTS : trainOk ? Verdict.AGREES : Verdict.PARTLY;
    Claim interleaved = null;
    if (tr.acc().containsKey("mrope-i") && tr.acc().containsKey("mrope") && tr.seeds("mrope-i") > 0 && tr.seeds("mrope") > 0) {
      interleaved = paired(tr.perSeed("mrope-i", 1, false), tr.perSeed("mrope", 1, false), 0);
    }
    return new Decision(tvAll, passAllThree, staticOk, tv, tie, change(tr, "flat", 1), change(tr, "mrope", 1),
        tr.acc().containsKey("mrope-i") ? change(tr, "mrope-i", 1) : new Change(Double.NaN, Double.NaN), interleaved, learned, tieSuffers, tvNotBehind, atBoth, tvAt, tieAt, atTieSuffers, trainOk, training, notGrounding, v);
  }
}
