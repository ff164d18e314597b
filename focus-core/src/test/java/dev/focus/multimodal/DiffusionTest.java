package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiffusionTest {
  private final DiffusionSchedule s = DiffusionSchedule.standard();

  @Test
  void scheduleMatchesReferenceValues() {
    assertEquals(Math.sqrt(2e-5), s.betaBar(1), Math.sqrt(2e-5) * 1e-6);
    assertEquals(0.284592, s.alphaBar(500), 0.284592 * 1e-5);
    assertEquals(0.0064820, s.alphaBar(1000), 0.0064820 * 1e-4);
    assertEquals(1.0, s.alphaBar(0));
    assertEquals(0.0, s.betaBar(0));
    for (int t = 1; t <= 1000; t++) {
      assertTrue(s.alphaBar(t) < s.alphaBar(t - 1), "strictly decreasing at t=" + t);
      assertEquals(1.0, s.alphaBar(t) * s.alphaBar(t) + s.betaBar(t) * s.betaBar(t), 1e-12);
    }
    assertTrue(s.alphaBar(1000) < 0.01);
  }

  @Test
  void ddimTimeGrid() {
    DdimSampler sampler = new DdimSampler(s, NoisePredictor.Target.EPS, true);
    assertArrayEquals(new int[] {1000, 750, 500, 250, 0}, sampler.times(4));
    assertArrayEquals(new int[] {1000, 667, 334, 0}, sampler.times(3));
    assertThrows(IllegalArgumentException.class, () -> sampler.times(1));
    assertThrows(IllegalArgumentException.class, () -> sampler.times(1001));
  }

  @Test
  void ddimWithAnOraclePredictorRecoversTheImageExactly() {
    int levels = 17;
    SplittableRandom rng = new SplittableRandom(11);
    int[] v = new int[64];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(levels);
    PixelImage img = new PixelImage(8, 8, 1, levels, v);
    float[] x0 = PixelCodec.encode(img);
    for (NoisePredictor.Target target : NoisePredictor.Target.values()) {
      // The oracle knows x0, so it returns the exact noise (or x0) consistent with x_t.
      NoisePredictor oracle = (xt, t) -> {
        float[] out = new float[xt.length];
        for (int j = 0; j < xt.length; j++) {
          out[j] = target == NoisePredictor.Target.X0 ? x0[j]
              : (float) ((xt[j] - s.alphaBar(t) * x0[j]) / s.betaBar(t));
        }
        return out;
      };
      DdimSampler sampler = new DdimSampler(s, target, true);
      for (int k : new int[] {2, 5, 20, 100}) {
        float[] out = sampler.ddim(oracle, DdimSampler.initialNoise(x0.length, 5), k);
        for (int j = 0; j < x0.length; j++) assertEquals(x0[j], out[j], 1e-5, "K=" + k + " j=" + j);
        assertEquals(img, PixelCodec.decode(out, 8, 8, 1, levels));
      }
    }
  }

  @Test
  void oneDdpmStepMatchesItsFormula() {
    DdimSampler sampler = new DdimSampler(s, NoisePredictor.Target.EPS, true);
    float[] xt = {0.3f, -0.7f, 1.2f};
    float[] eps = {0.1f, 0.2f, -0.4f};
    int t = 400;
    float[] out = sampler.ddpmStep(xt, eps, t, new SplittableRandom(9));
    SplittableRandom z = new SplittableRandom(9);
    double c = s.beta(t) * s.beta(t) / s.betaBar(t);
    for (int j = 0; j < 3; j++) {
      double expected = (xt[j] - c * eps[j]) / s.alpha(t) + s.beta(t) * DdimSampler.gaussian(z);
      assertEquals(expected, out[j], 1e-6);
    }
  }

  @Test
  void samplingIsDeterministicPerSeedAndFiniteInRange() {
    NoisePredictor fake = (xt, t) -> {
      float[] out = new float[xt.length];
      for (int j = 0; j < xt.length; j++) out[j] = (float) Math.sin(xt[j] * 3 + t * 1e-3);
      return out;
    };
    DdimSampler sampler = new DdimSampler(s, NoisePredictor.Target.EPS, true);
    float[] a = sampler.ddim(fake, DdimSampler.initialNoise(32, 1), 20);
    float[] b = sampler.ddim(fake, DdimSampler.initialNoise(32, 1), 20);
    float[] c = sampler.ddim(fake, DdimSampler.initialNoise(32, 2), 20);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    float[] d = sampler.ddpm(fake, DdimSampler.initialNoise(32, 1), 3);
    assertArrayEquals(d, sampler.ddpm(fake, DdimSampler.initialNoise(32, 1), 3));
    for (float v : a) assertTrue(Float.isFinite(v) && v >= -1 && v <= 1);
    for (float v : d) assertTrue(Float.isFinite(v) && v >= -1 && v <= 1);
  }
}
