package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training of a {@link Trainable} on a {@link Dataset} under an {@link Objective} (next-token
 * prediction by default, or the masked-LM objective of an encoder): the batch of step s is the
 * objective applied to batch s of the training split, (B, T) = (batchSize, seqLen) of the
 * configuration; micro-batches are row blocks weighted by their counted targets; validation is the
 * target-weighted mean loss over the first batches of the validation split, under the same objective.
 */
public final class TextTask implements TrainTask<Batch> {
  private final Trainable model;
  private final Dataset data;
  private final TrainConfig cfg;
  private final Objective objective;
  private final Map<String, String> identity;

  /** Next-token training; {@code cfg} supplies (B, T), the data seed and nothing else here; the loop reads the rest. */
  public TextTask(Trainable model, Dataset data, TrainConfig cfg) {
    this(model, data, cfg, Objective.NEXT_TOKEN);
  }

  /**
   * Training under {@code objective}; one line when the model cannot learn it (next-token prediction
   * under a bidirectional mask, a vocabulary without [MASK]).
   */
  public TextTask(Trainable model, Dataset data, TrainConfig cfg, Objective objective) {
    data.checkSeqLen(cfg.seqLen());
    objective.check(model.describe(), data.vocabSize());
    this.model = model;
    this.data = data;
    this.cfg = cfg;
    this.objective = objective;
    Map<String, String> id = new LinkedHashMap<>();
    id.put("data", data.name());
    // next-token runs record no objective, as before the key existed (their run.json is unchanged)
    if (!(objective instanceof Objective.NextToken)) id.put("objective", objective.describe());
    id.putAll(model.describe());
    this.identity = Collections.unmodifiableMap(id); // in order: a resume names the first difference the same way every time
  }

  public Trainable model() { return model; }

  public Dataset data() { return data; }

  public Objective objective() { return objective; }

  @Override public List<Trainable.Param> params() { return model.params(); }

  @Override public Batch batch(long step) { return batch(Split.TRAIN, step); }

  /** Batch {@code step} of {@code split} under the objective: a function of (seed, split, step). */
  public Batch batch(Split split, long step) {
    return objective.apply(data.batch(split, cfg.seed(), step, cfg.batchSize(), cfg.seqLen()), split, cfg.seed(), step);
  }

  @Override public Loss forwardBackward(Batch b) {
    return Loss.of(model.forwardBackward(b.tokens(), b.targets(), b.batch(), b.seqLen()));
  }

  @Override public void zeroGrad() { model.zeroGrad(); }

  @Override public int weight(Batch b) { return b.countTargets(); }

  @Override public Batch part(Batch b, int i, int parts) {
    int micro = b.batch() / parts;
    return parts == 1 ? b : b.rows(i * micro, micro);
  }

  @Override public long tokens(Batch b) { return (long) b.batch() * b.seqLen(); }

  /** Mean validation loss over batches 0..n−1 of the validation split, weighted by target counts. */
  @Override public Double evaluate(int n) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      Batch b = batch(Split.VALIDATION, i);
      int c = b.countTargets();
      if (c == 0) continue;
      sum += (double) c * model.loss(b.tokens(), b.targets(), b.batch(), b.seqLen());
      count += c;
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  @Override public Map<String, String> identity() { return identity; }

  @Override public void save(Path dir) throws IOException { model.save(dir); }

  @Override public void load(Path dir) throws IOException { model.load(dir); }
}
