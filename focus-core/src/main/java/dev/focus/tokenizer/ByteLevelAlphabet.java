package dev.focus.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The byte-level alphabet of GPT-2-style BPE vocabularies (GPT-2, Llama 3, Qwen2): each of the 256
 * byte values is written as one printable character, so that vocabulary entries are strings.
 *
 * <p>Bytes that are printable Latin-1 characters ({@code '!'..'~'}, {@code '¡'..'¬'},
 * {@code '®'..'ÿ'}) stand for themselves; the other 68 bytes (controls, space, DEL, NBSP, soft
 * hyphen) map in increasing byte order to U+0100, U+0101, …; so a space is {@code 'Ġ'} (U+0120) and a
 * newline {@code 'Ċ'} (U+010A).
 */
final class ByteLevelAlphabet {
  private static final char[] CHAR_OF_BYTE = new char[256];
  private static final int[] BYTE_OF_CHAR = new int[256 + 68];

  static {
    java.util.Arrays.fill(BYTE_OF_CHAR, -1);
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + extra++);
      CHAR_OF_BYTE[b] = c;
      BYTE_OF_CHAR[c] = b;
    }
  }

  private ByteLevelAlphabet() {}

  /** The alphabet string of {@code text}'s UTF-8 bytes (one char per byte). */
  static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
    return new String(out);
  }

  /** The bytes an alphabet string stands for, or null when some char is outside the alphabet. */
  static byte[] decode(String s) {
    byte[] out = new byte[s.length()];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
      if (b < 0) return null;
      out[i] = (byte) b;
    }
    return out;
  }
}
