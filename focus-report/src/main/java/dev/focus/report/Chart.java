package dev.focus.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One interactive chart of a report, drawn in the page by ECharts. The text places it with a line
 * {@code {{chart:ID}}}; charts the text does not place are shown after it.
 *
 * <ul>
 *   <li>{@code line}, {@code scatter}: {@link #series()} with x and y of equal length.</li>
 *   <li>{@code bar}: series with x, or {@link #categories()} and series with one y per category.</li>
 *   <li>{@code heatmap}: {@link #heatmap()} only (no series), e.g. an attention map.</li>
 * </ul>
 *
 * @param id         unique within the report; follows the slug rule ({@link ReportNames#SLUG})
 * @param title      caption
 * @param kind       line, scatter, bar or heatmap
 * @param xLabel     x axis name (heatmap: the column axis), may be empty
 * @param yLabel     y axis name (heatmap: the row axis), may be empty
 * @param logX       log-scaled x axis (line and scatter; every x must be positive)
 * @param logY       log-scaled y axis (line, scatter, bar; every y must be positive)
 * @param categories bar labels, or empty
 * @param series     the data of line, scatter and bar charts
 * @param heatmap    the matrix of a heatmap chart, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chart(
    String id,
    String title,
    ChartKind kind,
    String xLabel,
    String yLabel,
    boolean logX,
    boolean logY,
    List<String> categories,
    List<Series> series,
    Heatmap heatmap) {

  public Chart {
    ReportNames.requireChartId(id);
    title = title == null ? "" : title;
    xLabel = xLabel == null ? "" : xLabel;
    yLabel = yLabel == null ? "" : yLabel;
    Objects.requireNonNull(kind, () -> "chart '" + id + "' needs a kind (line, scatter, bar, heatmap)");
    categories = categories == null ? List.of() : List.copyOf(categories);
    series = series == null ? List.of() : List.copyOf(series);
    String where = "chart '" + id + "' (" + kind.json() + ")";
    if (kind == ChartKind.HEATMAP) {
      if (heatmap == null) throw new IllegalArgumentException(where + " needs a heatmap matrix");
      if (!series.isEmpty() || !categories.isEmpty()) {
        throw new IllegalArgumentException(where + " takes a heatmap matrix, not series or categories");
      }
      if (logX || logY) throw new IllegalArgumentException(where + " cannot use log axes");
    } else {
      if (heatmap != null) throw new IllegalArgumentException(where + " takes series, not a heatmap matrix");
      if (series.isEmpty()) throw new IllegalArgumentException(where + " needs at least one series");
      if (!categories.isEmpty() && kind != ChartKind.BAR) {
        throw new IllegalArgumentException(where + ": categories are for bar charts only");
      }
      for (Series s : series) {
        if (!categories.isEmpty()) {
          if (s.size() != categories.size()) {
            throw new IllegalArgumentException(where + ": series '" + s.name() + "' has " + s.size()
                + " values but there are " + categories.size() + " categories");
          }
        } else if (!s.hasX()) {
          throw new IllegalArgumentException(where + ": series '" + s.name() + "' needs x values (or give the chart categories)");
        }
        if (logX && !(s.minX() > 0)) {
          throw new IllegalArgumentException(where + ": log x axis needs positive x, series '" + s.name() + "' has " + s.minX());
        }
        if (logY && !(s.minY() > 0)) {
          throw new IllegalArgumentException(where + ": log y axis needs positive y, series '" + s.name() + "' has " + s.minY());
        }
      }
      if (logX && (kind == ChartKind.BAR)) throw new IllegalArgumentException(where + ": a bar chart cannot use a log x axis");
    }
  }

  /** A line chart of numeric series. */
  public static Chart line(String id, String title, String xLabel, String yLabel, Series... series) {
    return new Chart(id, title, ChartKind.LINE, xLabel, yLabel, false, false, List.of(), List.of(series), null);
  }

  /** A scatter plot of numeric series. */
  public static Chart scatter(String id, String title, String xLabel, String yLabel, Series... series) {
    return new Chart(id, title, ChartKind.SCATTER, xLabel, yLabel, false, false, List.of(), List.of(series), null);
  }

  /** A bar chart over named categories; each series gives one value per category. */
  public static Chart bar(String id, String title, String xLabel, String yLabel, List<String> categories, Series... series) {
    return new Chart(id, title, ChartKind.BAR, xLabel, yLabel, false, false, categories, List.of(series), null);
  }

  /** A heat map, e.g. attention weights with queries as rows and keys as columns. */
  public static Chart heatmap(String id, String title, String xLabel, String yLabel, Heatmap matrix) {
    return new Chart(id, title, ChartKind.HEATMAP, xLabel, yLabel, false, false, List.of(), List.of(), matrix);
  }

  /** This chart with a log-scaled x axis. */
  public Chart withLogX() {
    return new Chart(id, title, kind, xLabel, yLabel, true, logY, categories, series, heatmap);
  }

  /** This chart with a log-scaled y axis. */
  public Chart withLogY() {
    return new Chart(id, title, kind, xLabel, yLabel, logX, true, categories, series, heatmap);
  }
}
