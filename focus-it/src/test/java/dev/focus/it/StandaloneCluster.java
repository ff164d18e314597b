package dev.focus.it;

import dev.focus.spark.JavaOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 in child JVMs, from the jars the build put in
 * focus-cli/target/spark/ (no Spark distribution): a master on a free port and N workers, each with
 * one core. The workers launch executors from {@code SPARK_HOME/jars}, so SPARK_HOME is a directory
 * with {@code jars/} linking Spark's jars and an empty RELEASE file; Focus's own jars reach the
 * executors from the driver ({@code spark.jars}). Every JVM started here is ended by {@link #close}.
 */
final class StandaloneCluster implements AutoCloseable {
  /** The packaged command: focus-cli.jar, lib/ (Focus and its libraries), spark/ (Spark). */
  static final Path CLI = Path.of("..", "focus-cli", "target").toAbsolutePath().normalize();

  private final Path dir;
  private final int port;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  /** True when focus-cli has been packaged (mvn verify packages it before these tests run). */
  static boolean built() {
    return Files.isRegularFile(CLI.resolve("focus-cli.jar")) && Files.isDirectory(CLI.resolve("lib"))
        && Files.isDirectory(CLI.resolve("spark"));
  }

  private StandaloneCluster(Path dir, int port, Process master) {
    this.dir = dir;
    this.port = port;
    this.master = master;
  }

  /** Starts a master and {@code n} one-core workers and waits until every worker has registered. */
  static StandaloneCluster start(Path dir, int n) throws Exception {
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "");
    // The daemons log at INFO (the test reads "Registering worker"); Focus's own jar would set WARN.
    Files.writeString(home.resolve("log4j2.properties"), String.join("\n", "rootLogger.level = info",
        "rootLogger.appenderRef.stderr.ref = console", "appender.console.type = Console", "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR", "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n", ""));
    // Spark's jars and Focus's (some of Spark's dependencies, such as slf4j and Jackson, are in lib/).
    for (String part : List.of("spark", "lib")) {
      try (Stream<Path> jars = Files.list(CLI.resolve(part))) {
        for (Path j : jars.toList()) {
          Path link = home.resolve("jars").resolve(j.getFileName());
          if (!Files.exists(link)) Files.createSymbolicLink(link, j);
        }
      }
    }
    int port = freePort();
    Process master = spark(dir, home, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        Integer.toString(port), "--webui-port", "0");
    StandaloneCluster c = new StandaloneCluster(dir, port, master);
    try {
      for (int i = 0; i < n; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        c.workers.add(spark(dir, home, "worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
            "--memory", "1g", "--webui-port", "0", "--work-dir", work.toString(), c.url()));
      }
      waitFor(Duration.ofSeconds(120), () -> c.log("master").split("Registering worker", -1).length - 1 >= n || !master.isAlive(),
          () -> "workers did not register with the master:\n" + c.log("master"));
      if (!master.isAlive()) throw new AssertionError("the master stopped:\n" + c.log("master"));
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  String url() { return "spark://127.0.0.1:" + port; }

  /** What a daemon has written (stdout and stderr). */
  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills worker {@code i}'s JVM and its executors with SIGKILL, as a machine that drops out would. */
  void killWorker(int i) throws InterruptedException {
    Process w = workers.get(i);
    List<ProcessHandle> executors = w.descendants().toList();
    w.destroyForcibly();
    for (ProcessHandle e : executors) e.destroyForcibly();
    w.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> links = Files.list(dir.resolve("spark-home").resolve("jars"))) {
      for (Path l : links.toList()) Files.deleteIfExists(l); // the links only, never the jars they point at
    } catch (IOException e) {
      // nothing linked yet
    }
  }

  /** A Spark daemon: Spark's jars only, Java 17 options, output to DIR/NAME.log. */
  private static Process spark(Path dir, Path home, String name, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m", "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties")));
    cmd.addAll(JavaOptions.all());
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** The focus command as a child JVM, as the launcher runs it; output to {@code log}. */
  static Process focus(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g"));
    cmd.addAll(JavaOptions.all());
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, CLI.resolve("focus-cli.jar").toString(), CLI.resolve("lib") + File.separator + "*",
        CLI.resolve("spark") + File.separator + "*"));
    cmd.add("dev.focus.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls {@code condition} every 100 ms until it holds, or fails with {@code why} after {@code limit}. */
  static void waitFor(Duration limit, BooleanSupplier condition, java.util.function.Supplier<String> why) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError(why.get());
      Thread.sleep(100);
    }
  }
}
