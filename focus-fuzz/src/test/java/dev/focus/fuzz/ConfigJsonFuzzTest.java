package dev.focus.fuzz;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.HfConfig;
import dev.focus.checkpoint.Json;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The text checkpoint's config.json reader ({@link Checkpoint#readConfig}: the file's size and UTF-8,
 * {@link Json#parseObject}, the format tag, {@link HfConfig#fromJson} and the memory check) on
 * arbitrary file bytes.
 */
class ConfigJsonFuzzTest extends FuzzTarget {
  private Path dir;

  @Override
  void accept(byte[] input) throws Exception {
    if (dir == null) dir = scratch("config");
    Files.write(dir.resolve(Checkpoint.CONFIG), input);
    ModelConfig c = Checkpoint.readConfig(dir);
    dev.focus.model.Model.requireMemory(c); // a config that loads must also pass (or fail) the model's own size check in one line
  }

  @Override
  List<byte[]> seeds() {
    ModelConfig rope = ModelConfig.micro();
    ModelConfig mrope = Overrides.apply(ModelConfig.micro(), List.of("position=mrope", "mropeSections=1,1,2", "ropeScaling=yarn:factor=4,original=64"));
    ModelConfig linear = Overrides.apply(ModelConfig.micro(), List.of("attention=linear", "linearFeature=elu_plus_1", "position=nope"));
    String plainLlama = "{\"model_type\":\"llama\",\"hidden_act\":\"silu\",\"hidden_size\":64,\"intermediate_size\":128,"
        + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"vocab_size\":100,"
        + "\"max_position_embeddings\":128,\"rope_theta\":500000.0,\"rms_norm_eps\":1e-5,\"tie_word_embeddings\":true,"
        + "\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
        + "\"original_max_position_embeddings\":64}}";
    String qwen2 = "{\"architectures\":[\"Qwen2ForCausalLM\"],\"model_type\":\"qwen2\",\"hidden_size\":32,\"intermediate_size\":64,"
        + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"vocab_size\":64,\"rope_theta\":1000000.0,"
        + "\"use_sliding_window\":false,\"sliding_window\":128,\"max_window_layers\":2,\"tie_word_embeddings\":true,"
        + "\"torch_dtype\":\"float16\",\"bos_token_id\":60,\"eos_token_id\":[61,62]}";
    String mistral = "{\"architectures\":[\"MistralForCausalLM\"],\"model_type\":\"mistral\",\"hidden_size\":32,"
        + "\"intermediate_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":1,\"vocab_size\":64,"
        + "\"sliding_window\":4096,\"rope_parameters\":{\"rope_type\":\"linear\",\"factor\":2.0,\"rope_theta\":10000.0}}";
    return List.of(Json.writePretty(HfConfig.toJson(rope)).getBytes(StandardCharsets.UTF_8),
        qwen2.getBytes(StandardCharsets.UTF_8), mistral.getBytes(StandardCharsets.UTF_8),
        Json.write(HfConfig.toJson(mrope)).getBytes(StandardCharsets.UTF_8),
        Json.write(HfConfig.toJson(linear)).getBytes(StandardCharsets.UTF_8),
        plainLlama.getBytes(StandardCharsets.UTF_8),
        "[1, 2.5e-3, \"\\u00e9\\n\", true, null, {\"a\": []}]".getBytes(StandardCharsets.UTF_8));
  }
}
