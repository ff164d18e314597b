package dev.focus.web.site;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.focus.md.MathMarkdown;
import dev.focus.report.Chart;
import dev.focus.report.Report;
import dev.focus.report.ReportJson;
import dev.focus.report.ReportReader;
import dev.focus.report.ReportText;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages of the research-notebook site, as HTML strings. The server and the static writer emit
 * the same pages at the same relative paths, so every link is relative and the static copy opens
 * from disk:
 *
 * <pre>
 * index.html                 the reports as posts, newest first
 * reports/&lt;slug&gt;.html        one report: text with math, charts, downloads
 * runs/&lt;slug&gt;/&lt;file&gt;         raw data (*.json, *.csv)
 * preview.html               live Markdown + math preview (served site only)
 * assets/...                 {@link Assets}
 * </pre>
 *
 * <p>Markdown goes through focus-md's {@link MathMarkdown#render} (sanitised, math in wrappers);
 * metadata strings are escaped here; chart data is inlined as a JSON script element, never fetched.
 * Pages carry no inline script or style, so the {@link #CSP} can forbid both.
 */
public final class SitePages {
  /** Whether pages are served (with the live preview) or written as static files. */
  public enum Mode { SERVED, STATIC }

  /**
   * The Content-Security-Policy of every page: only this origin's scripts, fonts, images and
   * connections. Styles allow {@code 'unsafe-inline'} because MathJax's CHTML output inserts its
   * stylesheet and per-glyph style attributes at run time; no script may be inline.
   */
  public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  /** The site's name in page titles and the header. */
  public static final String SITE_NAME = "Focus research notebook";

  private static final Pattern CHART_TOKEN = Pattern.compile("<p>FOCUSCHART(\\d+)PLACEHOLDER</p>\\n?");

  private final Mode mode;
  private final UnaryOperator<String> markdown;

  /** Pages rendered with focus-md's {@link MathMarkdown}. */
  public SitePages(Mode mode) {
    this(mode, MathMarkdown.create()::render);
  }

  /** Pages with another sanitising Markdown renderer (tests). */
  public SitePages(Mode mode, UnaryOperator<String> markdown) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.markdown = Objects.requireNonNull(markdown, "markdown");
  }

  public Mode mode() {
    return mode;
  }

  /** Site path of a report page. */
  public static String reportPath(String slug) {
    return "reports/" + slug + ".html";
  }

  /** Site path of a run's data file. */
  public static String dataPath(String slug, String file) {
    return "runs/" + slug + "/" + file;
  }

  // ---------------------------------------------------------------------------------------------
  // index.html

  public String index(ReportReader.Scan scan) {
    StringBuilder b = new StringBuilder();
    head(b, SITE_NAME, "", false, false);
    b.append("<main class=\"index\">\n<h1>Research notebook</h1>\n")
        .append("<p class=\"lede\">Experiments that put Su Jianlin's notes to the test, newest first.</p>\n");
    if (scan.reports().isEmpty()) {
      b.append("<p class=\"empty\">No reports yet. <code>./focus lab</code> runs the experiments and writes them to <code>runs/</code>.</p>\n");
    }
    for (Report r : scan.reports()) {
      String href = reportPath(r.slug());
      b.append("<article class=\"post-summary\" data-slug=\"").append(Html.esc(r.slug())).append("\">\n");
      meta(b, r);
      b.append("<h2 class=\"post-title\"><a href=\"").append(href).append("\">").append(Html.esc(r.meta().title())).append("</a></h2>\n");
      String excerpt = r.excerptMarkdown();
      if (!excerpt.isBlank()) {
        b.append("<div class=\"md-root excerpt\">").append(markdown.apply(excerpt)).append("</div>\n");
      }
      b.append("<p><a class=\"read-more\" href=\"").append(href).append("\">Read more \u2192</a></p>\n</article>\n");
    }
    if (!scan.problems().isEmpty()) {
      b.append("<details class=\"problems\"><summary>").append(scan.problems().size())
          .append(scan.problems().size() == 1 ? " run could not be read" : " runs could not be read").append("</summary><ul>\n");
      for (String p : scan.problems()) b.append("<li>").append(Html.esc(p)).append("</li>\n");
      b.append("</ul></details>\n");
    }
    b.append("</main>\n");
    foot(b);
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // reports/<slug>.html

  public String report(Report r) {
    StringBuilder b = new StringBuilder();
    boolean hasCharts = !r.meta().charts().isEmpty();
    head(b, r.meta().title() + " \u2014 " + SITE_NAME, "../", hasCharts, false);
    b.append("<main class=\"report\">\n<article class=\"post\" data-slug=\"").append(Html.esc(r.slug())).append("\">\n");
    b.append("<p class=\"back\"><a href=\"../index.html\">\u2190 All reports</a></p>\n");
    meta(b, r);
    if (r.markdownTitle().isEmpty()) b.append("<h1>").append(Html.esc(r.meta().title())).append("</h1>\n");
    Set<String> placed = new LinkedHashSet<>();
    b.append("<div class=\"md-root post-body\">\n").append(body(r, placed)).append("</div>\n");
    List<Chart> rest = new ArrayList<>();
    for (Chart c : r.meta().charts()) if (!placed.contains(c.id())) rest.add(c);
    if (!rest.isEmpty()) {
      b.append("<section class=\"more-charts\">\n<h2>Charts</h2>\n");
      for (Chart c : rest) figure(b, c);
      b.append("</section>\n");
    }
    if (!r.data().isEmpty()) {
      b.append("<section class=\"downloads\">\n<h2>Raw data</h2>\n<ul>\n");
      for (Report.DataInfo d : r.data()) {
        b.append("<li><a href=\"../").append(dataPath(r.slug(), d.name())).append("\" download=\"").append(Html.esc(d.name()))
            .append("\">").append(Html.esc(d.name())).append("</a> <span class=\"size\">").append(Html.size(d.size()))
            .append("</span></li>\n");
      }
      b.append("</ul>\n</section>\n");
    }
    b.append("</article>\n</main>\n");
    if (hasCharts) {
      String json;
      try {
        json = ReportJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(r.meta().charts());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("charts of " + r.slug() + " do not serialise", e);
      }
      b.append("<script type=\"application/json\" id=\"focus-charts\">").append(Html.scriptJson(json)).append("</script>\n");
    }
    foot(b);
    return b.toString();
  }

  /**
   * The report text as HTML with charts in place: each placeholder line becomes a token paragraph
   * before rendering (so no renderer detail can break it) and a figure after.
   */
  private String body(Report r, Set<String> placed) {
    List<String> ids = new ArrayList<>();
    StringBuilder src = new StringBuilder();
    boolean inFence = false;
    String fence = "";
    for (String line : r.markdown().split("\n", -1)) {
      String t = line.stripLeading();
      if (!inFence && (t.startsWith("```") || t.startsWith("~~~")) && line.length() - t.length() < 4) {
        inFence = true;
        fence = t.substring(0, 3);
      } else if (inFence && t.startsWith(fence)) {
        inFence = false;
      }
      Matcher m = ReportText.PLACEHOLDER.matcher(line);
      if (!inFence && m.matches()) {
        src.append("\nFOCUSCHART").append(ids.size()).append("PLACEHOLDER\n\n");
        ids.add(m.group(1));
      } else {
        src.append(line).append('\n');
      }
    }
    String html = markdown.apply(src.toString());
    Matcher m = CHART_TOKEN.matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      StringBuilder fig = new StringBuilder();
      if (i < ids.size()) {
        String id = ids.get(i);
        var chart = r.meta().chart(id);
        if (chart.isPresent() && placed.add(id)) {
          figure(fig, chart.get());
        } else if (chart.isEmpty()) {
          fig.append("<p class=\"chart-missing\">Chart \u2018").append(Html.esc(id)).append("\u2019 is not in meta.json.</p>\n");
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(fig.toString()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void figure(StringBuilder b, Chart c) {
    b.append("<figure class=\"chart chart-").append(c.kind().json()).append("\" id=\"chart-").append(c.id()).append("\">\n")
        .append("<div class=\"chart-canvas\" data-chart=\"").append(c.id()).append("\" role=\"img\" aria-label=\"")
        .append(Html.esc(c.title().isEmpty() ? c.id() : c.title())).append("\"></div>\n");
    if (!c.title().isEmpty()) b.append("<figcaption>").append(Html.esc(c.title())).append("</figcaption>\n");
    b.append("</figure>\n");
  }

  private static void meta(StringBuilder b, Report r) {
    Verdict v = r.meta().verdict();
    b.append("<p class=\"post-meta\"><time datetime=\"").append(Html.esc(r.meta().instant().toString())).append("\">")
        .append(r.meta().day()).append("</time> <span class=\"verdict verdict-")
        .append(v == Verdict.NOT_APPLICABLE ? "na" : v.json()).append("\" title=\"Verdict on the note's claim\">")
        .append(Html.esc(v.label())).append("</span>");
    for (String t : r.meta().tags()) b.append(" <span class=\"tag\">").append(Html.esc(t)).append("</span>");
    b.append("</p>\n");
  }

  // ---------------------------------------------------------------------------------------------
  // preview.html

  /** The live preview: type Markdown with math, see it rendered (marked + focus-md's extension + MathJax). */
  public String preview() {
    StringBuilder b = new StringBuilder();
    head(b, "Preview \u2014 " + SITE_NAME, "", false, true);
    b.append("<main class=\"preview\">\n<h1>Live preview</h1>\n")
        .append("<p class=\"lede\">Markdown with math, rendered as you type: marked with Focus's math extension, ")
        .append("sanitised by DOMPurify, typeset by MathJax. <label><input type=\"checkbox\" id=\"preview-server\"> ")
        .append("render with the Java renderer instead</label></p>\n")
        .append("<div class=\"preview-panes\">\n")
        .append("<textarea id=\"preview-input\" spellcheck=\"false\" aria-label=\"Markdown\">")
        .append(Html.esc(PREVIEW_SAMPLE)).append("</textarea>\n")
        .append("<div id=\"preview-output\" class=\"md-root post-body\" aria-live=\"polite\"></div>\n")
        .append("</div>\n<p id=\"preview-status\" class=\"status\"></p>\n</main>\n");
    foot(b);
    return b.toString();
  }

  static final String PREVIEW_SAMPLE = """
      # Attention, in one line

      For queries $Q$, keys $K$ and values $V$ with head size $d$:

      $$
      \\operatorname{Attention}(Q,K,V) = \\operatorname{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d}}\\right)V
      $$

      Linear attention replaces $\\exp(q\\cdot k)$ by $\\phi(q)\\cdot\\phi(k)$, so $0<x<1$ stays text-safe.
      """;

  // ---------------------------------------------------------------------------------------------
  // 404

  public String notFound(String base) {
    StringBuilder b = new StringBuilder();
    head(b, "Not found \u2014 " + SITE_NAME, base, false, false);
    b.append("<main><h1>Not found</h1><p>There is no such page. <a href=\"").append(base)
        .append("index.html\">All reports</a></p></main>\n");
    foot(b);
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // layout

  private void head(StringBuilder b, String title, String base, boolean charts, boolean preview) {
    b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (mode == Mode.STATIC) {
      b.append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(Html.esc(CSP.replace("; frame-ancestors 'none'", "")))
          .append("\">\n");
    }
    b.append("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .append("<link rel=\"icon\" href=\"data:,\">\n")
        .append("<title>").append(Html.esc(title)).append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"").append(base).append("assets/site/site.css\">\n")
        .append("<script src=\"").append(base).append("assets/site/config.js\"></script>\n")
        .append("<script defer src=\"").append(base).append("assets/mathjax/tex-chtml.js\"></script>\n");
    if (charts) b.append("<script defer src=\"").append(base).append("assets/echarts/echarts.min.js\"></script>\n");
    b.append("<script defer src=\"").append(base).append("assets/site/site.js\"></script>\n");
    if (preview) {
      b.append("<script defer src=\"").append(base).append("assets/dompurify/purify.min.js\"></script>\n")
          .append("<script type=\"module\" src=\"").append(base).append("assets/site/preview.js\"></script>\n");
    }
    b.append("</head>\n<body>\n<header class=\"site\"><a class=\"brand\" href=\"").append(base).append("index.html\">")
        .append(Html.esc(SITE_NAME)).append("</a><nav><a href=\"").append(base).append("index.html\">Reports</a>");
    if (mode == Mode.SERVED) b.append("<a href=\"").append(base).append("preview.html\">Preview</a>");
    b.append("</nav></header>\n");
  }

  private static void foot(StringBuilder b) {
    b.append("<footer class=\"site\">Written by Focus. Math by MathJax ").append(Assets.MATHJAX_VERSION)
        .append(", charts by ECharts ").append(Assets.ECHARTS_VERSION).append(", served locally.</footer>\n</body>\n</html>\n");
  }
}
