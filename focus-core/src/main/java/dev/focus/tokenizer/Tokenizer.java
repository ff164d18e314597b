package dev.focus.tokenizer;

import java.util.Arrays;

/**
 * Text ↔ token ids. Implementations are immutable and thread-safe.
 *
 * <p>Contract: for every string without lone surrogates, {@code decode(encode(s)).equals(s)} (for
 * {@link HfTokenizer}, up to what the file's normalizer changes; see there).
 * Strings with a lone (unpaired) UTF-16 surrogate are not Unicode text and are rejected with an
 * {@link IllegalArgumentException} naming the index. {@code decode} renders special ids with their
 * bracketed names and decodes byte runs as UTF-8 (malformed runs, which {@code encode} never
 * produces, become U+FFFD).
 */
public sealed interface Tokenizer permits ByteTokenizer, BpeTokenizer, HfTokenizer {
  /** Number of ids: valid ids are 0..vocabSize()-1. */
  int vocabSize();

  /** Token ids of {@code text}, without special tokens. */
  int[] encode(String text);

  /** The text of {@code ids}; the inverse of {@link #encode}. */
  String decode(int[] ids);

  /** {@code [BOS] encode(text) [EOS]}. */
  default int[] encodeDocument(String text) {
    int[] body = encode(text);
    int[] out = new int[body.length + 2];
    out[0] = Special.BOS.id();
    System.arraycopy(body, 0, out, 1, body.length);
    out[out.length - 1] = Special.EOS.id();
    return out;
  }

  /** The UTF-8 bytes of {@code text}, rejecting lone surrogates (which UTF-8 cannot encode). */
  static byte[] utf8(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) { i++; continue; }
        throw new IllegalArgumentException("text has a lone high surrogate U+" + Integer.toHexString(c).toUpperCase()
            + " at index " + i + "; only well-formed Unicode can be tokenized losslessly");
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("text has a lone low surrogate U+" + Integer.toHexString(c).toUpperCase()
            + " at index " + i + "; only well-formed Unicode can be tokenized losslessly");
      }
    }
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Decodes ids 0..255 as UTF-8 bytes and specials as their names; {@code expand} maps other ids to bytes. */
  static String render(int[] ids, int vocabSize, java.util.function.IntFunction<byte[]> expand) {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[64];
    int n = 0;
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException("token id " + id + " at index " + i + " is outside 0.." + (vocabSize - 1));
      }
      Special s = Special.ofId(id);
      if (s != null) {
        sb.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        n = 0;
        sb.append(s.text());
        continue;
      }
      byte[] bytes = id < Special.FIRST_ID ? new byte[] {(byte) id} : expand.apply(id);
      if (n + bytes.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + bytes.length));
      System.arraycopy(bytes, 0, buf, n, bytes.length);
      n += bytes.length;
    }
    sb.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
    return sb.toString();
  }
}
