package dev.focus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.Json;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.testing.OracleFixtures;
import dev.focus.testing.Oracles;
import dev.focus.train.AdamW;
import dev.focus.train.Trainable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden end-to-end parity with PyTorch (llm.c's test_gpt2 pattern, STYLE.md §2.6), for decoders and
 * encoders (mask=bidirectional): a seeded two-layer
 * model is saved as a Focus checkpoint, src/test/python/reference_model.py loads it into a plain-torch
 * implementation of the same architecture, and logits, loss, every parameter gradient and the losses of
 * ten AdamW steps ({@link AdamW} of dev.focus.train against the script's step-by-step AdamW, which the
 * script itself checks against torch.optim.AdamW) must agree. Relative error of a tensor is max|focus − torch| / max|torch|; the bound is
 * 1e-4 (float32 on both sides). For gradients the denominator is at least 1e-3 × the largest gradient of
 * the whole model: a gradient that is zero in exact arithmetic (a softmax key bias shifts a whole row of
 * logits, so its gradient is rounding noise of order 1e-9 on both sides) can only be compared on the
 * model's own scale.
 *
 * <p>The model is tiny (width 16, 2 layers, 2 query heads of 8 sharing 1 kv head, vocabulary 29) and its
 * weights come from {@link OracleFixtures#fillWeights}, not from Focus's initialiser. Where python3-torch
 * is installed (always in CI) the script runs for all variants in one process (importing torch dominates
 * the cost) and its outputs are also compared with the checked-in copies in
 * {@code src/test/resources/dev/focus/model/torch-parity/}; without torch those copies are the reference,
 * so the test runs everywhere. Regenerate them with {@link OracleFixtures#REGENERATE}.
 */
class TorchParityTest {
  static final double BOUND = 1e-4;
  static final int B = 2, T = 12, STEPS = 10;
  static final double LR = 1e-2, B1 = 0.9, B2 = 0.95, EPS = 1e-8, WD = 0.1;

  static Path dir;
  static final Map<String, Map<String, TensorData>> REFERENCE = new LinkedHashMap<>();

  @BeforeAll
  static void references() throws Exception {
    List<Arguments> variants = variants().toList();
    if (!Oracles.pythonAvailable("torch", "numpy")) {
      for (Arguments a : variants) {
        String label = (String) a.get()[0];
        REFERENCE.put(label, OracleFixtures.readTensors(fixture(label), fingerprint(label, (ModelConfig) a.get()[1])));
      }
      return;
    }
    dir = Files.createTempDirectory("focus-parity");
    List<Object> jobs = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    int i = 0;
    for (Arguments a : variants) {
      String label = (String) a.get()[0];
      ModelConfig config = (ModelConfig) a.get()[1];
      Path job = dir.resolve("job" + i++);
      Checkpoint.save(job.resolve("ckpt"), model(config));
      int[][] batch = batch(config);
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("tokens", rows(batch[0], B, T));
      spec.put("targets", rows(batch[1], B, T));
      Map<String, Object> adam = new LinkedHashMap<>();
      adam.put("lr", LR);
      adam.put("beta1", B1);
      adam.put("beta2", B2);
      adam.put("eps", EPS);
      adam.put("weight_decay", WD);
      adam.put("steps", (long) STEPS);
      spec.put("adamw", adam);
      Files.writeString(job.resolve("batch.json"), Json.write(spec), StandardCharsets.UTF_8);
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("checkpoint", job.resolve("ckpt").toString());
      j.put("batch", job.resolve("batch.json").toString());
      j.put("out", job.resolve("torch.safetensors").toString());
      jobs.add(j);
      labels.add(label);
    }
    Path jobsFile = dir.resolve("jobs.json");
    Files.writeString(jobsFile, Json.write(jobs), StandardCharsets.UTF_8);
    runScript(List.of("parity", "--jobs", jobsFile.toString()));
    for (int k = 0; k < labels.size(); k++) {
      Map<String, TensorData> fresh = SafeTensors.read(dir.resolve("job" + k).resolve("torch.safetensors")).tensors();
      String label = labels.get(k);
      OracleFixtures.checkTensors(fixture(label), fingerprint(label, (ModelConfig) variants.get(k).get()[1]), fresh, 1e-5);
      REFERENCE.put(label, fresh);
    }
  }

  /** The checked-in torch outputs of a variant. */
  static Path fixture(String label) {
    String slug = label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    return OracleFixtures.path("dev/focus/model/torch-parity/" + slug + ".safetensors");
  }

  /**
   * What the torch outputs of a variant depend on: its settings (as written, so that refactoring the
   * configuration types does not invalidate the fixtures), weights, batch and optimizer.
   */
  static String fingerprint(String label, ModelConfig config) {
    int[][] batch = batch(config);
    return new OracleFixtures.Fingerprint().add(label).add("micro " + BASE + " " + VARIANTS.get(label))
        .add(model(config).parameters()).add(batch[0]).add(batch[1]).add(LR).add(B1).add(B2).add(EPS).add(WD).add(STEPS)
        .hex();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (dir == null) return;
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** The model of a variant with the fixtures' deterministic weights (λ_h, when present, away from 1). */
  static Model model(ModelConfig config) {
    Model m = new Model(config, 1234);
    OracleFixtures.fillWeights(m.parameters(), 1234);
    return m;
  }

  /** The batch of a variant: tokens and targets, every fifth target ignored. */
  static int[][] batch(ModelConfig config) {
    Random rng = new Random(99);
    int[] tokens = new int[B * T], targets = new int[B * T];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = rng.nextInt(config.vocab());
      targets[i] = i % 5 == 4 ? -1 : rng.nextInt(config.vocab());
    }
    return new int[][] {tokens, targets};
  }

  /** The tiny base model every variant changes (micro preset plus these settings). */
  static final List<String> BASE = List.of("vocab=29", "hidden=16", "intermediate=24", "layers=2", "heads=2", "kvHeads=1",
      "context=16");

  /** label → the settings that make the variant, applied to {@link #BASE}. */
  static final Map<String, List<String>> VARIANTS = new LinkedHashMap<>();

  static {
    VARIANTS.put("softmax+rope (Llama)", List.of());
    VARIANTS.put("softmax+alibi", List.of("position=alibi"));
    VARIANTS.put("softmax+nope", List.of("position=nope"));
    VARIANTS.put("linear(elu+1)+nope", List.of("attention=linear", "position=nope"));
    VARIANTS.put("linear(elu+1)+rope", List.of("attention=linear"));
    VARIANTS.put("layernorm+gelu+bias+tied+learned",
        List.of("norm=layernorm", "mlp=gelu", "bias=true", "tieEmbeddings=true", "position=learned", "kvHeads=2"));
    VARIANTS.put("flash+rope", List.of("attention=flash"));
    VARIANTS.put("softmax+rope, linear rope scaling 4", List.of("ropeScaling=linear:factor=4"));
    VARIANTS.put("softmax+rope+headScale, logitScale 1.3", List.of("headScale=true", "logitScale=1.3"));
    VARIANTS.put("flash+alibi+headScale", List.of("attention=flash", "position=alibi", "headScale=true"));
    VARIANTS.put("linear(relu)+nope", List.of("attention=linear", "linearFeature=relu", "position=nope"));
    VARIANTS.put("linear(elu+1)+rope, decay 0.9, chunked",
        List.of("attention=linear", "linearDecay=0.9", "linearForm=chunked", "linearChunk=5"));
    VARIANTS.put("linear(identity)+nope, recurrent",
        List.of("attention=linear", "linearFeature=identity", "position=nope", "linearForm=recurrent"));
    VARIANTS.put("linear(relu2)+nope", List.of("attention=linear", "linearFeature=relu2", "position=nope"));
    // encoders: every attention form that allows a bidirectional mask, every position scheme
    VARIANTS.put("encoder softmax+nope", List.of("mask=bidirectional", "position=nope"));
    VARIANTS.put("encoder softmax+rope", List.of("mask=bidirectional"));
    VARIANTS.put("encoder flash+alibi+headScale", List.of("mask=bidirectional", "attention=flash", "position=alibi", "headScale=true"));
    VARIANTS.put("encoder layernorm+gelu+bias+tied+learned", List.of("mask=bidirectional", "norm=layernorm", "mlp=gelu", "bias=true",
        "tieEmbeddings=true", "position=learned", "kvHeads=2"));
    VARIANTS.put("encoder softmax+sinusoidal", List.of("mask=bidirectional", "position=sinusoidal"));
    VARIANTS.put("encoder linear(elu+1)+rope, decay 0.9", List.of("mask=bidirectional", "attention=linear", "linearDecay=0.9"));
    VARIANTS.put("encoder linear(identity)+nope", List.of("mask=bidirectional", "attention=linear", "linearFeature=identity",
        "position=nope"));
    VARIANTS.put("encoder linear(relu2)+nope", List.of("mask=bidirectional", "attention=linear", "linearFeature=relu2", "position=nope"));
  }

  static Stream<Arguments> variants() {
    ModelConfig base = Overrides.apply(ModelConfig.micro(), BASE);
    return VARIANTS.entrySet().stream().map(e -> Arguments.of(e.getKey(), Overrides.apply(base, e.getValue())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void logitsLossGradientsAndAdamWMatchPyTorch(String label, ModelConfig config) {
    Model model = model(config);
    int[][] batch = batch(config);
    int[] tokens = batch[0], targets = batch[1];
    int b = B, t = T, steps = STEPS;
    Map<String, TensorData> ref = REFERENCE.get(label);
    // forward and backward
    float[] logits = model.logits(tokens, b, t);
    model.zeroGrad();
    float loss = model.forwardBackward(tokens, targets, b, t);
    StringBuilder report = new StringBuilder(label + ":");
    check(report, "logits", ref.get("logits").values(), logits);
    check(report, "loss", ref.get("loss").values(), new float[] {loss});
    double worstGrad = 0, gradScale = 0;
    String worstName = "";
    for (Parameter p : model.parameters()) {
      TensorData g = ref.get("grad." + p.name());
      assertTrue(g != null, "torch gradient for " + p.name() + " missing");
      for (float x : g.values()) gradScale = Math.max(gradScale, Math.abs(x));
    }
    for (Parameter p : model.parameters()) {
      double e = relError(ref.get("grad." + p.name()).values(), p.grad(), 1e-3 * gradScale);
      if (e > worstGrad) {
        worstGrad = e;
        worstName = p.name();
      }
      assertTrue(e <= BOUND, label + ": gradient of " + p.name() + " relative error " + e + " > " + BOUND);
    }
    report.append(String.format(" grads %.2e (worst %s)", worstGrad, worstName));

    // ten AdamW steps on the same batch
    List<Trainable.Param> params = new ArrayList<>();
    for (Parameter p : model.parameters()) params.add(new Trainable.Param(p.name(), p.value(), p.grad(), p.decay()));
    AdamW opt = new AdamW(params, B1, B2, EPS, WD);
    float[] losses = new float[steps];
    model.zeroGrad();
    for (int s = 0; s < steps; s++) {
      model.zeroGrad();
      losses[s] = model.forwardBackward(tokens, targets, b, t);
      opt.step(LR);
    }
    check(report, "adamw losses", ref.get("adamw_losses").values(), losses);
    assertTrue(losses[steps - 1] < losses[0], "AdamW did not lower the loss: " + losses[0] + " -> " + losses[steps - 1]);
    System.out.println("[parity] " + report);
  }

  private static void check(StringBuilder report, String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    double e = relError(expected, actual);
    report.append(String.format(" %s %.2e;", what, e));
    assertTrue(e <= BOUND, what + " relative error " + e + " > " + BOUND);
  }

  /** max|a − b| / max|b|, with b the reference. */
  static double relError(float[] ref, float[] actual) {
    return relError(ref, actual, 0);
  }

  /** max|a − b| / max(max|b|, floor). */
  static double relError(float[] ref, float[] actual, double floor) {
    double num = 0, den = 0;
    for (int i = 0; i < ref.length; i++) {
      num = Math.max(num, Math.abs((double) actual[i] - ref[i]));
      den = Math.max(den, Math.abs((double) ref[i]));
    }
    return num / Math.max(den, floor);
  }

  private static List<Object> rows(int[] x, int b, int t) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      List<Object> row = new ArrayList<>();
      for (int j = 0; j < t; j++) row.add((long) x[i * t + j]);
      out.add(row);
    }
    return out;
  }

  static void runScript(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Oracles.python(), Path.of("src/test/python/reference_model.py").toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("reference_model.py timed out");
    }
    if (p.exitValue() != 0) throw new AssertionError("reference_model.py failed (" + p.exitValue() + "):\n" + output);
  }
}
