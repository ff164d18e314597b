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
    return config(file, readJson(file));
  }

  private static ModelConfig config(Path file, Map<String, Object> json) {
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
   * A loaded model and where it came from.
   *
   * @param model      the model
   * @param pretrained true for a plain Hugging Face checkpoint (config.json without {@code focus_config})
   * @param eosIds     config.json's end-of-sequence ids (empty when it names none)
   * @param summary    one line: the weight files, the parameters, their stored dtype and bytes, and the
   *                   bytes as float in memory ({@link WeightFiles#describe})
   */
  public record Loaded(Model model, boolean pretrained, int[] eosIds, String summary) {}

  /**
   * Loads the model in {@code dir} (a checkpoint directory, or a run directory whose checkpoint/ holds
   * one), or throws one {@link CheckpointException} line without building anything.
   */
  public static Model load(Path dir) {
    return read(dir).model();
  }

  /**
   * As {@link #load}, with what a command reports about the files. The weights are {@code model.safetensors}
   * or the shards of {@code model.safetensors.index.json} ({@link WeightFiles}), in F32, F16, BF16 or F64,
   * widened to float on load. A plain Hugging Face checkpoint must store every tensor in the dtype its
   * config.json names ({@code torch_dtype}); its {@code rotary_emb.inv_freq} buffers (derived from
   * rope_theta, written by some converters) are skipped, and with tied embeddings an {@code lm_head.weight}
   * equal to the embeddings is accepted.
   */
  public static Loaded read(Path dir) {
    dir = resolve(dir);
    Path configFile = dir.resolve(CONFIG);
    Map<String, Object> json = readJson(configFile);
    ModelConfig config = config(configFile, json);
    boolean pretrained = !(json.get("focus_config") instanceof Map);
    WeightFiles.Layout layout = WeightFiles.locate(dir);
    for (Map.Entry<Path, Map<String, String>> m : layout.metadata().entrySet()) {
      String format = m.getValue().get(FORMAT_KEY);
      if (format != null && !FORMAT.equals(format)) {
        throw new CheckpointException(m.getKey() + ": " + FORMAT_KEY + "=" + Text.quote(format) + " is not a text model's weights (" + FORMAT + ")");
      }
      String version = m.getValue().get(VERSION_KEY);
      if (version != null && !version.equals(VERSION)) {
        throw new CheckpointException(m.getKey() + ": " + VERSION_KEY + "=" + Text.quote(version) + " is not supported (this build reads " + VERSION + ")");
      }
    }
    int[] eos;
    try {
      if (pretrained) WeightFiles.requireDtype(layout, HfConfig.storedDtype(json), json.get("torch_dtype") != null ? "torch_dtype" : "dtype");
      eos = pretrained ? HfConfig.eosIds(json, config.vocab()) : new int[0];
    } catch (IllegalArgumentException e) {
      throw e instanceof CheckpointException c ? c : new CheckpointException(configFile + ": " + e.getMessage(), e);
    }
    Map<String, TensorData> tensors = layout.read();
    Map<String, float[]> arrays = new LinkedHashMap<>();
    for (Model.Spec s : Model.specs(config)) {
      TensorData t = tensors.get(s.name());
      if (t == null) {
        throw new CheckpointException(layout.listing() + ": missing tensor " + s.name() + " " + Arrays.toString(s.shape())
            + " required by " + configFile);
      }
      Path file = layout.tensors().get(s.name()).file();
      if (!Arrays.equals(t.shape(), s.shape())) {
        throw new CheckpointException(file + ": tensor " + s.name() + " has shape " + Arrays.toString(t.shape())
            + " but config.json implies " + Arrays.toString(s.shape()));
      }
      NamedTensors.requireFinite(file, s.name(), t.values());
      arrays.put(s.name(), t.values());
    }
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      String name = e.getKey();
      if (arrays.containsKey(name) || pretrained && derived(layout.tensors().get(name).file(), name, e.getValue(), arrays, config)) continue;
      throw new CheckpointException(layout.tensors().get(name).file() + ": unexpected tensor " + name + " (not part of the model in "
          + configFile + ")");
    }
    return new Loaded(Model.fromTensors(config, arrays), pretrained, eos, WeightFiles.describe(layout));
  }

  /** Tensors a Hugging Face checkpoint may hold beside the model's: buffers derived from the config. */
  private static boolean derived(Path file, String name, TensorData t, Map<String, float[]> model, ModelConfig c) {
    if (name.matches("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq")) return true; // recomputed from rope_theta
    // a tied head written out anyway: the same values as the embeddings, or it is another model
    if (name.equals("lm_head.weight") && c.tieEmbeddings()) {
      if (Arrays.equals(t.values(), model.get("model.embed_tokens.weight"))) return true;
      throw new CheckpointException(file + ": lm_head.weight differs from model.embed_tokens.weight but config.json has tie_word_embeddings=true");
    }
    return false;
  }
}
