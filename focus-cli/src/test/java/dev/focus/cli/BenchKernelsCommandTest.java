package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.kernel.SgemmBlocking;
import dev.focus.testing.Oracles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs the benchmark on tiny sizes: checks the tables and the option handling, never the speed. */
class BenchKernelsCommandTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    String[] full = new String[args.length + 2];
    full[0] = "bench";
    full[1] = "kernels";
    System.arraycopy(args, 0, full, 2, args.length);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    return new Run(code, out.toString(), err.toString());
  }

  /** Table rows "size threads focus numpy ratio" for the square table. */
  private static List<String[]> squareRows(String out) {
    String table = out.substring(out.indexOf("Square SGEMM"));
    int end = table.indexOf("\n\n");
    if (end > 0) table = table.substring(0, end);
    return Arrays.stream(table.split("\n")).skip(2).map(l -> l.trim().split("\\s+")).collect(Collectors.toList());
  }

  @Test
  void withoutNumpyPrintsNotAvailableAndFocusFigures() {
    Run r = run("--sizes", "16,40", "--threads", "1,2", "--reps", "1", "--no-training", "--python", "/nonexistent/python3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("numpy: not available"), r.out());
    List<String[]> rows = squareRows(r.out());
    assertEquals(4, rows.size(), r.out());
    String[][] expected = {{"16", "1"}, {"40", "1"}, {"16", "2"}, {"40", "2"}};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i][0], rows.get(i)[0], r.out());
      assertEquals(expected[i][1], rows.get(i)[1], r.out());
      assertTrue(Double.parseDouble(rows.get(i)[2]) > 0, r.out());
      assertEquals("-", rows.get(i)[3], r.out());
      assertEquals("-", rows.get(i)[4], r.out());
    }
  }

  @Test
  void withNumpyPrintsBothColumnsAndTheirRatio() {
    Oracles.assumePython("numpy");
    Run r = run("--sizes", "32", "--threads", "1", "--reps", "1", "--no-training");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("numpy: numpy "), r.out());
    String[] row = squareRows(r.out()).get(0);
    double focus = Double.parseDouble(row[2]), numpy = Double.parseDouble(row[3]), ratio = Double.parseDouble(row[4]);
    assertTrue(numpy > 0, r.out());
    // GFLOP/s are printed to 0.1 and the ratio (of the unrounded figures) to 0.01, so the ratio of the
    // printed figures may differ by up to 0.05/focus + 0.05/numpy relative, plus the ratio's own rounding.
    double slack = (focus / numpy) * (0.05 / focus + 0.05 / numpy) * 1.01 + 0.005;
    assertEquals(focus / numpy, ratio, slack, r.out());
  }

  @Test
  void printsTheBlockingInUseAndWhy() {
    Run r = run("--sizes", "16", "--threads", "1", "--reps", "1", "--no-training", "--no-numpy");
    assertEquals(0, r.code(), r.err());
    Optional<SgemmBlocking> b = SgemmBlocking.ofActiveKernels();
    if (b.isEmpty()) {
      assertTrue(r.out().contains("\nsgemm blocking: none"), r.out());
      return;
    }
    StringBuilder want = new StringBuilder("\nsgemm blocking: " + b.get().summary() + "\n");
    for (String why : b.get().reason()) want.append("  ").append(why).append('\n');
    assertTrue(r.out().contains(want), r.out());
    assertTrue(r.out().contains("kc " + b.get().kc() + ": "), r.out());
  }

  @Test
  void cpuClockWorksOnOneThread() {
    Run r = run("--sizes", "24", "--threads", "1", "--reps", "2", "--rounds", "2", "--no-training", "--no-numpy", "--clock", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("median CPU time of 2 reps (after warm-up), the best of 2 rounds"), r.out());
    assertTrue(r.out().contains("numpy: skipped (--no-numpy)"), r.out());
    assertTrue(Double.parseDouble(squareRows(r.out()).get(0)[2]) > 0, r.out());
  }

  @Test
  void trainingTableListsBothWidthsAndAllLayouts() {
    assertEquals(14, BenchKernelsCommand.trainingProducts().size());
    String names = String.join("\n", BenchKernelsCommand.trainingProducts().values());
    assertTrue(names.contains("h128 qkv y = x·Wᵀ") && names.contains("h256 mlp down dW = dyᵀ·x"), names);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "--sizes, 0, '--sizes=0: 0 must be in 1..8192'",
      "--sizes, '256,x', '--sizes=256,x: ''x'' is not an integer'",
      "--threads, 300, '--threads=300: 300 must be in 1..256'",
      "--reps, 0, '--reps=0 must be in 1..1000'",
      "--rounds, 21, '--rounds=21 must be in 1..20'",
      "--blas, mkl, '--blas=mkl must be auto or system'",
      "--clock, cpu, '--clock=cpu times one thread: use it with --threads 1'",
      "--clock, gpu, '--clock=gpu must be wall or cpu'",
  })
  void badValuesExitTwoWithOneLine(String option, String value, String message) {
    Run r = run(option, value, "--no-numpy");
    assertEquals(2, r.code(), r.out());
    assertEquals("focus kernels: " + message, r.err().strip());
    assertEquals("", r.out());
  }
}
