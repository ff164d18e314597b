package dev.focus.train;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.NamedTensors;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Trainer} needs from a model: named parameters with gradient buffers, a
 * forward+backward pass that returns the mean cross-entropy over targets ≠ −1 and accumulates its
 * gradients, a forward-only loss, and saving/loading of the weights.
 */
public interface Trainable {
  /**
   * One parameter tensor, flat. {@code grad} has the length of {@code value}; {@code decay} says
   * whether AdamW applies weight decay (false for norms, biases, and usually embeddings' gains).
   */
  record Param(String name, float[] value, float[] grad, boolean decay) {
    public Param {
      if (value.length != grad.length) {
        throw new IllegalArgumentException("param " + name + ": grad length " + grad.length + " != value length " + value.length);
      }
    }
  }

  /** The parameters, in a fixed order (the optimizer state follows it). */
  List<Param> params();

  /** Mean cross-entropy over targets ≠ −1; adds d(loss)/d(param) to each {@code grad}. */
  float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen);

  /** Mean cross-entropy over targets ≠ −1, without gradients. */
  float loss(int[] tokens, int[] targets, int batch, int seqLen);

  /** Sets every gradient to 0. */
  default void zeroGrad() {
    for (Param p : params()) java.util.Arrays.fill(p.grad(), 0f);
  }

  /** The model's configuration by name, checked when a run resumes; empty when it has none. */
  default Map<String, String> describe() { return Map.of(); }

  /** The {@code focus_format} of the weights a plain {@link Trainable} saves. */
  String WEIGHTS_FORMAT = NamedTensors.WEIGHTS;

  /**
   * Writes the weights (and whatever else the model needs to be rebuilt) into directory {@code dir};
   * by default the parameters alone ({@link #saveParams}).
   */
  default void save(Path dir) throws IOException { saveParams(params(), dir); }

  /** Reads weights written by {@link #save} into the existing parameter arrays. */
  default void load(Path dir) throws IOException { loadParams(params(), dir); }

  /**
   * Writes {@code dir/model.safetensors}: every parameter as a rank-1 F32 tensor under its name, tagged
   * {@code focus_format=focus-weights}.
   */
  static void saveParams(List<Param> params, Path dir) throws IOException {
    Map<String, TensorData> m = new LinkedHashMap<>();
    for (Param p : params) m.put(p.name(), TensorData.of(p.value()));
    NamedTensors.write(dir.resolve(Checkpoint.WEIGHTS), WEIGHTS_FORMAT, m, Map.of());
  }

  /**
   * Reads {@code dir/model.safetensors} written by {@link #saveParams} into {@code params}: every name
   * present with its length and finite values, nothing else; all checked before any array changes.
   */
  static void loadParams(List<Param> params, Path dir) {
    Path file = dir.resolve(Checkpoint.WEIGHTS);
    SafeTensors.Contents c = NamedTensors.read(file, WEIGHTS_FORMAT);
    List<String> names = new ArrayList<>();
    List<float[]> read = new ArrayList<>();
    for (Param p : params) {
      float[] v = new float[p.value().length];
      NamedTensors.copyInto(c, file, p.name(), v);
      names.add(p.name());
      read.add(v);
    }
    NamedTensors.requireOnly(c, file, names);
    for (int i = 0; i < read.size(); i++) System.arraycopy(read.get(i), 0, params.get(i).value(), 0, read.get(i).length);
  }
}
