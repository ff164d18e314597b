package dev.focus.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.io.MemoryBudget;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files that are well-formed in parts but inconsistent as a whole are refused with one line
 * (issue 12, items 4 and 8): data no tensor owns, an unknown format tag, config.json fields that
 * describe another model than focus_config, and sizes beyond what the JVM can allocate.
 */
class InconsistentFilesTest {
  @TempDir Path dir;

  static final ModelConfig MICRO = Overrides.apply(ModelConfig.micro(), List.of("vocab=16", "context=16"));

  private Path saved() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, new Model(MICRO, 1));
    return ck;
  }

  /** A safetensors file of F32 tensors with the given [begin, end) offsets over {@code dataBytes} bytes of data. */
  private static byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private static CheckpointException refused(byte[] bytes) {
    return assertThrows(CheckpointException.class, () -> SafeTensors.parse("f", ByteBuffer.wrap(bytes)));
  }

  @Test
  void trailingBytesAfterTheLastTensorAreRefused() throws IOException {
    Path ck = saved();
    Files.write(ck.resolve(Checkpoint.WEIGHTS), new byte[] {1, 2, 3, 4}, StandardOpenOption.APPEND);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("4 bytes after the last tensor belong to no tensor"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aGapBetweenTensorsIsRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
    CheckpointException e = refused(file(header, 20));
    assertTrue(e.getMessage().contains("4 bytes at data offset 8 belong to no tensor (a gap before tensor b)"), e.getMessage());
    // the same tensors without the gap are read
    String tight = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    assertEquals(2, SafeTensors.parse("f", ByteBuffer.wrap(file(tight, 16))).tensors().size());
  }

  @Test
  void overlappingTensorsAreRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    assertTrue(refused(file(header, 12)).getMessage().contains("overlaps tensor a"));
  }

  @Test
  void anUnknownFocusFormatIsRefused() {
    String header = "{\"__metadata__\":{\"focus_format\":\"focus-\\u0000evil\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    CheckpointException e = refused(file(header, 4));
    assertTrue(e.getMessage().contains("focus_format=focus-\\u0000evil is not a format this build reads"), e.getMessage());
    assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "no raw control characters in the message");
  }

  @Test
  void weightsOfAnotherKindAreRefusedByTheModelLoader() throws IOException {
    Path ck = saved();
    Map<String, TensorData> t = new LinkedHashMap<>(SafeTensors.read(ck.resolve(Checkpoint.WEIGHTS)).tensors());
    NamedTensors.write(ck.resolve(Checkpoint.WEIGHTS), NamedTensors.OPTIMIZER, t, Map.of());
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("focus_format=focus-optimizer is not a text model's weights"), e.getMessage());
  }

  /** Each Hugging Face field that a reader builds its model from must agree with focus_config. */
  @ParameterizedTest
  @ValueSource(strings = {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "intermediate_size",
      "vocab_size", "max_position_embeddings", "head_dim"})
  void huggingFaceFieldsThatDisagreeWithFocusConfigAreRefused(String field) throws IOException {
    Path ck = saved();
    Map<String, Object> json = Json.parseObject(Files.readString(ck.resolve(Checkpoint.CONFIG)));
    long was = (Long) json.get(field);
    json.put(field, was * 2);
    Files.writeString(ck.resolve(Checkpoint.CONFIG), Json.writePretty(json));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains(field + "=" + was * 2 + " disagrees with focus_config, which implies " + was), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void otherHuggingFaceFieldsThatDisagreeAreRefusedToo() throws IOException {
    for (Map.Entry<String, Object> change : Map.<String, Object>of("rope_theta", 500.0, "tie_word_embeddings", true,
        "hidden_act", "gelu", "rms_norm_eps", 1e-3, "focus_position", "alibi").entrySet()) {
      Path ck = saved();
      Map<String, Object> json = Json.parseObject(Files.readString(ck.resolve(Checkpoint.CONFIG)));
      json.put(change.getKey(), change.getValue());
      Files.writeString(ck.resolve(Checkpoint.CONFIG), Json.writePretty(json));
      CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck), change.getKey());
      assertTrue(e.getMessage().contains(change.getKey() + "="), e.getMessage());
    }
  }

  @Test
  void aContextBeyondTheHeapFailsBeforeAllocatingNamingTheValueAndTheLimit() throws IOException {
    Path ck = saved();
    Map<String, Object> json = Json.parseObject(Files.readString(ck.resolve(Checkpoint.CONFIG)));
    // consistent: focus_config and the Hugging Face field both say 2e9 positions
    @SuppressWarnings("unchecked")
    Map<String, Object> focus = (Map<String, Object>) json.get("focus_config");
    focus.put("context", "2000000000");
    json.put("max_position_embeddings", 2000000000L);
    Files.writeString(ck.resolve(Checkpoint.CONFIG), Json.writePretty(json));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("max_position_embeddings=2000000000") && e.getMessage().contains("this JVM may use"),
        e.getMessage());
    // a plain Hugging Face config.json (no focus_config) with the same context fails the same way
    json.remove("focus_config");
    json.remove("focus_attention");
    json.remove("focus_position");
    Files.writeString(ck.resolve(Checkpoint.CONFIG), Json.writePretty(json));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("max_position_embeddings=2000000000"), e.getMessage());
  }

  @Test
  void aDeclaredTensorLengthBeyondTheFileIsRefusedBeforeAllocating() {
    // 2e9 floats declared, 8 bytes present: the offsets are checked against the file first
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2000000000],\"data_offsets\":[0,8000000000]}}";
    CheckpointException e = refused(file(header, 8));
    assertTrue(e.getMessage().contains("outside the 8 data bytes"), e.getMessage());
    String big = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2000000000, 2000000000],\"data_offsets\":[0,8]}}";
    assertTrue(refused(file(big, 8)).getMessage().contains("too large"));
  }

  @Test
  void memoryLimitNamesBothSizes() {
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> MemoryBudget.require("f: the model", Long.MAX_VALUE / 2, CheckpointException::new));
    assertTrue(e.getMessage().startsWith("f: the model needs about ") && e.getMessage().contains("this JVM may use"), e.getMessage());
    MemoryBudget.require("f: the model", 1024, CheckpointException::new); // fits: no exception
    e = assertThrows(CheckpointException.class, () -> MemoryBudget.require("f", -1, CheckpointException::new));
    assertTrue(e.getMessage().contains("more than 8 EB"), e.getMessage());
  }

  /** A plain Hugging Face config.json with numbers out of range or of the wrong type: one line, never another exception. */
  @Test
  void outOfRangeOrMistypedNumbersInAPlainConfigAreOneLine() throws IOException {
    Path ck = saved();
    Map<String, Object> json = Json.parseObject(Files.readString(ck.resolve(Checkpoint.CONFIG)));
    json.remove("focus_config");
    json.remove("focus_attention");
    json.remove("focus_position");
    for (Map.Entry<String, Object> bad : Map.<String, Object>of("hidden_size", 99_999_999_999L, "head_dim", "x",
        "num_attention_heads", 0L, "vocab_size", -5L).entrySet()) {
      Map<String, Object> j = new LinkedHashMap<>(json);
      j.put(bad.getKey(), bad.getValue());
      Files.writeString(ck.resolve(Checkpoint.CONFIG), Json.writePretty(j));
      CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck), bad.getKey());
      assertTrue(e.getMessage().contains(bad.getKey()) || e.getMessage().contains("vocab"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }
}
