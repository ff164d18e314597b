package dev.focus.multimodal;

import dev.focus.checkpoint.AtomicFiles;
import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.CheckpointException;
import dev.focus.checkpoint.Json;
import dev.focus.checkpoint.NamedTensors;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.io.MemoryBudget;
import dev.focus.train.Trainable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multimodal model on disk, in the checkpoint format every Focus model uses ({@code docs/checkpoints.md}):
 *
 * <pre>
 *   model.safetensors   every parameter under its name, F32, tagged focus_format=focus-multimodal
 *   config.json         {"focus_format": "focus-multimodal", "focus_format_version": "1",
 *                        "focus_config": {hidden, layers, …: the {@link MultimodalConfig}},
 *                        "geometry": {data, patch, height, width, channels, levels: the images it was trained on}}
 * </pre>
 * Loading reads and validates everything (JSON fields and types, the configuration's rules, every
 * tensor present with its length and finite, nothing extra, the memory the model needs) before the
 * model is handed out, so a bad file never yields a half-loaded model; every failure is one
 * {@link CheckpointException} line naming the file.
 */
public final class MultimodalCheckpoint {
  public static final String FORMAT = NamedTensors.MULTIMODAL;

  /** Image geometry of the training data. */
  public record Geometry(String data, int patch, int height, int width, int channels, int levels) {}

  /** A loaded model with its geometry. */
  public record Loaded(MultimodalModel model, Geometry geometry) {}

  private MultimodalCheckpoint() {}

  /** The configuration's fields by name (the {@code focus_config} object, and what a resumed run must match). */
  public static Map<String, Object> describe(MultimodalConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hidden", (long) c.hidden());
    m.put("layers", (long) c.layers());
    m.put("heads", (long) c.heads());
    m.put("intermediate", (long) c.intermediate());
    m.put("vocab", (long) c.vocab());
    m.put("patch_dim", (long) c.patchDim());
    m.put("time_features", (long) c.timeFeatures());
    m.put("position", c.position().cliName());
    m.put("rope_base", c.ropeBase());
    m.put("target", c.target().name());
    m.put("image_weight", c.imageWeight());
    m.put("context", (long) c.context());
    m.put("init_std", c.initStd());
    m.put("vq_codes", (long) c.vqCodes());
    // Only the ablation writes the key, so files and resumed runs of the hybrid mask read as before.
    if (c.causalImages()) m.put("image_block", "causal");
    return m;
  }

  /** Writes {@code model.safetensors} and {@code config.json} of {@code model} into the directory {@code dir}. */
  public static void writeInto(Path dir, MultimodalModel model, Geometry g) throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Trainable.Param p : model.params()) tensors.put(p.name(), TensorData.of(p.value()));
    NamedTensors.write(dir.resolve(Checkpoint.WEIGHTS), FORMAT, tensors, Map.of());
    Map<String, Object> geometry = new LinkedHashMap<>();
    geometry.put("data", g.data());
    geometry.put("patch", (long) g.patch());
    geometry.put("height", (long) g.height());
    geometry.put("width", (long) g.width());
    geometry.put("channels", (long) g.channels());
    geometry.put("levels", (long) g.levels());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(Checkpoint.FORMAT_KEY, FORMAT);
    json.put(Checkpoint.VERSION_KEY, Checkpoint.VERSION);
    json.put("focus_config", describe(model.config()));
    json.put("geometry", geometry);
    AtomicFiles.write(dir.resolve(Checkpoint.CONFIG), Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Loads the model in {@code dir}: a checkpoint directory, or a run directory whose
   * {@code checkpoint/} holds one.
   */
  public static Loaded load(Path dir) {
    Path ck = Checkpoint.resolve(dir);
    Path cfgFile = ck.resolve(Checkpoint.CONFIG);
    if (Files.exists(dir.resolve("mm-config.json")) || Files.exists(ck.resolve("params.bin"))) {
      throw new CheckpointException(dir + " was written by an earlier Focus (mm-config.json, params.bin), a format no longer read;"
          + " train it again (focus train --preset mm-tiny … --force)");
    }
    Map<String, Object> j = Checkpoint.readJson(cfgFile);
    if (!FORMAT.equals(j.get(Checkpoint.FORMAT_KEY))) {
      throw new CheckpointException(cfgFile + " does not describe a multimodal model (" + Checkpoint.FORMAT_KEY + "="
          + dev.focus.io.Text.quote(String.valueOf(j.get(Checkpoint.FORMAT_KEY))) + "); focus sample and focus eval read text models");
    }
    if (!Checkpoint.VERSION.equals(j.get(Checkpoint.VERSION_KEY))) {
      throw new CheckpointException(cfgFile + ": " + Checkpoint.VERSION_KEY + "=" + dev.focus.io.Text.quote(String.valueOf(j.get(Checkpoint.VERSION_KEY)))
          + " is not supported (this build reads " + Checkpoint.VERSION + ")");
    }
    Fields f = new Fields(j, cfgFile);
    Fields c = f.object("focus_config"), geo = f.object("geometry");
    MultimodalConfig config;
    Geometry g;
    try {
      config = MultimodalConfig.builder().hidden(c.integer("hidden")).layers(c.integer("layers")).heads(c.integer("heads"))
          .intermediate(c.integer("intermediate")).vocab(c.integer("vocab")).patchDim(c.integer("patch_dim"))
          .timeFeatures(c.integer("time_features")).position(c.string("position")).ropeBase(c.real("rope_base"))
          .target(NoisePredictor.Target.valueOf(c.string("target"))).imageWeight(c.real("image_weight"))
          .context(c.integer("context")).initStd(c.real("init_std")).vqCodes(c.integer("vq_codes"))
          .causalImages(c.m().containsKey("image_block") && imageBlockCausal(c.string("image_block"), cfgFile)).build();
      g = new Geometry(geo.string("data"), geo.integer("patch"), geo.integer("height"), geo.integer("width"),
          geo.integer("channels"), geo.integer("levels"));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(cfgFile + ": " + dev.focus.io.Text.quote(e.getMessage(), 400), e);
    }
    c.requireOnly(describe(config).keySet());
    // values and gradients of every tensor, before a byte of the model is allocated
    MemoryBudget.require(cfgFile + ": the model of focus_config", (long) Math.min(8 * parameterEstimate(config), Long.MAX_VALUE),
        CheckpointException::new);
    Path file = ck.resolve(Checkpoint.WEIGHTS);
    SafeTensors.Contents contents = NamedTensors.read(file, FORMAT);
    MultimodalModel model;
    try {
      model = new MultimodalModel(config, 0);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(cfgFile + ": " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    for (Trainable.Param p : model.params()) {
      NamedTensors.copyInto(contents, file, p.name(), p.value());
      names.add(p.name());
    }
    NamedTensors.requireOnly(contents, file, names);
    return new Loaded(model, g);
  }

  /**
   * The number of weights of a model of {@code c}, from its dimensions in long arithmetic: the
   * embeddings and heads (2·V·C + D·C), the input projection (C·D or K·C), the time features (C·F) and
   * L blocks of 4·C² + 3·I·C + 2·C (in double: no overflow). A bound for the memory check only; the tensors themselves are
   * checked one by one against the model built.
   */
  static double parameterEstimate(MultimodalConfig c) {
    double C = c.hidden(), I = c.intermediate(), V = c.vocab(), D = c.patchDim(), K = c.vqCodes(), F = c.timeFeatures();
    return 2 * V * C + D * C + Math.max(C * D, K * C) + C * F + c.layers() * (4 * C * C + 3 * I * C + 2 * C) + C;
  }

  private static boolean imageBlockCausal(String v, Path file) {
    if (!v.equals("causal")) throw new CheckpointException(file + ": field \"image_block\" = \"" + v + "\" must be \"causal\" (or absent)");
    return true;
  }

  /** Typed access to one JSON object's fields, failing with one line naming the file and the field. */
  private record Fields(Map<String, Object> m, Path file) {
    @SuppressWarnings("unchecked")
    Fields object(String k) {
      Object v = m.get(k);
      if (!(v instanceof Map)) throw new CheckpointException(file + ": field \"" + k + "\" is missing or not an object");
      return new Fields((Map<String, Object>) v, file);
    }

    String string(String k) {
      Object v = m.get(k);
      if (!(v instanceof String)) throw new CheckpointException(file + ": field \"" + k + "\" is missing or not a string");
      return (String) v;
    }

    int integer(String k) {
      Object v = m.get(k);
      if (!(v instanceof Long) || (Long) v < Integer.MIN_VALUE || (Long) v > Integer.MAX_VALUE) {
        throw new CheckpointException(file + ": field \"" + k + "\" = " + v + " is missing or not a 32-bit integer");
      }
      return (int) (long) (Long) v;
    }

    double real(String k) {
      Object v = m.get(k);
      if (!(v instanceof Number)) throw new CheckpointException(file + ": field \"" + k + "\" = " + v + " is missing or not a number");
      return ((Number) v).doubleValue();
    }

    void requireOnly(java.util.Set<String> keys) {
      for (String k : m.keySet()) {
        if (!keys.contains(k)) throw new CheckpointException(file + ": unknown field \"" + k + "\" in focus_config");
      }
    }
  }
}
