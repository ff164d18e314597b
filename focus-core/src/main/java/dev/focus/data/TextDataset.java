package dev.focus.data;

import dev.focus.tokenizer.Special;
import dev.focus.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Language-model batches from a list of documents: each split's documents are tokenized and joined
 * into one stream, {@code doc₁ [EOS] doc₂ [EOS] …}; row b of batch s is a window of T+1 tokens at a
 * uniform offset drawn from {@link Seeds#rng}, with tokens = window[0, T) and targets = window[1, T].
 */
public final class TextDataset implements Dataset {
  private final String name;
  private final Tokenizer tokenizer;
  private final int[] train, validation;

  public TextDataset(String name, Tokenizer tokenizer, List<String> trainDocs, List<String> validationDocs) {
    this.name = name;
    this.tokenizer = tokenizer;
    this.train = stream(tokenizer, trainDocs);
    this.validation = stream(tokenizer, validationDocs);
    if (train.length < 2 || validation.length < 2) {
      throw new IllegalArgumentException(name + ": train (" + train.length + " tokens) and validation (" + validation.length + " tokens) must both be non-empty");
    }
  }

  /** The Brown corpus from the cache (one-line error naming {@code focus setup brown} when missing). */
  public static TextDataset brown(Path cache, Tokenizer tokenizer) throws java.io.IOException {
    BrownCorpus.Splits s = BrownCorpus.split(BrownCorpus.loadCached(cache));
    return new TextDataset("brown", tokenizer,
        s.train().stream().map(BrownCorpus.Document::text).toList(),
        s.validation().stream().map(BrownCorpus.Document::text).toList());
  }

  private static int[] stream(Tokenizer tok, List<String> docs) {
    int[][] parts = new int[docs.size()][];
    int n = 0;
    for (int i = 0; i < docs.size(); i++) { parts[i] = tok.encode(docs.get(i)); n += parts[i].length + 1; }
    int[] out = new int[n];
    int o = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
      out[o++] = Special.EOS.id();
    }
    return out;
  }

  @Override public String name() { return name; }
  @Override public int vocabSize() { return tokenizer.vocabSize(); }
  public Tokenizer tokenizer() { return tokenizer; }

  /** Tokens in a split's stream. */
  public int tokens(Split split) { return (split == Split.TRAIN ? train : validation).length; }

  @Override public void checkSeqLen(int seqLen) {
    int max = Math.min(train.length, validation.length) - 1;
    if (seqLen < 1 || seqLen > max) throw new IllegalArgumentException(name + ": seqLen=" + seqLen + " must be in 1.." + max);
  }

  @Override
  public Batch batch(Split split, long seed, long step, int batchSize, int seqLen) {
    checkSeqLen(seqLen);
    int[] s = split == Split.TRAIN ? train : validation;
    int[] tokens = new int[batchSize * seqLen], targets = new int[batchSize * seqLen];
    for (int b = 0; b < batchSize; b++) {
      SplittableRandom rng = Seeds.rng(seed, split, step, b);
      int start = rng.nextInt(s.length - seqLen);
      System.arraycopy(s, start, tokens, b * seqLen, seqLen);
      System.arraycopy(s, start + 1, targets, b * seqLen, seqLen);
    }
    return new Batch(tokens, targets, batchSize, seqLen);
  }
}
