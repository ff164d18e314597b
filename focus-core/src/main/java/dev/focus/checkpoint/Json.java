package dev.focus.checkpoint;

import dev.focus.io.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader and writer for checkpoint headers and {@code config.json} (focus-core has no
 * dependencies, STYLE.md §2.10).
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String,Object>} (key order kept), array →
 * {@code List<Object>}, string → {@code String}, number → {@code Long} when it is an integer literal
 * that fits, else {@code Double}, {@code true/false} → {@code Boolean}, {@code null} → {@code null}.
 * Parsing is strict (RFC 8259): trailing garbage, trailing commas, bare words and bad escapes throw
 * {@link IllegalArgumentException} with the offset.
 */
public final class Json {
  private Json() {}

  // ---- writing ----------------------------------------------------------------------------------

  /** Compact JSON for a value built from maps, lists, strings, numbers, booleans and null. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1, 0);
    return sb.toString();
  }

  /** Indented JSON (two spaces), for files people read. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 2, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON cannot hold " + d);
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        sb.append((long) d).append(".0");
      } else {
        sb.append(d);
      }
    } else if (v instanceof Number) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(',');
        first = false;
        newline(sb, indent, depth + 1);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(indent >= 0 ? ": " : ":");
        write(sb, e.getValue(), indent, depth + 1);
      }
      if (!m.isEmpty()) newline(sb, indent, depth);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      boolean scalars = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(scalars && indent >= 0 ? ", " : ",");
        if (!scalars) newline(sb, indent, depth + 1);
        write(sb, l.get(i), indent, depth + 1);
      }
      if (!scalars && !l.isEmpty()) newline(sb, indent, depth);
      sb.append(']');
    } else if (v instanceof int[] a) {
      List<Object> l = new ArrayList<>();
      for (int x : a) l.add((long) x);
      write(sb, l, indent, depth);
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void newline(StringBuilder sb, int indent, int depth) {
    if (indent < 0) return;
    sb.append('\n');
    for (int i = 0; i < indent * depth; i++) sb.append(' ');
  }

  // JSON's two-character escapes (RFC 8259 §7): the letter after the backslash, and the character it
  // stands for, at the same index. Writing uses all but '/', which needs no escape.
  private static final String ESCAPE_LETTERS = "\"\\/bfnrt";
  private static final String ESCAPED_CHARS = "\"\\/\b\f\n\r\t";

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      int e = ch == '/' ? -1 : ESCAPED_CHARS.indexOf(ch);
      if (e >= 0) {
        sb.append('\\').append(ESCAPE_LETTERS.charAt(e));
      } else if (ch < 0x20) {
        sb.append(String.format("\\u%04x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    sb.append('"');
  }

  // ---- parsing ----------------------------------------------------------------------------------

  /** Parses one JSON value (surrounding whitespace allowed, nothing else). */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) throw p.error("unexpected trailing characters");
    return v;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) throw new IllegalArgumentException("JSON: expected an object at the top level");
    return (Map<String, Object>) v;
  }

  private static final class Parser {
    final String s;
    int i;

    Parser(String s) { this.s = s; }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON: " + what + " at offset " + i);
    }

    void ws() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
        else break;
      }
    }

    Object value(int depth) {
      if (depth > 512) throw error("nesting too deep");
      if (i >= s.length()) throw error("unexpected end of input");
      char c = s.charAt(i);
      switch (c) {
        case '{': return object(depth);
        case '[': return array(depth);
        case '"': return string();
        case 't': return word("true", Boolean.TRUE);
        case 'f': return word("false", Boolean.FALSE);
        case 'n': return word("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) return number();
          throw error("unexpected character '" + Text.quote(c) + "'");
      }
    }

    Object word(String w, Object v) {
      if (!s.startsWith(w, i)) throw error("expected " + w);
      i += w.length();
      return v;
    }

    Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (empty('}')) return m;
      do {
        ws();
        if (i >= s.length() || s.charAt(i) != '"') throw error("expected a string key");
        String k = string();
        ws();
        if (i >= s.length() || s.charAt(i) != ':') throw error("expected ':'");
        i++;
        ws();
        if (m.containsKey(k)) throw error("duplicate key \"" + Text.quote(k) + "\"");
        m.put(k, value(depth + 1));
      } while (more('}', "object"));
      return m;
    }

    List<Object> array(int depth) {
      List<Object> l = new ArrayList<>();
      if (empty(']')) return l;
      do {
        ws();
        l.add(value(depth + 1));
      } while (more(']', "array"));
      return l;
    }

    /** Steps over an object's or array's opening bracket; true (and past {@code close}) when nothing is inside. */
    private boolean empty(char close) {
      i++;
      ws();
      if (i < s.length() && s.charAt(i) == close) {
        i++;
        return true;
      }
      return false;
    }

    /** After a member or element: true past a ',', false past {@code close}; one line naming what is wrong otherwise. */
    private boolean more(char close, String what) {
      ws();
      if (i >= s.length()) throw error("unterminated " + what);
      char c = s.charAt(i++);
      if (c == close) return false;
      if (c != ',') throw error("expected ',' or '" + close + "'");
      return true;
    }

    String string() {
      StringBuilder sb = new StringBuilder();
      i++;
      while (true) {
        if (i >= s.length()) throw error("unterminated string");
        char c = s.charAt(i++);
        if (c == '"') return sb.toString();
        if (c < 0x20) throw error("control character in string");
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (i >= s.length()) throw error("unterminated escape");
        char e = s.charAt(i++);
        int known = ESCAPE_LETTERS.indexOf(e);
        if (known >= 0) {
          sb.append(ESCAPED_CHARS.charAt(known));
          continue;
        }
        if (e != 'u') throw error("bad escape \\" + Text.quote(e));
        if (i + 4 > s.length()) throw error("short \\u escape");
        try {
          sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
        } catch (NumberFormatException ex) {
          throw error("bad \\u escape");
        }
        i += 4;
      }
    }

    Object number() {
      int start = i;
      if (s.charAt(i) == '-') i++;
      int digits = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (i == digits) throw error("expected digits");
      if (s.charAt(digits) == '0' && i - digits > 1) throw error("leading zero");
      boolean integral = true;
      if (i < s.length() && s.charAt(i) == '.') {
        integral = false;
        i++;
        int f = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == f) throw error("expected fraction digits");
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        integral = false;
        i++;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int e = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == e) throw error("expected exponent digits");
      }
      String t = s.substring(start, i);
      if (integral) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException ex) {
          return Double.parseDouble(t);
        }
      }
      return Double.parseDouble(t);
    }
  }
}
