package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansTokenizerTest {
  private static float[] points(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] p = new float[n * d];
    for (int i = 0; i < p.length; i++) p[i] = (float) (rng.nextDouble() * 2 - 1);
    return p;
  }

  @Test
  void deterministicPerSeedAndDistortionFallsWithK() {
    int n = 600, d = 4;
    float[] p = points(n, d, 1);
    KMeansTokenizer a = KMeansTokenizer.fit(p, n, d, 16, 42, 50);
    KMeansTokenizer b = KMeansTokenizer.fit(p, n, d, 16, 42, 50);
    assertArrayEquals(a.centroids(), b.centroids());
    double d4 = KMeansTokenizer.fit(p, n, d, 4, 42, 50).distortion(p);
    double d256 = KMeansTokenizer.fit(p, n, d, 256, 42, 50).distortion(p);
    assertTrue(d4 > d256, "distortion(K=4)=" + d4 + " > distortion(K=256)=" + d256);
  }

  @Test
  void recoversWellSeparatedClustersAndDecodesToCentroids() {
    int d = 2;
    float[] centres = {-5, -5, 5, 5, -5, 5};
    SplittableRandom rng = new SplittableRandom(4);
    int n = 300;
    float[] p = new float[n * d];
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      p[i * d] = centres[c * 2] + (float) (rng.nextGaussian() * 0.1);
      p[i * d + 1] = centres[c * 2 + 1] + (float) (rng.nextGaussian() * 0.1);
    }
    KMeansTokenizer km = KMeansTokenizer.fit(p, n, d, 3, 7, 50);
    int[] codes = km.encode(p);
    for (int i = 3; i < n; i++) assertEquals(codes[i % 3], codes[i], "points of one cluster share a code");
    float[] dec = km.decode(codes);
    for (int i = 0; i < n; i++) {
      assertEquals(centres[(i % 3) * 2], dec[i * d], 0.05);
    }
    assertTrue(km.distortion(p) < 0.05);
  }
}
