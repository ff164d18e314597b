package dev.focus.lab.lossless;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Claim;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verdict rules of report 2, over {@link VqComparison.Result}. Arms are compared seed by seed
 * (seed q loads the same data and trains from the same seed for every arm), on the 95% interval of
 * the paired difference in accuracy over seeds: a claim agrees only when that interval lies on the
 * claimed side ({@link Claim}). The deciding arms are lossless and the largest and smallest codebooks.
 */
public final class LosslessRules {
  private LosslessRules() {}

  /** "Matches" allows lossless to trail a VQ arm by at most this accuracy (2 points). */
  static final double MATCH = 0.02;

  /** Mean lossless accuracy minus the mean accuracy of VQ arm {@code vq-K}, as a fraction. */
  public static double gap(VqComparison.Result r, int k) {
    return mean(r.arm("lossless").accuracy()) - mean(r.arm("vq-" + k).accuracy());
  }

  /** Lossless minus VQ arm {@code k}'s accuracy, paired over their common seeds, above −{@link #MATCH}: lossless beats or matches it. */
  public static Claim beatsOrMatches(VqComparison.Result r, int k) {
    return paired(r.arm("lossless").accuracy(), r.arm("vq-" + k).accuracy(), -MATCH);
  }

  /**
   * Lossless beats or matches every VQ arm that ran more than one seed: agrees when every such arm's
   * claim agrees, contradicts when one contradicts (a VQ arm ahead by more than 2 points on the
   * interval), inside the noise otherwise. Arms of one seed (the middle codebooks in quick) are shown
   * but decide nothing: one seed has no interval.
   */
  public static Claim.Outcome everyArm(VqComparison.Result r) {
    List<Claim> claims = new ArrayList<>();
    for (VqComparison.Arm a : r.arms()) if (a.codebook() != 0 && a.accuracy().length > 1) claims.add(beatsOrMatches(r, a.codebook()));
    if (claims.isEmpty()) return Claim.Outcome.NOISE;
    if (claims.stream().anyMatch(Claim::contradicts)) return Claim.Outcome.CONTRADICTS;
    return claims.stream().allMatch(Claim::agrees) ? Claim.Outcome.AGREES : Claim.Outcome.NOISE;
  }

  /**
   * The gap grows as the codebook shrinks: gap(K = smallest) − gap(K = largest) = acc(largest) −
   * acc(smallest), paired by seed, above 0.
   */
  public static Claim growing(VqComparison.Result r) {
    VqComparison.Arm largest = r.arms().get(1), smallest = r.arms().get(r.arms().size() - 1);
    return paired(largest.accuracy(), smallest.accuracy(), 0);
  }

  /** The VQ arm with the smallest codebook (the last). */
  static int smallest(VqComparison.Result r) { return r.arms().get(r.arms().size() - 1).codebook(); }

  /** The VQ arm with the largest codebook (the first after lossless). */
  static int largest(VqComparison.Result r) { return r.arms().get(1).codebook(); }

  private static Claim paired(double[] a, double[] b, double threshold) {
    int n = Math.min(a.length, b.length);
    return Claim.pairedAbove(Arrays.copyOf(a, n), Arrays.copyOf(b, n), threshold);
  }

  /** Agrees when both claims agree, contradicts when neither agrees and one contradicts, partly otherwise. */
  public static Verdict verdict(VqComparison.Result r) {
    Claim.Outcome every = everyArm(r), grows = growing(r).outcome();
    if (every == Claim.Outcome.AGREES && grows == Claim.Outcome.AGREES) return Verdict.AGREES;
    boolean none = every != Claim.Outcome.AGREES && grows != Claim.Outcome.AGREES;
    return none && (every == Claim.Outcome.CONTRADICTS || grows == Claim.Outcome.CONTRADICTS) ? Verdict.CONTRADICTS : Verdict.PARTLY;
  }
}
