package dev.focus.lab.markdown;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Template;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;

/** Renders {@link ManglingCases.Result} as report 3, with the prose of {@code markdown-math.md}. */
final class MarkdownMathReport {
  private static final Template TEXT = Template.of(MarkdownMathReport.class, "markdown-math.md");

  private MarkdownMathReport() {}

  static Findings render(ManglingCases.Result r) {
    Findings f = new Findings().tag("markdown").tag("mathjax").tag("spec 03");
    List<ManglingCases.CaseResult> spec = r.of(ManglingCases.SPEC, null), hand = r.of(ManglingCases.HAND, null);
    MarkdownMathRules.Decision d = MarkdownMathRules.decide(r);
    f.md(TEXT.fill("claim"));
    f.md(TEXT.fill("approach") + "\n\n");
    f.md(TEXT.fill("result", "naiveMangled", d.naiveMangled(), "mangling", d.manglingCases(), "spec", spec.size(), "hand", hand.size())
        + "\n\n");
    List<List<String>> tallyRows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<MarkdownMathRules.Tally> tallies = MarkdownMathRules.tallies(r);
    double[] naive = new double[tallies.size()], focus = new double[tallies.size()];
    for (int i = 0; i < tallies.size(); i++) {
      MarkdownMathRules.Tally t = tallies.get(i);
      String set = t.set().equals(ManglingCases.SPEC) ? "note's cases (expected TeX: Focus's parse)" : "hand-written (expected TeX by hand)";
      tallyRows.add(List.of(set, t.category(), String.valueOf(t.cases()), t.naiveIntact() + " / " + t.cases(),
          t.focusIntact() + " / " + t.cases()));
      labels.add(t.set() + " · " + t.category());
      naive[i] = t.naiveIntact();
      focus[i] = t.focusIntact();
    }
    f.md(Findings.table(List.of("set", "category", "cases", "naive intact", "Focus intact"), tallyRows));
    f.chart(Chart.bar("intact", "Cases whose formulas reach the math engine intact, by set and category", "set · category", "cases",
        labels, Series.of("naive (Markdown first)", naive), Series.of("Focus (math as syntax)", focus)));
    List<List<?>> csv = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    StringBuilder detail = new StringBuilder(TEXT.fill("cases")).append("\n\n");
    for (int i = 0; i < spec.size(); i++) {
      ManglingCases.CaseResult c = spec.get(i);
      rows.add(List.of(String.valueOf(i + 1), c.name(), c.category(), mark(c.naiveIntact()), mark(c.focusIntact())));
      detail.append(TEXT.fill("case", "number", i + 1, "name", c.name(), "category", c.category(), "markdown", c.markdown(),
          "naiveTex", ticks(c.naiveTex(), false), "naiveHtml", c.naiveHtml().strip())).append("\n\n");
    }
    f.md(TEXT.fill("spec.table") + "\n\n");
    f.md(Findings.table(List.of("#", "case", "category", "naive", "Focus"), rows));
    List<List<String>> handRows = new ArrayList<>();
    for (int i = 0; i < hand.size(); i++) {
      ManglingCases.CaseResult c = hand.get(i);
      handRows.add(List.of("H" + (i + 1), c.name(), c.category(), ticks(c.intendedTex(), true),
          c.naiveIntact() ? "intact" : "**mangled:** " + ticks(c.naiveTex(), true),
          c.focusIntact() ? "intact" : "**mangled:** " + ticks(c.focusTex(), true)));
    }
    f.md(TEXT.fill("hand", "hand", hand.size()) + "\n\n");
    f.md(Findings.table(List.of("#", "case", "category", "expected TeX (by hand)", "naive", "Focus"), handRows));
    for (ManglingCases.CaseResult c : r.cases()) {
      csv.add(List.of(c.set(), c.category(), c.name(), c.markdown(), c.handExpected(), String.join(" ¦ ", c.intendedTex()),
          String.join(" ¦ ", c.naiveTex()), String.join(" ¦ ", c.focusTex()), c.naiveIntact(), c.focusIntact()));
    }
    if (r.browser() != null) browser(f, r);
    f.md(detail.toString());
    f.data(DataFile.csv("cases.csv", List.of("set", "category", "name", "markdown", "expected_by_hand", "intended_tex", "naive_tex",
        "focus_tex", "naive_intact", "focus_intact"), csv));
    Verdict v = d.verdict();
    int focusIntact = r.cases().size() - r.focusMangled();
    f.md(TEXT.fill("verdict", "verdict", v.label(), "naiveMangled", d.naiveMangled(), "mangling", d.manglingCases(),
        "focusBad", d.focusMangledOrUnsafe(), "focusOther", d.focusOtherMisses(), "focusIntact", focusIntact, "cases", r.cases().size()));
    String summary = TEXT.fill("summary", "naiveMangled", d.naiveMangled(), "mangling", d.manglingCases(), "focusIntact", focusIntact,
        "cases", r.cases().size(), "hand", hand.size());
    MarkdownMathRules.BrowserDecision b = d.browser();
    if (b != null) {
      f.md(TEXT.fill("verdict.browser", "browserNaiveMangled", b.naiveMangled(), "browserMangling", b.manglingCases(),
          "naiveRule", b.naive().label(), "noteIntact", b.noteIntact(), "noteRule", b.note().label(), "browserFocusBad",
          b.focusMangledOrUnsafe(), "browserFocusOther", b.focusOtherMisses(), "focusRule", b.focus().label()));
      summary += " " + TEXT.fill("summary.browser", "noteIntact", b.noteIntact(), "browserMangling", b.manglingCases());
    }
    f.verdict(v, summary);
    return f;
  }

  /** The section "cases intact per method, in a browser": a table by set and category, a chart, and every miss but naive marked's. */
  private static void browser(Findings f, ManglingCases.Result r) {
    BrowserMethods.Result b = r.browser();
    f.md(TEXT.fill("browser", "cases", b.cases().size(), "browserName", b.browser(), "mathjax3", b.mathjax3(), "mathjax2", b.mathjax2(),
        "marked", b.marked(), "dompurify", b.dompurify()) + "\n\n");
    List<List<String>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    double[][] bars = new double[BrowserMethods.METHODS.size()][];
    List<MarkdownMathRules.Tally> tallies = MarkdownMathRules.tallies(r);
    for (int m = 0; m < bars.length; m++) bars[m] = new double[tallies.size() + 1];
    for (int i = 0; i <= tallies.size(); i++) {
      boolean total = i == tallies.size();
      String set = total ? null : tallies.get(i).set(), category = total ? null : tallies.get(i).category();
      List<BrowserMethods.Case> cs = b.of(set, category);
      List<String> row = new ArrayList<>(List.of(total ? "**all**" : set.equals(ManglingCases.SPEC) ? "note's cases" : "hand-written",
          total ? "" : category, String.valueOf(cs.size())));
      for (int m = 0; m < bars.length; m++) {
        int intact = BrowserMethods.Result.intact(cs, BrowserMethods.METHODS.get(m));
        row.add(intact + " / " + cs.size());
        bars[m][i] = intact;
      }
      int java = total ? r.cases().size() - r.focusMangled() : tallies.get(i).focusIntact();
      row.add(java + " / " + cs.size());
      rows.add(row);
      labels.add(total ? "all" : set + " · " + category);
    }
    f.md(Findings.table(List.of("set", "category", "cases", "naive marked", "the note's pipeline", "Focus, Java", "Focus, twin",
        "Focus, Java (this JVM)"), rows));
    f.chart(Chart.bar("intact-browser", "Cases intact per method in headless Chromium, by set and category", "set · category", "cases",
        labels, Series.of("naive marked", bars[0]), Series.of("the note's pipeline", bars[1]), Series.of("Focus, Java", bars[2]),
        Series.of("Focus, twin", bars[3])));
    List<List<String>> misses = new ArrayList<>();
    for (String method : BrowserMethods.METHODS.subList(1, BrowserMethods.METHODS.size())) {
      for (BrowserMethods.Case c : b.cases()) {
        BrowserMethods.Outcome o = c.of(method);
        if (!o.intact()) misses.add(List.of(method, c.name(), c.category(), ticks(c.expected(), true), ticks(o.tex(), true), o.problem()));
      }
    }
    if (!misses.isEmpty()) {
      f.md(TEXT.fill("browser.misses") + "\n\n");
      f.md(Findings.table(List.of("method", "case", "category", "expected TeX", "typeset", "why"), misses));
    }
  }

  private static String mark(boolean intact) { return intact ? "intact" : "**mangled**"; }

  /** Formulas as inline code (backticks and line feeds replaced; pipes escaped inside a table), or *none*. */
  private static String ticks(List<String> xs, boolean inTable) {
    if (xs.isEmpty()) return "*none*";
    List<String> out = new ArrayList<>();
    for (String x : xs) {
      String t = x.replace("`", "'").replace("\n", " ");
      out.add(inTable ? t.replace("|", "\\|") : t);
    }
    return "`" + String.join("`, `", out) + "`";
  }
}
