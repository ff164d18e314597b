package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.web.report.Chart;
import dev.focus.web.report.ReportMeta;
import dev.focus.web.report.ReportWriter;
import dev.focus.web.report.Series;
import dev.focus.web.report.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code focus serve} and {@code focus site} through picocli, as a user runs them. */
class SiteCommandsTest {
  @TempDir static Path tmp;
  static Path runs;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void runs() throws Exception {
    runs = tmp.resolve("runs");
    new ReportWriter(runs).write("demo", new ReportMeta("Demo report", "2026-11-28", "Sum $\\sum_i x_i$.", Verdict.AGREES,
        List.of("demo"), List.of(Chart.line("c", "C", "x", "y", Series.of("s", new double[] {1, 2}, new double[] {3, 4})))),
        "# Demo report\n\n{{chart:c}}\n", List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "99999"})
  void serveRejectsBadPortsInOneLine(String port) {
    Run r = run("serve", "--port", port, "--runs", runs.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(port), r.err());
  }

  @Test
  void serveRejectsANonNumericPort() {
    Run r = run("serve", "--port", "http");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("focus: "), r.err());
  }

  @Test
  void servePrintsItsUrlAndServesTheRuns() throws Exception {
    ServeCommand cmd = new ServeCommand();
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = new CommandLine(cmd);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    Thread t = new Thread(() -> cl.execute("--port", "0", "--runs", runs.toString()));
    t.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!out.toString().contains("\n") && System.nanoTime() < deadline) Thread.sleep(20);
      Matcher m = Pattern.compile("^Serving 1 report from .* at (http://127\\.0\\.0\\.1:\\d+/)$", Pattern.MULTILINE).matcher(out.toString());
      assertTrue(m.find(), out + " / " + err);
      assertEquals("", err.toString());
      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(m.group(1) + "reports/demo.html")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<h1"), page.body());
    } finally {
      cmd.stop.countDown();
      t.join(10_000);
    }
  }

  @Test
  void serveWarnsWhenNotOnLoopback() throws Exception {
    ServeCommand cmd = new ServeCommand();
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = new CommandLine(cmd);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    Thread t = new Thread(() -> cl.execute("--port", "0", "--host", "0.0.0.0", "--runs", runs.toString()));
    t.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!out.toString().contains("\n") && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(err.toString().contains("warning: listening on 0.0.0.0, which is not loopback"), err.toString());
    } finally {
      cmd.stop.countDown();
      t.join(10_000);
    }
  }

  @Test
  void siteWritesAStaticCopyAndReplacesItsOwnOutput() throws Exception {
    Path out = tmp.resolve("site");
    Run r = run("site", "--out", out.toString(), "--runs", runs.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Wrote 1 report ("), r.out());
    assertTrue(r.out().strip().endsWith(out.resolve("index.html").toUri().toString()), r.out());
    assertTrue(Files.readString(out.resolve("reports/demo.html")).contains("id=\"focus-charts\""));
    assertEquals(0, run("site", "--out", out.toString(), "--runs", runs.toString()).code());
  }

  @Test
  void siteRefusesAForeignDirectoryAndMissingRuns() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    Run r = run("site", "--out", foreign.toString(), "--runs", runs.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Run missing = run("site", "--out", tmp.resolve("x").toString(), "--runs", tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("is not a directory"), missing.err());
  }
}
