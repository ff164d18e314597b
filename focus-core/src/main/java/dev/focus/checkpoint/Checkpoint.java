package dev.focus.checkpoint;

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
  public static final String FORMAT = "focus-model";
  public static final String VERSION_KEY = "focus_format_version";
  public static final String VERSION = "1";

  /** Writes {@code model} to {@code dir} (created or replaced) atomically. */
  public static void save(Path dir, Model model) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new IllegalArgumentException(dir + " exists and is not a directory");
    }
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
      AtomicFiles.deleteTree(tmp);
      if (old != null) AtomicFiles.deleteTree(old);
    }
  }

  private static void writeInto(Path dir, Model model) throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) tensors.put(p.name(), new TensorData(p.shape(), p.value()));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put(FORMAT_KEY, FORMAT);
    meta.put(VERSION_KEY, VERSION);
    SafeTensors.write(dir.resolve(WEIGHTS), tensors, meta);
    AtomicFiles.write(dir.resolve(CONFIG), Json.writePretty(HfConfig.toJson(model.config())).getBytes(StandardCharsets.UTF_8));
  }

  /** The configuration stored in {@code dir/config.json}. */
  public static ModelConfig readConfig(Path dir) {
    Path file = dir.resolve(CONFIG);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file (is " + dir + " a checkpoint directory?)");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    try {
      return HfConfig.fromJson(Json.parseObject(text));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  /** Loads the model in {@code dir}, or throws without building anything. */
  public static Model load(Path dir) {
    ModelConfig config = readConfig(dir);
    Path file = dir.resolve(WEIGHTS);
    SafeTensors.Contents contents = SafeTensors.read(file);
    String version = contents.metadata().get(VERSION_KEY);
    if (version != null && !version.equals(VERSION)) {
      throw new CheckpointException(file + ": " + VERSION_KEY + "=" + version + " is not supported (this build reads " + VERSION + ")");
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
      for (float v : t.values()) {
        if (!Float.isFinite(v)) throw new CheckpointException(file + ": tensor " + s.name() + " holds a non-finite value " + v);
      }
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
