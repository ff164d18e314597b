package dev.focus.cli;

import dev.focus.report.ReportReader;
import dev.focus.web.server.ServerLimits;
import dev.focus.web.server.SiteServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus serve}: the research-notebook site of the runs over HTTP, until interrupted. Prints
 * the URL on standard output. Binds to loopback unless {@code --host} says otherwise (with a
 * warning on standard error).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the research-notebook site of the runs (index, reports with math and charts, live preview).",
        "Listens on 127.0.0.1 only unless --host says otherwise. Stop with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {
  @Mixin Options.Server address;

  @Mixin Options.Runs runDir;

  // The bounds on clients (docs/security.md): how many previews render at once, and how long a client may take.
  @Option(names = "--max-renders", paramLabel = "N", description = "Previews rendered at once; more wait 2 s, then get 503 (default: the cores, at least 2).") Integer maxRenders;

  @Option(names = "--body-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Time a client has to send a whole request body, then 408 (default: ${DEFAULT-VALUE}).")
  int bodySeconds;

  @Option(names = "--idle-timeout", defaultValue = "5", paramLabel = "SECONDS", description = "A connection silent this long is closed (default: ${DEFAULT-VALUE}).") int idleSeconds;

  /** Longest --body-timeout/--idle-timeout: a bound must stay a bound. */
  static final int MAX_SECONDS = 3600;

  @Spec CommandSpec spec;

  /** Released to stop a running server (tests); otherwise the command runs until the JVM exits. */
  final CountDownLatch stop = new CountDownLatch(1);
  volatile SiteServer server;

  @Override
  public Integer call() throws IOException, InterruptedException {
    int port = address.port();
    String host = address.host;
    Path runs = runDir.dir;
    if (Files.exists(runs) && !Files.isDirectory(runs)) throw new Main.UserException("--runs " + runs + " is not a directory");
    ServerLimits limits = limits();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!SiteServer.isLoopback(host)) {
      err.println("focus serve: warning: listening on " + host + ", which is not loopback: anyone who can reach this "
          + "machine can read the reports");
      err.flush();
    }
    try {
      server = SiteServer.start(host, port, runs, limits);
    } catch (RuntimeException e) {
      if (hasCause(e, BindException.class)) {
        throw new Main.UserException("cannot listen on " + host + ":" + port + " (in use or not allowed); try --port 0");
      }
      throw e;
    }
    int count = ReportReader.scan(runs).reports().size();
    if (!Files.isDirectory(runs)) {
      err.println("focus serve: note: " + runs + " does not exist yet; 'focus lab' writes reports there");
      err.flush();
    }
    out.println("Serving " + count + (count == 1 ? " report" : " reports") + " from " + runs + " at " + server.uri());
    out.flush();
    Thread hook = new Thread(() -> server.close());
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down; the hook closes the server
      }
    }
    return Main.EXIT_OK;
  }

  /** The defaults with the options given, each checked in one line naming it. */
  ServerLimits limits() {
    ServerLimits l = ServerLimits.defaults();
    if (maxRenders != null) {
      if (maxRenders < 1 || maxRenders > 1024) throw new IllegalArgumentException("--max-renders " + maxRenders + " is not in 1..1024");
      l = l.withRenders(maxRenders);
    }
    return l.withReadMillis(millis("--body-timeout", bodySeconds)).withIdleMillis(millis("--idle-timeout", idleSeconds));
  }

  private static long millis(String option, int seconds) {
    if (seconds < 1 || seconds > MAX_SECONDS) throw new IllegalArgumentException(option + " " + seconds + " is not in 1.." + MAX_SECONDS + " seconds");
    return 1000L * seconds;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
    return false;
  }
}
