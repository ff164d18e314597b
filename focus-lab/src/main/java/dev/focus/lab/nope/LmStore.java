package dev.focus.lab.nope;

import dev.focus.data.DataCache;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.model.Model;
import dev.focus.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The language models E3 trains (every seed of each arm), kept for the sections that read them (E4,
 * E5, E9 and its repair), and the text they train on. Live models stay here, never in a section's
 * result record: a result holds numbers only.
 */
final class LmStore {
  private final Map<String, Model> models = new HashMap<>();
  private TextDataset text;

  /** The model of arm {@code name} (seed 1), or null when E3 did not train it. */
  Model model(String name) { return model(name, 0); }

  /** The model of arm {@code name} trained from seed index {@code seedIndex} (0 = seed 1), or null. */
  Model model(String name, int seedIndex) { return models.get(name + "#" + seedIndex); }

  /** How many seeds of arm {@code name} the store holds (seed indices 0..n−1). */
  int seeds(String name) {
    int n = 0;
    while (model(name, n) != null) n++;
    return n;
  }

  void put(String name, int seedIndex, Model model) { models.put(name + "#" + seedIndex, model); }

  /** The Brown corpus (byte level) when it is in the cache, else a small synthetic text from {@code seed}; loaded once. */
  synchronized TextDataset text(LabContext ctx, long seed) throws IOException {
    if (text == null) text = shared(ctx, seed);
    return text;
  }

  private static final Map<String, TextDataset> TEXTS = new HashMap<>();

  /**
   * The text of {@link #text}, loaded once per JVM and cache: a planned task (E6) may run in an
   * executor that has no store of its own.
   */
  static TextDataset shared(LabContext ctx, long seed) throws IOException {
    boolean brown = ctx.dataCache() != null && DataCache.hasBrown(ctx.dataCache());
    String key = brown ? ctx.dataCache().toAbsolutePath().toString() : "synthetic:" + seed;
    synchronized (TEXTS) {
      TextDataset d = TEXTS.get(key);
      if (d == null) {
        d = brown ? TextDataset.brown(ctx.dataCache(), ByteTokenizer.INSTANCE) : syntheticText(seed);
        TEXTS.put(key, d);
      }
      return d;
    }
  }

  /**
   * Stand-in text when Brown is not cached (tests run without the network): sentences over 40 words
   * with a bigram preference (each word favours a few successors), so there is order to learn.
   */
  static TextDataset syntheticText(long seed) {
    String[] words = ("the a of and to in is was he it for that on with as his they at be this from by had not "
        + "are but or have one all were her an there been which their we when who").split(" ");
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> docs = new ArrayList<>();
    for (int d = 0; d < 160; d++) {
      StringBuilder sb = new StringBuilder();
      for (int s = 0; s < 12; s++) {
        int w = rng.nextInt(words.length), len = 4 + rng.nextInt(8);
        for (int i = 0; i < len; i++) {
          String word = words[w];
          sb.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word).append(i + 1 < len ? " " : ". ");
          w = (w * 7 + 3 + rng.nextInt(4)) % words.length;
        }
      }
      docs.add(sb.toString().trim());
    }
    return new TextDataset("synthetic-text", ByteTokenizer.INSTANCE, docs.subList(0, 140), docs.subList(140, 160));
  }
}
