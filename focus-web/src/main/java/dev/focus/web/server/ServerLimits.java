package dev.focus.web.server;

/**
 * The bounds {@code focus serve} keeps on its clients (issue #12 item 2; {@code docs/security.md}).
 * {@code focus serve --max-renders/--body-timeout/--idle-timeout} change the first three that users
 * tune; the others are fixed.
 *
 * @param renders      Markdown renders at once ({@code /api/render}); the rest wait
 * @param queueMillis  how long a render waits for a slot before 503 (its body still unread)
 * @param readMillis   time to send a whole request body; slower gets 408
 * @param idleMillis   a connection silent this long is closed
 * @param headerMillis time to send the first request's headers; slower is closed
 */
public record ServerLimits(int renders, long queueMillis, long readMillis, long idleMillis, long headerMillis) {
  public ServerLimits {
    if (renders < 1 || queueMillis < 0 || readMillis < 1 || idleMillis < 1 || headerMillis < 1) {
      throw new IllegalArgumentException("server limits must be positive: " + this);
    }
  }

  /**
   * What {@code focus serve} uses by default: renders at once = the cores (at least 2); 2 s in the
   * queue; 10 s to send a body; 5 s idle on a connection; 10 s to send the first request's headers.
   */
  public static ServerLimits defaults() {
    return new ServerLimits(Math.max(2, Runtime.getRuntime().availableProcessors()), 2_000, 10_000, 5_000, 10_000);
  }

  public ServerLimits withRenders(int n) { return new ServerLimits(n, queueMillis, readMillis, idleMillis, headerMillis); }

  public ServerLimits withReadMillis(long ms) { return new ServerLimits(renders, queueMillis, ms, idleMillis, headerMillis); }

  public ServerLimits withIdleMillis(long ms) { return new ServerLimits(renders, queueMillis, readMillis, ms, headerMillis); }
}
