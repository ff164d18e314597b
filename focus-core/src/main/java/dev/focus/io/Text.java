package dev.focus.io;

/**
 * User or file text made safe to echo in a one-line message: control characters (NUL, line breaks,
 * escape sequences that would drive a terminal) and lone surrogates are written as {@code \}{@code uXXXX}
 * escapes, and long text is cut, so that an error message is always one printable line whatever bytes
 * a corrupt file or a hostile request held.
 */
public final class Text {
  private Text() {}

  /** Longest text echoed; the rest is replaced by "…". */
  public static final int MAX_ECHO = 120;

  /** {@code s} with control characters escaped, cut to about {@link #MAX_ECHO} characters. */
  public static String quote(String s) {
    return quote(s, MAX_ECHO);
  }

  /** {@code s} with control characters escaped, cut to about {@code max} characters. */
  public static String quote(String s, int max) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
    for (int i = 0; i < s.length(); i++) {
      if (b.length() >= max) {
        b.append('…');
        break;
      }
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (unprintable(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** One character, quoted as {@link #quote(String)} does. */
  public static String quote(char c) {
    return quote(String.valueOf(c));
  }

  /** True when {@code s} is a non-empty printable line: no control characters, no lone surrogates. */
  public static boolean isOneLine(String s) {
    if (s == null || s.isBlank()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (unprintable(c)) {
        return false;
      }
    }
    return true;
  }

  /** C0/C1 controls, DEL, the Unicode line separators and a surrogate without its pair. */
  private static boolean unprintable(char c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c);
  }
}
