/**
 * Datasets: deterministic batches for training and evaluation.
 *
 * <p>A {@link dev.focus.data.Dataset} maps (split, seed, step, B, T) to a {@link dev.focus.data.Batch}
 * with no hidden state, so a resumed run sees exactly the stream an uninterrupted one would. Example
 * {@code b} of a batch is drawn from its own generator seeded by {@link dev.focus.data.Seeds#example},
 * so splitting a batch into micro-batches does not change the data.
 *
 * <p>Targets use {@link dev.focus.data.Batch#IGNORE} (−1) for positions that carry no loss. The
 * convention is next-token: the target at position t is what the model should output after reading
 * tokens 0..t.
 *
 * <p>Sources: synthetic tasks ({@link dev.focus.data.SyntheticTask}: MQAR, needle, copy, reverse,
 * addition, k-back, n mod 10), the Brown corpus ({@link dev.focus.data.BrownCorpus}), the UCI 8×8
 * digits ({@link dev.focus.data.Digits}) and procedural 16×16 images ({@link dev.focus.data.Glyphs}).
 * Downloaded data lives in the cache ({@link dev.focus.data.DataCache}), filled by {@code focus setup}.
 */
package dev.focus.data;
