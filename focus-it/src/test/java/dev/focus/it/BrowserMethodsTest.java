package dev.focus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.focus.checkpoint.Json;
import dev.focus.lab.markdown.BrowserMethods;
import dev.focus.lab.markdown.ManglingCases;
import dev.focus.lab.markdown.MarkdownMathExperiment;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.md.MathMarkdown;
import dev.focus.web.Browser;
import dev.focus.web.site.Assets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Capabilities;

/**
 * Report 3's cases in headless Chromium, one arm per method (issue 15): naive marked then MathJax 3
 * with dollar delimiters; the note's own fix, MathJax 2.7.9 first with its patches
 * ({@code note-pipeline.js}, rebuilt from spec 03 §1); Focus's Java renderer (sanitised HTML typeset
 * by the site's MathJax 3 configuration); and Focus's browser twin (marked + focus-math.js +
 * DOMPurify). Each case is intact for a method when the TeX the engine typeset equals the case's
 * expected TeX (trimmed), none of the engine's markup shows as text, and no script is live (an on*
 * attribute, a script element, a javascript: URL, or a payload that ran).
 *
 * <p>The outcomes are checked in as {@link BrowserMethods#FIXTURE}, which report 3 reads (so the lab
 * shows them without a browser); this test measures them again and compares, every field but the
 * browser's version. After a change to a case, a method or a library, rewrite the fixture and review
 * its diff: {@value #REGENERATE}.
 */
class BrowserMethodsTest {
  static final String REGENERATE = "FOCUS_REGENERATE_FIXTURES=1 mvn -B -ntp -pl focus-it -am verify "
      + "-Dtest=BrowserMethodsTest -Dsurefire.failIfNoSpecifiedTests=false";

  /** The fixture in the source tree (tests run in focus-it/). */
  static final Path FIXTURE = Path.of("../focus-lab/src/main/resources").resolve(BrowserMethods.FIXTURE);

  static final String MATHJAX3 = "META-INF/resources/webjars/mathjax/3.2.2/es5/";
  /** Unpacked by the build (pom.xml), since its webjar shares MathJax 3's coordinates. */
  static final Path MATHJAX2 = Path.of("target/mathjax2/META-INF/resources/webjars/mathjax/2.7.9");

  @TempDir Path work;

  @Test
  void everyMethodRunsEveryCaseInChromiumAndGivesTheCheckedInOutcomes() throws Exception {
    assertTrue(Files.isRegularFile(MATHJAX2.resolve("MathJax.js")), "MathJax 2 not unpacked under " + MATHJAX2.toAbsolutePath());
    ManglingCases.Result lab = new ManglingCases.Result(new ManglingCases().measure(
        new MarkdownMathExperiment().settings(Profile.QUICK, 1), new LabContext(Profile.QUICK, 1, work, null, null)));
    MathMarkdown focus = MathMarkdown.create();
    HttpServer server = serve();
    try (Browser browser = Browser.start()) {
      String origin = "http://127.0.0.1:" + server.getAddress().getPort();
      Map<String, List<Map<String, Object>>> outcomes = new LinkedHashMap<>();
      for (String method : BrowserMethods.METHODS) outcomes.put(method, new ArrayList<>());
      open(browser, origin + "/it/naive.html");
      for (ManglingCases.CaseResult c : lab.cases()) outcomes.get("naive").add(run(browser, "runCase", c.markdown()));
      open(browser, origin + "/it/note.html");
      for (ManglingCases.CaseResult c : lab.cases()) outcomes.get("note").add(run(browser, "runCase", c.markdown()));
      open(browser, origin + "/it/focus.html");
      for (ManglingCases.CaseResult c : lab.cases()) {
        outcomes.get("focus-java").add(run(browser, "runJava", focus.render(c.markdown())));
        outcomes.get("focus-twin").add(run(browser, "runTwin", c.markdown()));
      }
      Map<String, Object> measured = fixture(lab, outcomes, String.valueOf(((Capabilities) browser.driver.getCapabilities()).getBrowserVersion()));
      String text = Json.writePretty(measured);
      if ("1".equals(System.getenv("FOCUS_REGENERATE_FIXTURES"))) Files.writeString(FIXTURE, text, StandardCharsets.UTF_8);
      Map<String, Object> stored = Json.parseObject(Files.readString(FIXTURE, StandardCharsets.UTF_8));
      Map<String, Object> now = Json.parseObject(text);
      stored.remove("browser");
      now.remove("browser");
      assertEquals(Json.writePretty(stored), Json.writePretty(now), "the browser outcomes differ from " + FIXTURE + "; " + REGENERATE);
    } finally {
      server.stop(0);
    }
  }

  /** The fixture's content: versions, methods, and per case its expected TeX and each method's outcome. */
  static Map<String, Object> fixture(ManglingCases.Result lab, Map<String, List<Map<String, Object>>> outcomes, String browser) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("about", List.of("Report 3's cases in headless Chromium, one arm per method; written by focus-it's BrowserMethodsTest, "
        + "which measures them again in every build and compares (" + REGENERATE + ").",
        "intact: the TeX the engine typeset equals the expected TeX (trimmed), none of the engine's markup shows as text, and no "
            + "script is live (an on* attribute, a script element, a javascript: URL, a payload that ran)."));
    out.put("browser", "Chromium " + browser);
    out.put("mathjax2", "2.7.9");
    out.put("mathjax3", "3.2.2");
    out.put("marked", Assets.MARKED_VERSION);
    out.put("dompurify", Assets.DOMPURIFY_VERSION);
    out.put("methods", BrowserMethods.METHODS);
    List<Object> cases = new ArrayList<>();
    for (int i = 0; i < lab.cases().size(); i++) {
      ManglingCases.CaseResult c = lab.cases().get(i);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("set", c.set());
      one.put("category", c.category());
      one.put("name", c.name());
      one.put("expected", c.intendedTex());
      for (String method : BrowserMethods.METHODS) {
        Map<String, Object> o = outcomes.get(method).get(i);
        @SuppressWarnings("unchecked") List<String> tex = (List<String>) o.getOrDefault("tex", List.of());
        String problem = problem(o, BrowserMethods.trimmed(tex).equals(BrowserMethods.trimmed(c.intendedTex())));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intact", problem.isEmpty());
        m.put("tex", tex);
        m.put("problem", problem);
        one.put(method, m);
      }
      cases.add(one);
    }
    out.put("cases", cases);
    return out;
  }

  /** Why a method's outcome is not intact ("" when it is). */
  static String problem(Map<String, Object> o, boolean texEqual) {
    List<String> why = new ArrayList<>();
    if (o.get("error") != null) return "error: " + o.get("error");
    if (!texEqual) why.add("other TeX");
    if (!"".equals(o.get("leaked"))) why.add("engine markup shown as text");
    if (((Number) o.get("live")).longValue() > 0) why.add(o.get("live") + " live script(s)");
    if (!"".equals(o.get("pwned"))) why.add("payload ran (" + o.get("pwned") + ")");
    return String.join("; ", why);
  }

  static void open(Browser browser, String url) {
    browser.driver.get(url);
    browser.waitFor(60).until(d -> Boolean.TRUE.equals(browser.js("return window.methodReady === true")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> run(Browser browser, String function, String input) {
    Object r = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "window[arguments[0]](arguments[1]).then(done, (e) => done({ error: String(e) }));", function, input);
    return (Map<String, Object>) r;
  }

  /**
   * A 127.0.0.1 server for the three pages and what they load: MathJax 3 and 2, marked and DOMPurify
   * (webjars), focus-md's browser twin, the site's MathJax configuration, and this test's pages.
   */
  static HttpServer serve() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Map<String, String> roots = Map.of(
        "/mathjax3/", MATHJAX3,
        "/marked/", "META-INF/resources/webjars/marked/" + Assets.MARKED_VERSION + "/lib/",
        "/dompurify/", "META-INF/resources/webjars/dompurify/" + Assets.DOMPURIFY_VERSION + "/dist/",
        "/focus-md/", "dev/focus/md/js/",
        "/focus-web/", "dev/focus/web/assets/",
        "/it/", "dev/focus/it/markdown/");
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      byte[] body = null;
      if (path.startsWith("/mathjax2/") && !path.contains("..")) {
        Path f = MATHJAX2.resolve(path.substring("/mathjax2/".length()));
        if (Files.isRegularFile(f)) body = Files.readAllBytes(f);
      }
      for (Map.Entry<String, String> e : roots.entrySet()) {
        if (body == null && path.startsWith(e.getKey()) && !path.contains("..")) {
          try (InputStream in = BrowserMethodsTest.class.getClassLoader().getResourceAsStream(e.getValue() + path.substring(e.getKey().length()))) {
            if (in != null) body = in.readAllBytes();
          }
        }
      }
      reply(exchange, path, body);
    });
    server.start();
    return server;
  }

  private static void reply(HttpExchange exchange, String path, byte[] body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    String type = path.endsWith(".html") ? "text/html; charset=utf-8" : path.endsWith(".js") ? "text/javascript; charset=utf-8"
        : path.endsWith(".css") ? "text/css" : path.endsWith(".woff") ? "font/woff" : path.endsWith(".otf") ? "font/otf"
        : "application/octet-stream";
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
