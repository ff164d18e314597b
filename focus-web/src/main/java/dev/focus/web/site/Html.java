package dev.focus.web.site;

/** HTML text helpers for the page templates. */
final class Html {
  private Html() {}

  /** Escapes {@code & < > " '} for text and double- or single-quoted attribute values. */
  static String esc(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * JSON made safe to sit inside {@code <script type="application/json">}: {@code <}, {@code >},
   * {@code &} and the JS line separators become {@code \\uXXXX} escapes, which JSON.parse reads back
   * unchanged, so the text can never close the element or open a comment.
   */
  static String scriptJson(String json) {
    StringBuilder sb = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> sb.append("\\u003c");
        case '>' -> sb.append("\\u003e");
        case '&' -> sb.append("\\u0026");
        case '\u2028' -> sb.append("\\u2028");
        case '\u2029' -> sb.append("\\u2029");
        default -> sb.append(c);
      }
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
