package dev.focus.md.internal;

/**
 * Character classes and the TeX scan of spec 03 §2.2, shared by the block, inline and table-row
 * rules so that the three cannot disagree.
 */
final class Tex {
  private Tex() {}

  /** Whitespace per spec 03 §2.2: U+0020, U+0009, U+000A, U+000C, U+000D (not Java's isWhitespace). */
  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }

  /** ASCII 0–9 only. */
  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isBlank(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) if (!isWhitespace(s.charAt(i))) return false;
    return true;
  }

  static boolean isSpaceOrTab(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') return false;
    }
    return true;
  }

  /**
   * The environment name N of a {@code \begin{N}} starting at {@code p} (ASCII letters, optionally
   * followed by one {@code *}), or null when there is none.
   */
  static String beginName(CharSequence s, int p) {
    return tokenName(s, p, "\\begin{");
  }

  static String tokenName(CharSequence s, int p, String prefix) {
    int n = s.length();
    if (p + prefix.length() > n) return null;
    for (int k = 0; k < prefix.length(); k++) if (s.charAt(p + k) != prefix.charAt(k)) return null;
    int i = p + prefix.length();
    int start = i;
    while (i < n && isAsciiLetter(s.charAt(i))) i++;
    if (i == start) return null;
    if (i < n && s.charAt(i) == '*') i++;
    if (i >= n || s.charAt(i) != '}') return null;
    return s.subSequence(start, i).toString();
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
