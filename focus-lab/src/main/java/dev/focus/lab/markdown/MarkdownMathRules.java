package dev.focus.lab.markdown;

import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdict rule of report 3, over {@link ManglingCases.Result}, fixed before the hand-written cases
 * were run (spec 03, "The lab experiment"). The note's claim is about mangling, so only the mangling
 * cases of both sets decide it; delimiter-rule and security cases are counted apart.
 * <ul>
 *   <li>contradicts: the naive pipeline mangles fewer than a quarter of the mangling cases (the note's
 *       claim fails), or Focus mangles a mangling case or leaves a live script in a security case (its
 *       approach fails);
 *   <li>agrees: the naive pipeline mangles at least half of the mangling cases and Focus keeps every
 *       case of every category and set intact;
 *   <li>partly otherwise (for instance Focus differing from the hand-written delimiter rules).
 * </ul>
 */
public final class MarkdownMathRules {
  private MarkdownMathRules() {}

  /** Cases, and those each pipeline kept intact, of one set and category. */
  public record Tally(String set, String category, int cases, int naiveIntact, int focusIntact) {}

  /** The counts that decide the verdict. */
  public record Decision(int manglingCases, int naiveMangled, int focusMangledOrUnsafe, int focusOtherMisses, Verdict verdict) {}

  /** One tally per set and category that has cases, spec set first. */
  public static List<Tally> tallies(ManglingCases.Result r) {
    List<Tally> out = new ArrayList<>();
    for (String set : List.of(ManglingCases.SPEC, ManglingCases.HAND)) {
      for (String category : ManglingCases.CATEGORIES) {
        List<ManglingCases.CaseResult> cs = r.of(set, category);
        if (cs.isEmpty()) continue;
        out.add(new Tally(set, category, cs.size(), (int) cs.stream().filter(ManglingCases.CaseResult::naiveIntact).count(),
            (int) cs.stream().filter(ManglingCases.CaseResult::focusIntact).count()));
      }
    }
    return out;
  }

  public static Decision decide(ManglingCases.Result r) {
    List<ManglingCases.CaseResult> mangling = r.of(null, "mangling");
    int naiveMangled = (int) mangling.stream().filter(c -> !c.naiveIntact()).count();
    int focusBad = (int) r.cases().stream().filter(c -> !c.focusIntact() && !c.category().equals("delimiter")).count();
    int focusOther = (int) r.cases().stream().filter(c -> !c.focusIntact() && c.category().equals("delimiter")).count();
    int n = mangling.size();
    Verdict v = 4 * naiveMangled < n || focusBad > 0 ? Verdict.CONTRADICTS
        : 2 * naiveMangled >= n && focusOther == 0 ? Verdict.AGREES : Verdict.PARTLY;
    return new Decision(n, naiveMangled, focusBad, focusOther, v);
  }

  public static Verdict verdict(ManglingCases.Result r) { return decide(r).verdict(); }
}
