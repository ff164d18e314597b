package dev.focus.lab.markdown;

import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdict rules of report 3, over {@link ManglingCases.Result}, fixed before the cases were run
 * (spec 03, "The lab experiment"; the browser rules before the browser arms first ran, issue 15). The
 * note's claim is about mangling, so only the mangling cases of both sets decide it; delimiter-rule
 * and security cases are counted apart.
 * <ul>
 *   <li>the note's problem (in this JVM): the naive pipeline mangles at least half of the mangling
 *       cases (agrees), fewer than a quarter (contradicts);
 *   <li>Focus keeps the TeX (in this JVM): every case intact (agrees); a mangling case mangled or a
 *       live script in a security case (contradicts); a delimiter-rule miss makes it at best partly;
 *   <li>with the browser fixture ({@link BrowserMethods}): the note's fix keeps at least 90 % of the
 *       mangling cases intact in Chromium (agrees), fewer than half (contradicts); naive marked +
 *       MathJax mangles at least half of them (agrees), fewer than a quarter (contradicts); Focus's Java
 *       output and its twin keep every case intact (agrees), either mangles a mangling case or leaves a
 *       live script (contradicts), a delimiter miss: partly.
 * </ul>
 * The report agrees when every rule agrees, contradicts when any contradicts, partly otherwise.
 */
public final class MarkdownMathRules {
  private MarkdownMathRules() {}

  /** Cases, and those each pipeline kept intact, of one set and category. */
  public record Tally(String set, String category, int cases, int naiveIntact, int focusIntact) {}

  /**
   * The browser's counts that decide its three rules: mangling cases (both sets), those naive marked
   * mangled and those the note's pipeline kept, and Focus's misses over its two methods.
   */
  public record BrowserDecision(int manglingCases, int naiveMangled, int noteIntact, int focusMangledOrUnsafe, int focusOtherMisses,
                                Verdict naive, Verdict note, Verdict focus) {}

  /** The counts that decide the verdict; {@code browser} is null without the browser fixture. */
  public record Decision(int manglingCases, int naiveMangled, int focusMangledOrUnsafe, int focusOtherMisses, BrowserDecision browser,
                         Verdict verdict) {}

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
    List<Verdict> rules = new ArrayList<>(List.of(mangles(naiveMangled, n),
        focusBad > 0 ? Verdict.CONTRADICTS : focusOther == 0 ? Verdict.AGREES : Verdict.PARTLY));
    BrowserDecision b = r.browser() == null ? null : decide(r.browser());
    if (b != null) rules.addAll(List.of(b.naive(), b.note(), b.focus()));
    return new Decision(n, naiveMangled, focusBad, focusOther, b, combine(rules));
  }

  /** The browser fixture's three rules. */
  public static BrowserDecision decide(BrowserMethods.Result b) {
    List<BrowserMethods.Case> mangling = b.of(null, "mangling");
    int n = mangling.size();
    int naiveIntact = BrowserMethods.Result.intact(mangling, "naive"), noteIntact = BrowserMethods.Result.intact(mangling, "note");
    int focusBad = 0, focusOther = 0;
    for (BrowserMethods.Case c : b.cases()) {
      for (String m : List.of("focus-java", "focus-twin")) {
        if (c.of(m).intact()) continue;
        if (c.category().equals("delimiter")) focusOther++;
        else focusBad++;
      }
    }
    Verdict focus = focusBad > 0 ? Verdict.CONTRADICTS : focusOther == 0 ? Verdict.AGREES : Verdict.PARTLY;
    return new BrowserDecision(n, n - naiveIntact, noteIntact, focusBad, focusOther, mangles(n - naiveIntact, n), keeps(noteIntact, n),
        focus);
  }

  /** The note's problem: agrees when at least half of {@code n} mangling cases are mangled, contradicts under a quarter. */
  static Verdict mangles(int mangled, int n) {
    return 4 * mangled < n ? Verdict.CONTRADICTS : 2 * mangled >= n ? Verdict.AGREES : Verdict.PARTLY;
  }

  /** The note's fix: agrees when at least 90 % of {@code n} mangling cases stay intact, contradicts under half. */
  static Verdict keeps(int intact, int n) {
    return 10 * intact >= 9 * n ? Verdict.AGREES : 2 * intact < n ? Verdict.CONTRADICTS : Verdict.PARTLY;
  }

  private static Verdict combine(List<Verdict> rules) {
    if (rules.contains(Verdict.CONTRADICTS)) return Verdict.CONTRADICTS;
    return rules.stream().allMatch(v -> v == Verdict.AGREES) ? Verdict.AGREES : Verdict.PARTLY;
  }

  public static Verdict verdict(ManglingCases.Result r) { return decide(r).verdict(); }
}
