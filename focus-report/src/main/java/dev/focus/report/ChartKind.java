package dev.focus.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a chart draws its data: lines, points or bars from {@link Series}, or a {@link Heatmap}. */
public enum ChartKind {
  LINE, SCATTER, BAR, HEATMAP;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ChartKind parse(String s) {
    for (ChartKind k : values()) {
      if (k.json().equals(s)) return k;
    }
    throw new IllegalArgumentException("chart kind " + ReportNames.quote(s) + " is not one of line, scatter, bar, heatmap");
  }
}
