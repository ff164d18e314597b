package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.Json;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** focus init, logits, sample and eval, run through picocli as a user would (bench train: BenchTrainCommandTest). */
class ModelCommandsTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void initWritesACheckpointThatLogitsReadsBack() {
    Path ck = dir.resolve("ck");
    Run init = run("init", "--preset", "micro", "--set", "position=alibi", "--set", "vocab=100", "--seed", "7", "--out", ck.toString());
    assertEquals(0, init.code(), init.err());
    assertTrue(Files.isRegularFile(ck.resolve("model.safetensors")) && Files.isRegularFile(ck.resolve("config.json")));
    Model expected = new Model(Overrides.apply(ModelConfig.micro(), List.of("position=alibi", "vocab=100")), 7);
    assertEquals(expected.config(), Checkpoint.readConfig(ck));

    Run logits = run("logits", "--checkpoint", ck.toString(), "--tokens", "3 14 15 92");
    assertEquals(0, logits.code(), logits.err());
    @SuppressWarnings("unchecked")
    List<List<Number>> rows = (List<List<Number>>) Json.parse(logits.out());
    assertEquals(4, rows.size());
    assertEquals(100, rows.get(0).size());
    float[] want = expected.logits(new int[] {3, 14, 15, 92}, 1, 4);
    float[] got = new float[want.length];
    for (int t = 0; t < 4; t++) for (int j = 0; j < 100; j++) got[t * 100 + j] = rows.get(t).get(j).floatValue();
    assertArrayEquals(want, got);
  }

  @Test
  void userErrorsExitWithTwoAndOneLine() {
    Run bad = run("init", "--preset", "micro", "--set", "heads=5", "--out", dir.resolve("x").toString());
    assertEquals(2, bad.code());
    assertEquals("focus init: heads=5 must divide hidden=32", bad.err().strip());
    Run unknown = run("init", "--preset", "huge", "--out", dir.resolve("x").toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown preset 'huge'; valid presets: micro, tiny, small"), unknown.err());
    Run missing = run("logits", "--checkpoint", dir.resolve("none").toString(), "--tokens", "1");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("config.json: no such file"), missing.err());
    Path ck = dir.resolve("ck");
    assertEquals(0, run("init", "--preset", "micro", "--out", ck.toString()).code());
    Run range = run("logits", "--checkpoint", ck.toString(), "--tokens", "1,256");
    assertEquals(2, range.code());
    assertTrue(range.err().contains("id 256 is outside the vocabulary [0, 256)"), range.err());
  }

  @Test
  void sampleIsDeterministicPerSeedAndGreedyMatchesArgmax() {
    Path ck = dir.resolve("ck");
    assertEquals(0, run("init", "--preset", "micro", "--set", "initStd=0.3", "--seed", "2", "--out", ck.toString()).code());
    Run a = run("sample", "--checkpoint", ck.toString(), "--prompt", "ab", "--tokens", "12", "--seed", "5", "--ids");
    Run b = run("sample", "--checkpoint", ck.toString(), "--prompt", "ab", "--tokens", "12", "--seed", "5", "--ids");
    assertEquals(0, a.code(), a.err());
    assertEquals(a.out(), b.out());
    assertEquals(12, a.out().strip().split(" ").length);
    Run greedy = run("sample", "--checkpoint", ck.toString(), "--prompt", "ab", "--tokens", "3", "--temperature", "0", "--ids");
    Model m = Checkpoint.load(ck);
    int[] seq = {'a', 'b', 0, 0, 0};
    for (int i = 0; i < 3; i++) {
      float[] l = m.logits(java.util.Arrays.copyOf(seq, 2 + i), 1, 2 + i);
      int best = 0;
      for (int j = 1; j < 256; j++) if (l[(1 + i) * 256 + j] > l[(1 + i) * 256 + best]) best = j;
      seq[2 + i] = best;
    }
    assertEquals(seq[2] + " " + seq[3] + " " + seq[4], greedy.out().strip());
    Run text = run("sample", "--checkpoint", ck.toString(), "--prompt", "hello", "--tokens", "4");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("hello"), text.out());
  }

  @Test
  void evalReportsLossAndPerplexityPerContext() {
    Path ck = dir.resolve("ck");
    assertEquals(0, run("init", "--preset", "micro", "--out", ck.toString()).code());
    Run ev = run("eval", "--checkpoint", ck.toString(), "--data", "copy", "--context", "24,32", "--batches", "2", "--batch", "2", "--json");
    assertEquals(0, ev.code(), ev.err());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) Json.parseObject(ev.out()).get("results");
    assertEquals(2, results.size());
    for (Map<String, Object> r : results) {
      double loss = ((Number) r.get("loss")).doubleValue();
      // an untrained model with std 0.02 weights is close to uniform over 256 ids
      assertEquals(Math.log(256), loss, 0.1);
      assertEquals(Math.exp(loss), ((Number) r.get("perplexity")).doubleValue(), 1e-9 * Math.exp(loss));
    }
  }
}
