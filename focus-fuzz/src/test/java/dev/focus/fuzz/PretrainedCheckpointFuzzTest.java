package dev.focus.fuzz;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.HfConfig;
import dev.focus.checkpoint.Json;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.checkpoint.WeightFiles;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint reader ({@link Checkpoint#read}) on a Hugging Face directory whose files are arbitrary
 * bytes: config.json without Focus keys, model.safetensors, and two shards with their index. The seeds
 * are a valid sharded and a valid single-file checkpoint, and the broken directories the reader must
 * refuse in one line: a shard missing, a tensor named twice in the index, a dtype other than
 * config.json's, and a config.json that disagrees with the shapes.
 */
class PretrainedCheckpointFuzzTest extends FuzzTarget {
  static final String SHARD1 = "model-00001-of-00002.safetensors", SHARD2 = "model-00002-of-00002.safetensors";
  private static final DirectoryImage FILES = new DirectoryImage(List.of(Checkpoint.CONFIG, WeightFiles.INDEX, SHARD1, SHARD2,
      Checkpoint.WEIGHTS));
  private Path dir;

  @Override
  void accept(byte[] input) throws Exception {
    if (dir == null) dir = scratch("pretrained");
    FILES.writeInto(dir, input);
    Checkpoint.read(dir);
  }

  @Override
  List<byte[]> seeds() throws Exception {
    // a Qwen2-style model: q/k/v biases, grouped-query attention, tied embeddings
    ModelConfig c = Overrides.apply(ModelConfig.micro(), List.of("vocab=16", "hidden=8", "intermediate=16", "layers=1", "heads=2",
        "kvHeads=1", "context=16", "bias=qkv", "tieEmbeddings=true"));
    Map<String, Object> config = new LinkedHashMap<>(HfConfig.toJson(c));
    config.keySet().removeIf(k -> k.startsWith("focus_"));
    config.put("eos_token_id", 2L);
    Map<String, TensorData> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
    List<Parameter> params = new Model(c, 1).parameters();
    Map<String, Object> weightMap = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      (i < params.size() / 2 ? first : second).put(p.name(), new TensorData(p.shape(), p.value()));
      weightMap.put(p.name(), i < params.size() / 2 ? SHARD1 : SHARD2);
    }
    Path d = scratch("pretrained-seeds");
    SafeTensors.write(d.resolve(SHARD1), first, Map.of("format", "pt"));
    SafeTensors.write(d.resolve(SHARD2), second, Map.of("format", "pt"));
    Map<String, TensorData> all = new LinkedHashMap<>(first);
    all.putAll(second);
    SafeTensors.write(d.resolve(Checkpoint.WEIGHTS), all, Map.of("format", "pt"));
    byte[] shard1 = Files.readAllBytes(d.resolve(SHARD1)), shard2 = Files.readAllBytes(d.resolve(SHARD2));
    byte[] single = Files.readAllBytes(d.resolve(Checkpoint.WEIGHTS));
    String index = Json.writePretty(Map.of("metadata", Map.of("total_size", 4L * c.vocab()), "weight_map", weightMap));
    String json = Json.writePretty(config);

    List<byte[]> seeds = new ArrayList<>();
    seeds.add(FILES.encode(files(json, index, shard1, shard2, null)));
    seeds.add(FILES.encode(files(json, null, null, null, single)));
    seeds.add(FILES.encode(files(json, index, shard1, null, null)));                                      // a shard missing
    String twice = changed(index, "\"weight_map\": {", "\"weight_map\": {\"model.norm.weight\": \"" + SHARD1 + "\", ");
    seeds.add(FILES.encode(files(json, twice, shard1, shard2, null)));                                     // a tensor named twice
    seeds.add(FILES.encode(files(changed(json, "\"float32\"", "\"bfloat16\""), index, shard1, shard2, null))); // another dtype
    seeds.add(FILES.encode(files(changed(json, "\"intermediate_size\": 16", "\"intermediate_size\": 24"), index, shard1, shard2,
        null)));                                                                                           // config against shapes
    return seeds;
  }

  @org.junit.jupiter.api.Test
  void theValidSeedsLoadAndTheBrokenOnesAreRefusedNamingWhy() throws Exception {
    List<byte[]> seeds = seeds();
    String[] why = {null, null, "missing a shard", "duplicate key \"model.norm.weight\"", "is F32 but config.json's torch_dtype says "
        + "the weights are BF16", "but config.json implies"};
    for (int i = 0; i < seeds.size(); i++) {
      byte[] seed = seeds.get(i);
      if (why[i] == null) {
        accept(seed);
        continue;
      }
      String want = why[i];
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> accept(seed));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(want), "seed " + i + ": " + e.getMessage());
    }
  }

  /** {@code s} with {@code from} replaced, which must occur (else the seed would silently be the valid one). */
  private static String changed(String s, String from, String to) {
    if (!s.contains(from)) throw new IllegalStateException("seed text lacks " + from);
    return s.replace(from, to);
  }

  private static Map<String, byte[]> files(String config, String index, byte[] shard1, byte[] shard2, byte[] single) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put(Checkpoint.CONFIG, config.getBytes(StandardCharsets.UTF_8));
    if (index != null) m.put(WeightFiles.INDEX, index.getBytes(StandardCharsets.UTF_8));
    if (shard1 != null) m.put(SHARD1, shard1);
    if (shard2 != null) m.put(SHARD2, shard2);
    if (single != null) m.put(Checkpoint.WEIGHTS, single);
    return m;
  }
}
