package dev.focus.lab.markdown;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.md.MathMarkdown;
import dev.focus.checkpoint.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Note 3 (spec 03 §4): each case goes through (a) the naive pipeline — a Markdown renderer without
 * math, then a delimiter-scanning math engine over the text outside code, as MathJax skips code and
 * pre — and (b) Focus, where math is its own syntax inside the parser. Two case sets: the note's
 * fifteen (spec 03 §4), whose expected TeX is Focus's own unsanitised parse (so on them Focus can
 * fail only through the sanitiser), and a hand-written set ({@code hand-cases.json}) whose expected
 * TeX was written by hand. Each case has a category: mangling (Markdown syntax inside TeX),
 * delimiter (which dollar opens math) or security (no live script in the HTML). A case is intact when
 * the formulas the engine would see equal the expected ones (each trimmed at both ends), for Focus
 * also when no event handler survives, and for a security case when the pipeline's HTML carries no
 * event handler, javascript: URL or script element.
 */
public final class ManglingCases implements Section<ManglingCases.Settings, ManglingCases.Result> {
  /** The note's cases (spec 03 §4). */
  public static final String SPEC = "spec";
  /** The hand-written cases of {@code hand-cases.json}. */
  public static final String HAND = "hand";
  /** The categories, in report order. */
  public static final List<String> CATEGORIES = List.of("mangling", "delimiter", "security");

  /**
   * A named Markdown source of one set and category; {@code expectedTex} is the hand-written
   * expectation, or null where the expected TeX is Focus's own parse (the spec set).
   */
  public record Case(String set, String category, String name, String markdown, List<String> expectedTex) implements Serializable {
    public Case {
      if (!CATEGORIES.contains(category)) throw new IllegalArgumentException("case '" + name + "': unknown category " + category);
      expectedTex = expectedTex == null ? null : List.copyOf(expectedTex);
    }
  }

  /** The cases to run, in report order. */
  public record Settings(List<Case> cases) implements Serializable {
    public Settings {
      cases = List.copyOf(cases);
    }
  }

  /**
   * One case: the expected formulas ({@code intendedTex}; {@code handExpected} says whether written
   * by hand or taken from Focus's unsanitised parse), those a delimiter-scanning engine finds in the
   * naive HTML ({@code naiveTex}), that HTML, those in Focus's sanitised HTML ({@code focusTex}), and
   * whether each pipeline kept the case intact.
   */
  public record CaseResult(String set, String category, String name, String markdown, boolean handExpected, List<String> intendedTex,
                           List<String> naiveTex, String naiveHtml, List<String> focusTex, boolean naiveIntact, boolean focusIntact)
      implements Serializable {}

  /**
   * Every case, in order, and the same cases in headless Chromium per method (the checked-in
   * {@link BrowserMethods} fixture; null where none was read).
   */
  public record Result(List<CaseResult> cases, BrowserMethods.Result browser) implements Serializable {
    /** Results without the browser's. */
    public Result(List<CaseResult> cases) {
      this(cases, null);
    }

    public int naiveMangled() { return (int) cases.stream().filter(c -> !c.naiveIntact()).count(); }

    public int focusMangled() { return (int) cases.stream().filter(c -> !c.focusIntact()).count(); }

    /** The cases of one set and category (null: any). */
    public List<CaseResult> of(String set, String category) {
      return cases.stream().filter(c -> (set == null || c.set().equals(set)) && (category == null || c.category().equals(category)))
          .toList();
    }
  }

  /** The representative failure cases of spec 03 §4, with the category each one tests. */
  public static final List<Case> SPEC_CASES = List.of(
      spec("mangling", "escaped delimiters", "Let \\(f(x)=x^2\\); then \\[f'(x)=2x\\] holds."),
      spec("mangling", "subscripts and stars", "$\\hat{x}_i$ and $z_{k}$, also $a*b*c$"),
      spec("mangling", "matrix row breaks", "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$"),
      spec("mangling", "braces", "$A = \\{x \\mid x > 0\\}$"),
      spec("mangling", "Markdown inside display math", "$$\nf = g\n- h\n1. k\n$$"),
      spec("mangling", "environment", "\\begin{align*}\nf(x) &= (x+1)^2 \\\\\n&= x^2 + 2x + 1\n\\end{align*}"),
      spec("delimiter", "prices", "Lunch was $5 and dinner $12, so $\\Delta = 7$."),
      spec("delimiter", "escaped dollar", "The fee is \\$3 per call; see $c_{\\text{call}}$."),
      spec("delimiter", "code span", "Type `$x$` to get $x$."),
      spec("mangling", "less-than and ampersand", "If $0<x<y$ and $y>z$, then $p \\& q$."),
      spec("delimiter", "no spaces (CJK)", "设$x_i$为第$i$个样本，则$\\bar{x}=\\frac{1}{n}\\sum_i x_i$。"),
      spec("mangling", "brackets like a link", "$[\\phi](x) = [\\psi](x)$"),
      spec("mangling", "pipes in a table", "| quantity | value |\n|---|---|\n| $|v|$ | $P(A|B)$ |"),
      spec("security", "script injection", "Bad <img src=x onerror=\"alert(1)\"> and $<img src=y onerror=alert(2)>$"),
      spec("mangling", "block quote", "> Energy:\n> $$\n> E_k = \\tfrac{1}{2} m v^2\n> $$"));

  private static Case spec(String category, String name, String markdown) { return new Case(SPEC, category, name, markdown, null); }

  /** The hand-written cases, read from {@code hand-cases.json} beside this class. */
  @SuppressWarnings("unchecked")
  public static List<Case> handCases() {
    try (InputStream in = ManglingCases.class.getResourceAsStream("hand-cases.json")) {
      if (in == null) throw new IllegalStateException("hand-cases.json missing from the classpath");
      Map<String, Object> json = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<Case> out = new ArrayList<>();
      for (Object o : (List<Object>) json.get("cases")) {
        Map<String, Object> c = (Map<String, Object>) o;
        out.add(new Case(HAND, (String) c.get("category"), (String) c.get("name"), (String) c.get("markdown"),
            ((List<Object>) c.get("tex")).stream().map(String.class::cast).toList()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read hand-cases.json: " + e.getMessage(), e);
    }
  }

  /** An event-handler attribute inside a tag (text that merely mentions one is harmless). */
  private static final Pattern HANDLER = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

  private static final Pattern WRAPPER = Pattern.compile(
      "class=\"math math-(inline|display) notranslate\" translate=\"no\">(.*?)</(span|div)>", Pattern.DOTALL);

  /** A live script in HTML: a script element or a javascript: URL (the event handlers are {@link #HANDLER}). */
  private static final Pattern SCRIPT = Pattern.compile("<script|(href|src)\\s*=\\s*\"?\\s*javascript:", Pattern.CASE_INSENSITIVE);

  @Override
  public Result run(Settings settings, LabContext ctx) {
    List<CaseResult> out = measure(settings, ctx);
    return new Result(out, browser(out));
  }

  /** Every case through the naive pipeline and through Focus in this JVM, in order. */
  public List<CaseResult> measure(Settings settings, LabContext ctx) {
    MathMarkdown focus = MathMarkdown.create();
    Parser naiveParser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    HtmlRenderer naiveRenderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).build();
    ctx.progress().total(settings.cases().size());
    List<CaseResult> out = new ArrayList<>();
    for (Case c : settings.cases()) {
      String md = c.markdown();
      List<String> intended = c.expectedTex() != null ? c.expectedTex() : focusTex(focus.renderUnsafe(md));
      String naiveHtml = naiveRenderer.render(naiveParser.parse(md));
      List<String> naive = scanDelimiters(textOf(naiveHtml));
      String sanitized = focus.render(md);
      List<String> focusTex = focusTex(sanitized);
      boolean security = c.category().equals("security");
      boolean naiveOk = trimmed(naive).equals(trimmed(intended)) && !(security && live(naiveHtml));
      boolean focusOk = trimmed(focusTex).equals(trimmed(intended)) && !HANDLER.matcher(sanitized).find() && !(security && live(sanitized));
      out.add(new CaseResult(c.set(), c.category(), c.name(), md, c.expectedTex() != null, intended, naive, naiveHtml, focusTex,
          naiveOk, focusOk));
      ctx.progress().step(1);
    }
    return out;
  }

  /**
   * The browser fixture, checked against these cases: the same cases in the same order with the same
   * expected TeX, else it was measured on other cases and is refused (rerun focus-it's BrowserMethodsTest).
   */
  static BrowserMethods.Result browser(List<CaseResult> cases) {
    BrowserMethods.Result b = BrowserMethods.read();
    List<String> want = cases.stream().map(c -> c.set() + "/" + c.name() + " " + trimmed(c.intendedTex())).toList();
    List<String> got = b.cases().stream().map(c -> c.set() + "/" + c.name() + " " + trimmed(c.expected())).toList();
    if (!want.equals(got)) {
      throw new IllegalStateException(BrowserMethods.FIXTURE + " was measured on other cases than report 3's; regenerate it "
          + "(focus-it BrowserMethodsTest with FOCUS_REGENERATE_FIXTURES=1)");
    }
    return b;
  }

  /** Whether HTML holds an event-handler attribute, a script element or a javascript: URL. */
  static boolean live(String html) { return HANDLER.matcher(html).find() || SCRIPT.matcher(html).find(); }

  /** Formulas trimmed at both ends (a math engine ignores surrounding whitespace; the hand-written TeX is trimmed). */
  static List<String> trimmed(List<String> tex) {
    return BrowserMethods.trimmed(tex);
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

  /**
   * Text content of an HTML fragment as the math engine reads it: code and pre elements skipped
   * (MathJax's default skipHtmlTags), other tags dropped, entities decoded.
   */
  static String textOf(String html) {
    return unescape(html.replaceAll("(?s)<(code|pre)\\b[^>]*>.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", ""));
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
