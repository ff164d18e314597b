package dev.focus.train;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The decoder {@link Model} as a {@link Trainable}: the same live arrays, passes delegated.
 * {@link #save} writes the weights and a {@code config.json} of {@link Overrides#describe} strings.
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

  @Override
  public void save(Path dir) throws IOException {
    Trainable.super.save(dir);
    Files.writeString(dir.resolve("config.json"), configJson(model.config()), StandardCharsets.UTF_8);
  }

  /** The configuration as a flat JSON object of strings (the keys of {@link Overrides}). */
  public static String configJson(ModelConfig c) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : Overrides.describe(c).entrySet()) {
      sb.append(first ? "\n  \"" : ",\n  \"").append(e.getKey()).append("\": \"")
          .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      first = false;
    }
    return sb.append("\n}\n").toString();
  }
}
