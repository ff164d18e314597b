package dev.focus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticTaskTest {
  private static Batch gen(SyntheticTask t, long step, int B, int T) {
    return new SyntheticDataset(t).batch(Split.TRAIN, 42, step, B, T);
  }

  @Test
  void batchesAreAPureFunctionOfSeedSplitAndStepAndRowsAreIndependentOfBatchSize() {
    SyntheticDataset d = new SyntheticDataset(new SyntheticTask.Mqar(64, 4, 0.01, true));
    Batch a = d.batch(Split.TRAIN, 1, 5, 4, 32), b = d.batch(Split.TRAIN, 1, 5, 4, 32);
    assertArrayEquals(a.tokens(), b.tokens());
    assertArrayEquals(a.targets(), b.targets());
    Batch wide = d.batch(Split.TRAIN, 1, 5, 8, 32);
    assertArrayEquals(a.tokens(), wide.rows(0, 4).tokens(), "row b must not depend on the batch size");
    assertFalse(java.util.Arrays.equals(a.tokens(), d.batch(Split.TRAIN, 1, 6, 4, 32).tokens()), "next step differs");
    assertFalse(java.util.Arrays.equals(a.tokens(), d.batch(Split.VALIDATION, 1, 5, 4, 32).tokens()), "splits differ");
    assertFalse(java.util.Arrays.equals(a.tokens(), d.batch(Split.TRAIN, 2, 5, 4, 32).tokens()), "seeds differ");
  }

  @Test
  void mqarFollowsZoologyLayout() {
    int V = 128, kv = 8, T = 64;
    SyntheticTask.Mqar t = new SyntheticTask.Mqar(V, kv, 0.01, true);
    Batch b = gen(t, 0, 50, T);
    for (int r = 0; r < 50; r++) {
      int o = r * T;
      Set<Integer> keys = new HashSet<>(), values = new HashSet<>();
      java.util.Map<Integer, Integer> kvMap = new java.util.HashMap<>();
      for (int j = 0; j < kv; j++) {
        int k = b.tokens()[o + 2 * j], v = b.tokens()[o + 2 * j + 1];
        assertTrue(k >= 1 && k < V / 2, "key " + k + " in [1, V/2)");
        assertTrue(v >= V / 2 && v < V, "value " + v + " in [V/2, V)");
        keys.add(k);
        values.add(v);
        kvMap.put(k, v);
        assertEquals(Batch.IGNORE, b.targets()[o + 2 * j]);
        assertEquals(Batch.IGNORE, b.targets()[o + 2 * j + 1]);
      }
      assertEquals(kv, keys.size(), "keys distinct");
      assertEquals(kv, values.size(), "values distinct");
      int queries = 0;
      for (int p = 2 * kv; p < T; p++) {
        int tg = b.targets()[o + p];
        if (tg == Batch.IGNORE) continue;
        queries++;
        assertEquals(0, (p - 2 * kv) % 2, "queries sit at even offsets of the query region");
        assertEquals(kvMap.get(b.tokens()[o + p]), tg, "the target is the queried key's value");
      }
      assertEquals(kv, queries, "every key is queried once");
    }
  }

  @Test
  void mqarWithoutRandomFillLeavesZeros() {
    Batch b = gen(new SyntheticTask.Mqar(64, 2, 0.01, false), 0, 1, 16);
    int zeros = 0;
    for (int p = 4; p < 16; p++) if (b.tokens()[p] == 0) zeros++;
    assertEquals(12 - 2, zeros);
  }

  @Test
  void mqarGapsFollowThePowerLaw() {
    // kv = 1: one gap per example, P(g) = (g+1)^(a−1) / Σ over g = 0..S−1, S = (T − 2)/2 = 31.
    int T = 64, n = 20000;
    SyntheticTask.Mqar t = new SyntheticTask.Mqar(256, 1, 0.01, true);
    double[] w = t.gapWeights(T);
    double sum = 0;
    for (double x : w) sum += x;
    int[] hist = new int[w.length];
    Batch b = gen(t, 0, n, T);
    for (int r = 0; r < n; r++) {
      for (int p = 2; p < T; p++) if (b.targets()[r * T + p] != Batch.IGNORE) hist[(p - 2) / 2]++;
    }
    for (int g : new int[] {0, 1, 5, 30}) {
      double p = w[g] / sum, sd = Math.sqrt(p * (1 - p) / n);
      assertEquals(p, hist[g] / (double) n, 4 * sd, "P(gap=" + g + ")");
    }
    assertTrue(hist[0] > 5 * hist[30], "short gaps dominate at a = 0.01");
    // a = 1 is uniform.
    double[] u = new SyntheticTask.Mqar(256, 1, 1.0, true).gapWeights(T);
    for (double x : u) assertEquals(1.0, x, 0);
  }

  @Test
  void copyAndReverseTargetOnlyTheOutput() {
    int S = 10, T = 24;
    for (boolean rev : new boolean[] {false, true}) {
      SyntheticTask t = rev ? new SyntheticTask.Reverse(S, 1, 8) : new SyntheticTask.Copy(S, 1, 8);
      Batch b = gen(t, 3, 20, T);
      for (int r = 0; r < 20; r++) {
        int o = r * T;
        assertEquals(S + 3, b.tokens()[o], "BOS");
        int n = 0;
        while (b.tokens()[o + 1 + n] != S) n++;
        assertTrue(n >= 1 && n <= 8);
        for (int i = 0; i < n; i++) {
          int expect = b.tokens()[o + 1 + (rev ? n - 1 - i : i)];
          assertEquals(expect, b.tokens()[o + 2 + n + i]);
          assertEquals(expect, b.targets()[o + 1 + n + i], "target before output token " + i);
        }
        assertEquals(S + 1, b.tokens()[o + 2 + 2 * n], "EOS");
        assertEquals(S + 1, b.targets()[o + 1 + 2 * n], "last output token predicts EOS");
        int counted = 0;
        for (int p = 0; p < T; p++) if (b.targets()[o + p] != Batch.IGNORE) counted++;
        assertEquals(n + 1, counted, "loss on the output only");
        for (int p = 3 + 2 * n; p < T; p++) assertEquals(S + 2, b.tokens()[o + p], "PAD");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new SyntheticTask.Copy(S, 1, 8).checkSeqLen(18));
  }

  @Test
  void additionIsCorrectAndSpaceSeparated() {
    SyntheticTask.Addition t = new SyntheticTask.Addition(1, 4);
    int T = t.maxTokens();
    Batch b = gen(t, 0, 100, T);
    String sym = "0123456789+= ";
    for (int r = 0; r < 100; r++) {
      int o = r * T;
      assertEquals(SyntheticTask.Addition.BOS, b.tokens()[o]);
      StringBuilder s = new StringBuilder();
      int p = o + 1;
      while (b.tokens()[p] != SyntheticTask.Addition.EOS) s.append(sym.charAt(b.tokens()[p++]));
      String text = s.toString();
      for (int i = 1; i < text.length(); i += 2) assertEquals(' ', text.charAt(i), "spaces between symbols: " + text);
      String[] parts = text.replace(" ", "").split("[+=]");
      assertEquals(Long.parseLong(parts[0]) + Long.parseLong(parts[1]), Long.parseLong(parts[2]), text);
      int eq = o + 1 + text.indexOf('=');
      for (int q = o; q < o + T; q++) {
        boolean out = q >= eq && q < p;
        assertEquals(out ? b.tokens()[q + 1] : Batch.IGNORE, b.targets()[q], "target at " + (q - o) + " of " + text);
      }
    }
  }

  @Test
  void needleQueryAsksForThePairsValue() {
    SyntheticTask.Needle t = new SyntheticTask.Needle(20, 8, 8);
    int T = 40;
    Batch b = gen(t, 0, 200, T);
    double minDepth = 1, maxDepth = 0;
    for (int r = 0; r < 200; r++) {
      int o = r * T, k = b.tokens()[o + T - 1];
      assertEquals(t.bos(), b.tokens()[o]);
      assertEquals(t.query(), b.tokens()[o + T - 2]);
      assertTrue(k >= 20 && k < 28);
      double d = t.depth(b.tokens(), o, T);
      int p = 1 + (int) Math.round(d * (T - 5));
      assertEquals(k, b.tokens()[o + p]);
      assertEquals(b.tokens()[o + p + 1], b.targets()[o + T - 1], "target = the needle's value");
      for (int q = 0; q < T - 1; q++) assertEquals(Batch.IGNORE, b.targets()[o + q]);
      minDepth = Math.min(minDepth, d);
      maxDepth = Math.max(maxDepth, d);
    }
    assertTrue(minDepth < 0.1 && maxDepth > 0.9, "depths cover [0, 1]: " + minDepth + ".." + maxDepth);
  }

  @Test
  void kBackAndModTenTargets() {
    Batch b = gen(new SyntheticTask.KBack(16, 3, true), 0, 2, 20);
    assertEquals(16, b.tokens()[0]);
    for (int j = 0; j < 19; j++) {
      assertEquals(j >= 3 ? b.tokens()[1 + j - 3] : Batch.IGNORE, b.targets()[1 + j]);
    }
    Batch m = gen(new SyntheticTask.ModTen(16, false), 0, 1, 25);
    for (int j = 0; j < 25; j++) assertEquals(j % 10, m.targets()[j]);
    Batch mb = gen(new SyntheticTask.ModTen(16, true), 0, 1, 25);
    assertEquals(Batch.IGNORE, mb.targets()[0]);
    assertEquals(16, mb.tokens()[0]);
    for (int j = 0; j < 24; j++) assertEquals(j % 10, mb.targets()[1 + j]);
  }

  @Test
  void parseReadsOptionsAndRejectsUnknownOnes() {
    assertEquals(new SyntheticTask.Mqar(512, 16, 0.01, true), SyntheticTask.parse("mqar:vocab=512,kv=16"));
    assertEquals(new SyntheticTask.KBack(16, 3, true), SyntheticTask.parse("kback:bos=true"));
    var e = assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("mqar:kvs=3"));
    assertTrue(e.getMessage().contains("kvs") && e.getMessage().contains("valid: vocab, kv"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("nope"));
    assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("copy:max=x"));
    assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("mqar:vocab=8,kv=4"));
  }

  @Test
  void sampleDistinctDrawsWithoutReplacement() {
    int[] x = SyntheticTask.sampleDistinct(new SplittableRandom(1), 5, 15, 10);
    assertEquals(10, new HashSet<>(java.util.Arrays.stream(x).boxed().toList()).size());
    for (int v : x) assertTrue(v >= 5 && v < 15);
    assertFalse(java.util.Arrays.equals(new int[] {5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, x), "shuffled, not the identity");
  }
}
