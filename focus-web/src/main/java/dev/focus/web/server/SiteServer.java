package dev.focus.web.server;

import dev.focus.report.Report;
import dev.focus.report.ReportNames;
import dev.focus.report.ReportReader;
import dev.focus.web.site.Assets;
import dev.focus.web.site.SitePages;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves the research-notebook site of a runs directory over HTTP (Javalin on Jetty).
 *
 * <p>Routes (GET/HEAD unless noted): {@code /} and {@code /index.html}; {@code /reports/<slug>.html};
 * {@code /runs/<slug>/<file>} (data downloads); {@code /preview} and {@code /preview.html};
 * {@code /assets/...} ({@link Assets}); POST {@code /api/render} (the Java renderer for the preview,
 * body at most {@link #MAX_RENDER_BYTES}, same-origin only, a bounded number at once: {@link RenderEndpoint}). The runs directory is re-read on each request, so new
 * runs appear without a restart.
 *
 * <p>Security: binds to loopback unless told otherwise, and then also refuses requests whose
 * {@code Host} is not a loopback name (DNS rebinding); every name in a path is validated against
 * {@link ReportNames} or {@link Assets}' segment rule before it touches a file, raw paths holding
 * {@code %}, {@code \} or dot segments are refused, symbolic links are never followed out of a run,
 * bodies are bounded, and every response carries {@code nosniff}, a self-only CSP and no referrer.
 */
public final class SiteServer implements AutoCloseable {
  /** Largest body POST /api/render accepts (1 MiB); larger gets 413. */
  public static final int MAX_RENDER_BYTES = 1 << 20;

  private static final Pattern REPORT_PAGE = Pattern.compile("/reports/([^/]*)\\.html");
  private static final Pattern DATA = Pattern.compile("/runs/([^/]*)/([^/]*)");
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final Javalin app;
  private final Path runsDir;
  private final String host;
  private final boolean loopback;
  private final SitePages pages = new SitePages(SitePages.Mode.SERVED);
  private final RenderEndpoint render;

  private SiteServer(String host, int port, Path runsDir, ServerLimits limits) {
    this.runsDir = runsDir;
    this.host = host;
    this.loopback = isLoopback(host);
    this.render = new RenderEndpoint(limits);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.http.maxRequestSize = MAX_RENDER_BYTES;
      cfg.http.generateEtags = false;
      // One connector whose idle timeout bounds every wait for a client's bytes (slow headers, slow bodies).
      cfg.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(host);
        c.setPort(port);
        c.setIdleTimeout(limits.idleMillis());
        // Slow headers hold no thread (Jetty parses them as bytes arrive), but they would hold the
        // connection for as long as a byte comes before each idle timeout: close a connection whose
        // first request is not complete after headerMillis.
        c.addBean(new Connection.Listener() {
          @Override public void onOpened(Connection connection) {
            c.getScheduler().schedule(() -> {
              if (connection instanceof HttpConnection h && h.getMessagesIn() == 0) h.getEndPoint().close();
            }, limits.headerMillis(), TimeUnit.MILLISECONDS);
          }

          @Override public void onClosed(Connection connection) {}
        });
        return c;
      });
    });
    app.before(this::guard);
    for (String p : new String[] {"/", "/index.html"}) {
      app.get(p, ctx -> html(ctx, pages.index(ReportReader.scan(runsDir))));
      app.head(p, ctx -> html(ctx, pages.index(ReportReader.scan(runsDir))));
    }
    for (String p : new String[] {"/preview", "/preview.html"}) {
      app.get(p, ctx -> html(ctx, pages.preview()));
      app.head(p, ctx -> html(ctx, pages.preview()));
    }
    app.get("/reports/*", this::report);
    app.head("/reports/*", this::report);
    app.get("/runs/*", this::data);
    app.head("/runs/*", this::data);
    app.get("/assets/*", this::asset);
    app.head("/assets/*", this::asset);
    app.post("/api/render", render::handle);
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")) {
        html(ctx, pages.notFound(basePath(ctx.path())));
        ctx.status(404);
      }
    });
    app.exception(Exception.class, (e, ctx) -> {
      ctx.status(500).contentType("text/plain; charset=utf-8").result("internal error: " + e.getClass().getSimpleName());
    });
    app.start();
  }

  /**
   * Starts a server; port 0 picks a free port.
   *
   * @throws IllegalArgumentException for a port outside 0..65535 or an unknown host
   */
  public static SiteServer start(String host, int port, Path runsDir) {
    return start(host, port, runsDir, ServerLimits.defaults());
  }

  /** As {@link #start(String, int, Path)} with other bounds on clients ({@code focus serve --max-renders …}). */
  public static SiteServer start(String host, int port, Path runsDir, ServerLimits limits) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    Objects.requireNonNull(runsDir, "runsDir");
    Objects.requireNonNull(host, "host");
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("host '" + host + "' is not a known address");
    }
    return new SiteServer(host, port, runsDir, limits);
  }

  /** True when the host names a loopback address (the default; reachable only from this machine). */
  public static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public int port() {
    return app.port();
  }

  /** The site's URL, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0") || h.equals("[::]")) h = "127.0.0.1";
    return URI.create("http://" + h + ":" + port() + "/");
  }

  public Path runsDir() {
    return runsDir;
  }

  @Override
  public void close() {
    app.stop();
  }

  // ---------------------------------------------------------------------------------------------

  private void guard(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Security-Policy", SitePages.CSP);
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
    if (loopback && !loopbackHost(ctx.header("Host"))) {
      ctx.status(HttpStatus.FORBIDDEN).contentType("text/plain; charset=utf-8").result("host not allowed");
      ctx.skipRemainingHandlers();
      return;
    }
    String raw = ctx.req().getRequestURI();
    if (raw == null || raw.indexOf('%') >= 0 || raw.indexOf('\\') >= 0 || raw.contains("/./") || raw.contains("/../")
        || raw.endsWith("/..") || raw.endsWith("/.") || raw.contains("//")) {
      ctx.status(HttpStatus.BAD_REQUEST).contentType("text/plain; charset=utf-8").result("bad path");
      ctx.skipRemainingHandlers();
    }
  }

  private static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) return false;
    String h = hostHeader.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) h = h.substring(0, colon);
    }
    return LOOPBACK_NAMES.contains(h);
  }

  private void report(Context ctx) throws IOException {
    var m = REPORT_PAGE.matcher(ctx.path());
    if (!m.matches() || !ReportNames.isSlug(m.group(1))) {
      notFound(ctx);
      return;
    }
    Report r;
    try {
      r = ReportReader.read(runsDir, m.group(1));
    } catch (IllegalArgumentException | IOException e) {
      notFound(ctx);
      return;
    }
    html(ctx, pages.report(r));
  }

  private void data(Context ctx) throws IOException {
    var m = DATA.matcher(ctx.path());
    Path f = m.matches() ? ReportReader.dataFile(runsDir, m.group(1), m.group(2)) : null;
    if (f == null) {
      notFound(ctx);
      return;
    }
    String name = f.getFileName().toString();
    if (name.endsWith(".png")) {
      ctx.contentType("image/png"); // a figure the report shows inline
    } else {
      ctx.contentType(name.endsWith(".json") ? "application/json" : "text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.result(Files.newInputStream(f));
  }

  private void asset(Context ctx) throws IOException {
    Optional<Assets.Asset> a = Assets.find(ctx.path().substring("/assets/".length()));
    if (a.isEmpty()) {
      notFound(ctx);
      return;
    }
    ctx.contentType(a.get().contentType());
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.result(a.get().bytes());
  }

  private void notFound(Context ctx) {
    ctx.status(404);
    html(ctx, pages.notFound(basePath(ctx.path())));
  }

  private static void html(Context ctx, String page) {
    ctx.contentType("text/html; charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.result(page);
  }

  /** Relative prefix from a request path back to the site root ("" or "../" ...). */
  private static String basePath(String path) {
    int depth = 0;
    for (int i = 1; i < path.length(); i++) if (path.charAt(i) == '/') depth++;
    return "../".repeat(Math.min(depth, 8));
  }
}
