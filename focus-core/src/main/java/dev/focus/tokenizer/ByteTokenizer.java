package dev.focus.tokenizer;

/**
 * The byte-level tokenizer: one id per UTF-8 byte (0..255) plus the five {@link Special} ids
 * (256..260), vocabulary 261. Lossless for every well-formed Unicode string.
 */
public final class ByteTokenizer implements Tokenizer {
  /** The shared instance (the tokenizer has no state). */
  public static final ByteTokenizer INSTANCE = new ByteTokenizer();
  /** Vocabulary size: 256 bytes + 5 specials. */
  public static final int VOCAB_SIZE = Special.END_ID;

  private ByteTokenizer() {}

  @Override public int vocabSize() { return VOCAB_SIZE; }

  @Override
  public int[] encode(String text) {
    byte[] b = Tokenizer.utf8(text);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xFF;
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    return Tokenizer.render(ids, VOCAB_SIZE, id -> { throw new AssertionError(id); });
  }

  @Override public String toString() { return "ByteTokenizer(vocab=" + VOCAB_SIZE + ")"; }
}
