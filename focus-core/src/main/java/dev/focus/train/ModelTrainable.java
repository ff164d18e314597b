package dev.focus.train;

import dev.focus.model.Model;
import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.CheckpointException;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The decoder {@link Model} as a {@link Trainable}: the same live arrays, passes delegated.
 * {@link #save} writes a standard model checkpoint (safetensors + config.json, {@code dev.focus.checkpoint}).
 */
public final class ModelTrainable implements Trainable {
  private final Model model;
  private final List<Param> params;

  public ModelTrainable(Model model) {
    this.model = model;
    List<Param> ps = new ArrayList<>();
    for (Parameter p : model.parameters()) ps.add(new Param(p.name(), p.value(), p.grad(), p.decay()));
    this.params = List.copyOf(ps);
  }

  public Model model() { return model; }

  @Override public List<Param> params() { return params; }

  @Override public float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen) {
    return model.forwardBackward(tokens, targets, batch, seqLen);
  }

  @Override public float loss(int[] tokens, int[] targets, int batch, int seqLen) {
    return model.loss(tokens, targets, batch, seqLen);
  }

  @Override public void zeroGrad() { model.zeroGrad(); }

  /** The model configuration's keys and values ({@link Overrides#describe}). */
  @Override public Map<String, String> describe() { return Overrides.describe(model.config()); }

  /** Writes {@code model.safetensors} + {@code config.json} ({@link Checkpoint}) into {@code dir}, loadable by every Focus tool. */
  @Override
  public void save(Path dir) throws IOException {
    Checkpoint.writeInto(dir, model);
  }

  /** Copies the weights of the checkpoint in {@code dir} into this model; shapes must match. */
  @Override
  public void load(Path dir) throws IOException {
    Model saved = Checkpoint.load(dir);
    for (Parameter p : model.parameters()) {
      Parameter q = saved.parameter(p.name());
      if (q == null || !Arrays.equals(p.shape(), q.shape())) {
        throw new CheckpointException(dir + ": tensor " + p.name() + " " + Arrays.toString(p.shape()) + " is missing or has another shape");
      }
    }
    for (Parameter p : model.parameters()) System.arraycopy(saved.parameter(p.name()).value(), 0, p.value(), 0, p.size());
  }
}
