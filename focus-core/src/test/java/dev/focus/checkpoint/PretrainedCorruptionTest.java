package dev.focus.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face checkpoint directory that is broken as a whole is refused before a model is built,
 * with one line naming the file and the tensor or field: a shard missing, an index that names a tensor
 * twice or in the wrong shard, a dtype other than config.json's, a config.json that disagrees with the
 * shapes, and the config.json fields Focus does not implement (an active sliding window, another
 * family, a quantized checkpoint). Each case starts from a copy of the reference's three-shard BF16
 * Llama ({@link PretrainedCheckpointTest}).
 */
class PretrainedCorruptionTest {
  @TempDir Path tmp;

  static final String SHARD1 = "model-00001-of-00003.safetensors", SHARD2 = "model-00002-of-00003.safetensors";

  private Path copy(String variant) throws IOException {
    Path from = PretrainedCheckpointTest.FIXTURES.resolve(variant), to = tmp.resolve(variant);
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  private Path sharded() throws IOException { return copy("llama-bf16-sharded"); }

  private static String refused(Path dir) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private static void edit(Path file, String from, String to) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(s.contains(from), file + " holds " + from);
    Files.writeString(file, s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
  }

  @Test
  void aMissingShardIsNamed() throws IOException {
    Path dir = sharded();
    Files.delete(dir.resolve(SHARD2));
    String m = refused(dir);
    assertTrue(m.startsWith(dir.resolve(SHARD2) + ": no such file (model.safetensors.index.json lists "), m);
    assertTrue(m.endsWith("the checkpoint is missing a shard"), m);
  }

  /** Fuzz finding: a control character in a shard name came back raw in the missing-shard message. */
  @Test
  void aShardNameThatIsNotAPrintableFileNameIsRefusedQuoted() throws IOException {
    Path dir = sharded();
    Path index = dir.resolve(WeightFiles.INDEX);
    String listed = Files.readString(index);
    Files.writeString(index, listed.replace(SHARD2, "model-00002-\u007fof-00003.safetensors"));
    String m = refused(dir);
    assertEquals(index + ": shard model-00002-\\u007fof-00003.safetensors is not a .safetensors file name in the checkpoint directory", m);
    String longName = "m".repeat(300) + ".safetensors";
    Files.writeString(index, listed.replace(SHARD2, longName));
    m = refused(dir);
    assertTrue(m.startsWith(index + ": shard mmm") && m.contains("… is not a .safetensors file name") && m.length() < 400, m);
  }

  @Test
  void anIndexThatNamesATensorTwiceIsRefused() throws IOException {
    Path dir = sharded();
    Path index = dir.resolve(WeightFiles.INDEX);
    edit(index, "\"model.norm.weight\": ", "\"model.norm.weight\": \"" + SHARD1 + "\",\n    \"model.norm.weight\": ");
    String m = refused(dir);
    assertTrue(m.startsWith(index + ": ") && m.contains("duplicate key \"model.norm.weight\""), m);
  }

  @Test
  void anIndexThatPutsATensorInAnotherShardIsRefused() throws IOException {
    Path dir = sharded();
    String listed = Files.readString(dir.resolve(WeightFiles.INDEX));
    String shard = listed.contains("\"model.norm.weight\": \"" + SHARD2 + "\"") ? SHARD2 : "model-00003-of-00003.safetensors";
    edit(dir.resolve(WeightFiles.INDEX), "\"model.norm.weight\": \"" + shard + "\"", "\"model.norm.weight\": \"" + SHARD1 + "\"");
    String m = refused(dir);
    assertTrue(m.equals(dir.resolve(shard) + ": tensor model.norm.weight is listed in model.safetensors.index.json under " + SHARD1), m);
  }

  @Test
  void aShardNobodyListsIsAnIncompleteIndex() throws IOException {
    Path dir = sharded();
    Path index = dir.resolve(WeightFiles.INDEX);
    String s = Files.readString(index).replace("model-00003-of-00003", "model-00002-of-00003");
    Files.writeString(index, s);
    String m = refused(dir);
    assertTrue(m.contains("no tensor is listed in shard 3 of 3 (model-00003-of-00003.safetensors): the index is incomplete"), m);
  }

  @Test
  void aTensorStoredInTwoShardsIsRefused() throws IOException {
    Path dir = sharded();
    // shard 1 gains a copy of a tensor of shard 2, listed nowhere else
    SafeTensors.Header h2 = SafeTensors.readHeader(dir.resolve(SHARD2));
    String name = h2.entries().keySet().iterator().next();
    Map<String, TensorData> one = new java.util.LinkedHashMap<>(SafeTensors.read(dir.resolve(SHARD1)).tensors());
    one.put(name, SafeTensors.read(dir.resolve(SHARD2)).tensors().get(name));
    SafeTensors.write(dir.resolve(SHARD1), one, Map.of("format", "pt"));
    assertEquals(dir.resolve(SHARD1) + ": tensor " + name + " is listed in model.safetensors.index.json under " + SHARD2, refused(dir));
  }

  @Test
  void aDtypeOtherThanConfigJsonSaysIsRefused() throws IOException {
    Path dir = sharded();
    edit(dir.resolve("config.json"), "\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"float16\"");
    String m = refused(dir);
    assertTrue(m.contains(": tensor ") && m.contains(" is BF16 but config.json's torch_dtype says the weights are F16"), m);
  }

  @Test
  void oneTensorRelabelledAsAnotherDtypeIsRefused() throws IOException {
    Path dir = sharded();
    Path shard = dir.resolve(SHARD1);
    byte[] b = Files.readAllBytes(shard);
    long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
    // the same byte length, so only the dtype check can see it: BF16 bits read as F16 are other numbers
    String relabelled = header.replaceFirst("\"dtype\":\"BF16\"", "\"dtype\": \"F16\"");
    System.arraycopy(relabelled.getBytes(StandardCharsets.UTF_8), 0, b, 8, (int) n);
    Files.write(shard, b);
    String m = refused(dir);
    assertTrue(m.startsWith(shard + ": tensor ") && m.endsWith(" is F16 but config.json's torch_dtype says the weights are BF16"), m);
  }

  @Test
  void aConfigThatDisagreesWithTheShapesIsRefused() throws IOException {
    Path dir = sharded();
    edit(dir.resolve("config.json"), "\"intermediate_size\": 64", "\"intermediate_size\": 96");
    String m = refused(dir);
    assertTrue(m.matches(".*model-0000\\d-of-00003\\.safetensors: tensor model\\.layers\\.0\\.mlp\\.\\w+_proj\\.weight has shape "
        + "\\[\\d+, \\d+\\] but config\\.json implies \\[\\d+, \\d+\\]"), m);
  }

  @Test
  void bothLayoutsAtOnceAreRefused() throws IOException {
    Path dir = sharded();
    Files.copy(dir.resolve(SHARD1), dir.resolve("model.safetensors"));
    assertTrue(refused(dir).endsWith("holds both model.safetensors and model.safetensors.index.json (two sets of weights, one of them stale); keep one"));
  }

  @Test
  void anActiveSlidingWindowIsRefused() throws IOException {
    Path mistral = copy("mistral-bf16-sharded");
    edit(mistral.resolve("config.json"), "\"sliding_window\": null", "\"sliding_window\": 4096");
    String m = refused(mistral);
    assertTrue(m.startsWith(mistral.resolve("config.json") + ": sliding_window=4096 is on (model_type mistral): attention over only "
        + "the last keys is not implemented"), m);
    Path qwen = copy("qwen2-f16-sharded");
    Checkpoint.load(qwen); // sliding_window is set but use_sliding_window is false: full attention
    edit(qwen.resolve("config.json"), "\"use_sliding_window\": false", "\"use_sliding_window\": true");
    assertTrue(refused(qwen).contains("sliding_window=128 is on (model_type qwen2)"));
  }

  @Test
  void fieldsFocusDoesNotImplementAreNamed() throws IOException {
    Path dir = sharded();
    Path config = dir.resolve("config.json");
    String original = Files.readString(config);
    String[][] cases = {
        {"\"model_type\": \"llama\"", "\"model_type\": \"gpt2\"", "model_type=\"gpt2\" is not read (llama, mistral, qwen2 are)"},
        {"\"LlamaForCausalLM\"", "\"Qwen2ForCausalLM\"", "model_type=llama disagrees with architectures=[Qwen2ForCausalLM]"},
        {"\"head_dim\": 8", "\"head_dim\": 16", "head_dim=16 differs from hidden_size/num_attention_heads=8"},
        {"\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"", "hidden_act=gelu is not supported (silu only)"},
        {"\"eos_token_id\": 407", "\"eos_token_id\": 410", "eos_token_id=410 must be ids in [0, vocab_size=410)"},
        {"\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"int8\"", "torch_dtype=\"int8\" is not read (float32, float16 or bfloat16)"},
        {"\"use_cache\": true", "\"quantization_config\": {\"quant_method\": \"gptq\"}",
            "quantization_config is set: quantized checkpoints are not read"},
        {"\"mlp_bias\": false", "\"mlp_bias\": true", "mlp_bias=true with attention_bias=false is not supported"},
    };
    for (String[] c : cases) {
      Files.writeString(config, original);
      edit(config, c[0], c[1]);
      String m = refused(dir);
      assertTrue(m.startsWith(config + ": ") && m.contains(c[2]), c[1] + " → " + m);
    }
  }

  @Test
  void aTiedHeadStoredAnywayMustEqualTheEmbeddings() throws IOException {
    Path dir = copy("llama-bf16-tied");
    Path weights = dir.resolve("model.safetensors");
    Map<String, TensorData> t = new java.util.LinkedHashMap<>(SafeTensors.read(weights).tensors());
    TensorData embed = t.get("model.embed_tokens.weight");
    t.put("lm_head.weight", embed);
    t.put("model.layers.0.self_attn.rotary_emb.inv_freq", TensorData.of(new float[] {1, 0.1f, 0.01f, 0.001f}));
    SafeTensors.write(weights, t, Map.of("format", "pt"));
    edit(dir.resolve("config.json"), "\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"float32\"");
    Checkpoint.load(dir); // an equal head and a derived buffer: what some converters write, read as the same model
    float[] other = embed.values().clone();
    other[5] += 1;
    t.put("lm_head.weight", new TensorData(embed.shape(), other));
    SafeTensors.write(weights, t, Map.of("format", "pt"));
    assertEquals(weights + ": lm_head.weight differs from model.embed_tokens.weight but config.json has tie_word_embeddings=true",
        refused(dir));
  }
}
