package dev.focus.multimodal;

/**
 * The demo text vocabulary of spec 02 §3.3: special tokens [PAD] [BOS] [EOS] [IMG] [/IMG] (ids 0–4),
 * then the characters a–z, 0–9 and space. There is no UNK: an unknown character or bracketed token
 * throws, naming it and its offset.
 */
public final class CaptionVocab {
  public static final int PAD = 0, BOS = 1, EOS = 2, IMG = 3, IMG_END = 4;
  private static final String[] SPECIALS = {"[PAD]", "[BOS]", "[EOS]", "[IMG]", "[/IMG]"};
  private static final String CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 ";

  private CaptionVocab() {}

  /** Vocabulary size V = 5 + 37. */
  public static int size() { return SPECIALS.length + CHARS.length(); }

  /** Token ids of a string that mixes characters and bracketed special tokens, e.g. "[BOS]digit seven". */
  public static int[] encode(String text) {
    int[] out = new int[text.length()];
    int n = 0;
    for (int i = 0; i < text.length(); ) {
      char ch = text.charAt(i);
      if (ch == '[') {
        int close = text.indexOf(']', i);
        String tok = close < 0 ? text.substring(i) : text.substring(i, close + 1);
        int id = special(tok);
        if (id < 0) throw new IllegalArgumentException("unknown special token '" + tok + "' at offset " + i);
        out[n++] = id;
        i += tok.length();
      } else {
        int c = CHARS.indexOf(ch);
        if (c < 0) {
          throw new IllegalArgumentException("unknown character '" + ch + "' (U+" + String.format("%04X", (int) ch)
              + ") at offset " + i + "; the caption vocabulary is a-z, 0-9 and space");
        }
        out[n++] = SPECIALS.length + c;
        i++;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** The text of token ids (specials in brackets). */
  public static String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) sb.append(token(id));
    return sb.toString();
  }

  /** The text of one token id. */
  public static String token(int id) {
    if (id < 0 || id >= size()) throw new IllegalArgumentException("token id " + id + " outside 0.." + (size() - 1));
    return id < SPECIALS.length ? SPECIALS[id] : String.valueOf(CHARS.charAt(id - SPECIALS.length));
  }

  private static int special(String tok) {
    for (int i = 0; i < SPECIALS.length; i++) if (SPECIALS[i].equals(tok)) return i;
    return -1;
  }
}
