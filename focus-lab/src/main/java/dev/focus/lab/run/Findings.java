package dev.focus.lab.run;

import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What an experiment found, built up as it runs: the Markdown text (with {@code {{chart:ID}}}
 * placeholders), charts, raw data files, a verdict and a one-paragraph summary for the index.
 */
public final class Findings {
  private final StringBuilder text = new StringBuilder();
  private final List<Chart> charts = new ArrayList<>();
  private final List<DataFile> data = new ArrayList<>();
  private Verdict verdict = Verdict.NOT_APPLICABLE;
  private String summary = "";
  private final List<String> tags = new ArrayList<>();

  /** Appends Markdown (a paragraph, a table, math); a blank line separates calls. */
  public Findings md(String markdown) {
    if (text.length() > 0 && !text.toString().endsWith("\n\n")) text.append(text.toString().endsWith("\n") ? "\n" : "\n\n");
    text.append(markdown);
    return this;
  }

  /** Adds a chart and places it here in the text. */
  public Findings chart(Chart chart) {
    charts.add(chart);
    return md("{{chart:" + chart.id() + "}}\n");
  }

  public Findings data(DataFile file) {
    data.add(file);
    return this;
  }

  public Findings verdict(Verdict v, String summaryMarkdown) {
    this.verdict = v;
    this.summary = summaryMarkdown;
    return this;
  }

  public Findings tag(String t) {
    tags.add(t);
    return this;
  }

  public String markdown() { return text.toString(); }

  public List<Chart> charts() { return List.copyOf(charts); }

  public List<DataFile> dataFiles() { return List.copyOf(data); }

  public Verdict verdict() { return verdict; }

  public String summary() { return summary; }

  public List<String> tags() { return List.copyOf(tags); }

  /** A Markdown table from a header and rows. */
  public static String table(List<String> header, List<List<String>> rows) {
    StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) sb.append("---|");
    sb.append('\n');
    for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    return sb.toString();
  }

  /** A number with {@code digits} significant digits, plain notation. */
  public static String num(double v, int digits) {
    if (Double.isNaN(v)) return "n/a";
    if (v == 0) return "0";
    return new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).stripTrailingZeros().toPlainString();
  }
}
