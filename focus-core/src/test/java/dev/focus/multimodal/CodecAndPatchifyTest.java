package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CodecAndPatchifyTest {
  @Test
  void codecRoundTripIsBitExactForEveryLevelCount() {
    for (int levels = 2; levels <= 256; levels++) {
      for (int v = 0; v < levels; v++) {
        float y = PixelCodec.encode(v, levels);
        assertTrue(y >= -1f && y <= 1f, "encoded value in [-1,1]");
        PixelImage back = PixelCodec.decode(new float[] {y}, 1, 1, 1, levels);
        assertEquals(v, back.get(0, 0, 0), "levels=" + levels + " v=" + v);
      }
    }
    assertEquals(-1f, PixelCodec.encode(0, 256));
    assertEquals(1f, PixelCodec.encode(255, 256));
  }

  @Test
  void codecRejectsOutOfRangeAndNonFiniteValues() {
    var e = assertThrows(IllegalArgumentException.class, () -> PixelCodec.encode(17, 17));
    assertTrue(e.getMessage().contains("17"));
    var nan = assertThrows(IllegalArgumentException.class,
        () -> PixelCodec.decode(new float[] {0f, Float.NaN}, 1, 2, 1, 17));
    assertTrue(nan.getMessage().contains("index 1"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PixelImage(2, 2, 1, 17, new int[] {0, 1, 2, 40}));
    assertThrows(IllegalArgumentException.class, () -> new PixelImage(0, 2, 1, 17, new int[0]));
  }

  @Test
  void patchifyShapesMatchTheArticle() {
    int[][] cases = {{64, 64, 3, 4, 256, 48}, {128, 128, 3, 8, 256, 192}, {8, 8, 1, 2, 16, 4}, {8, 16, 3, 4, 8, 48}};
    for (int[] c : cases) {
      assertEquals(c[4], Patchify.patchCount(c[0], c[1], c[3]));
      assertEquals(c[5], Patchify.patchDim(c[3], c[2]));
    }
  }

  @Test
  void firstPatchIsTheTopLeftBlockInDocumentedOrder() {
    int h = 8, w = 12, ch = 3, p = 4;
    float[] x = new float[h * w * ch];
    for (int i = 0; i < x.length; i++) x[i] = i;
    float[] patches = Patchify.patchify(x, h, w, ch, p);
    int d = p * p * ch;
    for (int py = 0; py < p; py++) for (int px = 0; px < p; px++) for (int c = 0; c < ch; c++) {
      assertEquals(x[(py * w + px) * ch + c], patches[(py * p + px) * ch + c]);
    }
    // Patch k = r·(W/P) + c: patch 1 starts at pixel (0, P).
    assertEquals(x[(0 * w + p) * ch], patches[d]);
    // Patch (W/P) starts at pixel (P, 0).
    assertEquals(x[(p * w) * ch], patches[(w / p) * d]);
  }

  @Test
  void randomRoundTripsAreBitExact() {
    SplittableRandom rng = new SplittableRandom(7);
    int[] ps = {1, 2, 4, 8};
    for (int trial = 0; trial < 60; trial++) {
      int p = ps[rng.nextInt(ps.length)];
      int h = p * (1 + rng.nextInt(4)), w = p * (1 + rng.nextInt(5)), c = rng.nextBoolean() ? 1 : 3;
      float[] x = new float[h * w * c];
      int[] xi = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextGaussian();
        xi[i] = rng.nextInt(256);
      }
      assertArrayEquals(x, Patchify.unpatchify(Patchify.patchify(x, h, w, c, p), h, w, c, p));
      assertArrayEquals(xi, Patchify.unpatchify(Patchify.patchify(xi, h, w, c, p), h, w, c, p));
    }
  }

  @Test
  void oneLevelChangeToOnePixelChangesExactlyOnePatch() {
    int h = 8, w = 8, p = 2;
    int[] v = new int[h * w];
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(16);
    int[] v2 = v.clone();
    v2[5 * w + 3] += 1;
    float[] a = Patchify.patchify(PixelCodec.encode(new PixelImage(h, w, 1, 17, v)), h, w, 1, p);
    float[] b = Patchify.patchify(PixelCodec.encode(new PixelImage(h, w, 1, 17, v2)), h, w, 1, p);
    int d = p * p, changed = 0;
    for (int k = 0; k < a.length / d; k++) {
      boolean diff = false;
      for (int e = 0; e < d; e++) diff |= a[k * d + e] != b[k * d + e];
      if (diff) changed++;
    }
    assertEquals(1, changed);
  }

  @Test
  void nonDivisibleSizesAndNonFiniteValuesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> Patchify.patchify(new float[10 * 8], 10, 8, 1, 4));
    assertEquals("image 10x8 not divisible by patch 4", e.getMessage());
    float[] x = new float[16];
    x[3] = Float.POSITIVE_INFINITY;
    assertThrows(IllegalArgumentException.class, () -> Patchify.patchify(x, 4, 4, 1, 2));
  }
}
