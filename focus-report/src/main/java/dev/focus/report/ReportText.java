package dev.focus.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Line-level reading of report.md: the title heading, the first paragraph and the chart placeholders.
 * Fenced code is skipped, so a placeholder or heading shown as code is not one.
 */
public final class ReportText {
  private ReportText() {}

  /** A chart placeholder: a line holding only {@code {{chart:ID}}} (up to three leading spaces). */
  public static final Pattern PLACEHOLDER = Pattern.compile("^ {0,3}\\{\\{chart:([a-z0-9][a-z0-9_-]{0,63})\\}\\}[ \\t]*$");

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern H1 = Pattern.compile("^ {0,3}# +(.*?)(?: +#+)? *$");

  /** The placeholder lines outside fenced code, as chart ids in order of appearance (no repeats). */
  public static List<String> placeholders(String markdown) {
    Set<String> ids = new LinkedHashSet<>();
    for (String line : linesOutsideFences(markdown)) {
      if (line == null) continue;
      Matcher m = PLACEHOLDER.matcher(line);
      if (m.matches()) ids.add(m.group(1));
    }
    return List.copyOf(ids);
  }

  /** The text of the first ATX level-1 heading outside fenced code, or empty. */
  public static String firstHeading(String markdown) {
    for (String line : linesOutsideFences(markdown)) {
      if (line == null) continue;
      Matcher m = H1.matcher(line);
      if (m.matches()) return m.group(1).trim();
    }
    return "";
  }

  /**
   * The first paragraph: the first run of lines between blank lines (or fences) that does not start
   * as a heading, chart placeholder, table, display math block, HTML block or rule.
   */
  public static String firstParagraph(String markdown) {
    List<String> block = new ArrayList<>();
    for (String line : linesOutsideFences(markdown)) {
      if (line == null || line.isBlank()) {
        if (isParagraph(block)) return String.join("\n", block);
        block.clear();
      } else {
        block.add(line);
      }
    }
    return isParagraph(block) ? String.join("\n", block) : "";
  }

  private static boolean isParagraph(List<String> block) {
    if (block.isEmpty()) return false;
    String first = block.get(0);
    String t = first.stripLeading();
    return !(t.startsWith("#") || PLACEHOLDER.matcher(first).matches() || t.startsWith("|") || t.startsWith("$$")
        || t.startsWith("\\[") || t.startsWith("\\begin") || t.startsWith("<") || t.startsWith("---")
        || t.startsWith("***") || t.startsWith(">"));
  }

  /** LF line endings. */
  public static String normalise(String s) {
    return s.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** The lines of the text, with each fenced code block replaced by one null entry. */
  private static List<String> linesOutsideFences(String markdown) {
    List<String> out = new ArrayList<>();
    String fence = null;
    for (String line : normalise(markdown).split("\n", -1)) {
      Matcher f = FENCE.matcher(line);
      if (fence == null) {
        if (f.find()) {
          fence = f.group(1);
          out.add(null);
        } else {
          out.add(line);
        }
      } else if (f.find() && f.group(1).charAt(0) == fence.charAt(0) && f.group(1).length() >= fence.length()
          && line.substring(f.end()).isBlank()) {
        fence = null;
      }
    }
    return out;
  }
}
