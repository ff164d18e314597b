package dev.focus.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code focus} in a separate JVM (tests only): for what an in-process run cannot show, such as
 * a command's effect on its own working directory, a system property read at class load, or a SIGKILL.
 */
final class ChildJvm {
  private ChildJvm() {}

  record Result(int code, String out, String err) {}

  /** The command line of {@code focus ARGS} with the test class path and {@code jvmArgs} (e.g. -D...). */
  static List<String> command(List<String> jvmArgs, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1"); // short runs: start fast
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs to the end (at most {@code seconds}) in {@code dir}. */
  static Result run(Path dir, List<String> jvmArgs, long seconds, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("focus-child-", ".out"), err = Files.createTempFile("focus-child-", ".err");
    try {
      Process p = new ProcessBuilder(command(jvmArgs, args)).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("focus " + String.join(" ", args) + " did not finish in " + seconds + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stripJvmNoise(Files.readString(err, StandardCharsets.UTF_8)));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Standard error without the JVM's incubator warning (printed by every JVM that loads the module). */
  static String stripJvmNoise(String err) {
    return err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
  }

  /** The test class path, with surefire's manifest-only booter jar expanded. */
  static String classPath() {
    String cp = System.getProperty("java.class.path");
    if (cp.contains("surefirebooter")) {
      try (var jar = new java.util.jar.JarFile(cp.split(File.pathSeparator)[0])) {
        String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
        List<String> parts = new ArrayList<>();
        for (String u : entries.trim().split(" +")) parts.add(Path.of(java.net.URI.create(u)).toString());
        return String.join(File.pathSeparator, parts);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return cp;
  }
}
