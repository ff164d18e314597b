package dev.focus.lab.run;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/**
 * The deterministic key of a {@link Task}: SHA-256 of its kind and the canonical text of its settings,
 * as 32 hex digits. The same settings give the same key in every JVM, on every machine and in every
 * run, and any change to a number, a name or a seed gives another key.
 *
 * <p>Canonical text: a record is {@code {name:value,…}} in component order (its class name is left
 * out, so moving a record keeps its keys: the task's kind says what it is); a list, set or array is
 * {@code […]}; a map {@code {key:value,…}} in iteration order; a string is quoted with {@code \} and
 * {@code "} escaped; a double or float is its exact hexadecimal form ({@link Double#toHexString}, which
 * is defined bit for bit, unlike {@code Double.toString}, whose digits changed in JDK 19); integers,
 * booleans and enum constants are their names. Anything else (a path, a model, a stream) has no place
 * in a task's settings and is refused with the component that holds it.
 */
public final class TaskKey {
  private TaskKey() {}

  /** The key of {@code settings} under {@code kind}. */
  public static String of(String kind, Record settings) {
    String text = kind + "\n" + canonical(settings, true);
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The canonical text of {@code value}; {@code exact} writes reals in hexadecimal (the key), otherwise
   * in decimal (for people: the task.txt beside a stored result).
   */
  public static String canonical(Object value, boolean exact) {
    StringBuilder b = new StringBuilder();
    append(b, value, exact, "settings");
    return b.toString();
  }

  private static void append(StringBuilder b, Object v, boolean exact, String where) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Record r) {
      b.append('{');
      RecordComponent[] cs = r.getClass().getRecordComponents();
      for (int i = 0; i < cs.length; i++) {
        if (i > 0) b.append(',');
        b.append(cs[i].getName()).append(':');
        append(b, read(r, cs[i]), exact, where + "." + cs[i].getName());
      }
      b.append('}');
    } else if (v instanceof String s) {
      b.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else if (v instanceof Double d) {
      b.append(exact ? Double.toHexString(d) : d.toString());
    } else if (v instanceof Float f) {
      b.append(exact ? Float.toHexString(f) : f.toString()).append('f');
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof Boolean
        || v instanceof Character) {
      b.append(v);
    } else if (v instanceof Enum<?> e) {
      b.append(e.name());
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      int i = 0;
      for (Object x : c) {
        if (i > 0) b.append(',');
        append(b, x, exact, where + "[" + i++ + "]");
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (i++ > 0) b.append(',');
        append(b, e.getKey(), exact, where + ".key");
        b.append(':');
        append(b, e.getValue(), exact, where + "[" + e.getKey() + "]");
      }
      b.append('}');
    } else if (v.getClass().isArray()) {
      b.append('[');
      int n = Array.getLength(v);
      for (int i = 0; i < n; i++) {
        if (i > 0) b.append(',');
        append(b, Array.get(v, i), exact, where + "[" + i + "]");
      }
      b.append(']');
    } else {
      throw new IllegalArgumentException("a task's settings hold only records, lists, maps, arrays, strings, numbers, "
          + "booleans and enums; " + where + " is a " + v.getClass().getName());
    }
  }

  private static Object read(Record r, RecordComponent c) {
    try {
      var accessor = c.getAccessor();
      accessor.setAccessible(true); // records nested in non-public classes
      return accessor.invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
    }
  }
}
