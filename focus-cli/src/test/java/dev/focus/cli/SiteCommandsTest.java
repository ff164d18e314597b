package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.report.Chart;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportWriter;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import dev.focus.web.server.ServerLimits;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

  @ParameterizedTest
  @ValueSource(strings = {"--max-renders=0", "--max-renders=5000", "--body-timeout=0", "--body-timeout=3601", "--idle-timeout=-1"})
  void serveRejectsUnboundedLimitsInOneLine(String option) {
    Run r = run("serve", "--port", "0", "--runs", runs.toString(), option);
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(option.replace('=', ' ') + " is not in 1.."), r.err());
  }

  @Test
  void serveLimitsComeFromItsOptions() {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs("--max-renders", "3", "--body-timeout", "7", "--idle-timeout", "2");
    assertEquals(ServerLimits.defaults().withRenders(3).withReadMillis(7_000).withIdleMillis(2_000), cmd.limits());
    ServeCommand plain = new ServeCommand();
    new CommandLine(plain).parseArgs();
    assertEquals(ServerLimits.defaults(), plain.limits());
  }

  @Test
  void aBodySlowerThanBodyTimeoutGets408() throws Exception {
    ServeCommand cmd = new ServeCommand();
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(cmd);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    Thread t = new Thread(() -> cl.execute("--port", "0", "--runs", runs.toString(), "--body-timeout", "2"));
    t.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!out.toString().contains("\n") && System.nanoTime() < deadline) Thread.sleep(20);
      URI uri = cmd.server.uri();
      try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
        s.setSoTimeout(20_000);
        OutputStream o = s.getOutputStream();
        o.write(("POST /api/render HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nContent-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        InputStream in = s.getInputStream();
        // a byte every 250 ms (never idle, but the whole body would take 250 s) until the server answers
        for (int tick = 0; tick < 400 && in.available() == 0; tick++) {
          if (tick % 5 == 0) {
            o.write('x');
            o.flush();
          }
          Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // 408 closes the connection
        assertTrue(answer.startsWith("HTTP/1.1 408") && answer.contains("not received within 2 s"), answer);
        assertTrue(seconds < 9, "408 after " + seconds + " s"); // the default would be 10 s
      }
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
