package dev.focus.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.testing.OracleFixtures;
import dev.focus.testing.Oracles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A softmax + RoPE Focus checkpoint is a Llama checkpoint: src/test/python/hf_llama.py builds
 * LlamaForCausalLM's module tree from nothing but the Hugging Face LlamaConfig fields of config.json,
 * loads model.safetensors with strict names and shapes, and its logits must equal Focus's
 * (max |Δ| / max |logit| ≤ 1e-5, float32 on both sides). Covers grouped-query attention, tied
 * embeddings and a non-default rope_theta. Focus's logits come from the checkpoint reloaded by
 * {@link Checkpoint#load}. Without python3-torch the Llama's logits come from the checked-in
 * {@code src/test/resources/dev/focus/checkpoint/hf-llama/} (see {@link OracleFixtures}).
 */
class HfLlamaCompatTest {
  @TempDir Path dir;

  static final List<String> BASE = List.of("vocab=67", "hidden=64", "intermediate=96", "layers=2", "heads=4", "context=32");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kvHeads=2", "kvHeads=4,tieEmbeddings=true,ropeTheta=500000"})
  void focusCheckpointLoadsIntoALlamaBuiltFromConfigJsonAlone(String overrides) throws Exception {
    List<String> sets = new ArrayList<>(BASE);
    sets.addAll(List.of(overrides.split(",")));
    ModelConfig config = Overrides.apply(ModelConfig.micro(), sets);
    Model model = new Model(config, 7);
    OracleFixtures.fillWeights(model.parameters(), 7);
    Checkpoint.save(dir.resolve("ckpt"), model);

    int b = 2, t = 20, v = config.vocab();
    Random rng = new Random(3);
    int[] tokens = new int[b * t];
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      List<Object> row = new ArrayList<>();
      for (int j = 0; j < t; j++) {
        tokens[i * t + j] = rng.nextInt(v);
        row.add((long) tokens[i * t + j]);
      }
      rows.add(row);
    }
    Path fixture = OracleFixtures.path("dev/focus/checkpoint/hf-llama/" + overrides.replaceAll("[^A-Za-z0-9]+", "-") + ".safetensors");
    String fingerprint = new OracleFixtures.Fingerprint().add("micro " + sets).add(model.parameters()).add(tokens).hex();
    float[] reference;
    if (Oracles.pythonAvailable("torch", "numpy")) {
      Files.writeString(dir.resolve("tokens.json"), Json.write(rows), StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(Oracles.python(), "src/test/python/hf_llama.py", dir.resolve("ckpt").toString(),
          dir.resolve("tokens.json").toString(), dir.resolve("logits.json").toString()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hf_llama.py timed out");
      assertEquals(0, p.exitValue(), "hf_llama.py failed:\n" + output);
      List<?> torch = (List<?>) Json.parse(Files.readString(dir.resolve("logits.json")));
      reference = new float[b * t * v];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          List<?> logits = (List<?>) ((List<?>) torch.get(i)).get(j);
          assertEquals(v, logits.size(), "vocabulary of row " + i + ", position " + j);
          for (int k = 0; k < v; k++) reference[(i * t + j) * v + k] = ((Number) logits.get(k)).floatValue();
        }
      }
      OracleFixtures.checkTensors(fixture, fingerprint, Map.of("logits", new TensorData(new int[] {b, t, v}, reference)), 1e-5);
    } else {
      reference = OracleFixtures.readTensors(fixture, fingerprint).get("logits").values();
    }

    float[] focus = Checkpoint.load(dir.resolve("ckpt")).logits(tokens, b, t);
    double num = 0, den = 0;
    for (int i = 0; i < focus.length; i++) {
      num = Math.max(num, Math.abs(focus[i] - reference[i]));
      den = Math.max(den, Math.abs(reference[i]));
    }
    assertTrue(den > 0.1, "logits are all near zero; the test would not see a difference");
    assertTrue(num / den <= 1e-5, "logits differ from the Llama's: relative error " + num / den);
  }
}
