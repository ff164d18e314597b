package dev.focus.cli;

import dev.focus.tokenizer.ByteTokenizer;
import dev.focus.tokenizer.HfTokenizer;
import dev.focus.tokenizer.Special;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a command turns text into a checkpoint's token ids and back: the {@code tokenizer.json} in the
 * checkpoint directory when there is one (Hugging Face format, {@link HfTokenizer}), else Focus's
 * byte tokenizer (ids are UTF-8 bytes; with 261 or more ids a sequence starts with [BOS]).
 */
final class CheckpointText {
  private final HfTokenizer hf;   // null: bytes
  private final int vocab;

  private CheckpointText(HfTokenizer hf, int vocab) {
    this.hf = hf;
    this.vocab = vocab;
  }

  /** The tokenizer of the checkpoint in {@code dir} (or in a run directory's checkpoint/) whose model has {@code vocab} ids. */
  static CheckpointText of(Path dir, int vocab) throws IOException {
    Path file = dev.focus.checkpoint.Checkpoint.resolve(dir).resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) return new CheckpointText(null, vocab);
    HfTokenizer t = HfTokenizer.load(file);
    if (t.vocabSize() > vocab) {
      throw new IllegalArgumentException(file + " has " + t.vocabSize() + " ids but the model's vocab is " + vocab);
    }
    return new CheckpointText(t, vocab);
  }

  /** The ids a sequence starts with: the tokenizer's template prefix (Llama's {@code <s>}), or [BOS] for byte vocabularies with specials. */
  int[] prefix() {
    if (hf != null) return hf.prefixIds();
    return vocab >= Special.END_ID ? new int[] {Special.BOS.id()} : new int[0];
  }

  /** The ids of {@code text} without a prefix; every id is checked against the model's vocabulary. */
  int[] encode(String text) {
    int[] ids = hf != null ? hf.encode(text) : ByteTokenizer.INSTANCE.encode(text);
    for (int id : ids) {
      if (id >= vocab) {
        throw new IllegalArgumentException("text " + (hf != null ? "token " : "byte ") + id + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
    return ids;
  }

  /** Whether {@link #decode} can render every id of the model as text. */
  boolean canDecode() {
    return hf != null || vocab <= ByteTokenizer.VOCAB_SIZE;
  }

  /**
   * The text of {@code ids}. Ids past the tokenizer's vocabulary (a model's embedding table is often
   * padded beyond it, e.g. Qwen2's) have no text and are left out, as the reference decoder does.
   */
  String decode(int[] ids) {
    if (hf == null) return ByteTokenizer.INSTANCE.decode(ids);
    return hf.decode(java.util.Arrays.stream(ids).filter(id -> id < hf.vocabSize()).toArray());
  }

  /** One phrase for reports and logs. */
  String describe() {
    return hf != null ? "the checkpoint's tokenizer.json (" + hf.vocabSize() + " ids)" : "bytes (UTF-8, Focus's byte tokenizer)";
  }

  /** A command's input tokens: the tokenizer's prefix, the body, and one phrase on where they came from. */
  record Input(int[] prefix, int[] body, String source) {
    /** The prefix, then the body. */
    int[] all() {
      int[] ids = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
      System.arraycopy(body, 0, ids, prefix.length, body.length);
      return ids;
    }
  }

  /** Token ids from "1 2 3", "1,2,3" or "[1, 2, 3]", each in [0, vocab). */
  static int[] parseIds(String text, int vocab) {
    String s = text.trim();
    if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1).trim();
    if (s.isEmpty()) throw new IllegalArgumentException("--tokens is empty; give at least one token id");
    String[] parts = s.split("[\\s,]+");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        ids[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--tokens: '" + parts[i] + "' is not an integer token id");
      }
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException("--tokens: id " + ids[i] + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
    return ids;
  }
}
