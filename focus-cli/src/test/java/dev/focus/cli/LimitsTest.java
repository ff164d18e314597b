package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue #12 items 4, 5 and 9: sizes are checked before allocating, JVM properties before the kernels
 * load, and results outside a formula's domain are refused or explained. Each case is one line on
 * stderr naming the value, exit 2, nothing on stdout.
 */
class LimitsTest {
  @TempDir static Path tmp;

  private static Cli.Run refused(String... args) {
    Cli.Run r = Cli.run(args);
    assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args) + "\n" + r.err());
    assertEquals("", r.out(), String.join(" ", args));
    return r;
  }

  private static String lastLine(Cli.Run r) {
    List<String> lines = r.err().strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "init --preset micro --set hidden=1000000000 --out OUT | hidden=1000000000",
      "init --preset micro --set vocab=2000000000 --out OUT | vocab=2000000000",
      "init --preset micro --set layers=100000 --set hidden=4096 --set intermediate=16384 --out OUT | layers=100000",
      "train --preset micro --data copy --batch 100000000 --steps 1 --no-progress --out OUT | --batch 100000000",
      "positions --scheme mrope --layout I20000x20000 | 400,000,000 tokens",
      "sparsity --kind exp --gamma 1 --simulate 2000000000 | --simulate 2000000000",
  })
  void sizesAreCheckedBeforeAllocating(String args, String named) {
    String[] a = args.replace("OUT", tmp.resolve("out").toString()).split(" ");
    Cli.Run r = refused(a);
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(named) && (r.err().contains("this JVM may use") || r.err().contains("one Java array holds")), r.err());
  }

  @Test
  void decodingAndScoringSayWhereTheContextEnds() throws Exception {
    Path rope = tmp.resolve("rope"), learned = tmp.resolve("learned");
    assertEquals(0, Cli.run("init", "--preset", "tiny", "--out", rope.toString()).code());
    assertEquals(0, Cli.run("init", "--preset", "micro", "--set", "position=learned", "--set", "context=8", "--out", learned.toString()).code());

    Cli.Run big = refused("sample", "--checkpoint", rope.toString(), "--tokens", "2000000000");
    assertTrue(lastLine(big).contains("--tokens 2000000000"), big.err());

    String twenty = "1 ".repeat(20_000).trim();
    Cli.Run far = refused("logits", "--checkpoint", rope.toString(), "--tokens", twenty);
    assertTrue(far.err().contains("20000 tokens exceed the model's context=256"), far.err());
    assertTrue(lastLine(far).contains("seqLen=20000") && lastLine(far).contains("this JVM may use"), far.err());

    Cli.Run past = refused("logits", "--checkpoint", learned.toString(), "--tokens", "1 2 3 4 5 6 7 8 9");
    assertEquals("focus logits: --tokens has 9 ids but the model's learned positions cover context=8; give at most 8", past.err().strip());

    Cli.Run cut = Cli.run("sample", "--checkpoint", learned.toString(), "--tokens", "20", "--ids");
    assertEquals(0, cut.code(), cut.err());
    assertEquals(8, cut.out().strip().split(" ").length, cut.out()); // [BOS] and 7 drawn fill the 8 positions, the 8th is drawn from the last
    assertEquals("focus sample: note: stopped after 8 of 20 tokens: the model's learned positions end at context=8 (the prompt took 1)",
        cut.err().strip());
  }

  @ParameterizedTest(name = "-D{0}={1}")
  @CsvSource({
      "focus.threads, 0, -Dfocus.threads=0 must be in 1..",
      "focus.threads, -1, -Dfocus.threads=-1 must be in 1..",
      "focus.threads, abc, -Dfocus.threads=abc is not an integer",
      "focus.threads, 100000, -Dfocus.threads=100000 must be in 1..",
      "focus.kernels, bogus, -Dfocus.kernels=bogus must be auto, vector or scalar",
      "focus.spinMicros, -5, -Dfocus.spinMicros=-5 must be in 0..1000000 microseconds",
      "focus.spinMicros, x, -Dfocus.spinMicros=x is not an integer",
  })
  void badPropertiesAreOneLineBeforeAnythingLoads(String key, String value, String message) {
    String before = System.getProperty(key);
    System.setProperty(key, value);
    try {
      Cli.Run r = refused("doctor");
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("focus: " + message), r.err());
    } finally {
      if (before == null) System.clearProperty(key); else System.setProperty(key, before);
    }
  }

  /** In a fresh JVM the kernel classes have not loaded yet: the value must still be refused in one line. */
  @Test
  void aFreshJvmRefusesAThreadCountBeyondTheCap() throws Exception {
    ChildJvm.Result r = ChildJvm.run(tmp, List.of("-Dfocus.threads=100000"), 60, "positions", "--scheme", "flat", "--layout", "T");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("focus: -Dfocus.threads=100000 must be in 1.." + 4 * Runtime.getRuntime().availableProcessors()), r.err());
  }
}
