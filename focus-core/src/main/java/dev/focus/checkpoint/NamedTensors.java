package dev.focus.checkpoint;

import dev.focus.io.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float tensors in one safetensors file tagged with a Focus format ({@code __metadata__}
 * {@code focus_format} and {@code focus_format_version}): the one format for everything a checkpoint
 * holds besides JSON (model weights, optimizer moments). Reading goes through {@link SafeTensors#read}
 * and fails with one {@link CheckpointException} line naming the file and the tensor.
 */
public final class NamedTensors {
  private NamedTensors() {}

  /** The {@code focus_format} tags: a text model, a multimodal model, AdamW's state, a plain parameter list. */
  public static final String MODEL = "focus-model", MULTIMODAL = "focus-multimodal", OPTIMIZER = "focus-optimizer",
      WEIGHTS = "focus-weights";
  /** Every tag this build reads; a file tagged otherwise is refused ({@link SafeTensors#parse}). */
  public static final java.util.List<String> FORMATS = java.util.List.of(MODEL, MULTIMODAL, OPTIMIZER, WEIGHTS);

  /** Writes {@code tensors} (in map order) tagged {@code focus_format=format}, version 1, plus {@code metadata}. */
  public static void write(Path file, String format, Map<String, TensorData> tensors, Map<String, String> metadata)
      throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt"); // what Hugging Face's loader expects of a weights file
    meta.put(Checkpoint.FORMAT_KEY, format);
    meta.put(Checkpoint.VERSION_KEY, Checkpoint.VERSION);
    meta.putAll(metadata);
    SafeTensors.write(file, tensors, meta);
  }

  /** Reads {@code file} and checks that it is tagged {@code focus_format=format} in a version this build reads. */
  public static SafeTensors.Contents read(Path file, String format) {
    SafeTensors.Contents c = SafeTensors.read(file);
    String got = c.metadata().get(Checkpoint.FORMAT_KEY);
    if (!format.equals(got)) {
      throw new CheckpointException(file + ": " + Checkpoint.FORMAT_KEY + "=" + got + " where " + format + " was expected");
    }
    String version = c.metadata().get(Checkpoint.VERSION_KEY);
    if (!Checkpoint.VERSION.equals(version)) {
      throw new CheckpointException(file + ": " + Checkpoint.VERSION_KEY + "=" + Text.quote(String.valueOf(version)) + " is not supported (this build reads "
          + Checkpoint.VERSION + ")");
    }
    return c;
  }

  /** Copies tensor {@code name} into {@code dst}: it must exist, hold {@code dst.length} values, all finite. */
  public static void copyInto(SafeTensors.Contents c, Path file, String name, float[] dst) {
    TensorData t = c.tensors().get(name);
    if (t == null) throw new CheckpointException(file + ": missing tensor " + name);
    if (t.values().length != dst.length) {
      throw new CheckpointException(file + ": tensor " + name + " has " + t.values().length + " values, expected " + dst.length);
    }
    requireFinite(file, name, t.values());
    System.arraycopy(t.values(), 0, dst, 0, dst.length);
  }

  /** Every tensor in {@code c} is one of {@code names}. */
  public static void requireOnly(SafeTensors.Contents c, Path file, Collection<String> names) {
    for (String n : c.tensors().keySet()) {
      if (!names.contains(n)) throw new CheckpointException(file + ": unexpected tensor " + n + " (not part of this model)");
    }
  }

  /** NaN or infinite weights are corrupt: a finite model never holds them, and they poison every output. */
  public static void requireFinite(Path file, String name, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new CheckpointException(file + ": tensor " + name + " holds a non-finite value " + values[i] + " at index " + i);
      }
    }
  }
}
