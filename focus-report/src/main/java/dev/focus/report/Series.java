package dev.focus.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named data series of a line, scatter or bar chart: points (x[i], y[i]). A bar chart with
 * {@link Chart#categories() categories} leaves {@code x} empty and gives one y per category.
 *
 * @param name legend label
 * @param x    abscissas (same length as y), or empty for categorical bars
 * @param y    ordinates; every value finite
 */
public record Series(String name, double[] x, double[] y) {
  public Series {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("series name must not be blank");
    x = x == null ? new double[0] : x.clone();
    y = y == null ? new double[0] : y.clone();
    if (y.length == 0) throw new IllegalArgumentException("series '" + name + "' has no y values");
    if (x.length != 0 && x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "': x has " + x.length + " values but y has " + y.length);
    }
    requireFinite(name, "x", x);
    requireFinite(name, "y", y);
  }

  /** Points (x[i], y[i]). */
  public static Series of(String name, double[] x, double[] y) {
    return new Series(name, x, y);
  }

  /** Values for categorical bars (no x). */
  public static Series of(String name, double[] y) {
    return new Series(name, new double[0], y);
  }

  /** Points (i + 1, y[i]): the usual "step" axis of a training curve. */
  public static Series steps(String name, double[] y) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) x[i] = i + 1;
    return new Series(name, x, y);
  }

  @Override
  public double[] x() {
    return x.clone();
  }

  @Override
  public double[] y() {
    return y.clone();
  }

  int size() {
    return y.length;
  }

  boolean hasX() {
    return x.length > 0;
  }

  double minX() {
    return Arrays.stream(x).min().orElse(Double.NaN);
  }

  double minY() {
    return Arrays.stream(y).min().orElse(Double.NaN);
  }

  private static void requireFinite(String series, String axis, double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException("series '" + series + "': " + axis + "[" + i + "]=" + v[i] + " is not finite");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Series s && name.equals(s.name) && Arrays.equals(x, s.x) && Arrays.equals(y, s.y);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y));
  }

  @Override
  public String toString() {
    return "Series[" + name + ", " + y.length + " points]";
  }
}
