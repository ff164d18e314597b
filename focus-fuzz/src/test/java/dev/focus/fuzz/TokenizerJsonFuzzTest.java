package dev.focus.fuzz;

import dev.focus.tokenizer.HfTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face {@code tokenizer.json} reader ({@link HfTokenizer#fromJson}) on arbitrary text; a
 * tokenizer that loads must then encode a fixed text (with and without special tokens) and decode
 * what it encoded, all within the contract.
 */
class TokenizerJsonFuzzTest extends FuzzTarget {
  /** Letters, digits, punctuation, accents, CJK and an emoji: every pre-tokenizer rule and the byte fallback. */
  private static final String TEXT = "Hello, world! It's 2026: héllo 東京 😀\n\tx  y";

  /** The reference tokenizers the tokenizer tests check against (small excerpts of real checkpoints). */
  private static final Path REFERENCES = Path.of("../focus-core/src/test/resources/dev/focus/tokenizer/hf");

  @Override
  void accept(byte[] input) {
    HfTokenizer t = HfTokenizer.fromJson(new String(input, StandardCharsets.UTF_8));
    for (boolean specials : new boolean[] {true, false}) {
      int[] ids = t.encode(TEXT, specials);
      t.decode(ids);
      t.decode(ids, true);
    }
  }

  @Override
  List<byte[]> seeds() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : List.of("gpt2", "llama2", "llama3", "mistral", "qwen2")) {
      seeds.add(Files.readAllBytes(REFERENCES.resolve(name).resolve("tokenizer.json")));
    }
    // The smallest byte-level BPE: the 256 byte tokens, one merge, no post-processor.
    StringBuilder vocab = new StringBuilder();
    for (int b = 0; b < 256; b++) vocab.append(b == 0 ? "" : ",").append("\"<0x").append(String.format("%02X", b)).append(">\":").append(b);
    seeds.add(("{\"model\":{\"type\":\"BPE\",\"byte_fallback\":true,\"vocab\":{" + vocab + ",\"ab\":256},\"merges\":[\"a b\"]}}")
        .getBytes(StandardCharsets.UTF_8));
    seeds.add("{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]}}".getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

}
