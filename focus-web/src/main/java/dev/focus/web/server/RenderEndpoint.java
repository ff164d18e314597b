package dev.focus.web.server;

import dev.focus.md.MathMarkdown;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * POST {@code /api/render}: the Java renderer behind the preview page, with every resource it can
 * take bounded, so that abusive clients cannot stall the site (issue #12 item 2):
 *
 * <ul>
 *   <li><b>Who:</b> same-origin browsers and local tools only. A request carrying an {@code Origin}
 *       that is not this server's own, or {@code Sec-Fetch-Site} other than {@code same-origin} or
 *       {@code none}, gets 403: any page a user visits could otherwise post to it.
 *   <li><b>How many:</b> at most {@link ServerLimits#renders} at once. A request that finds every slot
 *       taken for {@link ServerLimits#queueMillis} gets 503 with {@code Retry-After}, before its body is
 *       read, so slow clients hold no more than that many worker threads and static pages keep
 *       answering.
 *   <li><b>How long:</b> the body must arrive within {@link ServerLimits#readMillis} in total (the
 *       connector's idle timeout bounds each wait for bytes); slower gets 408.
 *   <li><b>How much:</b> at most {@link SiteServer#MAX_RENDER_BYTES} of body (413), so the memory
 *       renders take is bounded by slots × what one such render needs.
 * </ul>
 */
final class RenderEndpoint {
  private final MathMarkdown markdown = MathMarkdown.create();
  private final Semaphore slots;
  private final ServerLimits limits;

  RenderEndpoint(ServerLimits limits) {
    this.limits = limits;
    this.slots = new Semaphore(limits.renders(), true);
  }

  void handle(Context ctx) throws IOException, InterruptedException {
    ctx.header("Cache-Control", "no-store");
    String refused = crossOrigin(ctx);
    if (refused != null) {
      plain(ctx, HttpStatus.FORBIDDEN, refused);
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > SiteServer.MAX_RENDER_BYTES) {
      tooLarge(ctx);
      return;
    }
    if (!slots.tryAcquire(limits.queueMillis(), TimeUnit.MILLISECONDS)) {
      ctx.header("Retry-After", "1");
      plain(ctx, HttpStatus.SERVICE_UNAVAILABLE, "busy: " + limits.renders() + " renders are running; retry in a second");
      return;
    }
    try {
      byte[] body = readBody(ctx);
      if (body == null) return;
      ctx.contentType("text/html; charset=utf-8");
      ctx.result(markdown.render(new String(body, StandardCharsets.UTF_8)));
    } finally {
      slots.release();
    }
  }

  /** The body, or null after answering 408 or 413. */
  private byte[] readBody(Context ctx) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.readMillis());
    byte[] buf = new byte[(int) Math.min(SiteServer.MAX_RENDER_BYTES + 1L, Math.max(8192, ctx.req().getContentLengthLong() + 1))];
    int n = 0;
    try (InputStream in = ctx.req().getInputStream()) {
      while (true) {
        if (System.nanoTime() > deadline) {
          ctx.header("Connection", "close");
          plain(ctx, HttpStatus.REQUEST_TIMEOUT, "request body not received within " + limits.readMillis() / 1000 + " s");
          return null;
        }
        if (n == buf.length) {
          if (n > SiteServer.MAX_RENDER_BYTES) break;
          buf = Arrays.copyOf(buf, (int) Math.min(SiteServer.MAX_RENDER_BYTES + 1L, 2L * n));
        }
        int r = in.read(buf, n, buf.length - n); // blocks at most the connector's idle timeout
        if (r < 0) break;
        n += r;
      }
    } catch (IOException e) { // the idle timeout fired, or the client went away
      ctx.header("Connection", "close");
      plain(ctx, HttpStatus.REQUEST_TIMEOUT, "request body stalled");
      return null;
    }
    if (n > SiteServer.MAX_RENDER_BYTES) {
      tooLarge(ctx);
      return null;
    }
    return Arrays.copyOf(buf, n);
  }

  /** Why a request is refused as cross-origin, or null when it is same-origin or not from a browser. */
  static String crossOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "cross-origin request refused (Sec-Fetch-Site: " + site.replaceAll("[^a-z-]", "?") + ")";
    }
    String origin = ctx.header("Origin");
    if (origin == null) return null; // curl, scripts: not a page the user happens to visit
    String host = ctx.header("Host");
    try {
      URI o = URI.create(origin);
      String authority = o.getHost() == null ? null : o.getHost() + (o.getPort() < 0 ? "" : ":" + o.getPort());
      if ("http".equals(o.getScheme()) && authority != null && host != null && authority.equalsIgnoreCase(host.toLowerCase(Locale.ROOT))) {
        return null;
      }
    } catch (IllegalArgumentException malformed) {
      // refused below
    }
    return "cross-origin request refused: /api/render answers pages of this site only";
  }

  static void tooLarge(Context ctx) {
    ctx.header("Connection", "close");
    plain(ctx, HttpStatus.CONTENT_TOO_LARGE, "body over " + SiteServer.MAX_RENDER_BYTES + " bytes");
  }

  private static void plain(Context ctx, HttpStatus status, String text) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(text);
  }
}
