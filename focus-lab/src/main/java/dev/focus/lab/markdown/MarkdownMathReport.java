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
    int n = r.cases().size(), naiveMangled = r.naiveMangled(), focusMangled = r.focusMangled();
    f.md(TEXT.fill("claim"));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    StringBuilder detail = new StringBuilder(TEXT.fill("cases")).append("\n\n");
    for (int i = 0; i < n; i++) {
      ManglingCases.CaseResult c = r.cases().get(i);
      rows.add(List.of(String.valueOf(i + 1), c.name(), c.naiveIntact() ? "intact" : "**mangled**",
          c.focusIntact() ? "intact" : "**mangled**"));
      csv.add(List.of(i + 1, c.name(), c.markdown(), String.join(" ¦ ", c.intendedTex()), String.join(" ¦ ", c.naiveTex()),
          c.naiveIntact(), c.focusIntact()));
      detail.append(TEXT.fill("case", "number", i + 1, "name", c.name(), "markdown", c.markdown(),
          "naiveTex", c.naiveTex().isEmpty() ? "*none*" : "`" + String.join("`, `", escapeTicks(c.naiveTex())) + "`",
          "naiveHtml", c.naiveHtml().strip())).append("\n\n");
    }
    f.md(TEXT.fill("result", "naiveMangled", naiveMangled, "cases", n, "focusIntact", n - focusMangled) + "\n\n");
    f.md(Findings.table(List.of("#", "case", "naive", "Focus"), rows));
    f.chart(Chart.bar("intact", "Cases whose formulas reach the math engine intact", "pipeline", "cases",
        List.of("naive (Markdown first)", "Focus (math as syntax)"),
        Series.of("intact", new double[] {n - naiveMangled, n - focusMangled}),
        Series.of("mangled", new double[] {naiveMangled, focusMangled})));
    f.md(detail.toString());
    f.data(DataFile.csv("cases.csv", List.of("case", "name", "markdown", "intended_tex", "naive_tex", "naive_intact", "focus_intact"), csv));
    Verdict v = MarkdownMathRules.verdict(r);
    f.md(TEXT.fill("verdict", "verdict", v.label(), "naiveMangled", naiveMangled, "cases", n,
        "except", focusMangled == 0 ? "" : TEXT.fill("verdict.except", "focusMangled", focusMangled)));
    f.verdict(v, TEXT.fill("summary", "naiveMangled", naiveMangled, "cases", n, "focusIntact", n - focusMangled));
    return f;
  }

  private static List<String> escapeTicks(List<String> xs) {
    List<String> out = new ArrayList<>();
    for (String x : xs) out.add(x.replace("`", "'").replace("\n", " "));
    return out;
  }
}
