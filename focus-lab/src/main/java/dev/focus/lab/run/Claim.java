package dev.focus.lab.run;

import java.io.Serializable;
import java.util.Locale;

/**
 * A comparison over seeds decided on its 95% interval ({@link Stats#interval95}, Student's t): the
 * claim is that a quantity (usually a paired difference) lies above, or below, a threshold. It
 * <b>agrees</b> only when the whole interval lies on the claimed side, <b>contradicts</b> when the
 * whole interval lies on the other side, and is <b>inside the noise</b> otherwise — so a claim read
 * off one seed (an unbounded interval) never agrees, and every rule built on a claim can come out
 * either way.
 *
 * @param interval  the mean and 95% interval of the quantity over seeds
 * @param threshold the value the claim compares it to
 * @param above     true for "above the threshold", false for "below"
 */
public record Claim(Stats.Interval interval, double threshold, boolean above) implements Serializable {
  /** The three outcomes of a claim. */
  public enum Outcome {
    AGREES("agrees"), NOISE("inside the noise"), CONTRADICTS("contradicts");

    private final String text;

    Outcome(String text) { this.text = text; }

    /** "agrees", "inside the noise" or "contradicts". */
    public String text() { return text; }
  }

  /** The claim that the mean of {@code values} is above {@code threshold}. */
  public static Claim above(double[] values, double threshold) { return new Claim(Stats.interval95(values), threshold, true); }

  /** The claim that the mean of {@code values} is below {@code threshold}. */
  public static Claim below(double[] values, double threshold) { return new Claim(Stats.interval95(values), threshold, false); }

  /** The claim that the paired difference a − b (seed by seed) is above {@code threshold}. */
  public static Claim pairedAbove(double[] a, double[] b, double threshold) {
    return new Claim(Stats.pairedDifference95(a, b), threshold, true);
  }

  public Outcome outcome() {
    boolean claimed = above ? interval.above(threshold) : interval.below(threshold);
    boolean other = above ? interval.hi() < threshold : interval.lo() > threshold;
    return claimed ? Outcome.AGREES : other && interval.n() > 1 ? Outcome.CONTRADICTS : Outcome.NOISE;
  }

  public boolean agrees() { return outcome() == Outcome.AGREES; }

  public boolean contradicts() { return outcome() == Outcome.CONTRADICTS; }

  /**
   * A claim on accuracies (fractions) in percentage points: "+84.1 ± 14.6 points over 3 seeds: agrees",
   * "+12.0 points (1 seed): inside the noise".
   */
  public String points() {
    String width = interval.n() < 2 ? " points (1 seed)"
        : String.format(Locale.ROOT, " ± %.1f points over %d seeds", 100 * interval.halfWidth(), interval.n());
    return String.format(Locale.ROOT, "%+.1f", 100 * interval.mean()) + width + ": " + outcome().text();
  }

  /**
   * "+0.329 ± 0.130 over 3 seeds: agrees" ({@code digits} decimals; "(1 seed)" for one value); the
   * mean carries a sign when the threshold is 0 (a difference).
   */
  public String text(int digits) {
    String f = (threshold == 0 ? "%+." : "%.") + digits + "f";
    String mean = String.format(Locale.ROOT, f, interval.mean());
    String width = interval.n() < 2 ? " (1 seed)"
        : String.format(Locale.ROOT, " ± %." + digits + "f over %d seeds", interval.halfWidth(), interval.n());
    return mean + width + ": " + outcome().text();
  }
}
