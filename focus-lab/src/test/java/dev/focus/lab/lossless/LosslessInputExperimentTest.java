package dev.focus.lab.lossless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.report.Verdict;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LosslessInputExperimentTest {
  @TempDir Path work;

  private LabContext ctx() {
    // An empty data cache: the digits demonstration must say it skipped, not fail.
    return new LabContext(Profile.MINI, 1, work, work.resolve("empty-cache"), Progress.NONE);
  }

  @Test
  void auditMatchesTheBitCountsByHand() {
    InformationAudit.Result a = new InformationAudit().run(InformationAudit.spec(List.of(256, 4)), ctx());
    InformationAudit.AuditRow rgb = a.rows().get(0); // 64×64×3 at 3 bits, L = 1024
    assertEquals(64 * 64 * 3 * 3, rgb.bits(), 0);
    assertEquals(36, rgb.log2MinVocab(), 1e-12);
    assertEquals(BigInteger.ONE.shiftLeft(36).toString(), rgb.minVocab(), "V_min = 2^36 = 68719476736");
    assertEquals(144, a.rows().get(1).log2MinVocab(), 1e-12, "the same image in 256 tokens");
    InformationAudit.AuditRow big = a.rows().get(3); // 256×256×3 at 3 bits, L = 256
    assertEquals(2304, big.log2MinVocab(), 1e-9);
    assertNull(big.minVocab(), "above 2^64 only the exponent is shown");
    assertEquals(16 * 8, a.capacities().get(0).bits(), 1e-12, "16 tokens of K = 256 carry 128 bits");
    assertEquals(16 * 2, a.capacities().get(1).bits(), 1e-12, "16 tokens of K = 4 carry 32 bits");
    assertEquals(256, a.glyphBits(), 0);
    assertEquals(64 * Math.log(17) / Math.log(2), a.digitBits(), 1e-9);
  }

  @Test
  void miniVqComparisonScoresEveryArmOnTheSameTestImages() throws Exception {
    LosslessInputExperiment.Settings s = new LosslessInputExperiment().settings(Profile.MINI, 1);
    assertEquals("glyphs-read", s.vq().get(0).task(), "mini compares on generated glyphs (no data set needed)");
    VqComparison.Result r = new VqComparison().run(s.vq().get(0), ctx());
    assertEquals(List.of("lossless", "vq-256", "vq-64", "vq-16", "vq-4"), r.arms().stream().map(VqComparison.Arm::name).toList());
    assertEquals(16, r.testSize());
    VqComparison.Arm lossless = r.arm("lossless");
    assertEquals(1, lossless.exactReconstruction(), 0, "raw patches reconstruct every image");
    assertEquals(0, lossless.levelError(), 0);
    assertEquals(Double.POSITIVE_INFINITY, lossless.capacityBits());
    VqComparison.Arm vq4 = r.arm("vq-4");
    assertEquals(32, vq4.capacityBits(), 1e-12);
    assertTrue(vq4.exactReconstruction() < 1 && vq4.levelError() > 0, "four codes cannot hold 4×4 patches of a glyph");
    for (VqComparison.Arm a : r.arms()) {
      boolean deciding = a.codebook() == 0 || a.codebook() == 256 || a.codebook() == 4;
      assertEquals(deciding ? 2 : 1, a.accuracy().length, a.name() + ": the deciding arms run two seeds in mini");
      double hits = a.accuracy()[0] * r.testSize();
      assertEquals(Math.rint(hits), hits, 1e-9, a.name() + ": accuracy is a count of exact captions over 16");
    }
  }

  @Test
  void rulesDecideOnThePairedIntervalOverSeeds() {
    // lossless 90 %, VQ from 85 % (K = 256) down to 50 % (K = 4), three seeds each, spread ±1 point
    VqComparison.Result agrees = result(new double[] {0.89, 0.90, 0.91}, new double[] {0.85, 0.85, 0.85}, new double[] {0.50, 0.49, 0.51});
    assertEquals(0.4, LosslessRules.gap(agrees, 4), 1e-12);
    assertEquals(0.05, LosslessRules.gap(agrees, 256), 1e-12);
    // lossless − VQ-256 = 0.04, 0.05, 0.06 → 0.05 ± 4.303·0.01/√3, above −0.02
    dev.focus.lab.run.Claim c = LosslessRules.beatsOrMatches(agrees, 256);
    assertEquals(0.05, c.interval().mean(), 1e-12);
    assertEquals(4.303 * 0.01 / Math.sqrt(3), c.interval().halfWidth(), 1e-12);
    assertEquals(dev.focus.lab.run.Claim.Outcome.AGREES, LosslessRules.everyArm(agrees));
    assertTrue(LosslessRules.growing(agrees).agrees());
    assertEquals(Verdict.AGREES, LosslessRules.verdict(agrees));
    // VQ-256 ahead of lossless by 10 points on every seed: the first claim contradicts; the gap still grows
    VqComparison.Result partly = result(new double[] {0.80, 0.81, 0.79}, new double[] {0.90, 0.91, 0.89}, new double[] {0.5, 0.5, 0.5});
    assertEquals(dev.focus.lab.run.Claim.Outcome.CONTRADICTS, LosslessRules.everyArm(partly));
    assertEquals(Verdict.PARTLY, LosslessRules.verdict(partly));
    // VQ better everywhere and the gap shrinks as K shrinks: contradicts
    VqComparison.Result against = result(new double[] {0.50, 0.51, 0.49}, new double[] {0.70, 0.71, 0.69}, new double[] {0.80, 0.81, 0.80});
    assertTrue(LosslessRules.growing(against).contradicts());
    assertEquals(Verdict.CONTRADICTS, LosslessRules.verdict(against));
    // lossless − VQ-256 = +0.10, −0.10, +0.05 straddles −0.02: inside the noise, so the verdict is not "agrees"
    VqComparison.Result noisy = result(new double[] {0.90, 0.80, 0.90}, new double[] {0.80, 0.90, 0.85}, new double[] {0.5, 0.5, 0.5});
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, LosslessRules.everyArm(noisy));
    assertEquals(Verdict.PARTLY, LosslessRules.verdict(noisy));
    // one seed decides nothing
    VqComparison.Result one = result(new double[] {0.9}, new double[] {0.85}, new double[] {0.5});
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, LosslessRules.everyArm(one));
    assertEquals(Verdict.PARTLY, LosslessRules.verdict(one));
  }

  private static VqComparison.Result result(double[] lossless, double[] vq256, double[] vq4) {
    return new VqComparison.Result("t", 1, lossless.length, 100, List.of(
        new VqComparison.Arm("lossless", 0, Double.POSITIVE_INFINITY, lossless, 1, 0),
        new VqComparison.Arm("vq-256", 256, 128, vq256, 0.5, 0.1),
        new VqComparison.Arm("vq-4", 4, 32, vq4, 0, 1)));
  }

  @Test
  void digitsWithoutTheDataSetAreSkippedWithAReason() throws Exception {
    DigitsDemo.Result d = new DigitsDemo().run(new LosslessInputExperiment().settings(Profile.MINI, 1).digits(), ctx());
    assertNotNull(d.skipped());
    assertTrue(d.samples().isEmpty());
  }
}
