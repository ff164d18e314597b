package dev.focus.train;

import java.io.IOException;
import java.nio.file.Path;
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

  /** Writes the weights (and whatever else the model needs to be rebuilt) into directory {@code dir}. */
  default void save(Path dir) throws IOException {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Param p : params()) m.put(p.name(), p.value());
    TensorFile.write(dir.resolve("params.bin"), m);
  }

  /** Reads weights written by {@link #save} into the existing parameter arrays. */
  default void load(Path dir) throws IOException {
    Map<String, float[]> m = TensorFile.read(dir.resolve("params.bin"));
    for (Param p : params()) TensorFile.copyInto(m, p.name(), p.value());
  }
}
