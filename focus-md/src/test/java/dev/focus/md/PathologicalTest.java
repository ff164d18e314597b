package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.md.internal.MathRenderer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs that make a naive closer scan quadratic (spec 03 §5, "Pathological inputs"): 10⁵ unmatched
 * openers or braces, and unclosed blocks in nested quotes, each render in under 3 s. The JavaScript
 * twin is {@code src/test/js/pathological.test.js}.
 */
class PathologicalTest {
  private static final int N = 100_000;

  static Stream<Arguments> inputs() {
    return Stream.of(
        Arguments.of("10^5 '$a '", "$a ".repeat(N)),
        Arguments.of("10^5 '$'", "$".repeat(N)),
        Arguments.of("10^5 '$ '", "$ ".repeat(N)),
        Arguments.of("10^5 '${'", "${".repeat(N)),
        Arguments.of("'$' then 10^5 '{'", "$" + "{".repeat(N)),
        Arguments.of("10^5 '$$x{'", "$$x{".repeat(N)),
        Arguments.of("10^5 '\\('", "\\(".repeat(N)),
        Arguments.of("10^5 '\\[ '", "\\[ ".repeat(N)),
        Arguments.of("10^5 '\\begin{a}'", "\\begin{a}".repeat(N)),
        Arguments.of("10^5 lines '\\['", "\\[\n".repeat(N)),
        Arguments.of("10^5 lines '$$ {'", "$$ {\n".repeat(N)),
        Arguments.of("unclosed $$ in nested quotes", "> > $$\n> > a\n\n".repeat(N / 10) + "$$\n"),
        Arguments.of("quoted openers, closer outside", "> \\[\n".repeat(N / 10) + "\\]\n"),
        Arguments.of("table rows of '$'", "| a | b |\n|---|---|\n" + "| $x | ${ |\n".repeat(N / 10)));
  }

  private static final MathRenderer RENDERER = new MathRenderer();

  /** The bound is about growth, not JIT warm-up: compile the hot paths on inputs a tenth the size first. */
  @BeforeAll
  static void warmUp() {
    inputs().forEach(a -> {
      String markdown = (String) a.get()[1];
      RENDERER.render(markdown.substring(0, markdown.length() / 10));
    });
  }

  /**
   * The bound is on this thread's CPU time: the build machine is shared, and wall-clock time there
   * measures the neighbours. A quadratic scan of 10⁵ openers takes minutes, far beyond either.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void rendersInUnderThreeSecondsOfCpu(String name, String markdown) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String html = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      long start = threads.getCurrentThreadCpuTime();
      String out = RENDERER.render(markdown);
      double seconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
      assertTrue(seconds < 3, () -> name + " took " + seconds + " s of CPU");
      return out;
    }, name);
    assertTrue(html.length() > 0, name);
  }
}
