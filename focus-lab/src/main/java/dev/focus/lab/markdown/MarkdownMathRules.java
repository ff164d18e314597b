package dev.focus.lab.markdown;

import dev.focus.report.Verdict;

/** The verdict rule of report 3, over {@link ManglingCases.Result}. */
public final class MarkdownMathRules {
  private MarkdownMathRules() {}

  /**
   * Agrees when Focus keeps every case intact and the naive pipeline mangles at least half of them
   * (the note's claim is that Markdown-first rendering damages math routinely); partly when Focus is
   * intact but the naive pipeline mostly survives; contradicts when Focus mangles any case.
   */
  public static Verdict verdict(ManglingCases.Result r) {
    int n = r.cases().size();
    return r.focusMangled() == 0 && r.naiveMangled() >= n / 2 ? Verdict.AGREES
        : r.focusMangled() == 0 ? Verdict.PARTLY : Verdict.CONTRADICTS;
  }
}
