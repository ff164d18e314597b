package dev.focus.lab.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixed prose of a report, kept as a Markdown resource beside the experiment's classes
 * ({@code src/main/resources/dev/focus/lab/<experiment>/<name>.md}) so the text can be read and
 * edited as text, apart from the code that measures.
 *
 * <p>A template file is a list of named fragments. A line holding only {@code <!-- name -->} starts
 * fragment {@code name}; the fragment runs to the next such line, without its trailing blank lines.
 * Inside a fragment, {@code {{key}}} is replaced by a value the renderer passes, and
 * {@code {{key|format}}} formats a number: {@code format} is a {@link String#format} pattern
 * ({@code %.3f}, {@code %d}; Locale.ROOT) or {@code sigN}, N significant digits as
 * {@link Findings#num}. Chart placeholders ({@code {{chart:ID}}}) are not keys and pass through.
 * A key without a value, a value without a key and an unknown fragment are errors, so a renamed
 * placeholder cannot silently print nothing.
 */
public final class Template {
  private static final Pattern MARKER = Pattern.compile("^<!-- ([a-z0-9][a-z0-9.-]*) -->$");
  private static final Pattern KEY = Pattern.compile("\\{\\{([a-zA-Z][a-zA-Z0-9]*)(?:\\|([^}]+))?}}");

  private final String resource;
  private final Map<String, String> fragments;

  private Template(String resource, Map<String, String> fragments) {
    this.resource = resource;
    this.fragments = fragments;
  }

  /** Loads resource {@code name} next to {@code owner} (its package directory). */
  public static Template of(Class<?> owner, String name) {
    String resource = owner.getPackageName().replace('.', '/') + "/" + name;
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("template " + resource + " is not on the class path");
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("reading template " + resource, e);
    }
  }

  /** Parses template text; {@code resource} names it in error messages. */
  public static Template parse(String resource, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      Matcher m = MARKER.matcher(line);
      if (m.matches()) {
        if (name != null) put(out, resource, name, body);
        name = m.group(1);
        body.setLength(0);
      } else if (name != null) {
        body.append(line).append('\n');
      } else if (!line.isBlank()) {
        throw new IllegalArgumentException(resource + ": text before the first <!-- name --> line: " + line);
      }
    }
    if (name != null) put(out, resource, name, body);
    return new Template(resource, Map.copyOf(out));
  }

  private static void put(Map<String, String> out, String resource, String name, StringBuilder body) {
    String text = body.toString().replaceAll("\\s+$", "");
    if (out.put(name, text) != null) throw new IllegalArgumentException(resource + ": fragment " + name + " appears twice");
  }

  /** The names of the fragments, for tests. */
  public Set<String> names() { return fragments.keySet(); }

  /** Fragment {@code name} with its keys filled from {@code keyValues} (key, value, key, value, ...). */
  public String fill(String name, Object... keyValues) {
    String text = fragments.get(name);
    if (text == null) {
      throw new IllegalArgumentException(resource + " has no fragment " + name + " (it has " + fragments.keySet() + ")");
    }
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("fill(" + name + "): keys and values must pair up");
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) values.put((String) keyValues[i], keyValues[i + 1]);
    Set<String> used = new HashSet<>();
    Matcher m = KEY.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      if (!values.containsKey(key)) {
        throw new IllegalArgumentException(resource + "#" + name + ": no value for {{" + key + "}}");
      }
      used.add(key);
      m.appendReplacement(sb, Matcher.quoteReplacement(format(values.get(key), m.group(2), name, key)));
    }
    m.appendTail(sb);
    if (!used.containsAll(values.keySet())) {
      Set<String> unused = new HashSet<>(values.keySet());
      unused.removeAll(used);
      throw new IllegalArgumentException(resource + "#" + name + " has no placeholder for " + unused);
    }
    return sb.toString();
  }

  private String format(Object value, String format, String name, String key) {
    if (format == null) return String.valueOf(value);
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(resource + "#" + name + ": {{" + key + "|" + format + "}} needs a number, got " + value);
    }
    if (format.startsWith("sig")) return Findings.num(n.doubleValue(), Integer.parseInt(format.substring(3)));
    return String.format(Locale.ROOT, format, value);
  }
}
