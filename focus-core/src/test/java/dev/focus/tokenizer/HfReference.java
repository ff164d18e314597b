package dev.focus.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.focus.testing.Oracles;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference implementation of the Hugging Face tokenizers (the Rust library, loaded through its
 * Java binding, which bundles the native library for common platforms). Where it cannot load, tests
 * that need it are skipped, or fail under CI ({@code FOCUS_REQUIRE_ORACLES=1}); {@code FOCUS_ORACLES=off}
 * switches it off on purpose, as for the other oracles.
 */
final class HfReference implements AutoCloseable {
  static {
    // The binding unpacks its native library into a cache directory: keep it in the build tree, not ~.
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", Path.of("target", "djl").toAbsolutePath().toString());
    }
  }

  private final HuggingFaceTokenizer tokenizer;

  private HfReference(HuggingFaceTokenizer tokenizer) { this.tokenizer = tokenizer; }

  /** The reference tokenizer of {@code file}, or a skip when the native library does not load. */
  static HfReference open(Path file) {
    if ("off".equals(System.getenv("FOCUS_ORACLES"))) {
      if (Oracles.required()) throw new AssertionError("required oracle missing: oracles switched off (FOCUS_ORACLES=off)");
      Assumptions.abort("oracles switched off (FOCUS_ORACLES=off); HfTokenizerTest still checks the fixtures");
    }
    try {
      return new HfReference(HuggingFaceTokenizer.newInstance(file, Map.of()));
    } catch (Exception | LinkageError e) {
      String why = "the reference tokenizer library does not load here: " + e;
      if (Oracles.required()) throw new AssertionError("required oracle missing: " + why, e);
      Assumptions.abort(why);
      throw new AssertionError(e);
    }
  }

  int[] encode(String text, boolean addSpecialTokens) {
    long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
    return out;
  }

  String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) l[i] = ids[i];
    return tokenizer.decode(l, skipSpecialTokens);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
