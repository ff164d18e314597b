package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Json;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logits, sample, eval and analyze on checkpoints as Hugging Face writes them (config.json without
 * Focus keys, BF16/F16 shards with their index, tokenizer.json beside them): the reference's small
 * checkpoints of focus-core's PretrainedCheckpointTest, run through picocli as a user would.
 */
class PretrainedCommandsTest {
  static final Path FIXTURES = Path.of("..", "focus-core", "src", "test", "resources", "dev", "focus", "checkpoint", "hf-pretrained");

  @TempDir Path tmp;

  /** A copy of a fixture directory, as a user's own checkpoint. */
  static Path copy(String variant, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(FIXTURES.resolve(variant))) {
      for (Path f : s.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  @Test
  void logitsOfAShardedBf16CheckpointAreTheReferences() throws IOException {
    Path ck = copy("llama-bf16-sharded", tmp.resolve("llama"));
    Map<String, TensorData> ref = SafeTensors.read(FIXTURES.resolve("reference/llama-bf16-sharded.safetensors")).tensors();
    int t = ref.get("tokens").shape()[1], v = ref.get("logits").shape()[2];
    StringBuilder ids = new StringBuilder();
    for (int j = 0; j < t; j++) ids.append(j == 0 ? "" : " ").append((int) ref.get("tokens").values()[j]);
    Cli.Run r = Cli.run("logits", "--checkpoint", ck.toString(), "--tokens", ids.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("focus logits: read " + ck + ": 3 shards: 44,832 parameters stored as BF16 (90 kB), widened to F32 "
        + "(179 kB in memory)"), r.err());
    List<?> rows = (List<?>) Json.parse(r.out());
    assertEquals(t, rows.size());
    double worst = 0;
    for (int j = 0; j < t; j++) {
      List<?> row = (List<?>) rows.get(j);
      assertEquals(v, row.size());
      for (int k = 0; k < v; k++) worst = Math.max(worst, Math.abs(((Number) row.get(k)).doubleValue() - ref.get("logits").values()[j * v + k]));
    }
    assertTrue(worst < 2e-5, "batch row 0 of the reference, max |Δ| " + worst);
  }

  @Test
  void aPromptIsEncodedWithTheCheckpointsTokenizer() throws IOException {
    Path ck = copy("llama-bf16-sharded", tmp.resolve("llama"));
    int[] want = HfTokenizer.load(ck).encode("Hello world", true); // <|begin_of_text|> then the text
    assertEquals(406, want[0]);
    StringBuilder ids = new StringBuilder();
    for (int id : want) ids.append(ids.length() == 0 ? "" : " ").append(id);
    Cli.Run byText = Cli.run("logits", "--checkpoint", ck.toString(), "--prompt", "Hello world");
    Cli.Run byIds = Cli.run("logits", "--checkpoint", ck.toString(), "--tokens", ids.toString());
    assertEquals(0, byText.code(), byText.err());
    assertEquals(byIds.out(), byText.out());
    assertEquals(want.length, ((List<?>) Json.parse(byText.out())).size());
  }

  @Test
  void sampleDecodesWithTheTokenizerAndStopsAtTheEndOfSequenceId() throws IOException {
    Path ck = copy("llama-bf16-sharded", tmp.resolve("llama"));
    Cli.Run greedy = Cli.run("sample", "--checkpoint", ck.toString(), "--prompt", "The ", "--tokens", "6", "--temperature", "0", "--ids");
    assertEquals(0, greedy.code(), greedy.err());
    String[] drawn = greedy.out().strip().split(" ");
    assertEquals(6, drawn.length, greedy.out());
    // the same checkpoint whose eos_token_id is the third greedy token stops there, keeping it
    Path config = ck.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"eos_token_id\": 407", "\"eos_token_id\": [400, " + drawn[2] + "]"));
    Cli.Run stopped = Cli.run("sample", "--checkpoint", ck.toString(), "--prompt", "The ", "--tokens", "6", "--temperature", "0", "--ids");
    assertEquals(0, stopped.code(), stopped.err());
    assertEquals(drawn[0] + " " + drawn[1] + " " + drawn[2], stopped.out().strip());
    assertTrue(stopped.err().contains("focus sample: note: stopped after 3 of 6 tokens at the end-of-sequence id " + drawn[2]), stopped.err());
    Cli.Run text = Cli.run("sample", "--checkpoint", ck.toString(), "--prompt", "The ", "--tokens", "6", "--temperature", "0");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("The "), text.out());
  }

  @Test
  void aPaddedVocabularyDecodesWhatTheTokenizerKnows() throws IOException {
    // Qwen2-style: the embedding table (vocab_size) is larger than the tokenizer; ids past it have no text
    Path ck = copy("llama-bf16-sharded", tmp.resolve("llama"));
    CheckpointText text = CheckpointText.of(ck, 410);
    String hello = text.decode(text.encode("Hello"));
    assertEquals(hello, text.decode(java.util.stream.IntStream.concat(java.util.Arrays.stream(text.encode("Hello")),
        java.util.stream.IntStream.of(410, 500)).toArray()));
  }

  @Test
  void evalAndAnalyzeRunOnHuggingFaceCheckpoints() throws IOException {
    Path qwen = copy("qwen2-f16-sharded", tmp.resolve("qwen"));
    Cli.Run ev = Cli.run("eval", "--checkpoint", qwen.toString(), "--data", "copy", "--context", "24", "--batches", "1", "--batch", "2", "--json");
    assertEquals(0, ev.code(), ev.err());
    Map<?, ?> result = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(ev.out())).get("results")).get(0);
    double loss = ((Number) result.get("loss")).doubleValue();
    assertTrue(loss > 0 && loss < 10, "a finite cross-entropy over 64 ids: " + loss);
    assertTrue(ev.err().contains("2 shards: 20,768 parameters stored as F16"), ev.err());

    Path out = tmp.resolve("runs").resolve("analyze-qwen");
    Cli.Run an = Cli.run("analyze", "--checkpoint", qwen.toString(), "--tokens", "1 5 9 13 17 21 25 29 33 37 41 45", "--out", out.toString());
    assertEquals(0, an.code(), an.err());
    List<String> heads = Files.readAllLines(out.resolve("heads.csv"));
    assertEquals(1 + 2 * 4, heads.size(), "a header and one row per layer and head");
  }

  @Test
  void aBrokenCheckpointIsOneLineAndExitCode2() throws IOException {
    Path ck = copy("llama-bf16-sharded", tmp.resolve("llama"));
    Files.delete(ck.resolve("model-00003-of-00003.safetensors"));
    Cli.Run r = Cli.run("logits", "--checkpoint", ck.toString(), "--tokens", "1 2 3");
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("model-00003-of-00003.safetensors: no such file"), r.err());
    Cli.Run both = Cli.run("logits", "--checkpoint", ck.toString(), "--tokens", "1", "--prompt", "x");
    assertEquals(2, both.code());
    assertArrayEquals(new String[0], both.out().isEmpty() ? new String[0] : new String[] {both.out()});
  }
}
