package dev.focus.spark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts Apache Spark for Focus: embedded in this JVM ({@code local[*]}, the default of every command)
 * or as the driver of a cluster ({@code spark://host:7077}, {@code yarn}, {@code k8s://…}).
 *
 * <p>On a cluster the executors are JVMs of their own, so they get the options Focus's kernels and
 * Spark need on Java 17 ({@link JavaOptions}) and the jars of Focus (every jar on this
 * JVM's class path that is not Spark's; Spark's own come from the cluster). Under
 * {@code spark-submit} the master and jars come from spark-submit and nothing here overrides them.
 */
public final class SparkEngine implements AutoCloseable {
  private static final String LOG_CONFIG = "log4j2.configurationFile";

  private static final Pattern MASTER = Pattern.compile("local(\\[(\\*|\\d+)(,\\d+)?])?|spark://.+|yarn|k8s://.+|mesos://.+");

  private final JavaSparkContext sc;

  private SparkEngine(JavaSparkContext sc) {
    this.sc = sc;
  }

  /** How to start: the master URL (null: spark-submit's, else local[*]), Spark UI on or off, extra settings. */
  public record Settings(String master, String appName, boolean ui, int taskCpus, List<String> conf) {
    public Settings {
      if (master != null && !MASTER.matcher(master).matches()) {
        throw new IllegalArgumentException("--master " + master
            + " is not a Spark master URL (local, local[N], local[*], spark://HOST:PORT, yarn, k8s://URL)");
      }
      if (taskCpus < 1) throw new IllegalArgumentException("--task-cpus " + taskCpus + " must be >= 1");
      conf = List.copyOf(conf);
      for (String c : conf) {
        if (c.indexOf('=') <= 0) throw new IllegalArgumentException("--conf '" + c + "' must have the form key=value");
      }
    }
  }

  /** Starts Spark; a bad master or setting fails in one line. */
  public static SparkEngine start(Settings s) {
    boolean submitted = System.getProperty("spark.master") != null; // under spark-submit
    if (!submitted && System.getProperty(LOG_CONFIG) == null) {
      // Spark logs only warnings, on stderr (Focus draws its own progress). Named so that it is not
      // every JVM's default: a cluster's daemons with Focus's jars on their class path keep theirs.
      System.setProperty(LOG_CONFIG, "dev/focus/spark/log4j2.properties");
    }
    SparkConf conf = new SparkConf(true);
    String master = s.master() != null ? s.master() : submitted ? conf.get("spark.master") : "local[*]";
    conf.setMaster(master).setAppName(s.appName());
    conf.setIfMissing("spark.ui.enabled", Boolean.toString(s.ui()));
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.task.cpus", Integer.toString(s.taskCpus()));
    if (master.startsWith("local")) {
      // Everything stays in this JVM: bind to the loopback address (no warning about this host's name).
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    } else {
      conf.setIfMissing("spark.executor.extraJavaOptions", JavaOptions.line());
      if (!submitted && !conf.contains("spark.jars")) {
        List<String> jars = focusJars();
        if (!jars.isEmpty()) conf.set("spark.jars", String.join(",", jars));
      }
    }
    for (String c : s.conf()) {
      int eq = c.indexOf('=');
      conf.set(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
    }
    return new SparkEngine(new JavaSparkContext(SparkContext.getOrCreate(conf)));
  }

  public JavaSparkContext context() { return sc; }

  /** The master URL the context runs on. */
  public String master() { return sc.master(); }

  /** The Spark UI's address, or null when the UI is off. */
  public String uiUrl() {
    scala.Option<String> u = sc.sc().uiWebUrl();
    return u.isDefined() ? u.get() : null;
  }

  /** Task slots: executors' cores over spark.task.cpus (local: this machine's). */
  public int slots() {
    int cpus = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
    return Math.max(1, sc.defaultParallelism() / cpus);
  }

  @Override
  public void close() {
    sc.stop();
  }

  /**
   * The jars of this JVM's class path that executors need: all but Spark's own (the directory that
   * holds spark-core and its dependencies, target/spark/ beside the launcher's target/lib/).
   */
  static List<String> focusJars() {
    Path sparkDir = jarOf(SparkContext.class);
    Set<String> out = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.toLowerCase(Locale.ROOT).endsWith(".jar")) continue;
      Path p = Path.of(e).toAbsolutePath();
      if (!Files.isRegularFile(p)) continue;
      if (sparkDir != null && sparkDir.getParent() != null && sparkDir.getParent().equals(p.getParent())) continue;
      out.add(p.toString());
    }
    return new ArrayList<>(out);
  }

  private static Path jarOf(Class<?> c) {
    try {
      var src = c.getProtectionDomain().getCodeSource();
      return src == null ? null : Path.of(src.getLocation().toURI()).toAbsolutePath();
    } catch (Exception e) {
      return null;
    }
  }
}
