package dev.focus.data;

import java.util.SplittableRandom;

/** A {@link SyntheticTask} as a {@link Dataset}: row b of batch s is the task filled from {@link Seeds#rng}. */
public record SyntheticDataset(SyntheticTask task) implements Dataset {
  @Override public String name() { return task.name(); }
  @Override public int vocabSize() { return task.vocabSize(); }
  @Override public void checkSeqLen(int seqLen) { task.checkSeqLen(seqLen); }

  @Override
  public Batch batch(Split split, long seed, long step, int batchSize, int seqLen) {
    if (batchSize < 1) throw new IllegalArgumentException("batch=" + batchSize + " must be >= 1");
    task.checkSeqLen(seqLen);
    int[] tokens = new int[batchSize * seqLen], targets = new int[batchSize * seqLen];
    for (int b = 0; b < batchSize; b++) {
      SplittableRandom rng = Seeds.rng(seed, split, step, b);
      task.fill(rng, tokens, targets, b * seqLen, seqLen);
    }
    return new Batch(tokens, targets, batchSize, seqLen);
  }
}
