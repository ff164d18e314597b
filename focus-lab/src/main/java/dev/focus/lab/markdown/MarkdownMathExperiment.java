package dev.focus.lab.markdown;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.md.MathMarkdown;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Note 3 (spec 03): when Markdown runs before the math engine it rewrites the TeX. Each of the
 * spec's failure cases goes through (a) the naive pipeline — a Markdown renderer without math,
 * then a delimiter-scanning math engine over the text — and (b) Focus, where math is its own syntax
 * inside the parser. A case is mangled when the formulas the math engine would see differ from the
 * formulas the author wrote (Focus's TeX fields).
 */
public final class MarkdownMathExperiment implements Experiment {
  /** The representative failure cases of spec 03 §4. */
  static final String[][] CASES = {
      {"escaped delimiters", "Let \\(f(x)=x^2\\); then \\[f'(x)=2x\\] holds."},
      {"subscripts and stars", "$\\hat{x}_i$ and $z_{k}$, also $a*b*c$"},
      {"matrix row breaks", "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$"},
      {"braces", "$A = \\{x \\mid x > 0\\}$"},
      {"Markdown inside display math", "$$\nf = g\n- h\n1. k\n$$"},
      {"environment", "\\begin{align*}\nf(x) &= (x+1)^2 \\\\\n&= x^2 + 2x + 1\n\\end{align*}"},
      {"prices", "Lunch was $5 and dinner $12, so $\\Delta = 7$."},
      {"escaped dollar", "The fee is \\$3 per call; see $c_{\\text{call}}$."},
      {"code span", "Type `$x$` to get $x$."},
      {"less-than and ampersand", "If $0<x<y$ and $y>z$, then $p \\& q$."},
      {"no spaces (CJK)", "设$x_i$为第$i$个样本，则$\\bar{x}=\\frac{1}{n}\\sum_i x_i$。"},
      {"brackets like a link", "$[\\phi](x) = [\\psi](x)$"},
      {"pipes in a table", "| quantity | value |\n|---|---|\n| $|v|$ | $P(A|B)$ |"},
      {"script injection", "Bad <img src=x onerror=\"alert(1)\"> and $<img src=y onerror=alert(2)>$"},
      {"block quote", "> Energy:\n> $$\n> E_k = \\tfrac{1}{2} m v^2\n> $$"},
  };

  /** An event-handler attribute inside a tag (text that merely mentions one is harmless). */
  private static final Pattern HANDLER = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

  private static final Pattern WRAPPER = Pattern.compile(
      "class=\"math math-(inline|display) notranslate\" translate=\"no\">(.*?)</(span|div)>", Pattern.DOTALL);

  @Override public String slug() { return "03-markdown-math"; }

  @Override public String title() { return "Markdown with math, without the parser mangling the math"; }

  @Override public double expectedMinutes(Profile p) { return 0.1; }

  @Override
  public Findings run(LabContext ctx) {
    Findings f = new Findings().tag("markdown").tag("mathjax").tag("spec 03");
    MathMarkdown focus = MathMarkdown.create();
    Parser naiveParser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    HtmlRenderer naiveRenderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).build();
    ctx.progress().total(CASES.length);
    f.md("**The claim** (Su, *近乎完美地解决MathJax与Marked的冲突*, kexue.fm/archives/10332): Markdown and TeX share "
        + "characters, so when Markdown runs first it rewrites the TeX — backslashes vanish, `_…_` becomes emphasis, "
        + "`|` splits table cells. The article reverses the order in the browser; Focus instead makes math its own "
        + "syntax inside the Markdown parser (commonmark-java on the server, a marked extension in the browser), with "
        + "one grammar and one precedence.\n\n"
        + "**What was run.** Each case of spec 03 §4 goes through the *naive* pipeline — CommonMark without math, then a "
        + "math engine that scans the rendered text for `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]` — and through Focus. A "
        + "case is *mangled* when the formulas the math engine would typeset differ from the ones the author wrote. "
        + "The Focus column below is rendered live in this page by MathJax 3 from the sanitised HTML; the "
        + "live preview of `./focus serve` (the *Preview* page) renders your own text the same way as you type.");
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    int naiveMangled = 0, focusMangled = 0;
    StringBuilder detail = new StringBuilder("## The cases\n\n");
    for (int i = 0; i < CASES.length; i++) {
      String name = CASES[i][0], md = CASES[i][1];
      List<String> intended = focusTex(focus.renderUnsafe(md));
      String naiveHtml = naiveRenderer.render(naiveParser.parse(md));
      List<String> naive = scanDelimiters(textOf(naiveHtml));
      String sanitized = focus.render(md);
      boolean naiveOk = naive.equals(intended), focusOk = focusTex(sanitized).equals(intended) && !HANDLER.matcher(sanitized).find();
      if (!naiveOk) naiveMangled++;
      if (!focusOk) focusMangled++;
      rows.add(List.of(String.valueOf(i + 1), name, naiveOk ? "intact" : "**mangled**", focusOk ? "intact" : "**mangled**"));
      csv.add(List.of(i + 1, name, md, String.join(" ¦ ", intended), String.join(" ¦ ", naive), naiveOk, focusOk));
      detail.append("### ").append(i + 1).append(". ").append(name).append("\n\n")
          .append("Source:\n\n").append(fence(md)).append("\n")
          .append("Naive HTML (Markdown first), formulas the engine would see: ")
          .append(naive.isEmpty() ? "*none*" : "`" + String.join("`, `", escapeTicks(naive)) + "`").append("\n\n")
          .append(fence(naiveHtml.strip())).append("\nFocus:\n\n").append(md).append("\n\n");
      ctx.progress().step(1);
    }
    f.mdf("## Result%n%nThe naive pipeline mangles **%d of %d** cases; Focus keeps the TeX of **%d of %d** intact "
        + "(and drops the `onerror` handler of case 14 in both its Markdown and its math).%n%n", naiveMangled, CASES.length,
        CASES.length - focusMangled, CASES.length);
    f.md(Findings.table(List.of("#", "case", "naive", "Focus"), rows));
    f.chart(Chart.bar("intact", "Cases whose formulas reach the math engine intact", "pipeline", "cases",
        List.of("naive (Markdown first)", "Focus (math as syntax)"),
        Series.of("intact", new double[] {CASES.length - naiveMangled, CASES.length - focusMangled}),
        Series.of("mangled", new double[] {naiveMangled, focusMangled})));
    f.md(detail.toString());
    f.data(DataFile.csv("cases.csv", List.of("case", "name", "markdown", "intended_tex", "naive_tex", "naive_intact", "focus_intact"), csv));
    Verdict v = focusMangled == 0 && naiveMangled >= CASES.length / 2 ? Verdict.AGREES
        : focusMangled == 0 ? Verdict.PARTLY : Verdict.CONTRADICTS;
    f.mdf("## Verdict%n%n**%s.** Markdown-first rendering damages the math in %d of %d cases, as the note says; treating "
        + "math as its own syntax inside the parser, rather than reversing the order in the browser, keeps all formulas "
        + "intact%s.", v.label(), naiveMangled, CASES.length, focusMangled == 0 ? "" : " except " + focusMangled);
    f.verdict(v, String.format(java.util.Locale.ROOT,
        "Markdown-first rendering mangles the TeX in %d of %d representative cases; Focus's math-as-syntax renderer keeps "
            + "%d of %d intact, in Java and in the browser.", naiveMangled, CASES.length, CASES.length - focusMangled, CASES.length));
    return f;
  }

  /** The TeX of every math wrapper, in order, unescaped. */
  static List<String> focusTex(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = WRAPPER.matcher(html);
    while (m.find()) {
      String body = unescape(m.group(2));
      if (body.startsWith("\\(") && body.endsWith("\\)") || body.startsWith("\\[") && body.endsWith("\\]")) {
        body = body.substring(2, body.length() - 2);
      }
      out.add(body);
    }
    return out;
  }

  /** What a delimiter-scanning math engine finds in text: $$…$$, $…$, \[…\], \(…\), \begin…\end, left to right. */
  static List<String> scanDelimiters(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\$\\$(.+?)\\$\\$|\\$(.+?)\\$|\\\\\\[(.+?)\\\\\\]|\\\\\\((.+?)\\\\\\)|(\\\\begin\\{([a-z*]+)\\}.*?\\\\end\\{\\6\\})",
        Pattern.DOTALL).matcher(text);
    while (m.find()) {
      for (int g = 1; g <= 5; g++) {
        if (m.group(g) != null) {
          out.add(m.group(g));
          break;
        }
      }
    }
    return out;
  }

  /** Text content of an HTML fragment (tags dropped, entities decoded), as the math engine reads it. */
  static String textOf(String html) {
    return unescape(html.replaceAll("(?s)<[^>]*>", ""));
  }

  /** Decodes the named entities HTML escaping uses and every numeric entity (the sanitiser writes e.g. &#61;). */
  static String unescape(String s) {
    Matcher m = Pattern.compile("&#(x?)([0-9a-fA-F]+);").matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      int cp = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
      m.appendReplacement(sb, Matcher.quoteReplacement(new String(Character.toChars(cp))));
    }
    m.appendTail(sb);
    return sb.toString().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
  }

  private static String fence(String s) {
    return "````\n" + s + "\n````\n";
  }

  private static List<String> escapeTicks(List<String> xs) {
    List<String> out = new ArrayList<>();
    for (String x : xs) out.add(x.replace("`", "'").replace("\n", " "));
    return out;
  }
}
