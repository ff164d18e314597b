package dev.focus.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.model.ModelConfig;
import dev.focus.position.RopeScaling;
import dev.focus.testing.OracleFixtures;
import dev.focus.testing.Oracles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints as Hugging Face writes them, made by the PyTorch reference
 * (src/test/python/hf_pretrained.py: config.json with a family's standard fields only, BF16 or F16
 * weights in one file or in shards with their index), load in Focus with the reference's logits.
 *
 * <p>The reference computes in float32 from the same 16-bit weights that Focus widens to float32, so
 * the two sides do the same arithmetic up to the order of float32 sums: the bound is 1e-5 of the largest
 * logit, far below the rounding of the 16-bit weights themselves (2⁻⁹ ≈ 2e-3 relative for BF16, 2⁻¹² for
 * F16), which would show as errors of about 1e-3 if either side rounded a weight differently.
 *
 * <p>Fixtures: {@code src/test/resources/dev/focus/checkpoint/hf-pretrained/NAME/} (the checkpoint
 * directories) and {@code reference/NAME.safetensors} (tokens, logits and the SHA-256 of every file they
 * were made from). With python3-torch the script runs afresh: its checkpoints must be the checked-in
 * bytes and its logits within 1e-5 of the checked-in ones ({@code FOCUS_REGENERATE_FIXTURES=1} rewrites
 * them); without it the checked-in files are the reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PretrainedCheckpointTest {
  static final Path FIXTURES = OracleFixtures.path("dev/focus/checkpoint/hf-pretrained");
  static final List<String> VARIANTS = List.of("llama-bf16-sharded", "llama-f16", "llama-bf16-tied", "qwen2-f16-sharded",
      "mistral-bf16-sharded");
  /** Bound on max|Focus − reference| / max|reference| over the logits. */
  static final double TOLERANCE = 1e-5;

  @TempDir Path tmp;
  private Path source;

  @BeforeAll
  void reference() throws Exception {
    source = FIXTURES;
    if (!Oracles.pythonAvailable("torch", "numpy")) return;
    Path fresh = Files.createTempDirectory("focus-hf-pretrained-");
    Process p = new ProcessBuilder(Oracles.python(), "src/test/python/hf_pretrained.py", fresh.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "hf_pretrained.py timed out");
    assertEquals(0, p.exitValue(), "hf_pretrained.py failed:\n" + output);
    if (OracleFixtures.regenerating()) {
      dev.focus.io.OutputDir.deleteTree(FIXTURES);
      copyTree(fresh, FIXTURES);
    } else {
      assertEquals(files(FIXTURES), files(fresh), "the script writes other files than the fixtures hold; " + OracleFixtures.REGENERATE);
      for (String f : files(fresh)) {
        if (f.startsWith("reference/")) {
          SafeTensors.Contents old = SafeTensors.read(FIXTURES.resolve(f)), now = SafeTensors.read(fresh.resolve(f));
          assertEquals(old.metadata(), now.metadata(), f + ": made from other checkpoint files; " + OracleFixtures.REGENERATE);
          assertArrayEquals(old.tensors().get("tokens").values(), now.tensors().get("tokens").values(), f);
          assertTrue(relativeError(old.tensors().get("logits").values(), now.tensors().get("logits").values()) <= 1e-5,
              f + ": the reference's logits moved; " + OracleFixtures.REGENERATE);
        } else {
          assertArrayEquals(Files.readAllBytes(FIXTURES.resolve(f)), Files.readAllBytes(fresh.resolve(f)),
              f + " is not the file the script writes; " + OracleFixtures.REGENERATE);
        }
      }
    }
    source = fresh;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama-bf16-sharded", "llama-f16", "llama-bf16-tied", "qwen2-f16-sharded", "mistral-bf16-sharded"})
  void focusLogitsEqualTheReferenceOnACheckpointAsHuggingFaceWritesIt(String name) throws Exception {
    Path dir = source.resolve(name);
    SafeTensors.Contents ref = SafeTensors.read(source.resolve("reference").resolve(name + ".safetensors"));
    assertEquals(ref.metadata().get("files"), fingerprints(dir), "the reference was made from other files than " + dir);
    assertTrue(Files.readString(dir.resolve("config.json")).indexOf("focus") < 0, "no Focus keys in a Hugging Face config.json");

    Checkpoint.Loaded loaded = Checkpoint.read(dir);
    assertTrue(loaded.pretrained());
    float[] tokens = ref.tensors().get("tokens").values();
    int b = ref.tensors().get("tokens").shape()[0], t = ref.tensors().get("tokens").shape()[1];
    int[] ids = new int[tokens.length];
    for (int i = 0; i < ids.length; i++) ids[i] = (int) tokens[i];
    float[] expected = ref.tensors().get("logits").values();
    float[] actual = loaded.model().logits(ids, b, t);
    assertEquals(expected.length, actual.length, "logits (B, T, V)");
    double num = maxAbsDiff(expected, actual), den = maxAbs(expected);
    System.out.printf(Locale.ROOT, "%s: max |Focus - reference| = %.3g over logits up to %.3g (relative %.3g); %s%n", name, num, den,
        num / den, loaded.summary());
    assertTrue(den > 0.5, "logits near zero would hide a difference");
    assertTrue(num / den <= TOLERANCE, name + ": logits differ from the reference by " + num + " (relative " + num / den + ")");
  }

  @Test
  void eachVariantReadsAsTheFamilyItNames() throws IOException {
    ModelConfig llama = Checkpoint.readConfig(source.resolve("llama-bf16-sharded"));
    assertEquals(4, llama.heads());
    assertEquals(2, llama.kvHeads());
    assertEquals(ModelConfig.Bias.NONE, llama.bias());
    assertEquals(new RopeScaling.Llama3(8, 1, 4, 64), llama.position().scaling());
    ModelConfig qwen = Checkpoint.readConfig(source.resolve("qwen2-f16-sharded"));
    assertEquals(ModelConfig.Bias.QKV, qwen.bias(), "Qwen2's q/k/v biases without a config field");
    assertTrue(qwen.tieEmbeddings());
    assertEquals(1e6, qwen.position().base());
    assertEquals(1, Checkpoint.readConfig(source.resolve("mistral-bf16-sharded")).kvHeads());
    Checkpoint.Loaded sharded = Checkpoint.read(source.resolve("llama-bf16-sharded"));
    assertArrayEquals(new int[] {407}, sharded.eosIds());
    assertTrue(sharded.summary().startsWith("3 shards: ") && sharded.summary().contains("stored as BF16"), sharded.summary());
    assertArrayEquals(new int[] {2, 3}, Checkpoint.read(source.resolve("llama-bf16-tied")).eosIds());
    // what a loaded model holds: every parameter widened, 4 bytes each, as the summary says
    long params = sharded.model().parameterCount();
    assertTrue(sharded.summary().contains(String.format(Locale.ROOT, "%,d parameters", params)), sharded.summary());
    assertTrue(sharded.summary().contains(dev.focus.io.MemoryBudget.format(4 * params) + " in memory"), sharded.summary());
  }

  // ------------------------------------------------------------------------------------------ helpers

  static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
    return m;
  }

  static double maxAbs(float[] a) {
    double m = 0;
    for (float x : a) m = Math.max(m, Math.abs(x));
    return m;
  }

  static double relativeError(float[] reference, float[] other) {
    return maxAbsDiff(reference, other) / maxAbs(reference);
  }

  /** "file:sha256,…" over a directory's files in name order, as hf_pretrained.py writes it. */
  static String fingerprints(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.sorted().toList()) {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        out.add(f.getFileName() + ":" + HexFormat.of().formatHex(h));
      }
    }
    return String.join(",", out);
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (String f : files(from)) {
      Path target = to.resolve(f);
      Files.createDirectories(target.getParent());
      Files.copy(from.resolve(f), target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
