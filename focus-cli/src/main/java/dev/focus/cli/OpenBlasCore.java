package dev.focus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which OpenBLAS kernels the benchmarks' reference side runs. OpenBLAS picks its kernels from the CPU
 * model at load time, and a release older than the CPU falls back to a generic core: Debian 12's
 * OpenBLAS 0.3.21 takes a 5th-generation Xeon (family 6, model 207, AVX-512) for a Prescott and runs
 * SSE3 kernels at 22–40 GFLOP/s on a one-thread 1024³ where its AVX-512 kernels reach 145–205. Comparing against
 * that would flatter Focus, so where OpenBLAS names such a core on a CPU with AVX2 or AVX-512, the
 * reference runs the fastest core type the CPU's flags allow ({@code OPENBLAS_CORETYPE}), chosen by
 * timing each on one thread; elsewhere OpenBLAS keeps its own choice. Decided once per process.
 */
final class OpenBlasCore {
  private OpenBlasCore() {}

  /** Cores OpenBLAS falls back to on a CPU it does not know (pre-AVX2 Intel generations). */
  static final Set<String> GENERIC = Set.of("Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
      "Northwood", "Banias");

  /** The decision: the core type to force (null: OpenBLAS's own) and one line saying why. */
  record Choice(String coreType, String why) {}

  /** What one timing said: the core OpenBLAS ran and its one-thread GFLOP/s at 1024³. */
  record Probe(String core, double gflops) {}

  private static Choice cached;

  /**
   * The core type the reference runs with: null unless OpenBLAS, timed by {@code probe} with its own
   * choice (argument null), falls back to a {@link #GENERIC} core on a CPU with AVX2 or AVX-512, and
   * one of the {@link #candidates} is faster. {@code probe} returns null when numpy cannot run.
   */
  static synchronized Choice choose(java.util.function.Function<String, Probe> probe) {
    if (cached != null) return cached;
    return cached = decide(probe, candidates(cpuFlags()));
  }

  /** {@link #choose} without the cache and the CPU's flags: its rule, for tests. */
  static Choice decide(java.util.function.Function<String, Probe> probe, List<String> candidates) {
    Probe own = probe.apply(null);
    if (own == null || !GENERIC.contains(own.core()) || candidates.isEmpty()) {
      return new Choice(null, own == null ? "OpenBLAS core unknown" : "OpenBLAS core " + own.core() + " (its own choice)");
    }
    Map<String, Double> timed = new LinkedHashMap<>();
    timed.put(own.core(), own.gflops());
    String best = null;
    for (String c : candidates) {
      Probe p = probe.apply(c);
      if (p == null) continue;
      timed.put(c, p.gflops());
      if (best == null || p.gflops() > timed.get(best)) best = c;
    }
    if (best == null || timed.get(best) <= own.gflops()) {
      return new Choice(null, "OpenBLAS core " + own.core() + " (its own choice; no other core type was faster: " + figures(timed) + ")");
    }
    return new Choice(best, "OpenBLAS core " + best + " (OPENBLAS_CORETYPE; OpenBLAS picked " + own.core()
        + " on this CPU; 1024³ on 1 thread, GFLOP/s: " + figures(timed) + ")");
  }

  /** The core types worth timing on a CPU with these flags, most capable first. */
  static List<String> candidates(Set<String> flags) {
    List<String> c = new ArrayList<>();
    if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
      if (flags.contains("avx512_bf16")) c.add("Cooperlake");
      c.add("SkylakeX");
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) c.add("Haswell");
    return c;
  }

  /** Puts {@code coreType} (null: none) into a child's environment; an inherited one is removed first. */
  static void apply(Map<String, String> env, String coreType) {
    env.remove("OPENBLAS_CORETYPE");
    if (coreType != null) env.put("OPENBLAS_CORETYPE", coreType);
  }

  private static String figures(Map<String, Double> timed) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : timed.entrySet()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(String.format("%.0f", e.getValue()));
    }
    return sb.toString();
  }

  /** The CPU's flags from /proc/cpuinfo (empty elsewhere). */
  static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("flags")) return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: keep OpenBLAS's own choice
    }
    return Set.of();
  }
}
