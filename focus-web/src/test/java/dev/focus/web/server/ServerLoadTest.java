package dev.focus.web.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.web.SampleRuns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 2: the server under abuse, on loopback only, bounded in clients and time. While
 * slow-body POSTs, slow-header requests and full-size renders run, every static page must keep
 * answering within {@link #STATIC_BOUND_MS}; the abusive requests must end (408, 503, 413 or a closed
 * connection) instead of holding threads; and cross-origin renders are refused.
 */
class ServerLoadTest {
  @TempDir static Path tmp;
  static SiteServer server;
  static final ServerLimits LIMITS = new ServerLimits(2, 300, 2_000, 1_000, 2_000);
  /** Longest a static page may take while the abusers run (generous for a loaded two-core machine). */
  static final long STATIC_BOUND_MS = 5_000;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void runs() throws IOException {
    SampleRuns.write(tmp.resolve("runs"));
  }

  /** A fresh server per test, so that one test's clients never hold another's slots. */
  @BeforeEach
  void start() {
    server = SiteServer.start("127.0.0.1", 0, tmp.resolve("runs"), LIMITS);
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private static HttpResponse<String> render(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve("/api/render")).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void crossOriginRendersAreRefused() throws Exception {
    String self = "http://127.0.0.1:" + server.port();
    assertEquals(200, render("$x$", Map.of()).statusCode(), "a local tool (no Origin)");
    assertEquals(200, render("$x$", Map.of("Origin", self, "Sec-Fetch-Site", "same-origin")).statusCode(), "the preview page");
    HttpResponse<String> evil = render("$x$", Map.of("Origin", "http://evil.example"));
    assertEquals(403, evil.statusCode());
    assertTrue(evil.body().startsWith("cross-origin request refused"), evil.body());
    assertEquals(403, render("$x$", Map.of("Sec-Fetch-Site", "cross-site")).statusCode());
    assertEquals(403, render("$x$", Map.of("Origin", "http://127.0.0.1:" + (server.port() + 1))).statusCode(), "another local port");
    assertEquals(403, render("$x$", Map.of("Origin", "null")).statusCode(), "a sandboxed frame or file:// page");
  }

  /**
   * The render cap is what bounds a render's memory (slots × one 1 MiB render): with every slot held by
   * a slow body, another render waits {@code queueMillis} and gets 503 with Retry-After, its body
   * unread; once the holders leave, renders are served again.
   */
  @Test
  void rendersBeyondTheSlotsGet503AndTheSlotsComeBack() throws Exception {
    List<Socket> holders = new ArrayList<>();
    try {
      for (int i = 0; i < LIMITS.renders(); i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(("POST /api/render HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 1048576\r\n\r\n$x$").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        holders.add(s);
      }
      Thread.sleep(200); // the holders' headers are parsed and their slots taken; each waits for its body
      long t0 = System.nanoTime();
      HttpResponse<String> busy = render("$y$", Map.of());
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(503, busy.statusCode(), busy.body());
      assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
      assertTrue(busy.body().startsWith("busy: " + LIMITS.renders() + " renders are running"), busy.body());
      assertTrue(waited >= LIMITS.queueMillis() - 50, "answered 503 after " + waited + " ms, before the queue wait");
    } finally {
      for (Socket s : holders) s.close();
    }
    int status = 0;
    for (long end = System.currentTimeMillis() + 5_000; status != 200 && System.currentTimeMillis() < end; Thread.sleep(100)) {
      status = render("$z$", Map.of()).statusCode();
    }
    assertEquals(200, status, "the slots were not given back after their clients left");
  }

  @Test
  void staticPagesKeepAnsweringWhileAbusiveClientsArePresent() throws Exception {
    int slowBodies = 60, slowHeaders = 60, renderers = 4;
    List<String> pages = List.of("/", "/reports/attention-entropy.html", "/assets/site/site.js", "/preview");
    for (String page : pages) HTTP.send(HttpRequest.newBuilder(server.uri().resolve(page)).build(), HttpResponse.BodyHandlers.ofString());
    long abuseMillis = 6_000;
    long end = System.currentTimeMillis() + abuseMillis;
    ExecutorService pool = Executors.newFixedThreadPool(slowBodies + slowHeaders + renderers);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<Long> slowBodyHeld = Collections.synchronizedList(new ArrayList<>()), slowHeaderHeld = Collections.synchronizedList(new ArrayList<>());
    try {
      for (int i = 0; i < slowBodies; i++) {
        pool.submit(() -> {
          long t0 = System.currentTimeMillis();
          String status = slowClient("POST /api/render HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
              + "Content-Length: 1048576\r\n\r\n", end);
          slowBodyHeld.add(System.currentTimeMillis() - t0);
          count(outcomes, "slow body " + status);
          return null;
        });
      }
      for (int i = 0; i < slowHeaders; i++) {
        pool.submit(() -> {
          long t0 = System.currentTimeMillis();
          count(outcomes, "slow header " + slowClient("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", end));
          slowHeaderHeld.add(System.currentTimeMillis() - t0);
          return null;
        });
      }
      String big = "$x_1$ and *y* ".repeat(64 * 1024 / 14); // 64 KiB: a long note

      for (int i = 0; i < renderers; i++) {
        pool.submit(() -> {
          while (System.currentTimeMillis() < end) count(outcomes, "render " + render(big, Map.of()).statusCode());
          return null;
        });
      }
      Thread.sleep(500); // let the abusers take their places
      List<Long> latencies = new ArrayList<>();
      for (String page : pages) {
        for (int i = 0; i < 5; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri().resolve(page)).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
          latencies.add((System.nanoTime() - t0) / 1_000_000);
          assertEquals(200, r.statusCode(), page);
        }
      }
      long worst = Collections.max(latencies);
      assertTrue(worst < STATIC_BOUND_MS, "static pages took up to " + worst + " ms under load: " + latencies + " " + outcomes);
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "abusive clients did not end: " + outcomes);
      // Slow bodies end within the read deadline plus the idle timeout (with slack), never at the test's end.
      long longest = Collections.max(slowBodyHeld);
      assertTrue(longest < LIMITS.queueMillis() + LIMITS.readMillis() + LIMITS.idleMillis() + 2_500,
          "a slow body held its connection " + longest + " ms: " + outcomes);
      for (String k : outcomes.keySet()) {
        assertTrue(k.matches("slow body (408|503|closed)|slow header (408|400|closed)|render (200|503)"), "unexpected " + k + " in " + outcomes);
      }
      assertTrue(outcomes.keySet().stream().anyMatch(k -> k.equals("render 200")), "no render succeeded: " + outcomes);
      long longestHeader = Collections.max(slowHeaderHeld);
      assertTrue(longestHeader < LIMITS.headerMillis() + 2_500, "a slow header held its connection " + longestHeader + " ms");
      System.out.println("load: static pages " + latencies.size() + " requests, worst " + worst + " ms, median "
          + latencies.stream().sorted().toList().get(latencies.size() / 2) + " ms; outcomes " + outcomes
          + "; longest slow body " + longest + " ms, longest slow header " + longestHeader + " ms");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void count(Map<String, AtomicInteger> m, String key) {
    m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Sends {@code head}, then one byte every 200 ms until the server answers or closes, or {@code end}; the status seen. */
  private static String slowClient(String head, long end) {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      while (System.currentTimeMillis() < end + 10_000) {
        try {
          byte[] got = in.readNBytes(12);
          if (got.length < 12) return "closed";
          return new String(got, StandardCharsets.ISO_8859_1).substring(9, 12);
        } catch (SocketTimeoutException quiet) {
          out.write('a');
          out.flush();
        }
      }
      return "never answered";
    } catch (IOException e) {
      return "closed";
    }
  }
}
