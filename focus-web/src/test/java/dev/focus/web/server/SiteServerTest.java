package dev.focus.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.web.SampleRuns;
import dev.focus.web.site.SitePages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server over real HTTP on a free port: pages, downloads, assets, and what it refuses. */
class SiteServerTest {
  @TempDir static Path tmp;
  static SiteServer server;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Path runs = tmp.resolve("runs");
    SampleRuns.write(runs);
    Files.writeString(tmp.resolve("secret.csv"), "secret");
    Files.createSymbolicLink(runs.resolve("attention-entropy/leak.csv"), tmp.resolve("secret.csv"));
    server = SiteServer.start("127.0.0.1", 0, runs);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a request line byte for byte (no client-side normalisation) and returns the status code. */
  static int rawStatus(String target, String host) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      Matcher m = Pattern.compile("HTTP/1\\.[01] (\\d{3})").matcher(status);
      assertTrue(m.find(), "no status line: " + status);
      return Integer.parseInt(m.group(1));
    }
  }

  @Test
  void portZeroPicksAFreePortAndTheUrlNamesIt() {
    assertTrue(server.port() > 0);
    assertEquals("http://127.0.0.1:" + server.port() + "/", server.uri().toString());
  }

  @Test
  void indexListsReportsNewestFirstWithExcerptsAndLinks() throws Exception {
    HttpResponse<String> r = get("/");
    assertEquals(200, r.statusCode());
    assertEquals("text/html;charset=utf-8", r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
    String body = r.body();
    int last = -1;
    for (String slug : SampleRuns.NEWEST_FIRST) {
      int at = body.indexOf("href=\"reports/" + slug + ".html\"");
      assertTrue(at > last, slug + " out of order or missing");
      last = at;
    }
    assertTrue(body.contains("Read more"));
    assertTrue(body.contains("verdict-agrees") && body.contains("verdict-partly") && body.contains("verdict-contradicts"));
    assertEquals(body, get("/index.html").body());
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/reports/attention-entropy.html"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertEquals("", r.body());
    assertEquals(404, http.send(HttpRequest.newBuilder(server.uri().resolve("/reports/nope.html"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    for (String path : List.of("/", "/reports/attention-entropy.html", "/assets/site/site.js", "/nope", "/runs/attention-entropy/loss.csv")) {
      HttpResponse<String> r = get(path);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals(SitePages.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), path);
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), path);
    }
  }

  @Test
  void reportPageInlinesChartDataAndLinksDownloads() throws Exception {
    HttpResponse<String> r = get("/reports/attention-entropy.html");
    assertEquals(200, r.statusCode());
    String body = r.body();
    assertTrue(body.contains("<script type=\"application/json\" id=\"focus-charts\">"));
    assertTrue(body.contains("data-chart=\"loss\"") && body.contains("data-chart=\"attn\""));
    assertTrue(body.contains("href=\"../runs/attention-entropy/loss.csv\" download=\"loss.csv\""));
    assertFalse(body.contains("leak.csv"), "a symbolic link must not be offered");
    assertFalse(body.contains("http://") || body.contains("https://"), "no absolute URLs in a page");
  }

  @Test
  void downloadsHaveTheirTypesAndContent() throws Exception {
    HttpResponse<String> csv = get("/runs/attention-entropy/loss.csv");
    assertEquals(200, csv.statusCode());
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
    assertTrue(csv.body().startsWith("step,softmax,linear\r\n1,"));
    HttpResponse<String> json = get("/runs/attention-entropy/attention.json");
    assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
    assertTrue(json.body().trim().startsWith("[ [ 1.0"));
  }

  @Test
  void assetsAreServedWithTheirTypes() throws Exception {
    assertTrue(get("/assets/mathjax/tex-chtml.js").headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertEquals("font/woff", get("/assets/mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff")
        .headers().firstValue("Content-Type").orElse(""));
    assertTrue(get("/assets/site/site.css").headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    assertEquals(200, get("/assets/echarts/echarts.min.js").statusCode());
    assertEquals(200, get("/assets/focus-md/focus-math.js").statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/runs/../../etc/passwd", "/runs/%2e%2e/%2e%2e/etc/passwd", "/runs/attention-entropy/%2e%2e%2fmeta.json",
      "/assets/../../../../etc/passwd", "/assets/site/../../../dev/focus/web/site/Assets.class", "/assets/%2e%2e/x.js",
      "/assets//etc/passwd", "/reports/..%2f..%2fetc%2fpasswd.html", "/runs/attention-entropy/leak.csv",
      "/runs/attention-entropy/meta.json", "/runs/attention-entropy/report.md", "/runs/Bad/loss.csv",
      "/reports/Bad-Name.html", "/reports/a b.html", "/reports/missing.html", "/runs//etc/passwd",
      "/assets/META-INF/MANIFEST.MF", "/assets/site/", "/assets/mathjax", "/runs/attention-entropy/..",
      "/etc/passwd", "/assets/site/..%5c..%5cAssets.class", "/assets/site/.%2e/x.js"})
  void pathsOutsideTheRootsAreRefused(String target) throws Exception {
    int status = rawStatus(target, "127.0.0.1:" + server.port());
    assertTrue(status == 400 || status == 404, target + " gave " + status);
  }

  @Test
  void absoluteFormRequestTargetsAreRefused() throws Exception {
    int status = rawStatus("file:///etc/passwd", "127.0.0.1");
    assertTrue(status == 400 || status == 404, "gave " + status);
  }

  @Test
  void foreignHostHeadersAreRefusedOnLoopback() throws Exception {
    assertEquals(403, rawStatus("/", "evil.example:" + server.port()));
    assertEquals(200, rawStatus("/", "localhost:" + server.port()));
  }

  @Test
  void renderEndpointRendersAndSanitises() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/render"))
        .POST(HttpRequest.BodyPublishers.ofString("**hi** <img src=x onerror=alert(1)>")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("<strong>hi</strong>"), r.body());
    assertFalse(r.body().contains("onerror"), r.body());
  }

  @Test
  void renderBodiesOverOneMebibyteGet413() throws Exception {
    byte[] big = new byte[SiteServer.MAX_RENDER_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/render"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(413, r.statusCode());
    HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/render"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, chunked.statusCode());
  }

  @Test
  void badPortsAreRejectedWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SiteServer.start("127.0.0.1", 70000, tmp));
    assertTrue(e.getMessage().contains("70000"));
    assertThrows(IllegalArgumentException.class, () -> SiteServer.start("127.0.0.1", -1, tmp));
  }

  @Test
  void loopbackIsRecognised() {
    assertTrue(SiteServer.isLoopback("127.0.0.1"));
    assertTrue(SiteServer.isLoopback("localhost"));
    assertTrue(SiteServer.isLoopback("::1"));
    assertFalse(SiteServer.isLoopback("0.0.0.0"));
  }

  @Test
  void newRunsAppearWithoutARestart() throws Exception {
    assertFalse(get("/").body().contains("late-run"));
    new dev.focus.report.ReportWriter(server.runsDir()).write("late-run",
        dev.focus.report.ReportMeta.of("Late", "", dev.focus.report.Verdict.NOT_APPLICABLE, List.of()), "# Late\n", List.of());
    assertTrue(get("/").body().contains("reports/late-run.html"));
    assertEquals(200, get("/reports/late-run.html").statusCode());
  }

}
