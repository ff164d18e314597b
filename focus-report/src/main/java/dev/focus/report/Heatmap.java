package dev.focus.report;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A matrix of values with labelled rows and columns, e.g. an attention map: rows are queries, columns
 * are keys, {@code values[r][c]} the weight query r gives key c.
 *
 * @param rows   row labels, one per row of values (shown top to bottom)
 * @param cols   column labels, one per column of values
 * @param values (rows.size(), cols.size()), every value finite
 */
public record Heatmap(List<String> rows, List<String> cols, double[][] values) {
  public Heatmap {
    rows = List.copyOf(Objects.requireNonNull(rows, "heatmap rows"));
    cols = List.copyOf(Objects.requireNonNull(cols, "heatmap cols"));
    Objects.requireNonNull(values, "heatmap values");
    if (rows.isEmpty() || cols.isEmpty()) throw new IllegalArgumentException("heatmap needs at least one row and one column");
    if (values.length != rows.size()) {
      throw new IllegalArgumentException("heatmap has " + rows.size() + " row labels but " + values.length + " rows of values");
    }
    double[][] copy = new double[values.length][];
    for (int r = 0; r < values.length; r++) {
      if (values[r] == null || values[r].length != cols.size()) {
        throw new IllegalArgumentException("heatmap row " + r + " has " + (values[r] == null ? 0 : values[r].length)
            + " values but there are " + cols.size() + " column labels");
      }
      for (int c = 0; c < values[r].length; c++) {
        if (!Double.isFinite(values[r][c])) {
          throw new IllegalArgumentException("heatmap value [" + r + "][" + c + "]=" + values[r][c] + " is not finite");
        }
      }
      copy[r] = values[r].clone();
    }
    values = copy;
  }

  /** Labels {@code 0..n-1} for an attention map over n positions. */
  public static List<String> indexLabels(int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) s[i] = Integer.toString(i);
    return List.of(s);
  }

  @Override
  public double[][] values() {
    double[][] copy = new double[values.length][];
    for (int r = 0; r < values.length; r++) copy[r] = values[r].clone();
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Heatmap h && rows.equals(h.rows) && cols.equals(h.cols) && Arrays.deepEquals(values, h.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, cols, Arrays.deepHashCode(values));
  }

  @Override
  public String toString() {
    return "Heatmap[" + rows.size() + "x" + cols.size() + "]";
  }
}
