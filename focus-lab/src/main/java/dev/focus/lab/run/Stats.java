package dev.focus.lab.run;

/** Summary statistics the reports quote: mean and sample standard deviation over seeds or draws. */
public final class Stats {
  private Stats() {}

  public static double mean(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s / a.length;
  }

  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  public static double sd(double[] a) {
    if (a.length < 2) return 0;
    double m = mean(a), s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return Math.sqrt(s / (a.length - 1));
  }
}
