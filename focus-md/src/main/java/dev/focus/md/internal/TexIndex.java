package dev.focus.md.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Closer look-ups for the TeX scan (spec 03 §2.2) over one text, each amortised O(1).
 *
 * <p>The scan reads left to right from just after an opener; a backslash and the next character are
 * one unit, and the {@code $} forms track brace depth (floored at 0). A naive scan per opener is
 * quadratic on inputs such as 10⁵ unmatched {@code \(}; instead each table is filled once from the
 * right. Whether a backslash starts a unit only depends on the backslash run before it, and every
 * opener ends in a non-backslash character, so a table filled "as if every index started a unit"
 * answers every query that starts where a scan would start.
 *
 * <p>Tables, n = text length, entry i answers "scanning from i":
 * <ul>
 *   <li>{@code dollar[i]}: the first {@code $} at depth 0, or -1;
 *   <li>{@code dollars[i]}: the first {@code $$} at depth 0, or -1;
 *   <li>{@code brace[i]}: the first {@code }} at depth 0 (used to jump over a balanced group);
 *   <li>{@code paren[i]}, {@code bracket[i]}: the first unit {@code \)} / {@code \]}, or -1.
 * </ul>
 */
final class TexIndex {
  private final CharSequence s;
  private final int n;
  private int[] dollar;
  private int[] dollars;
  private int[] paren;
  private int[] bracket;
  private final Map<String, Map<Integer, Integer>> envEnds = new HashMap<>();

  TexIndex(CharSequence s) {
    this.s = s;
    this.n = s.length();
  }

  CharSequence text() {
    return s;
  }

  /** Index of the first {@code $} at brace depth 0 scanning from {@code from}, or -1. */
  int dollarCloser(int from) {
    if (dollar == null) fillDollarTables();
    return from >= n ? -1 : dollar[from];
  }

  /** Index of the first {@code $$} at brace depth 0 scanning from {@code from}, or -1. */
  int doubleDollarCloser(int from) {
    if (dollar == null) fillDollarTables();
    return from >= n ? -1 : dollars[from];
  }

  /** Index of the first unit {@code \)} ({@code close == ')'}) or {@code \]} scanning from {@code from}, or -1. */
  int backslashCloser(int from, char close) {
    if (paren == null) fillBackslashTables();
    if (from >= n) return -1;
    return close == ')' ? paren[from] : bracket[from];
  }

  /**
   * For a {@code \begin{name}} at {@code begin}: the index just after its balancing {@code \end{name}}
   * (nested {@code \begin{name}} counted), or -1.
   */
  int environmentEnd(int begin, String name) {
    Map<Integer, Integer> ends = envEnds.computeIfAbsent(name, this::matchEnvironments);
    Integer end = ends.get(begin);
    return end != null ? end : scanEnvironment(begin, name);
  }

  private void fillDollarTables() {
    int[] d1 = new int[n + 2];
    int[] d2 = new int[n + 2];
    int[] br = new int[n + 2];
    d1[n] = d1[n + 1] = d2[n] = d2[n + 1] = br[n] = br[n + 1] = -1;
    for (int i = n - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == '\\') {
        int next = Math.min(i + 2, n);
        d1[i] = d1[next];
        d2[i] = d2[next];
        br[i] = br[next];
      } else if (c == '{') {
        int close = br[i + 1];
        if (close < 0) {
          d1[i] = d2[i] = br[i] = -1;
        } else {
          d1[i] = d1[close + 1];
          d2[i] = d2[close + 1];
          br[i] = br[close + 1];
        }
      } else if (c == '}') {
        d1[i] = d1[i + 1];
        d2[i] = d2[i + 1];
        br[i] = i;
      } else if (c == '$') {
        d1[i] = i;
        d2[i] = (i + 1 < n && s.charAt(i + 1) == '$') ? i : d2[i + 1];
        br[i] = br[i + 1];
      } else {
        d1[i] = d1[i + 1];
        d2[i] = d2[i + 1];
        br[i] = br[i + 1];
      }
    }
    dollar = d1;
    dollars = d2;
  }

  private void fillBackslashTables() {
    int[] p = new int[n + 2];
    int[] b = new int[n + 2];
    p[n] = p[n + 1] = b[n] = b[n + 1] = -1;
    for (int i = n - 1; i >= 0; i--) {
      if (s.charAt(i) == '\\') {
        char next = i + 1 < n ? s.charAt(i + 1) : '\0';
        int after = Math.min(i + 2, n);
        p[i] = next == ')' ? i : p[after];
        b[i] = next == ']' ? i : b[after];
      } else {
        p[i] = p[i + 1];
        b[i] = b[i + 1];
      }
    }
    paren = p;
    bracket = b;
  }

  /** Matches every {@code \begin{name}} unit with its {@code \end{name}} using one stack. */
  private Map<Integer, Integer> matchEnvironments(String name) {
    Map<Integer, Integer> ends = new HashMap<>();
    ArrayDeque<Integer> open = new ArrayDeque<>();
    String begin = "\\begin{" + name + "}";
    String end = "\\end{" + name + "}";
    int i = 0;
    while (i < n) {
      if (s.charAt(i) != '\\') {
        i++;
        continue;
      }
      if (startsWith(begin, i)) {
        open.push(i);
        i += begin.length();
      } else if (startsWith(end, i)) {
        if (!open.isEmpty()) ends.put(open.pop(), i + end.length());
        i += end.length();
      } else {
        i += 2;
      }
    }
    while (!open.isEmpty()) ends.put(open.pop(), -1); // unbalanced: known, not worth a rescan
    return ends;
  }

  /** The direct scan, for a start the shared table did not see as a unit (not expected in practice). */
  private int scanEnvironment(int beginAt, String name) {
    String begin = "\\begin{" + name + "}";
    String end = "\\end{" + name + "}";
    if (!startsWith(begin, beginAt)) return -1;
    int depth = 1;
    int i = beginAt + begin.length();
    while (i < n) {
      if (s.charAt(i) != '\\') {
        i++;
      } else if (startsWith(begin, i)) {
        depth++;
        i += begin.length();
      } else if (startsWith(end, i)) {
        i += end.length();
        if (--depth == 0) return i;
      } else {
        i += 2;
      }
    }
    return -1;
  }

  private boolean startsWith(String token, int at) {
    if (at + token.length() > n) return false;
    for (int k = 0; k < token.length(); k++) if (s.charAt(at + k) != token.charAt(k)) return false;
    return true;
  }
}
