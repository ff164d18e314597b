package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KernelSet#causalHead}, {@link KernelSet#causalHeadGrad} and {@link KernelSet#causalKeyGrad}: the
 * active twin gives every bit of the compositions that define them ({@link KernelSet#causalHeadOf} and
 * the other two: the twin's own products, softmax rows and dots), on the shapes the vector twin computes along the
 * lanes (heads of 1 to L − 1, whole blocks of L queries) and on shapes it hands to the compositions;
 * and they are causal softmax attention and its row-wise gradient to float accuracy.
 */
class HeadKernelsTest {
  static final KernelSet K = Kernels.get();

  static Stream<Arguments> shapes() {
    Stream.Builder<Arguments> s = Stream.builder();
    for (int[] th : new int[][] {{16, 8}, {32, 8}, {48, 8}, {64, 8}, {64, 4}, {32, 1}, {32, 15}, {64, 16}, {20, 8}, {8, 8}}) {
      s.add(Arguments.of(th[0], th[1]));
    }
    return s.build();
  }

  @ParameterizedTest(name = "t={0} hs={1}")
  @MethodSource("shapes")
  void headGivesTheBitsOfItsComposition(int t, int hs) {
    Random rnd = new Random(31L * t + hs);
    for (float spread : new float[] {1f, 8f}) {
      float[] q = random(rnd, t * hs, spread), k = random(rnd, t * hs, spread), v = random(rnd, t * hs, 1f);
      float scale = (float) (1 / Math.sqrt(hs));
      int pOff = 5;
      float[] wantP = new float[pOff + t * t + 3], gotP = wantP.clone(), wantO = new float[t * hs], gotO = new float[t * hs];
      java.util.Arrays.fill(gotP, 7f); // every weight is written, masked ones with exact zeros
      System.arraycopy(wantP, 0, gotP, 0, pOff);
      gotP[gotP.length - 1] = gotP[gotP.length - 2] = gotP[gotP.length - 3] = 0f;
      KernelSet.causalHeadOf(K, wantP, pOff, wantO, q, k, v, t, hs, scale);
      K.causalHead(gotP, pOff, gotO, q, k, v, t, hs, scale);
      for (int i = 0; i < wantP.length; i++) {
        int at = i;
        assertEquals(Float.floatToRawIntBits(wantP[i]), Float.floatToRawIntBits(gotP[i]), () -> K.name() + " weight " + at);
      }
      for (int i = 0; i < wantO.length; i++) {
        int at = i;
        assertEquals(Float.floatToRawIntBits(wantO[i]), Float.floatToRawIntBits(gotO[i]), () -> K.name() + " output " + at);
      }
      // and it is causal attention: a double-precision softmax of the scaled logits over keys 0…i
      for (int i = 0; i < t; i++) {
        double[] e = new double[i + 1];
        double mx = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int d = 0; d < hs; d++) s += (double) q[i * hs + d] * k[j * hs + d];
          e[j] = s * scale;
          mx = Math.max(mx, e[j]);
        }
        for (int j = 0; j <= i; j++) sum += e[j] = Math.exp(e[j] - mx);
        for (int d = 0; d < hs; d++) {
          double o = 0;
          for (int j = 0; j <= i; j++) o += e[j] / sum * v[j * hs + d];
          assertTrue(Math.abs(o - gotO[i * hs + d]) < 1e-4 * (1 + Math.abs(o)), "output " + i + "," + d);
        }
      }
    }
  }

  @ParameterizedTest(name = "t={0} hs={1}")
  @MethodSource("shapes")
  void gradientGivesTheBitsOfItsComposition(int t, int hs) {
    Random rnd = new Random(17L * t + hs);
    float[] q = random(rnd, t * hs, 4f), k = random(rnd, t * hs, 4f), v = random(rnd, t * hs, 1f), dO = random(rnd, t * hs, 1f);
    int pOff = 3;
    float[] probs = new float[pOff + t * t], o = new float[t * hs];
    K.causalHead(probs, pOff, o, q, k, v, t, hs, 0.5f);
    float[] wantS = new float[t * t], gotS = new float[t * t], wantG = new float[t * hs], gotG = new float[t * hs];
    java.util.Arrays.fill(gotS, 7f); // every entry is written
    KernelSet.causalHeadGradOf(K, wantS, wantG, probs, pOff, dO, o, v, k, t, hs);
    K.causalHeadGrad(gotS, gotG, probs, pOff, dO, o, v, k, t, hs);
    for (int i = 0; i < wantG.length; i++) {
      int at = i;
      assertEquals(Float.floatToRawIntBits(wantG[i]), Float.floatToRawIntBits(gotG[i]), () -> K.name() + " gq " + at);
    }
    for (int i = 0; i < wantS.length; i++) {
      int at = i;
      if (wantS[i] == 0f) { // a masked entry, or an exact zero: +0 or −0 (see KernelSet#causalHeadGrad)
        assertEquals(0f, gotS[i], 0f, () -> K.name() + " ds " + at);
      } else {
        assertEquals(Float.floatToRawIntBits(wantS[i]), Float.floatToRawIntBits(gotS[i]), () -> K.name() + " ds " + at);
      }
    }
    // the value and key gradients from the weights and from ds, each against its composition
    for (float[][] ab : new float[][][] {{probs, dO}, {gotS, q}}) {
      int aOff = ab[0] == probs ? pOff : 0;
      float[] want = new float[t * hs + 2], got = new float[t * hs + 2];
      java.util.Arrays.fill(got, 5f);
      got[0] = got[t * hs + 1] = 0f;
      KernelSet.causalKeyGradOf(K, want, 1, ab[0], aOff, ab[1], t, hs);
      K.causalKeyGrad(got, 1, ab[0], aOff, ab[1], t, hs);
      for (int i = 0; i < want.length; i++) {
        int at = i;
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), () -> K.name() + " key gradient " + at);
      }
    }
    // and ds is the softmax's Jacobian applied to dO·Vᵀ: row i, key j ≤ i, in double precision
    for (int i = 0; i < t; i++) {
      double dd = 0;
      for (int d = 0; d < hs; d++) dd += (double) dO[i * hs + d] * o[i * hs + d];
      for (int j = 0; j <= i; j++) {
        double da = 0;
        for (int d = 0; d < hs; d++) da += (double) dO[i * hs + d] * v[j * hs + d];
        double want = probs[pOff + i * t + j] * (da - dd);
        assertTrue(Math.abs(want - gotS[i * t + j]) < 1e-5 * (1 + Math.abs(want)), "ds " + i + "," + j);
      }
    }
  }

  static float[] random(Random rnd, int n, float spread) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() * 2f - 1f) * spread;
    return x;
  }
}
