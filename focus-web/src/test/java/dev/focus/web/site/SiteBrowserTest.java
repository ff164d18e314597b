package dev.focus.web.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.report.ReportReader;
import dev.focus.web.Browser;
import dev.focus.web.SampleRuns;
import dev.focus.web.server.SiteServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The site in headless Chromium: served over HTTP and opened from disk. One browser for the class.
 * Each page is checked for typeset math (every wrapper holds exactly one mjx-container, no MathJax
 * error), no CSP violation, no script error, and no request that left the site.
 */
class SiteBrowserTest {
  @TempDir static Path tmp;
  static SiteServer server;
  static Browser browser;
  static String origin;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    Path runs = tmp.resolve("runs");
    SampleRuns.write(runs);
    server = SiteServer.start("127.0.0.1", 0, runs);
    origin = server.uri().toString();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
    if (browser != null) browser.close();
  }

  void open(String url) {
    browser.severeLogs();
    browser.driver.get(url);
    browser.awaitTypeset();
  }

  /** Every math wrapper of the page holds one MathJax container; no errors; nothing typeset outside. */
  @SuppressWarnings("unchecked")
  Map<String, Object> mathState() {
    return mathState(false);
  }

  /**
   * With {@code payloadTyped}, CSP reports of DOMPurify itself are left out: Chromium reports the
   * event-handler attributes of a payload while DOMPurify parses it in its inert document (and
   * blocks them there too); the sanitised output never carries them, as the test checks separately.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> mathState(boolean payloadTyped) {
    return (Map<String, Object>) browser.js("""
        const w = Array.from(document.querySelectorAll('.math-inline, .math-display'));
        const all = document.querySelectorAll('mjx-container');
        return {
          wrappers: w.length,
          good: w.filter(e => e.querySelectorAll(':scope > mjx-container').length === 1).length,
          outside: Array.from(all).filter(c => !c.parentElement.closest('.math-inline, .math-display')).length,
          errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
          translate: w.filter(e => e.getAttribute('translate') === 'no' && e.classList.contains('notranslate')).length,
          scriptErrors: (window.__focusErrors || []).join(' | '),
          csp: (window.__focusCsp || []).filter(v => !arguments[0] || !/^script-src-attr inline \\S+\\/assets\\/dompurify\\/purify\\.min\\.js:\\d+ *$/.test(v)).join(' | ')
        };""", payloadTyped);
  }

  void assertCleanMath(String page, int atLeast) {
    assertCleanMath(page, atLeast, false);
  }

  void assertCleanMath(String page, int atLeast, boolean payloadTyped) {
    Map<String, Object> s = mathState(payloadTyped);
    long wrappers = (Long) s.get("wrappers");
    assertTrue(wrappers >= atLeast, page + ": expected at least " + atLeast + " formulas, got " + s);
    assertEquals(wrappers, s.get("good"), page + ": " + s);
    assertEquals(wrappers, s.get("translate"), page + ": " + s);
    assertEquals(0L, s.get("outside"), page + ": " + s);
    assertEquals(0L, s.get("errors"), page + ": " + s);
    assertEquals("", s.get("scriptErrors"), page + ": " + s);
    assertEquals("", s.get("csp"), page + ": " + s);
    // The hostile samples' images (src x, y, z, q) may 404; anything else is a real failure.
    assertEquals(List.of(), browser.severeLogs().stream().filter(m -> !m.matches("\\S+/[xyzq] - Failed to load resource.*"))
            .filter(m -> !(payloadTyped && m.matches("\\S+/assets/dompurify/purify\\.min\\.js \\d+ Executing inline event handler.*"))).toList(),
        page + ": failed loads or script errors");
  }

  @Test
  void indexListsTheReportsNewestFirstAndLinksToThem() {
    open(origin);
    List<String> slugs = browser.driver.findElements(By.cssSelector("article.post-summary")).stream()
        .map(e -> e.getAttribute("data-slug")).toList();
    assertEquals(SampleRuns.NEWEST_FIRST, slugs);
    assertCleanMath("index", 2);
    assertEquals(List.of(), browser.resourcesNotUnder(origin));

    WebElement post = browser.driver.findElement(By.cssSelector("article.post-summary[data-slug='attention-entropy']"));
    post.findElement(By.cssSelector("a.read-more")).click();
    browser.awaitTypeset();
    assertEquals(origin + "reports/attention-entropy.html", browser.driver.getCurrentUrl());
    assertEquals("Does attention entropy grow with length?", browser.driver.findElement(By.tagName("h1")).getText());
  }

  @Test
  void reportPageTypesetsEveryFormulaAndDrawsEveryChart() throws Exception {
    open(origin + "reports/attention-entropy.html");
    assertCleanMath("attention-entropy", SampleRuns.ENTROPY_FORMULAS);
    // MathJax typeset exactly the TeX the server put in the wrappers, in order.
    List<String> served = new ArrayList<>();
    Matcher m = WRAPPER.matcher(new SitePages(SitePages.Mode.SERVED).report(ReportReader.read(server.runsDir(), "attention-entropy")));
    while (m.find()) served.add(unescape(m.group(1)));
    assertEquals(served, browser.js("return MathJax.startup.document.getMathItemsWithin(document.body).map(m => m.math)"));
    browser.waitFor(20).until(d -> Boolean.TRUE.equals(browser.js(
        "return Array.from(document.querySelectorAll('.chart-canvas')).every(c => c.dataset.rendered && c.querySelector('canvas, svg'))")));
    assertEquals(2L, browser.js("return document.querySelectorAll('.chart-canvas canvas, .chart-canvas svg').length > 0 ? "
        + "document.querySelectorAll('.chart-canvas[data-rendered]').length : 0"));
    assertEquals("heatmap", browser.driver.findElement(By.cssSelector("[data-chart='attn']")).getAttribute("data-rendered"));
    assertEquals(List.of(), browser.resourcesNotUnder(origin));

    open(origin + "reports/position-bias.html");
    assertCleanMath("position-bias", 4);
    browser.waitFor(20).until(d -> Boolean.TRUE.equals(browser.js(
        "return document.querySelectorAll('.chart-canvas[data-rendered] canvas').length === 2")));
  }

  /** A math wrapper; group 1 is its TeX without delimiters (environments keep \\begin...\\end, as MathJax reports them). */
  static final Pattern WRAPPER = Pattern.compile(
      "<(?:span|div) class=\"math math-(?:inline|display) notranslate\" translate=\"no\">(?:\\\\[(\\[])?(.*?)(?:\\\\[)\\]])?</(?:span|div)>",
      Pattern.DOTALL);

  /** HTML text to characters: the named entities a sanitiser emits, and numeric ones. */
  static String unescape(String html) {
    Matcher m = Pattern.compile("&(?:#(\\d+)|#[xX]([0-9a-fA-F]+)|(lt|gt|quot|amp|apos));").matcher(html);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String ch;
      if (m.group(1) != null) ch = Character.toString(Integer.parseInt(m.group(1)));
      else if (m.group(2) != null) ch = Character.toString(Integer.parseInt(m.group(2), 16));
      else ch = switch (m.group(3)) { case "lt" -> "<"; case "gt" -> ">"; case "quot" -> "\""; case "amp" -> "&"; default -> "'"; };
      m.appendReplacement(sb, Matcher.quoteReplacement(ch));
    }
    return m.appendTail(sb).toString();
  }

  @Test
  void hostileReportRunsNoScript() {
    open(origin + "reports/hostile-input.html");
    assertHarmless("served");
  }

  void assertHarmless(String where) {
    browser.waitFor(20).until(d -> Boolean.TRUE.equals(browser.js(
        "return document.querySelectorAll('.chart-canvas[data-rendered]').length === 1")));
    assertNull(browser.js("return window.__pwned === undefined ? null : String(window.__pwned)"), where);
    assertTrue(browser.driver.getTitle().startsWith("<script>window.__pwned='title'</script>"), browser.driver.getTitle());
    assertEquals(0L, browser.js("return document.querySelectorAll('.md-root script, .md-root iframe, .md-root svg[onload], "
        + "[onerror], [onload], a[href^=\"javascript:\"]').length"), where);
    assertEquals("", String.valueOf(browser.js("return (window.__focusCsp || []).join(' | ')")), where);
    Map<String, Object> s = mathState();
    assertEquals(s.get("wrappers"), s.get("good"), where + ": " + s);
  }

  @Test
  void livePreviewTypesetsMathAsItIsTyped() throws Exception {
    open(origin + "preview.html");
    WebElement input = browser.driver.findElement(By.id("preview-input"));
    browser.waitFor(30).until(d -> browser.js("return document.getElementById('preview-output').getAttribute('data-generation')") != null);
    input.clear();
    input.sendKeys("Euler: $e^{i\\pi} + 1 = 0$ and <img src=x onerror=\"window.__pwned='preview'\">");
    browser.waitFor(30).until(d -> Boolean.TRUE.equals(browser.js("""
        const o = document.getElementById('preview-output');
        const w = o.querySelectorAll('.math-inline');
        return o.textContent.startsWith('Euler:') && w.length === 1 && w[0].querySelectorAll('mjx-container').length === 1
            && !o.classList.contains('notranslate');""")));
    assertEquals(List.of("e^{i\\pi} + 1 = 0"), browser.js(
        "return MathJax.startup.document.getMathItemsWithin(document.getElementById('preview-output')).map(m => m.math)"));
    assertEquals(0L, browser.js("return document.querySelectorAll('#preview-output img[onerror]').length"));

    // The same text through the Java renderer (POST api/render) gives the same formula.
    long before = Long.parseLong(String.valueOf(browser.js("return document.getElementById('preview-output').dataset.generation")));
    browser.driver.findElement(By.id("preview-server")).click();
    browser.waitFor(30).until(d -> Boolean.TRUE.equals(browser.js("""
        const o = document.getElementById('preview-output');
        return Number(o.dataset.generation) > arguments[0] && o.querySelectorAll('.math-inline mjx-container').length === 1;""", before)));
    assertEquals(List.of("e^{i\\pi} + 1 = 0"), browser.js(
        "return MathJax.startup.document.getMathItemsWithin(document.getElementById('preview-output')).map(m => m.math)"));
    assertNull(browser.js("return window.__pwned === undefined ? null : String(window.__pwned)"));
    assertCleanMath("preview", 1, true);
    assertEquals(List.of(), browser.resourcesNotUnder(origin));
  }

  @Test
  void staticSiteWorksFromDisk() throws Exception {
    Path out = tmp.resolve("site");
    StaticSite.write(server.runsDir(), out);
    String index = out.resolve("index.html").toUri().toString();
    open(index);
    List<String> slugs = browser.driver.findElements(By.cssSelector("article.post-summary")).stream()
        .map(e -> e.getAttribute("data-slug")).toList();
    assertEquals(SampleRuns.NEWEST_FIRST, slugs);
    browser.driver.findElement(By.cssSelector("article.post-summary[data-slug='attention-entropy'] a.read-more")).click();
    browser.awaitTypeset();
    assertTrue(browser.driver.getCurrentUrl().endsWith("/reports/attention-entropy.html"), browser.driver.getCurrentUrl());
    assertCleanMath("static attention-entropy", SampleRuns.ENTROPY_FORMULAS);
    browser.waitFor(20).until(d -> Boolean.TRUE.equals(browser.js(
        "return document.querySelectorAll('.chart-canvas[data-rendered] canvas').length === 2")));
    assertEquals(List.of(), browser.resourcesNotUnder(out.toUri().toString()));

    open(out.resolve("reports/hostile-input.html").toUri().toString());
    assertHarmless("static");
  }
}
