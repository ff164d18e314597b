package dev.focus.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  @Test
  void saveThenLoadGivesTheSameConfigParametersAndLogits() throws IOException {
    ModelConfig c = Overrides.apply(ModelConfig.micro(), List.of("position=alibi", "kvHeads=2", "vocab=300"));
    Model m = new Model(c, 5);
    Checkpoint.save(dir.resolve("ck"), m);
    Model back = Checkpoint.load(dir.resolve("ck"));
    assertEquals(c, back.config());
    assertEquals(m.parameters().size(), back.parameters().size());
    for (int i = 0; i < m.parameters().size(); i++) {
      Parameter a = m.parameters().get(i), b = back.parameters().get(i);
      assertEquals(a.name(), b.name());
      assertArrayEquals(a.shape(), b.shape());
      assertArrayEquals(a.value(), b.value(), a.name());
    }
    int[] tokens = {1, 2, 3, 299};
    assertArrayEquals(m.logits(tokens, 1, 4), back.logits(tokens, 1, 4));
  }

  @Test
  void everyConfigRoundTripsThroughConfigJson() {
    ModelConfig base = ModelConfig.micro();
    for (ModelConfig c : List.of(base,
        Overrides.apply(base, List.of("attention=linear", "position=nope", "tieEmbeddings=true")),
        Overrides.apply(base, List.of("norm=layernorm", "mlp=gelu", "bias=true", "position=learned", "normEps=1e-6")),
        Overrides.apply(base, List.of("position=mrope", "mropeSections=1,2,1", "ropeTheta=500000", "ropeLayout=adjacent")),
        Overrides.apply(base, List.of("attention=flash", "headScale=true", "logitScale=0.5")),
        Overrides.apply(base, "ropeScaling=yarn:factor=4,original=32,attention=1.2"),
        Overrides.apply(base, "ropeScaling=llama3:factor=8,low=1,high=4,original=16"),
        Overrides.apply(base, "ropeScaling=linear:factor=2"),
        Overrides.apply(base, List.of("attention=linear", "linearFeature=positive_random", "linearForm=chunked",
            "linearChunk=16", "linearDecay=0.95")))) {
      String json = Json.writePretty(HfConfig.toJson(c));
      assertEquals(c, HfConfig.fromJson(Json.parseObject(json)), json);
    }
  }

  @Test
  void huggingFaceRopeScalingIsWrittenAndRead() {
    ModelConfig c = Overrides.apply(ModelConfig.micro(), "ropeScaling=llama3:factor=8,low=1,high=4,original=16");
    Map<String, Object> json = HfConfig.toJson(c);
    assertEquals(Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0, "high_freq_factor", 4.0,
        "original_max_position_embeddings", 16L), json.get("rope_scaling"));
    assertTrue(c.isLlama());
    // a plain HF config (no focus_config) with rope_scaling
    json.remove("focus_config");
    ModelConfig read = HfConfig.fromJson(Json.parseObject(Json.writePretty(json)));
    assertEquals(c.position().scaling(), read.position().scaling());
    json.put("rope_scaling", Map.of("rope_type", "dynamic", "factor", 2.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfConfig.fromJson(Json.parseObject(Json.writePretty(json))));
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
  }

  @Test
  void aConfigJsonWrittenBeforeTheLaterKeysLoadsWithTheirDefaults() {
    ModelConfig c = Overrides.apply(ModelConfig.micro(), List.of("attention=linear", "position=nope"));
    java.util.Map<String, Object> json = HfConfig.toJson(c);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> focus = (java.util.Map<String, Object>) json.get("focus_config");
    for (String k : List.of("linearForm", "linearChunk", "linearDecay", "logitScale", "headScale", "ropeScaling")) assertTrue(focus.remove(k) != null, k);
    ModelConfig read = HfConfig.fromJson(Json.parseObject(Json.writePretty(json)));
    assertEquals(c, read);
    assertEquals(dev.focus.attention.LinearAttention.Form.PARALLEL, read.linearForm());
    assertEquals(1.0, read.linearDecay());
    assertTrue(!read.headScale());
    focus.put("linearFrom", "parallel");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> HfConfig.fromJson(Json.parseObject(Json.writePretty(json))));
    assertTrue(e.getMessage().contains("do not match"), e.getMessage());
  }

  /**
   * config.json files written before positions became a {@code PositionSpec} and linear attention's
   * options the attention package's enums (written by the code of that time, checked in as they were):
   * every one loads, describes itself with exactly the stored keys and values, and builds a model.
   */
  @Test
  void configJsonFilesWrittenByEarlierVersionsStillLoad() throws IOException {
    List<String> names = List.of("llama", "linear-nope-tied", "layernorm-gelu-learned", "mrope-adjacent",
        "flash-alibi-headscale", "yarn", "sinusoidal");
    for (String name : names) {
      String text;
      try (java.io.InputStream in = CheckpointTest.class.getResourceAsStream("stored-configs/" + name + ".json")) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, Object> json = Json.parseObject(text);
      ModelConfig c = HfConfig.fromJson(json);
      assertEquals(json.get("focus_config"), new LinkedHashMap<String, Object>(Overrides.describe(c)), name);
      assertEquals(text, Json.writePretty(HfConfig.toJson(c)), name + " is written back byte for byte");
      assertTrue(new Model(c, 1).parameterCount() > 0, name);
    }
  }

  @Test
  void headScaleTensorsRoundTripThroughTheCheckpoint() throws IOException {
    Model m = new Model(Overrides.apply(ModelConfig.micro(), "headScale=true"), 3);
    m.parameter("model.layers.1.self_attn.head_scale").value()[2] = 0.25f;
    Path dir = Files.createTempDirectory("focus-hs");
    try {
      Checkpoint.save(dir.resolve("ckpt"), m);
      Model back = Checkpoint.load(dir.resolve("ckpt"));
      assertEquals(0.25f, back.parameter("model.layers.1.self_attn.head_scale").value()[2]);
      assertEquals(m.config(), back.config());
    } finally {
      dev.focus.io.OutputDir.deleteTree(dir);
    }
  }

  @Test
  void llamaConfigJsonHasTheHuggingFaceFields() {
    Map<String, Object> j = HfConfig.toJson(ModelConfig.tiny());
    assertEquals("llama", j.get("model_type"));
    assertEquals(List.of("LlamaForCausalLM"), j.get("architectures"));
    assertEquals("silu", j.get("hidden_act"));
    assertEquals(128L, j.get("hidden_size"));
    assertEquals(384L, j.get("intermediate_size"));
    assertEquals(4L, j.get("num_hidden_layers"));
    assertEquals(4L, j.get("num_attention_heads"));
    assertEquals(4L, j.get("num_key_value_heads"));
    assertEquals(256L, j.get("vocab_size"));
    assertEquals(256L, j.get("max_position_embeddings"));
    assertEquals(10000.0, j.get("rope_theta"));
    assertEquals(1e-5, j.get("rms_norm_eps"));
    assertEquals(false, j.get("tie_word_embeddings"));
    assertEquals("softmax", j.get("focus_attention"));
    assertEquals("rope", j.get("focus_position"));
  }

  @Test
  void aPlainHuggingFaceLlamaConfigIsRead() {
    String json = "{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":172,\"num_hidden_layers\":3,"
        + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"vocab_size\":1000,\"max_position_embeddings\":512,"
        + "\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,\"tie_word_embeddings\":true,\"hidden_act\":\"silu\"}";
    ModelConfig c = HfConfig.fromJson(Json.parseObject(json));
    assertEquals(ModelConfig.llama(1000, 64, 172, 3, 8, 512), Overrides.apply(c, List.of("kvHeads=8", "tieEmbeddings=false", "normEps=1e-5")));
    assertEquals(2, c.kvHeads());
    assertTrue(c.tieEmbeddings());
  }

  @Test
  void theTensorFileHasHuggingFaceNamesShapesAndLayout() throws IOException {
    Model m = new Model(ModelConfig.micro(), 1);
    Checkpoint.save(dir.resolve("ck"), m);
    byte[] bytes = Files.readAllBytes(dir.resolve("ck").resolve(Checkpoint.WEIGHTS));
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = bb.getLong(0);
    assertEquals(0, n % 8, "header padded to 8 bytes");
    Map<String, Object> header = Json.parseObject(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> q = (Map<String, Object>) header.get("model.layers.1.self_attn.q_proj.weight");
    assertEquals("F32", q.get("dtype"));
    assertEquals(List.of(32L, 32L), q.get("shape"));
    @SuppressWarnings("unchecked")
    Map<String, Object> gate = (Map<String, Object>) header.get("model.layers.0.mlp.gate_proj.weight");
    assertEquals(List.of(64L, 32L), gate.get("shape"));
    assertTrue(header.containsKey("lm_head.weight"));
    assertTrue(header.containsKey("model.norm.weight"));
    // the first value of the embedding is stored little-endian at its data offset
    @SuppressWarnings("unchecked")
    List<Object> offs = (List<Object>) ((Map<String, Object>) header.get("model.embed_tokens.weight")).get("data_offsets");
    float first = bb.getFloat((int) (8 + n + (Long) offs.get(0)));
    assertEquals(m.parameter("model.embed_tokens.weight").value()[0], first);
  }

  @Test
  void genericTensorsAndMetadataRoundTrip() throws IOException {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("step", new TensorData(new int[0], new float[] {42f}));
    t.put("m.a", new TensorData(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
    t.put("empty", new TensorData(new int[] {0, 4}, new float[0]));
    Path f = dir.resolve("opt.safetensors");
    SafeTensors.write(f, t, Map.of("kind", "adamw", "note", "quote \" and \\ ok"));
    SafeTensors.Contents back = SafeTensors.read(f);
    assertEquals(List.of("step", "m.a", "empty"), List.copyOf(back.tensors().keySet()));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, back.tensors().get("m.a").values());
    assertArrayEquals(new int[] {2, 3}, back.tensors().get("m.a").shape());
    assertEquals("quote \" and \\ ok", back.metadata().get("note"));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary files left behind");
    }
  }

  @Test
  void halfAndBfloat16AreWidened() {
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
    ByteBuffer bb = ByteBuffer.allocate(8 + header.length() + 6).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    bb.putShort((short) 0x3c00).putShort((short) 0xc100).putShort((short) 0x4049); // 1.0, -2.5, ≈3.140625
    bb.flip();
    SafeTensors.Contents c = SafeTensors.parse("mem", bb);
    assertArrayEquals(new float[] {1f, -2.5f}, c.tensors().get("h").values());
    assertArrayEquals(new float[] {3.140625f}, c.tensors().get("b").values());
  }

  @Test
  void aTruncatedFileIsRejectedNamingFileAndTensor() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, new Model(ModelConfig.micro(), 1));
    Path f = ck.resolve(Checkpoint.WEIGHTS);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length - 100));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("lm_head.weight")
        && e.getMessage().contains("truncated"), e.getMessage());
    Files.write(f, Arrays.copyOf(b, 5));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aCorruptHeaderIsRejected() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, new Model(ModelConfig.micro(), 1));
    Path f = ck.resolve(Checkpoint.WEIGHTS);
    byte[] b = Files.readAllBytes(f);
    b[9] = '#';
    Files.write(f, b);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("corrupt header"), e.getMessage());
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    Files.write(f, b);
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("header length"), e.getMessage());
  }

  @Test
  void aMismatchedConfigIsRejectedNamingTheTensor() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, new Model(ModelConfig.micro(), 1));
    Path cfg = ck.resolve(Checkpoint.CONFIG);
    // focus_config and the Hugging Face field agree with each other, but not with the tensors
    Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate\": \"64\"", "\"intermediate\": \"96\"")
        .replace("\"intermediate_size\": 64", "\"intermediate_size\": 96"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight") && e.getMessage().contains("[96, 32]"), e.getMessage());
    Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate\": \"96\"", "\"intermediate\": \"64\"")
        .replace("\"intermediate_size\": 96", "\"intermediate_size\": 64")
        .replace("\"tieEmbeddings\": \"false\"", "\"tieEmbeddings\": \"true\"").replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("unexpected tensor lm_head.weight"), e.getMessage());
    assertThrows(CheckpointException.class, () -> Checkpoint.load(dir.resolve("absent")));
  }

  @Test
  void savingOverAnExistingCheckpointReplacesItAndLeavesNoTemporaries() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, new Model(ModelConfig.micro(), 1));
    Model second = new Model(ModelConfig.micro(), 2);
    Checkpoint.save(ck, second);
    assertArrayEquals(second.parameters().get(0).value(), Checkpoint.load(ck).parameters().get(0).value());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of("ck"), s.map(p -> p.getFileName().toString()).toList());
    }
    assertFalse(Files.exists(ck.resolve(Checkpoint.WEIGHTS + ".tmp")));
  }

  @Test
  void jsonParserIsStrictAndRoundTrips() {
    Object v = Json.parse("{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\n\"], \"b\": {}}");
    assertEquals(v, Json.parse(Json.write(v)));
    assertEquals(v, Json.parse(Json.writePretty(v)));
    for (String bad : List.of("{\"a\":1,}", "[1 2]", "{\"a\":01}", "tru", "{\"a\":1} x", "\"\\x\"", "{\"a\":1,\"a\":2}")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }
}
