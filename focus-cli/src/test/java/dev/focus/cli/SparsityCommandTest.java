package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.metrics.LogitMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.Sparsity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SparsityCommandTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    String[] full = new String[args.length + 1];
    full[0] = "sparsity";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest(name = "{0} beta={1} gamma={2} prints {3}")
  @CsvSource({
      "exp, 0, 0.5, 0.8824969026",
      "exp, 7, 1, 0.6065306597",
      "exp, 0, 2, 0.1353352832",
      "exp, -1, 3, 0.01110899654",
      "identity, 0, 2, 0.7978845608",
      "relu2, 0, 0.3, 0.4082482905",
  })
  void printsThePublishedClosedFormsWithTenSignificantDigits(String kind, String beta, String gamma, String expected) {
    Run r = run("--kind", kind, "--beta", beta, "--gamma", gamma);
    assertEquals(0, r.code(), r.err());
    assertEquals(expected + System.lineSeparator(), r.out());
  }

  @Test
  void simulatePrintsTheMonteCarloEstimateOnASecondLine() {
    Run r = run("--kind", "relu2", "--beta", "0.5", "--gamma", "1", "--simulate", "20000", "--seed", "7");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\\R");
    assertEquals(2, lines.length, r.out());
    assertEquals(SparsityCommand.format(Predictors.sRelu2(0.5)), lines[0]);
    // the second line is S* of relu²(0.5 + ε_i) for the same seed: recompute it independently
    SplittableRandom rng = new SplittableRandom(7);
    double[] x = new double[20000];
    for (int i = 0; i < x.length; i++) x[i] = LogitMap.RELU2.apply(0.5 + rng.nextGaussian());
    assertEquals(SparsityCommand.format(Sparsity.sparsity(x)), lines[1]);
    assertTrue(Math.abs(Double.parseDouble(lines[1]) - Predictors.sRelu2(0.5)) < 0.02, r.out());
  }

  @Test
  void decayPrintsClosedFormThenBound() {
    Run r = run("--decay", "0.9", "--n", "100");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\\R");
    assertEquals(2, lines.length);
    // direct S* of (0.9^99, ..., 0.9, 1)
    double[] a = new double[100];
    for (int j = 0; j < 100; j++) a[j] = Math.pow(0.9, 99 - j);
    assertEquals(Double.parseDouble(SparsityCommand.format(Sparsity.sparsity(a))), Double.parseDouble(lines[0]), 1e-10);
    double bound = Math.sqrt(1.9 / (100 * 0.1 * (1 + Math.pow(0.9, 100))));
    assertEquals(bound, Double.parseDouble(lines[1]), 1e-10);
    assertTrue(Double.parseDouble(lines[0]) < Double.parseDouble(lines[1]));
  }

  @ParameterizedTest(name = "{0} -> one line naming {1}")
  @CsvSource(delimiter = '|', value = {
      "--kind foo --gamma 1 | foo",
      "--kind exp --gamma -0.5 | -0.5",
      "--kind exp --gamma NaN | NaN",
      "--kind identity --beta NaN --gamma 1 | NaN",
      "--decay 1.5 --n 10 | 1.5",
      "--decay 0 --n 10 | 0",
      "--decay 0.5 --n 0 | n=0",
      "--decay NaN --n 3 | NaN",
      "--kind exp --gamma 1 --simulate 0 | 0",
      "--kind identity --beta 0 --gamma 0 | β=0.0, γ=0.0",
      "--kind relu --beta -1 --gamma 0 | --kind relu at β=-1.0",
      "--kind relu2 --beta -40 --gamma 1 --simulate 5 | all 5 simulated weights",
      "--decay 1 --n 10 | --decay 1 means no decay",
      "--kind exp --gamma 1 --simulate 2000000000 | --simulate 2000000000 (8 bytes per logit) needs about 16 GB",
  })
  void badValuesExitTwoWithOneLineNamingTheValue(String args, String named) {
    Run r = run(args.trim().split(" +"));
    assertEquals(Main.EXIT_USAGE, r.code(), r.out() + r.err());
    assertEquals("", r.out());
    String[] lines = r.err().split("\\R");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].contains(named.trim()), r.err());
  }

  @ParameterizedTest(name = "format({0}) = {1}")
  @CsvSource({
      "0.6065306597126334, 0.6065306597",
      "0.011108996538242306, 0.01110899654",
      "1.0, 1.000000000",
      "0.5, 0.5000000000",
      "123.456789012345, 123.4567890",
      "1.2345678901234e-12, 0.000000000001234567890",
      "0.0, 0",
  })
  void formatGivesTenSignificantDigitsInPlainNotation(double v, String expected) {
    assertEquals(expected, SparsityCommand.format(v));
  }

  @Test
  void everyExampleOfTheFocusMetricsDocsPrintsWhatTheDocsSay() throws Exception {
    Path page = Path.of("..", "docs", "attention.md");
    if (!Files.exists(page)) page = Path.of("docs", "attention.md");
    String text = Files.readString(page);
    int start = text.indexOf("## Attention focus metrics");
    assertTrue(start >= 0, "docs/attention.md section missing");
    int open = text.indexOf("```\n", start) + 4, close = text.indexOf("```", open);
    String[] lines = text.substring(open, close).split("\n");
    int checked = 0;
    for (int i = 0; i < lines.length; i++) {
      assertTrue(lines[i].startsWith("$ ./focus sparsity "), "unexpected line " + lines[i]);
      List<String> expected = new ArrayList<>();
      while (i + 1 < lines.length && !lines[i + 1].startsWith("$ ")) expected.add(lines[++i]);
      Run r = run(lines[i - expected.size()].substring("$ ./focus sparsity ".length()).split(" "));
      assertEquals(0, r.code(), r.err());
      assertEquals(expected, List.of(r.out().split("\\R")), "docs/attention.md example: " + lines[i - expected.size()]);
      checked++;
    }
    assertEquals(5, checked);
  }
}
