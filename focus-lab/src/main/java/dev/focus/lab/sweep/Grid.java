package dev.focus.lab.sweep;

import dev.focus.io.Text;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grid of a sweep: {@code KEY=V1,V2,…} axes, every combination one run. {@code seed=1..3} is an
 * integer range (both ends included). Values are kept as written (the model's and training's own
 * parsers read them); keys must be among those the caller accepts.
 *
 * <pre>
 *   attention=softmax,linear position=rope,nope seed=1..3   → 2 × 2 × 3 = 12 combinations,
 *   the last axis varying fastest: {softmax, rope, 1}, {softmax, rope, 2}, …
 * </pre>
 *
 * A key twice, an empty value, a value twice on one axis, a range backwards or an oversized grid is
 * refused with one line naming it.
 */
public record Grid(List<Axis> axes) {
  /** At most this many combinations: a sweep larger than this is almost surely a typo. */
  public static final int MAX_COMBINATIONS = 10_000;
  private static final Pattern RANGE = Pattern.compile("(-?\\d{1,18})\\.\\.(-?\\d{1,18})");
  private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  /** One axis: a key and its values, in order. */
  public record Axis(String key, List<String> values) {
    public Axis {
      values = List.copyOf(values);
    }
  }

  public Grid {
    axes = List.copyOf(axes);
  }

  /** Parses {@code specs} ({@code KEY=V1,V2} or {@code KEY=A..B}), refusing keys not in {@code valid}. */
  public static Grid parse(List<String> specs, Collection<String> valid) {
    if (specs == null || specs.isEmpty()) throw new IllegalArgumentException("--grid needs at least one KEY=V1,V2,... axis");
    List<Axis> axes = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    long combinations = 1;
    for (String spec : specs) {
      int eq = spec == null ? -1 : spec.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--grid '" + Text.quote(spec) + "' must have the form KEY=V1,V2,... or KEY=A..B");
      String key = spec.substring(0, eq).trim();
      if (!KEY.matcher(key).matches() || !valid.contains(key)) {
        throw new IllegalArgumentException("--grid key '" + Text.quote(key) + "' is not a model or training key; valid keys: "
            + String.join(", ", valid));
      }
      if (!keys.add(key)) throw new IllegalArgumentException("--grid key '" + key + "' is given twice");
      List<String> values = values(key, spec.substring(eq + 1).trim());
      combinations *= values.size();
      if (combinations > MAX_COMBINATIONS) {
        throw new IllegalArgumentException("--grid makes more than " + MAX_COMBINATIONS + " combinations; split the sweep");
      }
      axes.add(new Axis(key, values));
    }
    return new Grid(axes);
  }

  private static List<String> values(String key, String text) {
    Matcher m = RANGE.matcher(text);
    if (m.matches()) {
      long lo = Long.parseLong(m.group(1)), hi = Long.parseLong(m.group(2));
      if (hi < lo) throw new IllegalArgumentException("--grid " + key + "=" + text + ": the range runs backwards");
      if (hi - lo >= MAX_COMBINATIONS) throw new IllegalArgumentException("--grid " + key + "=" + text + " has too many values");
      List<String> out = new ArrayList<>();
      for (long v = lo; v <= hi; v++) out.add(Long.toString(v));
      return out;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String v : text.split(",", -1)) {
      String t = v.trim();
      if (t.isEmpty()) throw new IllegalArgumentException("--grid " + key + "='" + Text.quote(text) + "' has an empty value");
      if (!seen.add(t)) throw new IllegalArgumentException("--grid " + key + " lists '" + Text.quote(t) + "' twice");
      out.add(t);
    }
    if (out.size() > MAX_COMBINATIONS) throw new IllegalArgumentException("--grid " + key + " has too many values");
    return out;
  }

  /** The keys, in axis order. */
  public List<String> keys() {
    return axes.stream().map(Axis::key).toList();
  }

  /** Every combination as key → value (axis order), the last axis varying fastest. */
  public List<Map<String, String>> combinations() {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Axis a : axes) {
      List<Map<String, String>> next = new ArrayList<>(out.size() * a.values().size());
      for (Map<String, String> partial : out) {
        for (String v : a.values()) {
          Map<String, String> m = new LinkedHashMap<>(partial);
          m.put(a.key(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }
}
