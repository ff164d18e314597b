package dev.focus.data;

import dev.focus.tokenizer.BpeTokenizer;
import dev.focus.tokenizer.ByteTokenizer;
import dev.focus.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Datasets by name, as {@code focus train --data} spells them:
 *
 * <pre>
 *   brown                    Brown corpus, byte tokenizer (vocab 261)
 *   brown:bpe=N              Brown corpus, a BPE of N ids trained on the train split (cached as
 *                            brown/bpe-N.json in the cache; deterministic)
 *   mqar | needle | copy | reverse | addition | kback | mod10 [:key=value,…]   synthetic tasks
 * </pre>
 */
public final class Datasets {
  private Datasets() {}

  /** Accepted names. */
  public static final String NAMES = "brown, " + SyntheticTask.NAMES;

  /** Opens dataset {@code spec}; downloaded data is read from {@code cache}. */
  public static Dataset open(String spec, Path cache) throws IOException {
    String s = spec.trim();
    String name = (s.contains(":") ? s.substring(0, s.indexOf(':')) : s).toLowerCase(Locale.ROOT);
    if (!name.equals("brown")) {
      try {
        return new SyntheticDataset(SyntheticTask.parse(s));
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("unknown synthetic task")) {
          throw new IllegalArgumentException("unknown dataset '" + name + "' (valid: " + NAMES + ")");
        }
        throw e;
      }
    }
    String opts = s.contains(":") ? s.substring(s.indexOf(':') + 1) : "";
    TaskOptions o = new TaskOptions("brown", opts);
    int bpe = o.i("bpe", 0);
    o.checkAllUsed();
    if (bpe == 0) return TextDataset.brown(cache, ByteTokenizer.INSTANCE);
    BrownCorpus.Splits split = BrownCorpus.split(BrownCorpus.loadCached(cache));
    List<String> train = split.train().stream().map(BrownCorpus.Document::text).toList();
    Path file = cache.resolve("brown").resolve("bpe-" + bpe + ".json");
    Tokenizer tok;
    if (Files.isRegularFile(file)) {
      tok = BpeTokenizer.load(file);
    } else {
      BpeTokenizer t = BpeTokenizer.train(train, bpe);
      t.save(file);
      tok = t;
    }
    return new TextDataset("brown:bpe=" + bpe, tok, train, split.validation().stream().map(BrownCorpus.Document::text).toList());
  }
}
