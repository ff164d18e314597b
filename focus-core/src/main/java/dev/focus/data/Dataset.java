package dev.focus.data;

/**
 * A source of deterministic batches. {@code batch(split, seed, step, B, T)} is a pure function of its
 * arguments, and row {@code b} depends only on (split, seed, step, b), so resumed runs and micro-batched
 * runs see exactly the same data.
 */
public interface Dataset {
  /** Short name, e.g. {@code mqar} or {@code brown}. */
  String name();

  /** Number of token ids the data uses (ids are 0..vocabSize()-1); the model's vocabulary must cover it. */
  int vocabSize();

  /** Throws an {@link IllegalArgumentException} naming the rule when sequences of {@code seqLen} tokens cannot be made. */
  default void checkSeqLen(int seqLen) {
    if (seqLen < 2) throw new IllegalArgumentException("seqLen=" + seqLen + " must be >= 2 for dataset " + name());
  }

  /** Batch number {@code step} (0-based) of {@code split}. */
  Batch batch(Split split, long seed, long step, int batchSize, int seqLen);
}
