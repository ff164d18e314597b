package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-token training of a {@link Trainable} on a {@link Dataset}: the batch of step s is batch s of
 * the training split, (B, T) = (batchSize, seqLen) of the configuration; micro-batches are row blocks
 * weighted by their counted targets; validation is the target-weighted mean loss over the first
 * batches of the validation split.
 */
public final class TextTask implements TrainTask<Batch> {
  private final Trainable model;
  private final Dataset data;
  private final TrainConfig cfg;
  private final Map<String, String> identity;

  /** {@code cfg} supplies (B, T), the data seed and nothing else here; the loop reads the rest. */
  public TextTask(Trainable model, Dataset data, TrainConfig cfg) {
    data.checkSeqLen(cfg.seqLen());
    this.model = model;
    this.data = data;
    this.cfg = cfg;
    Map<String, String> id = new LinkedHashMap<>();
    id.put("data", data.name());
    id.putAll(model.describe());
    this.identity = Map.copyOf(id);
  }

  public Trainable model() { return model; }

  public Dataset data() { return data; }

  @Override public List<Trainable.Param> params() { return model.params(); }

  @Override public Batch batch(long step) {
    return data.batch(Split.TRAIN, cfg.seed(), step, cfg.batchSize(), cfg.seqLen());
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
      Batch b = data.batch(Split.VALIDATION, cfg.seed(), i, cfg.batchSize(), cfg.seqLen());
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
