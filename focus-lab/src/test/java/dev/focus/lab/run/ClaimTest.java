package dev.focus.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClaimTest {
  @Test
  void aClaimAgreesOnlyWithItsWholeIntervalOnTheClaimedSide() {
    // 1, 2, 3: mean 2, s.d. 1, interval 2 ± 4.303/√3 = 2 ± 2.484 → [−0.484, 4.484]
    assertEquals(Claim.Outcome.NOISE, Claim.above(new double[] {1, 2, 3}, 0).outcome());
    assertEquals(Claim.Outcome.AGREES, Claim.above(new double[] {1, 2, 3}, -0.5).outcome());
    assertEquals(Claim.Outcome.CONTRADICTS, Claim.above(new double[] {1, 2, 3}, 4.5).outcome());
    assertEquals(Claim.Outcome.AGREES, Claim.below(new double[] {1, 2, 3}, 4.5).outcome());
    assertEquals(Claim.Outcome.CONTRADICTS, Claim.below(new double[] {1, 2, 3}, -0.5).outcome());
    // paired: a − b = 0.9, 1.0, 1.1 → 1.0 ± 0.248
    Claim paired = Claim.pairedAbove(new double[] {2.0, 3.0, 4.1}, new double[] {1.1, 2.0, 3.0}, 0);
    assertEquals(Claim.Outcome.AGREES, paired.outcome());
    assertEquals("+1.000 ± 0.248 over 3 seeds: agrees", paired.text(3));
    // one value: the interval is unbounded, so neither agrees nor contradicts
    assertEquals(Claim.Outcome.NOISE, Claim.above(new double[] {5}, 0).outcome());
    assertEquals(Claim.Outcome.NOISE, Claim.below(new double[] {5}, 0).outcome());
    assertEquals("5.00 (1 seed): inside the noise", Claim.above(new double[] {5}, 1).text(2));
    // accuracies in points: 0.9, 1.0, 1.1 → +100.0 ± 24.8 points
    assertEquals("+100.0 ± 24.8 points over 3 seeds: agrees", paired.points());
    assertEquals("+50.0 points (1 seed): inside the noise", Claim.above(new double[] {0.5}, 0).points());
  }
}
