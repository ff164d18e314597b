package dev.focus.spark;

import java.util.List;

/**
 * The JVM options every Spark JVM of Focus needs on Java 17 (driver, executors, and the standalone
 * master and workers): the vector module for Focus's kernels, the launcher's larger thread stack, and
 * the packages Spark opens by reflection. Kept free of Spark's classes so tools can read it without
 * Spark on their class path. Keep in step with {@code spark.jvm.opens} in pom.xml and bin/focus.
 */
public final class JavaOptions {
  private JavaOptions() {}

  /** The packages of java.base that Spark opens. */
  public static final List<String> OPENED = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net",
      "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs",
      "sun.security.action", "sun.util.calendar");

  /** Every option, one per element. */
  public static List<String> all() {
    List<String> out = new java.util.ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "-Xss4m"));
    for (String p : OPENED) out.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    return List.copyOf(out);
  }

  /** The options as one string, for {@code spark.executor.extraJavaOptions}. */
  public static String line() {
    return String.join(" ", all());
  }
}
