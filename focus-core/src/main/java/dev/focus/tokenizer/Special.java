package dev.focus.tokenizer;

/**
 * The special tokens shared by every Focus tokenizer, at fixed ids right after the 256 byte ids.
 *
 * <pre>
 *   id   token    use
 *   256  [BOS]    begin of sequence
 *   257  [EOS]    end of sequence / document separator
 *   258  [PAD]    padding (never a target)
 *   259  [IMG]    an image follows (spec 02 §3.4)
 *   260  [/IMG]   the image ended
 * </pre>
 *
 * Specials are never produced by {@code encode} of plain text: the text "[BOS]" encodes as its five
 * bytes. They are added explicitly by the caller (or by a dataset).
 */
public enum Special {
  BOS("[BOS]"), EOS("[EOS]"), PAD("[PAD]"), IMG("[IMG]"), IMG_END("[/IMG]");

  /** Number of byte ids, and the id of the first special token. */
  public static final int FIRST_ID = 256;
  /** Number of ids used by bytes and specials together: the byte tokenizer's vocabulary size. */
  public static final int END_ID = FIRST_ID + 5;

  private final String text;

  Special(String text) { this.text = text; }

  /** The token's id: 256 + ordinal. */
  public int id() { return FIRST_ID + ordinal(); }

  /** The bracketed name, e.g. {@code [BOS]}; {@code decode} renders a special id with it. */
  public String text() { return text; }

  /** The special with this id, or null when {@code id} is not a special id. */
  public static Special ofId(int id) {
    int k = id - FIRST_ID;
    return k >= 0 && k < values().length ? values()[k] : null;
  }
}
