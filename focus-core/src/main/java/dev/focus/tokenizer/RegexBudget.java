package dev.focus.tokenizer;

import dev.focus.io.Text;
import java.util.regex.Pattern;

/**
 * A bound on the work of a regex that came from a {@code tokenizer.json}.
 *
 * <p>The tokenizers format carries its split and replace patterns as regexes, so a tokenizer file
 * decides what {@link java.util.regex.Pattern} runs. Java's matcher backtracks, and a pattern such as
 * {@code (a+)+$} takes time exponential in the length of the text it fails on. The real tokenizers'
 * patterns look at each character a few times; this wrapper counts every character the matcher
 * reads and stops the match with one line once it has read {@link #PER_CHAR} times the text's length
 * (plus {@link #BASE}), so a hostile file costs milliseconds, not hours. The count is deterministic:
 * the same file and text always pass or always fail.
 */
final class RegexBudget implements CharSequence {
  /** Reads allowed per character of the text (the GPT-2 pattern needs under 10). */
  static final long PER_CHAR = 1_000;
  /** Reads allowed whatever the length (short texts, lookaheads at the end). */
  static final long BASE = 100_000;

  private final String text;
  private final Pattern pattern;
  private final long[] left; // shared by the views subSequence hands out
  private final int offset, length;

  private RegexBudget(String text, Pattern pattern, long[] left, int offset, int length) {
    this.text = text;
    this.pattern = pattern;
    this.left = left;
    this.offset = offset;
    this.length = length;
  }

  /** {@code text} for {@code pattern}'s matcher, with a fresh budget. */
  static CharSequence of(String text, Pattern pattern) {
    return new RegexBudget(text, pattern, new long[] {BASE + PER_CHAR * text.length()}, 0, text.length());
  }

  @Override public char charAt(int index) {
    if (--left[0] < 0) {
      throw new IllegalArgumentException("tokenizer.json: regex " + Text.quote(pattern.pattern()) + " needs more than "
          + PER_CHAR + " steps a character on a text of " + text.length() + " characters (it backtracks without bound)");
    }
    return text.charAt(offset + index);
  }

  @Override public int length() { return length; }

  @Override public CharSequence subSequence(int start, int end) {
    return new RegexBudget(text, pattern, left, offset + start, end - start);
  }

  @Override public String toString() { return text.substring(offset, offset + length); }
}
