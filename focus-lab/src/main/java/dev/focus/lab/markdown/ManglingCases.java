package dev.focus.lab.markdown;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.md.MathMarkdown;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Note 3 (spec 03 §4): each failure case goes through (a) the naive pipeline — a Markdown renderer
 * without math, then a delimiter-scanning math engine over the text — and (b) Focus, where math is
 * its own syntax inside the parser. A case is mangled when the formulas the math engine would see
 * differ from the formulas the author wrote (Focus's TeX fields).
 */
public final class ManglingCases implements Section<ManglingCases.Settings, ManglingCases.Result> {
  /** A named Markdown source. */
  public record Case(String name, String markdown) implements Serializable {}

  /** The cases to run, in report order. */
  public record Settings(List<Case> cases) implements Serializable {
    public Settings {
      cases = List.copyOf(cases);
    }
  }

  /**
   * One case: the formulas the author wrote ({@code intendedTex}), those a delimiter-scanning engine
   * finds in the naive HTML ({@code naiveTex}), that HTML, and whether each pipeline kept the TeX
   * intact (Focus must also drop every event-handler attribute).
   */
  public record CaseResult(String name, String markdown, List<String> intendedTex, List<String> naiveTex, String naiveHtml,
                           boolean naiveIntact, boolean focusIntact) implements Serializable {}

  /** Every case, in order. */
  public record Result(List<CaseResult> cases) implements Serializable {
    public int naiveMangled() { return (int) cases.stream().filter(c -> !c.naiveIntact()).count(); }

    public int focusMangled() { return (int) cases.stream().filter(c -> !c.focusIntact()).count(); }
  }

  /** The representative failure cases of spec 03 §4. */
  public static final List<Case> SPEC_CASES = List.of(
      new Case("escaped delimiters", "Let \\(f(x)=x^2\\); then \\[f'(x)=2x\\] holds."),
      new Case("subscripts and stars", "$\\hat{x}_i$ and $z_{k}$, also $a*b*c$"),
      new Case("matrix row breaks", "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$"),
      new Case("braces", "$A = \\{x \\mid x > 0\\}$"),
      new Case("Markdown inside display math", "$$\nf = g\n- h\n1. k\n$$"),
      new Case("environment", "\\begin{align*}\nf(x) &= (x+1)^2 \\\\\n&= x^2 + 2x + 1\n\\end{align*}"),
      new Case("prices", "Lunch was $5 and dinner $12, so $\\Delta = 7$."),
      new Case("escaped dollar", "The fee is \\$3 per call; see $c_{\\text{call}}$."),
      new Case("code span", "Type `$x$` to get $x$."),
      new Case("less-than and ampersand", "If $0<x<y$ and $y>z$, then $p \\& q$."),
      new Case("no spaces (CJK)", "设$x_i$为第$i$个样本，则$\\bar{x}=\\frac{1}{n}\\sum_i x_i$。"),
      new Case("brackets like a link", "$[\\phi](x) = [\\psi](x)$"),
      new Case("pipes in a table", "| quantity | value |\n|---|---|\n| $|v|$ | $P(A|B)$ |"),
      new Case("script injection", "Bad <img src=x onerror=\"alert(1)\"> and $<img src=y onerror=alert(2)>$"),
      new Case("block quote", "> Energy:\n> $$\n> E_k = \\tfrac{1}{2} m v^2\n> $$"));

  /** An event-handler attribute inside a tag (text that merely mentions one is harmless). */
  private static final Pattern HANDLER = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

  private static final Pattern WRAPPER = Pattern.compile(
      "class=\"math math-(inline|display) notranslate\" translate=\"no\">(.*?)</(span|div)>", Pattern.DOTALL);

  @Override
  public Result run(Settings settings, LabContext ctx) {
    MathMarkdown focus = MathMarkdown.create();
    Parser naiveParser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    HtmlRenderer naiveRenderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).build();
    ctx.progress().total(settings.cases().size());
    List<CaseResult> out = new ArrayList<>();
    for (Case c : settings.cases()) {
      String md = c.markdown();
      List<String> intended = focusTex(focus.renderUnsafe(md));
      String naiveHtml = naiveRenderer.render(naiveParser.parse(md));
      List<String> naive = scanDelimiters(textOf(naiveHtml));
      String sanitized = focus.render(md);
      boolean focusOk = focusTex(sanitized).equals(intended) && !HANDLER.matcher(sanitized).find();
      out.add(new CaseResult(c.name(), md, intended, naive, naiveHtml, naive.equals(intended), focusOk));
      ctx.progress().step(1);
    }
    return new Result(out);
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
}
