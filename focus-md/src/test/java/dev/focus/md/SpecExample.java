package dev.focus.md;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One example of a spec file in CommonMark's format: a fence of 32 backticks plus {@code example},
 * the Markdown, a line holding {@code .}, the HTML, the closing fence; {@code →} stands for a tab.
 */
record SpecExample(int number, String section, String markdown, String html) {
  private static final String FENCE = "`".repeat(32);

  static List<SpecExample> read(String resource) throws IOException {
    String text;
    try (InputStream in = SpecExample.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException("missing test resource " + resource);
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<SpecExample> examples = new ArrayList<>();
    String section = "";
    StringBuilder markdown = null;
    StringBuilder html = null;
    for (String line : text.split("\n", -1)) {
      if (markdown == null) {
        if (line.startsWith("#")) section = line.replaceFirst("^#+\\s*", "");
        if (line.equals(FENCE + " example")) markdown = new StringBuilder();
      } else if (html == null) {
        if (line.equals(".")) html = new StringBuilder();
        else markdown.append(line).append('\n');
      } else if (line.equals(FENCE)) {
        examples.add(new SpecExample(examples.size() + 1, section, tabs(markdown), tabs(html)));
        markdown = null;
        html = null;
      } else {
        html.append(line).append('\n');
      }
    }
    return examples;
  }

  private static String tabs(StringBuilder s) {
    return s.toString().replace('→', '\t');
  }

  @Override
  public String toString() {
    return "example " + number + " (" + section + ")";
  }
}
