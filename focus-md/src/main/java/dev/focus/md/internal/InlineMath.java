package dev.focus.md.internal;

/**
 * The inline rules of spec 03 §2.4, as a pure function of a text and an opener position.
 *
 * <ul>
 *   <li>Dollar runs: one {@code $} tries {@code $…$}, {@code $$} tries display {@code $$…$$}, three or
 *       more are text.
 *   <li>{@code $…$} (pandoc-style): the opener is not followed by whitespace; the only candidate closer
 *       is the first {@code $} at depth 0, valid when not preceded by whitespace and not followed by a
 *       digit.
 *   <li>{@code $$…$$}: the first {@code $$} at depth 0; the content is not blank.
 *   <li>{@code \(…\)}, {@code \[…\]}: the first unit closer, no brace counting; not blank.
 *   <li>{@code \begin{N}…\end{N}}: the balancing end; display; the TeX keeps both.
 * </ul>
 */
final class InlineMath {
  private InlineMath() {}

  /** The outcome at one opener. */
  static final class Result {
    /** Characters to consume (0 for {@link #NONE}). */
    final int length;
    /** Null when the consumed characters are literal text. */
    final MathInline math;

    private Result(int length, MathInline math) {
      this.length = length;
      this.math = math;
    }

    static Result text(int length) {
      return new Result(length, null);
    }

    boolean isNone() {
      return length == 0;
    }
  }

  /** Not an opener here: let CommonMark's own rules handle the character. */
  static final Result NONE = new Result(0, null);

  static Result match(TexIndex index, int p) {
    CharSequence s = index.text();
    int n = s.length();
    char c = s.charAt(p);
    if (c == '$') {
      int run = 1;
      while (p + run < n && s.charAt(p + run) == '$') run++;
      if (run >= 3) return Result.text(run);
      if (run == 2) {
        int q = index.doubleDollarCloser(p + 2);
        if (q < 0 || Tex.isBlank(s, p + 2, q)) return Result.text(2);
        return math(s, p, q + 2, s.subSequence(p + 2, q), true, false);
      }
      if (p + 1 >= n || Tex.isWhitespace(s.charAt(p + 1))) return Result.text(1);
      int q = index.dollarCloser(p + 1);
      if (q < 0 || Tex.isWhitespace(s.charAt(q - 1)) || (q + 1 < n && Tex.isDigit(s.charAt(q + 1)))) {
        return Result.text(1);
      }
      return math(s, p, q + 1, s.subSequence(p + 1, q), false, false);
    }
    if (c != '\\' || p + 1 >= n) return NONE;
    char next = s.charAt(p + 1);
    if (next == '(' || next == '[') {
      int q = index.backslashCloser(p + 2, next == '(' ? ')' : ']');
      if (q < 0 || Tex.isBlank(s, p + 2, q)) return NONE;
      return math(s, p, q + 2, s.subSequence(p + 2, q), next == '[', false);
    }
    String name = Tex.beginName(s, p);
    if (name == null) return NONE;
    int end = index.environmentEnd(p, name);
    if (end < 0) return NONE;
    return math(s, p, end, s.subSequence(p, end), true, true);
  }

  private static Result math(CharSequence s, int start, int end, CharSequence tex, boolean display, boolean env) {
    return new Result(end - start, new MathInline(tex.toString(), display, env));
  }
}
