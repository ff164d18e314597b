package dev.focus.metrics;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Metric properties M1–M13 of spec 01 §4 on random rows, n ≤ 4096, tolerance 1e-12. */
class SparsityPropertiesTest {
  private static final double TOL = 1e-12;
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double[][] QP = {{1, 2}, {0.5, 1}, {1, 3}, {2, 4}, {1, INF}, {0.5, INF}};

  /** Random rows of several kinds: Gaussian (signed), exponential (softmax-like), sparse relu², tiny n. */
  private static double[][] rows(long seed, int count) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] out = new double[count][];
    for (int k = 0; k < count; k++) {
      int n = k < 4 ? k + 1 : 1 + rng.nextInt(k % 3 == 0 ? 4096 : 64);
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        double g = rng.nextGaussian();
        x[i] = switch (k % 3) {
          case 0 -> g;
          case 1 -> Math.exp(2 * g);
          default -> g > 0.5 ? g * g : 0.0;
        };
      }
      if (n > 0 && allZero(x)) x[rng.nextInt(n)] = 1.5;
      out[k] = x;
    }
    return out;
  }

  private static boolean allZero(double[] x) {
    for (double v : x) if (v != 0) return false;
    return true;
  }

  @Test
  void m1toM4RangesAndSpecialRows() {
    for (double[] x : rows(1, 40)) {
      int n = x.length;
      double s = Sparsity.sparsity(x);
      assertTrue(s >= 1 / Math.sqrt(n) - TOL && s <= 1 + TOL, "S*=" + s + " outside range, n=" + n);
      for (double[] qp : QP) {
        double v = Sparsity.sparsity(x, qp[0], qp[1]);
        double lo = Math.pow(n, (qp[1] == INF ? 0 : 1 / qp[1]) - 1 / qp[0]);
        assertTrue(v >= lo * (1 - TOL) && v <= 1 + TOL, "S*_{" + qp[0] + "," + qp[1] + "}=" + v + " outside [" + lo + ",1]");
      }
      assertClose("S*_{1,2} = S*", s, Sparsity.sparsity(x, 1, 2), TOL, TOL);
    }
    for (int n : new int[] {1, 2, 7, 100, 4096}) {
      double[] hot = new double[n];
      hot[n / 3] = -2.5;
      assertClose("one-hot n=" + n, 1 / Math.sqrt(n), Sparsity.sparsity(hot), TOL, TOL);
      double[] c = new double[n];
      java.util.Arrays.fill(c, 0.37);
      assertClose("constant n=" + n, 1.0, Sparsity.sparsity(c), TOL, TOL);
      for (double[] qp : QP) {
        double lo = Math.pow(n, (qp[1] == INF ? 0 : 1 / qp[1]) - 1 / qp[0]);
        assertClose("one-hot S*_{q,p}, n=" + n, lo, Sparsity.sparsity(hot, qp[0], qp[1]), TOL, TOL);
        assertClose("constant S*_{q,p}, n=" + n, 1.0, Sparsity.sparsity(c, qp[0], qp[1]), TOL, TOL);
      }
      for (int m : new int[] {1, 2, n / 2, n}) {
        if (m < 1 || m > n) continue;
        double[] eq = new double[n];
        for (int i = 0; i < m; i++) eq[n - 1 - i] = 3.0;
        assertClose(m + " equal non-zeros of " + n, Math.sqrt((double) m / n), Sparsity.sparsity(eq), TOL, TOL);
        assertClose("PR of " + m + " equal non-zeros", m, Sparsity.participationRatio(eq), TOL, TOL);
      }
    }
  }

  @Test
  void m5InvariantUnderScalingPermutationAndSign() {
    SplittableRandom rng = new SplittableRandom(5);
    for (double[] x : rows(2, 30)) {
      double s = Sparsity.sparsity(x);
      double[] y = x.clone();
      double c = (rng.nextBoolean() ? -1 : 1) * Math.exp(6 * rng.nextGaussian());
      for (int i = 0; i < y.length; i++) y[i] *= c;
      assertClose("scaled by " + c, s, Sparsity.sparsity(y), TOL, TOL);
      double[] z = x.clone();
      for (int i = z.length - 1; i > 0; i--) {  // Fisher–Yates with random signs
        int j = rng.nextInt(i + 1);
        double t = z[i];
        z[i] = z[j];
        z[j] = t;
      }
      for (int i = 0; i < z.length; i++) if (rng.nextBoolean()) z[i] = -z[i];
      assertClose("permuted, signs flipped", s, Sparsity.sparsity(z), TOL, TOL);
      assertClose("S*_{.5,inf} permuted", Sparsity.sparsity(x, 0.5, INF), Sparsity.sparsity(z, 0.5, INF), TOL, TOL);
      assertClose("H1 permuted", Sparsity.shannonEntropy(x), Sparsity.shannonEntropy(z), TOL, TOL);
    }
  }

  @Test
  void m6CloningKeepsNormalisedMetricsButChangesRawOnes() {
    for (double[] x : rows(3, 30)) {
      double[] xx = new double[2 * x.length];
      System.arraycopy(x, 0, xx, 0, x.length);
      System.arraycopy(x, 0, xx, x.length, x.length);
      assertClose("S* cloned", Sparsity.sparsity(x), Sparsity.sparsity(xx), TOL, TOL);
      for (double[] qp : QP) {
        assertClose("S*_{q,p} cloned", Sparsity.sparsity(x, qp[0], qp[1]), Sparsity.sparsity(xx, qp[0], qp[1]), TOL, TOL);
      }
      for (double p : new double[] {1, 2, 3.5}) {
        // M_1 is unchanged and ‖x‖_p grows by 2^{1/p}
        assertClose("S_{1," + p + "} cloned", Sparsity.sparsityRaw(x, p) * Math.pow(2, -1 / p), Sparsity.sparsityRaw(xx, p), TOL, TOL);
        assertTrue(Sparsity.sparsityRaw(xx, p) < Sparsity.sparsityRaw(x, p), "S_{1,p} must change under cloning");
      }
      assertClose("S_0 = S_{1,inf} cloned", Sparsity.sparsityRaw(x, INF), Sparsity.sparsityRaw(xx, INF), TOL, TOL);
    }
  }

  @Test
  void m7AppendingZeroLowersAndM8AddingAConstantRaises() {
    SplittableRandom rng = new SplittableRandom(7);
    for (double[] x : rows(4, 40)) {
      double s = Sparsity.sparsity(x);
      double[] y = java.util.Arrays.copyOf(x, x.length + 1);
      assertTrue(Sparsity.sparsity(y) < s, "appending 0 must lower S*");
      double[] a = new double[x.length];
      for (int i = 0; i < a.length; i++) a[i] = Math.abs(x[i]);
      boolean constant = true;
      for (double v : a) constant &= v == a[0];
      if (constant) continue;
      double c = 0.01 + rng.nextDouble();
      double[] b = a.clone();
      for (int i = 0; i < b.length; i++) b[i] += c;
      assertTrue(Sparsity.sparsity(b) > Sparsity.sparsity(a), "adding c>0 to a non-constant x>=0 must raise S*");
    }
  }

  @Test
  void m9RobinHoodTransferRaises() {
    SplittableRandom rng = new SplittableRandom(9);
    int checked = 0;
    for (double[] x : rows(5, 60)) {
      double[] a = new double[x.length];
      for (int i = 0; i < a.length; i++) a[i] = Math.abs(x[i]);
      if (a.length < 2) continue;
      int i = rng.nextInt(a.length), j = rng.nextInt(a.length);
      if (a[i] == a[j]) continue;
      if (a[i] < a[j]) { int t = i; i = j; j = t; }
      double alpha = (0.05 + 0.9 * rng.nextDouble()) * (a[i] - a[j]);
      double before = Sparsity.sparsity(a);
      a[i] -= alpha;
      a[j] += alpha;
      assertTrue(Sparsity.sparsity(a) > before, "Robin Hood transfer must raise S*");
      checked++;
    }
    assertTrue(checked > 30, "too few cases ran: " + checked);
  }

  @Test
  void m10GrowingOneEntryTendsToOneHotAndM11NormalisedSparsityFallsWithP() {
    for (double[] x : rows(6, 20)) {
      int n = x.length;
      double[] y = x.clone();
      double prev = Double.POSITIVE_INFINITY;
      for (double big : new double[] {1e2, 1e4, 1e8, 1e16}) {
        y[0] = big;
        double s = Sparsity.sparsity(y);
        assertTrue(s <= prev + TOL, "S* must fall as one entry grows");
        prev = s;
      }
      assertClose("S* with one huge entry, n=" + n, 1 / Math.sqrt(n), prev, 1e-6, 0);
      // M11: S*_{1,p} = M_1/M_p is non-increasing in p (power-mean inequality); the raw S_{1,p} = M_1/‖x‖_p
      // moves the other way, since ‖x‖_p is non-increasing in p
      double last = 1.0, lastRaw = 0.0;
      for (double p : new double[] {1.5, 2, 3, 4, 8, 32, INF}) {
        double v = Sparsity.sparsity(x, 1, p), raw = Sparsity.sparsityRaw(x, p);
        assertTrue(v <= last * (1 + TOL), "S*_{1,p} must not increase in p: p=" + p);
        assertTrue(raw >= lastRaw * (1 - TOL), "S_{1,p} must not decrease in p: p=" + p);
        last = v;
        lastRaw = raw;
      }
    }
  }

  @Test
  void m12ParticipationRatioAndEntropyChain() {
    for (double[] x : rows(7, 40)) {
      int n = x.length;
      double s = Sparsity.sparsity(x), pr = Sparsity.participationRatio(x);
      assertClose("PR = nS*^2", n * s * s, pr, TOL, TOL);
      assertClose("rho = S*^2", s * s, Sparsity.effectiveFraction(x), TOL, TOL);
      double h1 = Sparsity.shannonEntropy(x), h2 = Sparsity.renyiEntropy(x, 2), hInf = Sparsity.renyiEntropy(x, INF);
      assertClose("H2 = log PR", Math.log(pr), h2, TOL, TOL);
      assertClose("H_1 via renyi", h1, Sparsity.renyiEntropy(x, 1), TOL, TOL);
      int support = 0;
      for (double v : x) if (v != 0) support++;
      assertClose("H_0 = log|supp|", Math.log(support), Sparsity.renyiEntropy(x, 0), TOL, TOL);
      assertTrue(hInf <= h2 + TOL && h2 <= h1 + TOL && h1 <= Math.log(support) + TOL,
          "H_inf <= H2 <= H1 <= log|supp| fails: " + hInf + ", " + h2 + ", " + h1 + ", " + Math.log(support));
      double h3 = Sparsity.renyiEntropy(x, 3), hHalf = Sparsity.renyiEntropy(x, 0.5);
      assertTrue(hInf <= h3 + TOL && h3 <= h2 + TOL && h1 <= hHalf + TOL, "Rényi entropy must fall with alpha");
    }
  }

  @Test
  void m13MaskedRowEqualsItsVisiblePartAndScaleExtremesChangeNothing() {
    SplittableRandom rng = new SplittableRandom(13);
    for (double[] x : rows(8, 30)) {
      int n = x.length;
      boolean[] vis = new boolean[n];
      int k = 0;
      for (int i = 0; i < n; i++) if (vis[i] = rng.nextDouble() < 0.6) k++;
      if (k == 0) { vis[0] = true; }
      double[] sub = Sparsity.visibleEntries(x, vis);
      double masked = Sparsity.sparsity(x, vis);
      if (allZero(sub)) assertTrue(Double.isNaN(masked));
      else assertClose("masked S*", Sparsity.sparsity(sub), masked, TOL, TOL);
      // a (1, n) matrix with an explicit mask, and a causal row at query position p
      double[] viaMatrix = Sparsity.perRow(x, 1, n, KeyMask.explicit(vis, 1, n), Sparsity::sparsity);
      assertClose("explicit mask per row", masked, viaMatrix[0], TOL, TOL);
      int p = rng.nextInt(n);
      double[] causal = Sparsity.perRow(x, 1, n, KeyMask.causal(new int[] {p}), Sparsity::sparsity);
      double[] prefix = java.util.Arrays.copyOf(x, p + 1);
      assertClose("causal row at p=" + p, allZero(prefix) ? Double.NaN : Sparsity.sparsity(prefix), causal[0], TOL, TOL);
      // values kept normal: |x| in [0.1, 10]
      double[] y = new double[n];
      for (int i = 0; i < n; i++) y[i] = (rng.nextBoolean() ? 1 : -1) * (0.1 + 9.9 * rng.nextDouble()) * (rng.nextDouble() < 0.2 ? 0 : 1);
      if (allZero(y)) y[0] = 1;
      for (double c : new double[] {1e300, 1e-300}) {
        double[] z = y.clone();
        for (int i = 0; i < n; i++) z[i] *= c;
        assertClose("S* scaled by " + c, Sparsity.sparsity(y), Sparsity.sparsity(z), TOL, TOL);
        assertClose("PR scaled by " + c, Sparsity.participationRatio(y), Sparsity.participationRatio(z), TOL, TOL);
        assertClose("H1 scaled by " + c, Sparsity.shannonEntropy(y), Sparsity.shannonEntropy(z), TOL, TOL);
        assertClose("H2 scaled by " + c, Sparsity.renyiEntropy(y, 2), Sparsity.renyiEntropy(z, 2), TOL, TOL);
        assertClose("S_{1,3} scaled by " + c, Sparsity.sparsityRaw(y, 3), Sparsity.sparsityRaw(z, 3), TOL, TOL);
        assertClose("S*_{.5,3} scaled by " + c, Sparsity.sparsity(y, 0.5, 3), Sparsity.sparsity(z, 0.5, 3), TOL, TOL);
      }
    }
    assertTrue(Double.isNaN(Sparsity.sparsity(new double[5])), "all-zero row gives NaN");
    assertTrue(Double.isNaN(Sparsity.participationRatio(new double[3])));
    assertTrue(Double.isNaN(Sparsity.shannonEntropy(new double[3])));
  }

  @Test
  void zerosInsideTheWindowCountButMaskedEntriesDoNot() {
    double[] x = {4, 0, 0, 9, 9};
    boolean[] vis = {true, true, true, false, false};
    assertClose("window [4,0,0]", 1 / Math.sqrt(3), Sparsity.sparsity(x, vis), TOL, 0);
    double[] a = {1, 0, 0, 0, /**/ 1, 0, 0, 0, /**/ 2, 2, 0, 0};
    double[] s = Sparsity.perRow(a, 3, 4, KeyMask.causal(), Sparsity::sparsity);
    assertClose("causal rows", new double[] {1, Math.sqrt(0.5), Math.sqrt(2.0 / 3)}, s, TOL, 0);
    assertEquals(3, Sparsity.visibleCounts(3, 4, KeyMask.causal())[2]);
  }

  @Test
  void nonFiniteValuesThrowNamingIndexAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> Sparsity.sparsity(new double[] {1, 2, Double.NaN}));
    assertTrue(e.getMessage().contains("x[2]=NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Sparsity.participationRatio(new double[] {Double.NEGATIVE_INFINITY, 1}));
    assertTrue(e.getMessage().contains("x[0]=-Infinity"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Sparsity.sparsity(new double[] {1, 2}, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Sparsity.sparsityRaw(new double[] {1, 2}, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Sparsity.renyiEntropy(new double[] {1, 2}, -1));
  }

  @Test
  void headsAndSummariesFilterShortRows() {
    // two heads, causal 4x4: head 0 uniform, head 1 one-hot on the diagonal
    int rows = 4, cols = 4;
    double[] a = new double[2 * rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c <= r; c++) a[r * cols + c] = 1.0 / (r + 1);
      a[rows * cols + r * cols + r] = 1.0;
    }
    double[] s = Sparsity.perHead(a, 2, rows, cols, KeyMask.causal(), Sparsity::sparsity);
    int[] n = Sparsity.visibleCounts(rows, cols, KeyMask.causal());
    assertClose("per head", new double[] {1, 1, 1, 1, 1, Math.sqrt(0.5), Math.sqrt(1.0 / 3), 0.5}, s, TOL, 0);
    Summary[] heads = Summary.perHead(s, 2, n, 3);
    assertEquals(2, heads[1].count());
    assertEquals(2, heads[1].skipped());
    assertClose("head 1 mean over n>=3", (Math.sqrt(1.0 / 3) + 0.5) / 2, heads[1].mean(), TOL, 0);
    assertClose("head 1 min", 0.5, heads[1].min(), 0, 0);
    Summary layer = Summary.layer(s, 2, n, 2);
    assertEquals(6, layer.count());
    assertClose("layer median of {.5, .577, .707, 1, 1, 1}", (Math.sqrt(0.5) + 1) / 2, layer.median(), TOL, 0);
    assertEquals(0, Summary.of(s, new int[8], 1).count());
  }

  @Test
  void rowStatsAgreesWithTheSingleMetricsOnFloatHeads() {
    SplittableRandom rng = new SplittableRandom(21);
    int heads = 3, rows = 7, cols = 9, offset = 5;
    float[] buf = new float[offset + heads * rows * cols];
    for (int i = offset; i < buf.length; i++) buf[i] = (float) Math.exp(rng.nextGaussian());
    int[] pos = {0, 1, 2, 4, 6, 8, 8};
    KeyMask mask = KeyMask.causal(pos);
    Sparsity.RowStats[] st = Sparsity.rowStats(buf, offset, heads, rows, cols, mask);
    double[] wide = new double[heads * rows * cols];
    for (int i = 0; i < wide.length; i++) wide[i] = buf[offset + i];
    double[] s = Sparsity.perHead(wide, heads, rows, cols, mask, Sparsity::sparsity);
    double[] pr = Sparsity.perHead(wide, heads, rows, cols, mask, Sparsity::participationRatio);
    double[] h1 = Sparsity.perHead(wide, heads, rows, cols, mask, Sparsity::shannonEntropy);
    double[] h2 = Sparsity.perHead(wide, heads, rows, cols, mask, x -> Sparsity.renyiEntropy(x, 2));
    for (int i = 0; i < st.length; i++) {
      assertEquals(pos[i % rows] + 1, st[i].n());
      assertClose("S* " + i, s[i], st[i].sparsity(), 0, TOL);
      assertClose("PR " + i, pr[i], st[i].participationRatio(), 0, TOL);
      assertClose("H1 " + i, h1[i], st[i].shannon(), TOL, TOL);
      assertClose("H2 " + i, h2[i], st[i].renyi2(), TOL, TOL);
      assertClose("rho " + i, s[i] * s[i], st[i].effectiveFraction(), 0, TOL);
    }
    assertTrue(Double.isNaN(Sparsity.rowStats(new double[4]).sparsity()));
  }

  @Test
  void rowStatsOnALargeBufferMatchesThePerHeadPathRowByRow() {
    SplittableRandom rng = new SplittableRandom(22);
    int heads = 4, t = 256;
    float[] buf = new float[heads * t * t];
    for (int i = 0; i < buf.length; i++) buf[i] = (float) Math.exp(2 * rng.nextGaussian());
    Sparsity.RowStats[] st = Sparsity.rowStats(buf, 0, heads, t, t, KeyMask.causal());
    double[] wide = new double[buf.length];
    for (int i = 0; i < wide.length; i++) wide[i] = buf[i];
    double[] s = Sparsity.perHead(wide, heads, t, t, KeyMask.causal(), Sparsity::sparsity);
    double[] got = new double[st.length];
    for (int i = 0; i < st.length; i++) got[i] = st[i].sparsity();
    assertClose("S* of every (head, row)", s, got, 0, TOL);
  }
}
