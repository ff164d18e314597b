package dev.focus.lab.lossless;

import static dev.focus.lab.run.Stats.mean;
import static dev.focus.lab.run.Stats.sd;

import dev.focus.report.Verdict;

/** The verdict rules of report 2, over {@link VqComparison.Result}. */
public final class LosslessRules {
  private LosslessRules() {}

  /** Mean lossless accuracy minus the mean accuracy of VQ arm {@code vq-K}, as a fraction. */
  public static double gap(VqComparison.Result r, int k) {
    return mean(r.arm("lossless").accuracy()) - mean(r.arm("vq-" + k).accuracy());
  }

  /**
   * The smallest margin, over VQ arms, of lossless accuracy over the arm's accuracy lowered by one
   * spread: the standard deviation over seeds, or with one seed the binomial standard error
   * √(p(1−p)/n) on the n test images. Non-negative when lossless beats or matches every arm.
   */
  public static double worstMargin(VqComparison.Result r) {
    double lossless = mean(r.arm("lossless").accuracy()), worst = Double.POSITIVE_INFINITY;
    for (VqComparison.Arm a : r.arms()) {
      if (a.codebook() == 0) continue;
      double m = mean(a.accuracy());
      double spread = r.seeds() > 1 ? sd(a.accuracy()) : Math.sqrt(m * (1 - m) / r.testSize());
      worst = Math.min(worst, lossless - (m - spread));
    }
    return worst;
  }

  /** True when lossless beats or matches every VQ arm within one spread ({@link #worstMargin} ≥ 0). */
  public static boolean everyArmBelow(VqComparison.Result r) { return worstMargin(r) >= 0; }

  /** True when the gap grows as the codebook shrinks: the gap at K = 4 exceeds the gap at K = 256. */
  public static boolean growing(VqComparison.Result r) { return gap(r, 4) > gap(r, 256); }

  /** Agrees when both hold, partly when one does, contradicts when neither. */
  public static Verdict verdict(VqComparison.Result r) {
    boolean below = everyArmBelow(r), growing = growing(r);
    return below && growing ? Verdict.AGREES : below || growing ? Verdict.PARTLY : Verdict.CONTRADICTS;
  }
}
