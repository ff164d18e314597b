package dev.focus.checkpoint;

import dev.focus.io.MemoryBudget;
import dev.focus.io.OutputDir;
import dev.focus.io.Text;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model checkpoint directory in the Hugging Face layout: {@code model.safetensors} (F32 tensors under
 * Llama names, [out, in]) and {@code config.json} ({@link HfConfig}). A softmax + RoPE Focus checkpoint
 * loads into {@code LlamaForCausalLM.from_pretrained(dir)} unchanged.
 *
 * <p><b>Atomic save.</b> Both files are written and forced in a temporary sibling directory, which is
 * then renamed onto the target (an existing target is first moved aside, then deleted), so a crash
 * leaves either the old checkpoint or the new one.
 *
 * <p><b>All-or-nothing load.</b> Every tensor is read into new arrays and checked (names, shapes,
 * nothing missing or extra) before the {@link Model} is built; any failure is one
 * {@link CheckpointException} naming the file and tensor.
 */
public final class Checkpoint {
  private Checkpoint() {}

  public static final String WEIGHTS = "model.safetensors";
  public static final String CONFIG = "config.json";
  /** safetensors metadata: HF's loader wants {@code format=pt}; Focus adds a format tag and version. */
  public static final String FORMAT_KEY = "focus_format";
  public static final String FORMAT = NamedTensors.MODEL;
  public static final String VERSION_KEY = "focus_format_version";
  public static final String VERSION = "1";

  /**
   * Writes {@code model} to {@code dir} (created or replaced) atomically. Only a new or empty
   * directory or an earlier checkpoint is replaced ({@link OutputDir#CHECKPOINT}).
   */
  public static void save(Path dir, Model model) throws IOException {
    OutputDir.check(dir, OutputDir.CHECKPOINT);
    Path target = dir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    Path old = null;
    try {
      writeInto(tmp, model);
      if (Files.exists(target)) {
        old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old-");
        Files.delete(old);
        AtomicFiles.move(target, old);
      }
      AtomicFiles.move(tmp, target);
      AtomicFiles.forceDirectory(parent);
    } finally {
      OutputDir.deleteTree(tmp);
      if (old != null) OutputDir.deleteTree(old);
    }
  }

  /**
   * Writes {@code model}'s two files into the existing directory {@code dir} (each file atomically);
   * for a directory that is itself swapped in whole, such as a training checkpoint.
   */
  public static void writeInto(Path dir, Model model) throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) tensors.put(p.name(), new TensorData(p.shape(), p.value()));
    NamedTensors.write(dir.resolve(WEIGHTS), FORMAT, tensors, Map.of());
    AtomicFiles.write(dir.resolve(CONFIG), Json.writePretty(HfConfig.toJson(model.config())).getBytes(StandardCharsets.UTF_8));
  }

  /** The largest config.json read: a configuration is a few KiB, so more is not one. */
  static final long MAX_JSON = 16L << 20;

  /**
   * The checkpoint directory {@code dir} names: {@code dir} itself when it holds config.json, else a
   * run directory's {@code dir/checkpoint} when that does, else {@code dir} (whose reading then fails
   * naming the missing file).
   */
  public static Path resolve(Path dir) {
    if (!Files.exists(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve("checkpoint").resolve(CONFIG))) {
      return dir.resolve("checkpoint");
    }
    return dir;
  }

  /** A JSON object file of a checkpoint (config.json), or one {@link CheckpointException} line naming it. */
  public static Map<String, Object> readJson(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_JSON) throw new CheckpointException(file + ": " + size + " bytes, more than the " + MAX_JSON + " a configuration may have");
      return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file (is " + file.getParent() + " a checkpoint directory?)");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CheckpointException(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /** The configuration stored in {@code dir/config.json} ({@code dir} as {@link #resolve} reads it). */
  public static ModelConfig readConfig(Path dir) {
    Path file = resolve(dir).resolve(CONFIG);
    Map<String, Object> json = readJson(file);
    Object format = json.get(FORMAT_KEY);
    if (format != null && !FORMAT.equals(format)) {
      throw new CheckpointException(file + ": " + FORMAT_KEY + "=" + Text.quote(String.valueOf(format)) + " is not a text model"
          + (NamedTensors.MULTIMODAL.equals(format) ? " (focus generate reads multimodal checkpoints)" : ""));
    }
    ModelConfig config;
    try {
      config = HfConfig.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
    MemoryBudget.require(file + ": the model of max_position_embeddings=" + config.context() + ", hidden_size=" + config.hidden(),
        bytesToRun(config), CheckpointException::new);
    return config;
  }

  /**
   * Memory a model of {@code c} takes before its first token: values and gradients of every tensor
   * ({@link Model#parameterCount}) and the position tables that cover the context (rotary cos/sin of
   * context × HS/2 each, or sinusoids of context × C), counted in double so that no product overflows.
   */
  static long bytesToRun(ModelConfig c) {
    double floats = 2.0 * Model.parameterCount(c);
    floats += (double) c.context() * Math.max(c.headSize(), c.hidden());
    return (long) Math.min(4 * floats, Long.MAX_VALUE);
  }

  /**
   * Loads the model in {@code dir} (a checkpoint directory, or a run directory whose checkpoint/ holds
   * one), or throws one {@link CheckpointException} line without building anything.
   */
  public static Model load(Path dir) {
    ModelConfig config = readConfig(dir);
    dir = resolve(dir);
    Path file = dir.resolve(WEIGHTS);
    SafeTensors.Contents contents = SafeTensors.read(file);
    String format = contents.metadata().get(FORMAT_KEY);
    if (format != null && !FORMAT.equals(format)) {
      throw new CheckpointException(file + ": " + FORMAT_KEY + "=" + format + " is not a text model's weights (" + FORMAT + ")");
    }
    String version = contents.metadata().get(VERSION_KEY);
    if (version != null && !version.equals(VERSION)) {
      throw new CheckpointException(file + ": " + VERSION_KEY + "=" + Text.quote(version) + " is not supported (this build reads " + VERSION + ")");
    }
    Map<String, float[]> arrays = new LinkedHashMap<>();
    Map<String, TensorData> tensors = contents.tensors();
    for (Model.Spec s : Model.specs(config)) {
      TensorData t = tensors.get(s.name());
      if (t == null) {
        throw new CheckpointException(file + ": missing tensor " + s.name() + " " + Arrays.toString(s.shape())
            + " required by " + dir.resolve(CONFIG));
      }
      if (!Arrays.equals(t.shape(), s.shape())) {
        throw new CheckpointException(file + ": tensor " + s.name() + " has shape " + Arrays.toString(t.shape())
            + " but config.json implies " + Arrays.toString(s.shape()));
      }
      NamedTensors.requireFinite(file, s.name(), t.values());
      arrays.put(s.name(), t.values());
    }
    for (String name : tensors.keySet()) {
      if (!arrays.containsKey(name)) {
        throw new CheckpointException(file + ": unexpected tensor " + name + " (not part of the model in " + dir.resolve(CONFIG) + ")");
      }
    }
    return Model.fromTensors(config, arrays);
  }
}
