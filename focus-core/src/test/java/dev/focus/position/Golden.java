package dev.focus.position;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the golden tables in src/test/resources/dev/focus/position (comment lines start with '#'). */
final class Golden {
  private Golden() {}

  static List<String[]> rows(String resource) {
    var in = Golden.class.getResourceAsStream(resource);
    if (in == null) throw new IllegalStateException("missing test resource " + resource);
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) continue;
        out.add(line.trim().split("\t"));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** "13/3,3.75" → {13/3, 3.75}. */
  static double[] coords(String cell) {
    String[] parts = cell.split(",");
    double[] c = new double[parts.length];
    for (int i = 0; i < parts.length; i++) c[i] = number(parts[i].trim());
    return c;
  }

  static double number(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) return Double.parseDouble(s);
    return Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
  }
}
