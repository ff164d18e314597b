package dev.focus.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code key=value} options of one task; every key must be read (unknown keys are errors). */
final class TaskOptions {
  private final String task;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> known = new ArrayList<>();

  TaskOptions(String task, String text) {
    this.task = task;
    for (String part : text.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("task option '" + part + "' must look like key=value");
      values.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
  }

  int i(String key, int def) { return get(key, def, Integer::parseInt, "is not an integer"); }

  double d(String key, double def) { return get(key, def, Double::parseDouble, "is not a number"); }

  boolean b(String key, boolean def) { return get(key, def, TaskOptions::bool, "must be true or false"); }

  /** The value of {@code key} read by {@code parse}, or {@code def} when absent; one line ending in {@code problem} when it does not parse. */
  private <T> T get(String key, T def, Function<String, T> parse, String problem) {
    known.add(key);
    String v = values.remove(key);
    if (v == null) return def;
    try {
      return parse.apply(v);
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new IllegalArgumentException(task + " option " + key + "=" + v + " " + problem);
    }
  }

  private static boolean bool(String v) {
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException(v);
  }

  void checkAllUsed() {
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown " + task + " option '" + values.keySet().iterator().next() + "' (valid: " + String.join(", ", known) + ")");
    }
  }
}
