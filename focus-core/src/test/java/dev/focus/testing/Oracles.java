package dev.focus.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External oracles (python3 with numpy / torch, Chromium). Locally a missing oracle skips the test;
 * with {@code FOCUS_REQUIRE_ORACLES=1} (set by .ci/run) it fails instead, so CI can never pass by
 * silently skipping parity tests.
 */
public final class Oracles {
  private Oracles() {}

  public static boolean required() {
    return "1".equals(System.getenv("FOCUS_REQUIRE_ORACLES"));
  }

  /** Skips (or fails under CI) unless {@code /usr/bin/python3} can import every module named. */
  public static void assumePython(String... modules) {
    String why = pythonProblem(modules);
    if (why != null) {
      if (required()) throw new AssertionError("required oracle missing: " + why);
      Assumptions.abort(why);
    }
  }

  /**
   * Whether {@code /usr/bin/python3} can import every module named. Locally a missing oracle gives false
   * (the test then reads its checked-in fixture, {@link OracleFixtures}); under CI it fails instead.
   * {@code FOCUS_ORACLES=off} makes every oracle count as missing, to run the fixture path on purpose.
   */
  public static boolean pythonAvailable(String... modules) {
    String why = "off".equals(System.getenv("FOCUS_ORACLES")) ? "oracles switched off (FOCUS_ORACLES=off)" : pythonProblem(modules);
    if (why != null && required()) throw new AssertionError("required oracle missing: " + why);
    return why == null;
  }

  /** The python interpreter used for oracles: Debian's, where python3-torch and python3-numpy live. */
  public static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  private static String pythonProblem(String... modules) {
    try {
      Process p = new ProcessBuilder(python(), "-c", "import " + String.join(", ", modules))
          .redirectErrorStream(true).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "python3 timed out importing " + String.join(", ", modules);
      }
      return p.exitValue() == 0 ? null : "python3 cannot import " + String.join(", ", modules);
    } catch (Exception e) {
      return "python3 not runnable: " + e.getMessage();
    }
  }

  /** Skips (or fails under CI) unless the given executable exists. */
  public static void assumeExecutable(String path) {
    if (!Files.isExecutable(Path.of(path))) {
      if (required()) throw new AssertionError("required oracle missing: " + path);
      Assumptions.abort(path + " is not installed");
    }
  }
}
