package dev.focus.lab.lossless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.multimodal.PatchFilter;
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
  void auditMatchesTheBitCountsByHand() throws Exception {
    InformationAudit.Result a = new InformationAudit().run(InformationAudit.spec(List.of(256, 4), 1), ctx());
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
    assertEquals(16 * 16 * 8, a.glyphBits(), 1e-9, "a 16×16 grey glyph of 256 levels, not a binary one");
    assertEquals(64 * Math.log(17) / Math.log(2), a.digitBits(), 1e-9);
    // 10 · 10 digits · 4 levels · (6 columns · 12 rows)² offsets = 2 073 600 images
    assertEquals(Math.log(2_073_600) / Math.log(2), a.glyphReadBits(), 1e-9);
    assertEquals(20.98, a.glyphReadBits(), 0.005);
    assertNull(a.content(), "no digits in the empty cache: no estimate");
  }

  @Test
  void contentEstimatesMatchHandCounts() {
    // two 2×2 grey images of 3 levels: pixel 0 is 0 or 2, pixels 1-3 always 0
    PixelImage a = new PixelImage(2, 2, 1, 3, new int[] {0, 0, 0, 0}), b = new PixelImage(2, 2, 1, 3, new int[] {2, 0, 0, 0});
    ContentEstimate.Result r = ContentEstimate.of("t", List.of(a, b), List.of(a), 2);
    assertEquals(4 * Math.log(3) / Math.log(2), r.rawBits(), 1e-12);
    assertEquals(1, r.marginalBits(), 1e-12, "one fair binary pixel, three constant ones");
    // one patch per image, 2 distinct values of 2: plug-in 1 bit, Miller–Madow + (2 − 1) / (2 · 2 · ln 2)
    assertEquals(2, r.distinctPatches());
    assertEquals(1 + 1 / (4 * Math.log(2)), r.patchEntropy(), 1e-12);
    // coding a: pixel 0 (top row, above counts as 0) seen as 0 once and 2 once: (1 + ½) / (2 + 3/2);
    // pixels 1 and 3 (above = 0 in both training images) always 0: (2 + ½) / (2 + 3/2) each;
    // pixel 2 below a 0 was seen once (image a; in b it sits below a 2): (1 + ½) / (1 + 3/2)
    double expected = -(Math.log(1.5 / 3.5) + 2 * Math.log(2.5 / 3.5) + Math.log(1.5 / 2.5)) / Math.log(2);
    assertEquals(expected, r.contextBits(), 1e-12);
    assertEquals(Math.min(1, 1 + 1 / (4 * Math.log(2))), r.bestBits(), 1e-12);
  }

  @Test
  void poolAndCentroidFiltersKeepTheShapeAndLoseDetail() {
    // one 4×4 patch (P = 4, C = 1): pooling by 2 averages each 2×2 block
    float[] p = new float[16];
    for (int i = 0; i < 16; i++) p[i] = i;
    float[] q = PatchFilter.averagePool(4, 1, 2).apply(p);
    assertEquals((0 + 1 + 4 + 5) / 4f, q[0], 0);
    assertEquals(q[0], q[5], 0);
    assertEquals((10 + 11 + 14 + 15) / 4f, q[15], 0);
    assertEquals(0, p[5] - 5, 0, "the input is left unchanged");
    assertThrows(IllegalArgumentException.class, () -> PatchFilter.averagePool(4, 1, 3));
    assertThrows(IllegalArgumentException.class, () -> InputArmRun.parse("pool-x"));
    assertEquals(new InputArmRun.Input("centroids", 256), InputArmRun.parse("centroids-256"));
  }

  @Test
  void miniVqComparisonScoresEveryArmOnTheSameTestImages() throws Exception {
    LosslessInputExperiment.Settings s = new LosslessInputExperiment().settings(Profile.MINI, 1);
    assertEquals("glyphs-read", s.vq().get(0).task(), "mini compares on generated glyphs (no data set needed)");
    VqComparison.Result r = new VqComparison().run(s.vq().get(0), ctx());
    assertEquals(List.of("lossless", "vq-256", "vq-64", "vq-16", "vq-4", "centroids-256", "centroids-4", "pool-2"),
        r.arms().stream().map(VqComparison.Arm::name).toList());
    assertEquals(16, r.testSize());
    VqComparison.Arm lossless = r.arm("lossless");
    assertEquals(1, lossless.exactReconstruction(), 0, "raw patches reconstruct every image");
    assertEquals(0, lossless.levelError(), 0);
    assertEquals(Double.POSITIVE_INFINITY, lossless.capacityBits());
    VqComparison.Arm vq4 = r.arm("vq-4");
    assertEquals(32, vq4.capacityBits(), 1e-12);
    assertTrue(vq4.exactReconstruction() < 1 && vq4.levelError() > 0, "four codes cannot hold 4×4 patches of a glyph");
    VqComparison.Arm centroids4 = r.arm("centroids-4");
    assertEquals(32, centroids4.capacityBits(), 1e-12);
    assertEquals(vq4.exactReconstruction(), centroids4.exactReconstruction(), 0, "the same codebook as VQ-4");
    assertEquals(vq4.levelError(), centroids4.levelError(), 0);
    VqComparison.Arm pool = r.arm("pool-2");
    assertTrue(pool.exactReconstruction() < 1 && pool.levelError() > 0, "2×2 pooling blurs the glyph strokes");
    for (VqComparison.Arm a : r.arms()) {
      boolean middle = a.codebook() == 64 || a.codebook() == 16;
      assertEquals(middle ? 1 : 2, a.accuracy().length, a.name() + ": the deciding arms run two seeds in mini");
      double hits = a.accuracy()[0] * r.testSize();
      assertEquals(Math.rint(hits), hits, 1e-9, a.name() + ": accuracy is a count of exact captions over 16");
      assertEquals(4, a.curves()[0].length, a.name() + ": accuracy after each quarter of the steps");
      assertEquals(a.accuracy()[0], a.curves()[0][3], 0, a.name() + ": mini scores 16 images, so the curve ends at the accuracy");
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

  @Test
  void centroidAndPooledArmsJoinBothClaims() {
    double[] l = {0.89, 0.90, 0.91};
    // the VQ arms alone agree; centroids-256 ahead of lossless by 10 points: the first claim contradicts
    VqComparison.Result ahead = result(l, new double[] {0.85, 0.85, 0.85}, new double[] {0.50, 0.49, 0.51},
        arm("centroids-256", 256, new double[] {0.99, 0.99, 0.99}), arm("centroids-4", 4, new double[] {0.6, 0.6, 0.61}),
        arm("pool-2", 0, new double[] {0.7, 0.7, 0.7}));
    assertEquals(dev.focus.lab.run.Claim.Outcome.CONTRADICTS, LosslessRules.everyArm(ahead));
    assertTrue(LosslessRules.growingThroughLinear(ahead).agrees());
    assertEquals(Verdict.PARTLY, LosslessRules.verdict(ahead));
    assertEquals(0.14, LosslessRules.interfaceEffect(ahead, 256).interval().mean(), 1e-9, "centroids-256 minus VQ-256");
    // through the Linear the gap shrinks as K shrinks (centroids-4 above centroids-256): the growth claim contradicts
    VqComparison.Result shrinks = result(l, new double[] {0.85, 0.85, 0.85}, new double[] {0.50, 0.49, 0.51},
        arm("centroids-256", 256, new double[] {0.80, 0.80, 0.81}), arm("centroids-4", 4, new double[] {0.88, 0.89, 0.88}),
        arm("pool-2", 0, new double[] {0.5, 0.5, 0.5}));
    assertEquals(dev.focus.lab.run.Claim.Outcome.AGREES, LosslessRules.everyArm(shrinks));
    assertEquals(dev.focus.lab.run.Claim.Outcome.CONTRADICTS, LosslessRules.gapGrows(shrinks));
    assertEquals(Verdict.PARTLY, LosslessRules.verdict(shrinks));
    // every lossy arm behind, the gap growing on both interfaces: agrees
    VqComparison.Result all = result(l, new double[] {0.85, 0.85, 0.85}, new double[] {0.50, 0.49, 0.51},
        arm("centroids-256", 256, new double[] {0.86, 0.86, 0.87}), arm("centroids-4", 4, new double[] {0.6, 0.6, 0.61}),
        arm("pool-2", 0, new double[] {0.7, 0.7, 0.71}));
    assertEquals(Verdict.AGREES, LosslessRules.verdict(all));
  }

  private static VqComparison.Arm arm(String name, int k, double[] acc) {
    return new VqComparison.Arm(name, k, k == 0 ? Double.POSITIVE_INFINITY : 16 * Math.log(k) / Math.log(2), acc, 0, 1, new double[0][]);
  }

  private static VqComparison.Result result(double[] lossless, double[] vq256, double[] vq4, VqComparison.Arm... more) {
    List<VqComparison.Arm> arms = new java.util.ArrayList<>(List.of(arm("lossless", 0, lossless), arm("vq-256", 256, vq256),
        arm("vq-4", 4, vq4)));
    arms.addAll(List.of(more));
    return new VqComparison.Result("t", 1, lossless.length, 100, arms);
  }

  @Test
  void memorisationRuleComparesSamplesWithHeldOutDigits() {
    double[] heldOut = new double[101];
    for (int i = 0; i <= 100; i++) heldOut[i] = 10 + i; // 5th percentile 15
    assertEquals(15, dev.focus.lab.run.Stats.percentile(heldOut, 0.05), 1e-12);
    assertEquals(60, dev.focus.lab.run.Stats.percentile(heldOut, 0.5), 1e-12);
    DigitsDemo.Result far = demo(new double[] {20, 30, 14, 40, 50}, heldOut); // one of five below 15: 20 %
    assertEquals(0.2, far.closeShare(), 1e-12);
    assertEquals(0, far.copies());
    assertTrue(!LosslessReport.copies(far), "20 % is the limit, not above it");
    assertTrue(LosslessReport.copies(demo(new double[] {20, 30, 14, 12, 50}, heldOut)), "40 % below the 5th percentile");
    assertTrue(LosslessReport.copies(demo(new double[] {20, 30, 0, 40, 50}, heldOut)), "an exact copy");
    // the mask claim: hybrid ahead by 10 points on every seed agrees; one seed decides nothing
    assertTrue(LosslessRules.hybridHelps(new double[] {0.9, 0.85, 0.95}, new double[] {0.8, 0.75, 0.85}).agrees());
    assertEquals(dev.focus.lab.run.Claim.Outcome.NOISE, LosslessRules.hybridHelps(new double[] {0.9}, new double[] {0.5}).outcome());
  }

  @Test
  void theMaskArmsRunInFullAndQuickSaysWhere() {
    LosslessInputExperiment e = new LosslessInputExperiment();
    assertTrue(e.settings(Profile.QUICK, 1).masks().isEmpty());
    // quick's VQ arms: the codebooks that decide (256 and 4) on three seeds; 64 and 16 in full
    VqComparison.Settings quickVq = e.settings(Profile.QUICK, 1).vq().get(0);
    assertEquals(0, quickVq.otherSeeds());
    assertEquals(3, e.settings(Profile.FULL, 1).vq().get(0).otherSeeds());
    List<MaskArmRun.Settings> full = e.settings(Profile.FULL, 1).masks();
    assertEquals(List.of("hybrid", "hybrid", "hybrid", "causal", "causal", "causal"), full.stream().map(MaskArmRun.Settings::mask).toList());
    assertTrue(full.stream().allMatch(m -> m.demo().steps() == 2000));
    // with the digits demonstrated and no mask runs, the report points to full; without the digits it says nothing
    DigitsDemo.Result ran = demo(new double[] {20}, new double[] {10, 30});
    dev.focus.lab.run.Findings f = new dev.focus.lab.run.Findings();
    LosslessReport.masks(f, new LosslessInputExperiment.Results(null, List.of(), ran, List.of(), List.of()));
    assertTrue(f.markdown().contains("is measured by the full profile"), f.markdown());
    dev.focus.lab.run.Findings none = new dev.focus.lab.run.Findings();
    LosslessReport.masks(none, new LosslessInputExperiment.Results(null, List.of(), null, List.of(), List.of()));
    assertEquals("", none.markdown());
  }

  private static DigitsDemo.Result demo(double[] samples, double[] heldOut) {
    return new DigitsDemo.Result(null, 1, 1, 0.5, 1, 0.5, 1, List.of(), samples, heldOut);
  }

  @Test
  void digitsWithoutTheDataSetAreSkippedWithAReason() throws Exception {
    DigitsDemo.Result d = new DigitsDemo().run(new LosslessInputExperiment().settings(Profile.MINI, 1).digits(), ctx());
    assertNotNull(d.skipped());
    assertTrue(d.samples().isEmpty());
  }
}
