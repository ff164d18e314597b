package dev.focus.web.site;

/** HTML text helpers for the page templates. */
final class Html {
  private Html() {}

  /** Escapes {@code & < > " '} for text and double- or single-quoted attribute values. */
  static String esc(String s) {
    return s == null ? "" : replace(s, "&<>\"'", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;");
  }

  /**
   * JSON made safe to sit inside {@code <script type="application/json">}: {@code <}, {@code >},
   * {@code &} and the JS line separators become {@code \\uXXXX} escapes, which JSON.parse reads back
   * unchanged, so the text can never close the element or open a comment.
   */
  static String scriptJson(String json) {
    return replace(json, "<>&\u2028\u2029", "\\u003c", "\\u003e", "\\u0026", "\\u2028", "\\u2029");
  }

  /** {@code s} with each character of {@code chars} replaced by the string at the same index of {@code by}. */
  private static String replace(String s, String chars, String... by) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int k = chars.indexOf(c);
      if (k >= 0) sb.append(by[k]);
      else sb.append(c);
    }
    return sb.toString();
  }

  /** A byte count for people: {@code 512 B}, {@code 1.5 kB}, {@code 2.0 MB}. */
  static String size(long bytes) {
    if (bytes < 1000) return bytes + " B";
    if (bytes < 1_000_000) return String.format(java.util.Locale.ROOT, "%.1f kB", bytes / 1e3);
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
