package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SGEMM blocking: derived from cache sizes (two real machines as inputs), overridden by
 * {@code focus.sgemm.*} with one-line errors, read from a sysfs-shaped directory, and its promise
 * that only kc moves the numbers.
 */
class SgemmBlockingTest {
  static final int AVX512 = 16, AVX2 = 8;
  static final long K = 1024, M = 1024 * 1024;

  /** 2 vCPUs of an AMD EPYC (Zen 4): private 32 KiB L1d and 1 MiB L2, 32 MiB L3 listed as shared by both. */
  static final CpuCaches ZEN4 = new CpuCaches("AMD EPYC", 32 * K, 1, M, 1, 32 * M, 2);
  /** 2 vCPUs of an Intel Xeon (Ice Lake) that are hyper-threads of one core: they share its 48 KiB L1d and 1.25 MiB L2. */
  static final CpuCaches ICE_LAKE_SMT = new CpuCaches("Intel Xeon", 48 * K, 2, 1280 * K, 2, 54 * M, 2);
  /** The same Ice Lake core when each vCPU has a core of its own. */
  static final CpuCaches ICE_LAKE = new CpuCaches("Intel Xeon", 48 * K, 1, 1280 * K, 1, 54 * M, 2);
  /** Two vCPUs of a 5th-generation Xeon (family 6 model 207), as /sys reported them. */
  static final CpuCaches XEON_5TH = new CpuCaches("Intel Xeon", 48 * K, 1, 2 * M, 1, 260 * M, 2);

  /** Bytes of the A block and of the B micro-panel: what has to fit one thread's L2. */
  static long l2Bytes(SgemmBlocking b, int lanes) {
    return 4L * b.mc() * b.kp() + 4L * b.kp() * SgemmBlocking.nr(lanes);
  }

  @Test
  void aZen4CoreKeepsKc256AndPacksFourChainsDeep() {
    SgemmBlocking b = SgemmBlocking.derive(ZEN4, AVX512);
    // kc 256 is the depth the checked-in training tables were written with on this CPU.
    assertEquals(256, b.kc());   // 32 KiB / (4 B · 32 columns)
    assertEquals(1024, b.kp());  // 1 MiB / 8 / (4 B · 32)
    assertEquals(128, b.mc());   // 1 MiB / 2 / (4 B · 1024) = 128, a multiple of 8 (MR on 16-float vectors)
    assertEquals(2048, b.nc());  // 32 MiB / 4 / (4 B · 1024)
    assertEquals(SgemmBlocking.SMALL, b.small());
  }

  @Test
  void hyperThreadsOfAnIceLakeCoreGetSmallerBlocksThanAZen4Core() {
    SgemmBlocking ice = SgemmBlocking.derive(ICE_LAKE_SMT, AVX512), zen = SgemmBlocking.derive(ZEN4, AVX512);
    assertEquals(192, ice.kc());  // 24 KiB per thread / (4 B · 32)
    assertEquals(576, ice.kp());  // 640 KiB / 8 / 128 B = 640, down to a multiple of 192
    assertEquals(136, ice.mc());  // 640 KiB / 2 / (4 B · 576) = 142.2, down to a multiple of 8
    assertEquals(4096, ice.nc()); // 54 MiB / 4 / (4 B · 576) = 6144, at most 4096
    assertTrue(ice.kc() < zen.kc() && ice.kp() < zen.kp(), ice.summary() + " vs " + zen.summary());
    assertTrue(l2Bytes(ice, AVX512) < l2Bytes(zen, AVX512), ice.summary() + " vs " + zen.summary());
    assertTrue(l2Bytes(ice, AVX512) <= ICE_LAKE_SMT.l2PerThread() * 5 / 8);
  }

  @Test
  void aWholeIntelCoreKeepsTheMicroPanelInL1() {
    SgemmBlocking b = SgemmBlocking.derive(ICE_LAKE, AVX512);
    assertEquals(256, b.kc());   // 48 KiB would hold chains of 384: capped
    assertEquals(256, b.kp());   // the 32 KiB micro-panel takes <= 3/4 of 48 KiB: kp = kc
    assertEquals(160, b.mc());   // 1.25 MiB / 8 / (4 B · 256) = 160
    assertEquals(4096, b.nc());  // 13.5 MiB / (4 B · 256) = 13824, at most 4096
    assertTrue(b.reason().get(2).startsWith("kp 256 = kc: the 256×32 micro-panel of B (32 KiB) takes at most three quarters"),
        b.reason().toString());
    SgemmBlocking xeon = SgemmBlocking.derive(XEON_5TH, AVX512);
    assertEquals(List.of(256, 256, 256, 4096), List.of(xeon.kc(), xeon.kp(), xeon.mc(), xeon.nc()));
    assertEquals("mc 256: a 256×256 block of A (256 KiB) fits an eighth of the L2", xeon.reason().get(3));
  }

  @Test
  void narrowerVectorsKeepTheirNarrowerMicroPanelInL1() {
    SgemmBlocking b = SgemmBlocking.derive(ZEN4, AVX2);
    assertEquals(256, b.kc());
    assertEquals(256, b.kp());   // 256 × 16 floats = 16 KiB, at most 3/4 of 32 KiB
    assertEquals(126, b.mc());   // 1 MiB / 8 / (4 B · 256) = 128, down to a multiple of 6 (MR on 8-float vectors)
    assertEquals(4096, b.nc());  // 8 MiB / (4 B · 256) = 8192, at most 4096
    assertEquals(0, b.nc() % SgemmBlocking.nr(AVX2));
  }

  @Test
  void smallCachesClampToTheMinimumsAndNoL3UsesTheL2() {
    CpuCaches tiny = new CpuCaches("tiny", 8 * K, 1, 128 * K, 1, 0, 1);
    SgemmBlocking b = SgemmBlocking.derive(tiny, AVX512);
    assertEquals(128, b.kc());  // never below 128: products of depth <= 128 sum alike on every CPU
    assertEquals(128, b.kp());  // 16 KiB / 128 B = 128
    assertEquals(128, b.mc());  // 64 KiB / (4 B · 128) = 128
    assertEquals(256, b.nc());  // 64 KiB / 512 B = 128 columns, raised to 8·NR = 256
    assertTrue(b.reason().get(1).endsWith("at least 128"), b.reason().toString());
    assertTrue(b.reason().get(4).contains("no L3"), b.reason().toString());
  }

  @Test
  void reasonNamesTheCachesAndEveryChoice() {
    List<String> why = SgemmBlocking.derive(ICE_LAKE_SMT, AVX512).reason();
    assertEquals("caches of Intel Xeon: L1d 48 KiB (shared by 2), L2 1.25 MiB (shared by 2), L3 54 MiB (shared by 2)",
        why.get(0));
    assertEquals("kc 192: a 192×32 micro-panel of B (24 KiB) fits one thread's L1d (24 KiB)", why.get(1));
    assertEquals("kp 576: a 576×32 micro-panel of B (72 KiB) fits an eighth of one thread's L2 (640 KiB)", why.get(2));
    assertEquals("mc 136: a 136×576 block of A (306 KiB) fits half of one thread's L2", why.get(3));
    assertTrue(why.get(4).startsWith("nc 4096: ") && why.get(4).endsWith("at most 4096"), why.get(4));
  }

  @Test
  void overridesReplaceTheDerivedValuesAndSaySo() {
    SgemmBlocking base = SgemmBlocking.derive(ZEN4, AVX512);
    assertSame(base, base.withOverrides(SgemmBlocking.props(Map.of()), AVX512));
    SgemmBlocking b = base.withOverrides(SgemmBlocking.props(Map.of("focus.sgemm.kc", "192", "focus.sgemm.kp", "384",
        "focus.sgemm.mc", " 240 ", "focus.sgemm.nc", "4096", "focus.sgemm.small", "0")), AVX512);
    assertEquals(List.of(192, 384, 240, 4096), List.of(b.kc(), b.kp(), b.mc(), b.nc()));
    assertEquals(0, b.small());
    assertEquals("overridden by -Dfocus.sgemm.kc=192 -Dfocus.sgemm.kp=384 -Dfocus.sgemm.mc=240 -Dfocus.sgemm.nc=4096 "
        + "-Dfocus.sgemm.small=0", b.reason().get(b.reason().size() - 1));
    assertEquals(b.reason().get(0) + "; " + b.reason().get(b.reason().size() - 1), b.source());
  }

  @Test
  void aKcOverrideAloneRoundsKpToAMultipleOfIt() {
    SgemmBlocking b = SgemmBlocking.derive(ZEN4, AVX512).withOverrides(SgemmBlocking.props(Map.of("focus.sgemm.kc", "192")), AVX512);
    assertEquals(192, b.kc());
    assertEquals(960, b.kp());
    assertTrue(b.source().endsWith("-Dfocus.sgemm.kc=192 (kp 960: a multiple of kc)"), b.source());
  }

  @Test
  void aBadOverrideIsOneLineNamingPropertyValueAndRule() {
    SgemmBlocking base = SgemmBlocking.derive(ZEN4, AVX512);
    assertEquals("-Dfocus.sgemm.kc=big is not an integer (give 16..4096)", badOverride(base, Map.of("focus.sgemm.kc", "big")));
    assertEquals("-Dfocus.sgemm.kc=8 must be in 16..4096", badOverride(base, Map.of("focus.sgemm.kc", "8")));
    assertEquals("-Dfocus.sgemm.kp=1000 must be a multiple of 256 (kc)", badOverride(base, Map.of("focus.sgemm.kp", "1000")));
    assertEquals("-Dfocus.sgemm.kp=128 must be in 256..65536", badOverride(base, Map.of("focus.sgemm.kp", "128")));
    assertEquals("-Dfocus.sgemm.kp=450 must be a multiple of 100 (kc)",
        badOverride(base, Map.of("focus.sgemm.kc", "100", "focus.sgemm.kp", "450")));
    assertEquals("-Dfocus.sgemm.mc=100 must be a multiple of 8 (MR, the rows of the register tile)",
        badOverride(base, Map.of("focus.sgemm.mc", "100")));
    assertEquals("-Dfocus.sgemm.nc=1000 must be a multiple of 32 (NR, two 512-bit vectors)",
        badOverride(base, Map.of("focus.sgemm.nc", "1000")));
    assertEquals("-Dfocus.sgemm.small=-1 must be in 0..1099511627776", badOverride(base, Map.of("focus.sgemm.small", "-1")));
    assertEquals("-Dfocus.sgemm.kc=1\\u000a2 is not an integer (give 16..4096)", badOverride(base, Map.of("focus.sgemm.kc", "1\n2")));
  }

  private static String badOverride(SgemmBlocking base, Map<String, String> props) {
    String msg = assertThrows(IllegalArgumentException.class,
        () -> base.withOverrides(SgemmBlocking.props(props), AVX512)).getMessage();
    assertFalse(msg.contains("\n"), msg);
    return msg;
  }

  @Test
  void unknownCachesFallBackToTheBlockingOfAZen4Core() {
    SgemmBlocking b = SgemmBlocking.forMachine(Optional.empty(), AVX512, SgemmBlocking.props(Map.of()));
    SgemmBlocking zen = SgemmBlocking.derive(ZEN4, AVX512);
    assertEquals(zen.summary(), b.summary());
    assertTrue(b.source().startsWith("caches not reported by the system: assuming L1d 32 KiB"), b.source());
  }

  @Test
  void readsTheSysfsLayout(@TempDir Path dir) throws IOException {
    index(dir, 0, "1", "Data", "32K", "0");
    index(dir, 1, "1", "Instruction", "32K", "0");
    index(dir, 2, "2", "Unified", "1024K", "0");
    index(dir, 3, "3", "Unified", "32768K", "0-1");
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t: avx512f\n");
    assertEquals(Optional.of(ZEN4), CpuCaches.read(dir, cpuinfo));
    // an L1d and L2 shared by hyper-threads
    index(dir, 0, "1", "Data", "48K", "0,8");
    index(dir, 2, "2", "Unified", "1280K", "0,8");
    CpuCaches c = CpuCaches.read(dir, cpuinfo).orElseThrow();
    assertEquals(24 * K, c.l1dPerThread());
    assertEquals(640 * K, c.l2PerThread());
  }

  @Test
  void missingOrUnreadableCachesAreEmpty(@TempDir Path dir) throws IOException {
    assertEquals(Optional.empty(), CpuCaches.read(dir.resolve("absent"), dir.resolve("cpuinfo")));
    index(dir, 0, "1", "Data", "lots", "0");
    assertEquals(Optional.empty(), CpuCaches.read(dir, dir.resolve("cpuinfo")));
  }

  @Test
  void parsesSizesAndCpuLists() {
    assertEquals(32 * K, CpuCaches.parseSize("32K"));
    assertEquals(32 * M, CpuCaches.parseSize("32M"));
    assertEquals(512, CpuCaches.parseSize("512"));
    assertEquals(1, CpuCaches.countCpus("0"));
    assertEquals(2, CpuCaches.countCpus("0-1"));
    assertEquals(8, CpuCaches.countCpus("0-3,8-11"));
    assertThrows(NumberFormatException.class, () -> CpuCaches.countCpus("3-1"));
  }

  private static void index(Path dir, int i, String level, String type, String size, String shared) throws IOException {
    Path d = Files.createDirectories(dir.resolve("index" + i));
    Files.writeString(d.resolve("level"), level + "\n");
    Files.writeString(d.resolve("type"), type + "\n");
    Files.writeString(d.resolve("size"), size + "\n");
    Files.writeString(d.resolve("shared_cpu_list"), shared + "\n");
  }

  // ---------------------------------------------------------------- what the blocking may change

  /** C = op(A)·op(B) through the packed path with blocking {@code b}, on {@code threads} threads. */
  private static float[] product(SgemmBlocking b, boolean transA, boolean transB, int m, int k, int n, int threads) {
    Random rnd = new Random(m * 31L + k * 7L + n);
    float[] a = new float[m * k], bm = new float[k * n], c = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() * 2 - 1;
    for (int i = 0; i < bm.length; i++) bm[i] = rnd.nextFloat() * 2 - 1;
    int before = Parallel.threads();
    try {
      Parallel.setThreads(threads);
      Sgemm.gemm(b, transA, transB, c, 0, a, 0, bm, 0, m, k, n, false);
    } finally {
      Parallel.setThreads(before);
    }
    return c;
  }

  @Test
  void kpMcAndNcReorderTilesButEveryElementSumsTheSameWay() {
    int nr = SgemmBlocking.nr(Sgemm.L);
    SgemmBlocking base = new SgemmBlocking(128, 128, 120, 4096, SgemmBlocking.SMALL, List.of());
    SgemmBlocking deep = new SgemmBlocking(128, 512, 120, 4096, SgemmBlocking.SMALL, List.of());
    SgemmBlocking odd = new SgemmBlocking(128, 384, 18, 3 * nr, SgemmBlocking.SMALL, List.of());
    for (boolean[] t : new boolean[][] {{false, false}, {false, true}, {true, false}}) {
      String what = (t[0] ? "TN" : t[1] ? "NT" : "NN") + " ";
      // depth 1000: chains of 128 end inside packed blocks of 384 and 512, and a ragged last one
      float[] want = product(base, t[0], t[1], 131, 1000, 4 * nr + 5, 1);
      assertArrayEquals(want, product(deep, t[0], t[1], 131, 1000, 4 * nr + 5, 1), what + "kp 512");
      assertArrayEquals(want, product(odd, t[0], t[1], 131, 1000, 4 * nr + 5, 1), what + "kp 384, mc 18, nc 3·NR");
      assertArrayEquals(want, product(odd, t[0], t[1], 131, 1000, 4 * nr + 5, 2), what + "2 threads");
    }
  }

  @Test
  void aTransposedASumsTheSameWithOneOrSeveralPanelsOfB() {
    // TN packs the A block (ragged: 128 rows = 21 panels of 6 and one of 2) and reuses it for every
    // micro-panel of B; column j of C must not depend on how many other columns share the block.
    int nr = SgemmBlocking.nr(Sgemm.L), m = 128, k = 700, n = 3 * nr;
    SgemmBlocking b = new SgemmBlocking(256, 512, 60, 4096, SgemmBlocking.SMALL, List.of());
    Random rnd = new Random(5);
    float[] a = new float[k * m], bm = new float[k * n], wide = new float[m * n], narrow = new float[m * nr];
    for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() * 2 - 1;
    for (int i = 0; i < bm.length; i++) bm[i] = rnd.nextFloat() * 2 - 1;
    float[] firstPanel = new float[k * nr];
    for (int p = 0; p < k; p++) System.arraycopy(bm, p * n, firstPanel, p * nr, nr);
    Sgemm.gemm(b, true, false, wide, 0, a, 0, bm, 0, m, k, n, false);
    Sgemm.gemm(b, true, false, narrow, 0, a, 0, firstPanel, 0, m, k, nr, false);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < nr; j++) assertEquals(narrow[i * nr + j], wide[i * n + j], 0f, "C[" + i + "," + j + "]");
    }
  }

  @Test
  void kcSetsTheSummationOrder() {
    SgemmBlocking deep = new SgemmBlocking(256, 1024, 120, 4096, SgemmBlocking.SMALL, List.of());
    SgemmBlocking shallow = new SgemmBlocking(192, 960, 120, 4096, SgemmBlocking.SMALL, List.of());
    // depth 192: one block either way, the same bits
    assertArrayEquals(product(deep, false, false, 60, 192, 96, 1), product(shallow, false, false, 60, 192, 96, 1));
    // depth 600: blocks of 256 or of 192 round differently somewhere
    float[] a = product(deep, false, false, 60, 600, 96, 1), b = product(shallow, false, false, 60, 600, 96, 1);
    int differ = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) differ++;
      assertEquals(a[i], b[i], 1e-4f * (1 + Math.abs(a[i])));
    }
    assertTrue(differ > 0, "kc 192 and 256 gave identical bits at depth 600");
  }
}
