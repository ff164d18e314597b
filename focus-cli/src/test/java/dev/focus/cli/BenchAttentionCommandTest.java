package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.testing.Oracles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny smoke run of `focus bench attention` (real figures come from the full command, not tests). */
class BenchAttentionCommandTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    String[] full = new String[args.length + 2];
    full[0] = "bench";
    full[1] = "attention";
    System.arraycopy(args, 0, full, 2, args.length);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    return new Run(code, out.toString(), err.toString());
  }

  /** The data row of table {@code title} (first table with that heading) for length {@code t}. */
  private static String[] row(String out, String title, int t) {
    List<String> lines = Arrays.asList(out.split("\\R"));
    int at = -1;
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(title)) { at = i; break; }
    assertTrue(at >= 0, "no table '" + title + "' in:\n" + out);
    for (int i = at + 2; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      if (f[0].equals(String.valueOf(t))) return f;
    }
    throw new AssertionError("no row T=" + t + " under '" + title + "' in:\n" + out);
  }

  @Test
  void printsTimesAndMemoryForEveryVariantAndSkipsExactAboveTheCap() {
    Run r = run("--lengths", "16,40", "--reps", "1", "--heads", "2", "--head-size", "8", "--threads", "1",
        "--backward", "--no-torch", "--exact-cap-mib", "0");
    assertEquals(0, r.code(), r.err());
    for (String table : List.of("forward: time", "forward+backward: time")) {
      String[] f = row(r.out(), table, 40);
      assertEquals("skipped", f[1], "exact is over the 0 MiB cap");
      for (int i = 2; i <= 4; i++) assertTrue(Double.parseDouble(f[i]) > 0, table + " column " + i + ": " + f[i]);
    }
    String[] mem = row(r.out(), "forward: peak extra memory", 40);
    // the table shows each variant's analytic workspace (checked against allocation in focus-core)
    int threads = dev.focus.kernel.Parallel.threads();
    long flash;
    try {
      dev.focus.kernel.Parallel.setThreads(1); // as in the run (--threads 1)
      flash = dev.focus.attention.FlashAttention.of(dev.focus.attention.HeadLayout.mha(2, 8)).workspaceBytes(1, 40, false);
    } finally {
      dev.focus.kernel.Parallel.setThreads(threads);
    }
    assertEquals(String.format("%.3f", flash / 1048576.0), mem[2]);
    assertTrue(r.out().contains("PyTorch: skipped (--no-torch)"), r.out());
  }

  @Test
  void runsPyTorchSideBySide() {
    Oracles.assumePython("torch");
    Run r = run("--lengths", "32", "--reps", "1", "--heads", "2", "--head-size", "8", "--threads", "1",
        "--python", Oracles.python());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("scaled_dot_product_attention"), r.out());
    String[] f = row(r.out(), "forward: time", 32);
    assertTrue(Double.parseDouble(f[5]) > 0, "torch time: " + String.join(" ", f));
    assertTrue(Double.parseDouble(f[6]) > 0, "ratio: " + String.join(" ", f));
  }

  @Test
  void badArgumentsExitWithUsageCode() {
    assertEquals(Main.EXIT_USAGE, run("--lengths", "0", "--no-torch").code());
    assertEquals(Main.EXIT_USAGE, run("--reps", "0", "--no-torch").code());
  }
}
