package dev.focus.md.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole Markdown source (line endings already LF) with line offsets, a {@link TexIndex} for
 * block-closer look-ups, and the per-line limits set after a pass found unclosed blocks.
 */
final class SourceText {
  private final String text;
  private final int[] lineStarts;
  private final TexIndex index;
  /** line index → the largest closer end offset an opener on that line may use. */
  private final Map<Integer, Integer> limits = new HashMap<>();

  SourceText(String text) {
    this.text = text;
    int lines = 1;
    for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lines++;
    lineStarts = new int[lines];
    int k = 1;
    for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts[k++] = i + 1;
    index = new TexIndex(text);
  }

  String text() {
    return text;
  }

  TexIndex index() {
    return index;
  }

  int lineStart(int line) {
    return lineStarts[line];
  }

  /** Offset of the line's end (its LF, or the end of the text). */
  int lineEnd(int line) {
    return line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length();
  }

  int lineOf(int offset) {
    int k = Arrays.binarySearch(lineStarts, offset);
    return k >= 0 ? k : -k - 2;
  }

  int limit(int line) {
    return limits.getOrDefault(line, Integer.MAX_VALUE);
  }

  /** Refuses, on lines first..last, every opener whose closer ends beyond {@code maxEnd}. */
  void limit(int first, int last, int maxEnd) {
    for (int line = first; line <= last; line++) limits.merge(line, maxEnd, Math::min);
  }
}
