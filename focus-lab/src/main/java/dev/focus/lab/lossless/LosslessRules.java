package dev.focus.lab.lossless;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Claim;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verdict rules of report 2, over {@link VqComparison.Result}, fixed before the runs they judge.
 * Arms are compared seed by seed (seed q loads the same data and trains from the same seed for every
 * arm), on the 95% interval of the paired difference in accuracy over seeds: a claim agrees only when
 * that interval lies on the claimed side ({@link Claim}). Two claims decide:
 *
 * <ol>
 *   <li><b>Lossless beats or matches every lossy input</b> that ran more than one seed: the VQ arms
 *       (codes through an Embedding), the centroid arms (the same codes' centroids through the
 *       lossless Linear) and the pooled arm (a blurred image through the Linear).
 *   <li><b>The gap grows as the codebook shrinks</b>, on each interface that ran both ends: VQ-K_max
 *       minus VQ-K_min, and centroids-K_max minus centroids-K_min, above 0.
 * </ol>
 */
public final class LosslessRules {
  private LosslessRules() {}

  /** "Matches" allows lossless to trail a lossy arm by at most this accuracy (2 points). */
  static final double MATCH = 0.02;

  /** Mean lossless accuracy minus the mean accuracy of arm {@code name}, as a fraction. */
  public static double gap(VqComparison.Result r, String name) {
    return mean(r.arm("lossless").accuracy()) - mean(r.arm(name).accuracy());
  }

  /** {@link #gap(VqComparison.Result, String)} of VQ arm {@code vq-K}. */
  public static double gap(VqComparison.Result r, int k) { return gap(r, "vq-" + k); }

  /** Lossless minus arm {@code name}'s accuracy, paired over their common seeds, above −{@link #MATCH}: lossless beats or matches it. */
  public static Claim beatsOrMatches(VqComparison.Result r, String name) {
    return paired(r.arm("lossless").accuracy(), r.arm(name).accuracy(), -MATCH);
  }

  /** {@link #beatsOrMatches(VqComparison.Result, String)} of VQ arm {@code vq-K}. */
  public static Claim beatsOrMatches(VqComparison.Result r, int k) { return beatsOrMatches(r, "vq-" + k); }

  /** A lossy input: VQ codes, centroids or a pooled image (not the lossless input under another mask). */
  static boolean lossy(VqComparison.Arm a) {
    return a.vq() || a.name().startsWith("centroids-") || a.name().startsWith("pool-");
  }

  /**
   * Lossless beats or matches every lossy arm that ran more than one seed: agrees when every such
   * arm's claim agrees, contradicts when one contradicts (a lossy arm ahead by more than 2 points on
   * the interval), inside the noise otherwise. Arms of one seed (the middle codebooks in quick) are
   * shown but decide nothing: one seed has no interval.
   */
  public static Claim.Outcome everyArm(VqComparison.Result r) {
    List<Claim> claims = new ArrayList<>();
    for (VqComparison.Arm a : r.arms()) if (lossy(a) && a.accuracy().length > 1) claims.add(beatsOrMatches(r, a.name()));
    return all(claims);
  }

  /**
   * The gap grows as the codebook shrinks: gap(K = smallest) − gap(K = largest) = acc(largest) −
   * acc(smallest) of the VQ arms, paired by seed, above 0.
   */
  public static Claim growing(VqComparison.Result r) {
    List<VqComparison.Arm> vq = r.vqArms();
    return paired(vq.get(0).accuracy(), vq.get(vq.size() - 1).accuracy(), 0);
  }

  /**
   * The same on the lossless interface: centroids of the largest codebook minus centroids of the
   * smallest, above 0; null when the two centroid arms did not both run.
   */
  public static Claim growingThroughLinear(VqComparison.Result r) {
    VqComparison.Arm large = r.find("centroids-" + largest(r)), small = r.find("centroids-" + smallest(r));
    return large == null || small == null ? null : paired(large.accuracy(), small.accuracy(), 0);
  }

  /** Both growth claims together: agrees when each that ran agrees, contradicts when one contradicts. */
  public static Claim.Outcome gapGrows(VqComparison.Result r) {
    List<Claim> claims = new ArrayList<>(List.of(growing(r)));
    if (growingThroughLinear(r) != null) claims.add(growingThroughLinear(r));
    return all(claims);
  }

  /**
   * How much of a VQ arm's deficit is its interface: centroids-K minus VQ-K, paired (reported beside
   * the rules, decides nothing); null when the centroid arm did not run.
   */
  public static Claim interfaceEffect(VqComparison.Result r, int k) {
    VqComparison.Arm c = r.find("centroids-" + k), v = r.find("vq-" + k);
    return c == null || v == null ? null : paired(c.accuracy(), v.accuracy(), 0);
  }

  /** The VQ arm with the smallest codebook (the last). */
  static int smallest(VqComparison.Result r) { return r.vqArms().get(r.vqArms().size() - 1).codebook(); }

  /** The VQ arm with the largest codebook (the first). */
  static int largest(VqComparison.Result r) { return r.vqArms().get(0).codebook(); }

  private static Claim.Outcome all(List<Claim> claims) {
    if (claims.isEmpty()) return Claim.Outcome.NOISE;
    if (claims.stream().anyMatch(Claim::contradicts)) return Claim.Outcome.CONTRADICTS;
    return claims.stream().allMatch(Claim::agrees) ? Claim.Outcome.AGREES : Claim.Outcome.NOISE;
  }

  private static Claim paired(double[] a, double[] b, double threshold) {
    int n = Math.min(a.length, b.length);
    return Claim.pairedAbove(Arrays.copyOf(a, n), Arrays.copyOf(b, n), threshold);
  }

  /**
   * The hybrid mask helps generation: 3-NN agreement of the hybrid arm minus the causal arm, paired by
   * seed, above 0. Reported beside the verdict (it is about spec 02 §3.5, not about lossless input).
   */
  public static Claim hybridHelps(double[] hybrid, double[] causal) { return paired(hybrid, causal, 0); }

  /** Agrees when both claims agree, contradicts when neither agrees and one contradicts, partly otherwise. */
  public static Verdict verdict(VqComparison.Result r) {
    Claim.Outcome every = everyArm(r), grows = gapGrows(r);
    if (every == Claim.Outcome.AGREES && grows == Claim.Outcome.AGREES) return Verdict.AGREES;
    boolean none = every != Claim.Outcome.AGREES && grows != Claim.Outcome.AGREES;
    return none && (every == Claim.Outcome.CONTRADICTS || grows == Claim.Outcome.CONTRADICTS) ? Verdict.CONTRADICTS : Verdict.PARTLY;
  }
}
