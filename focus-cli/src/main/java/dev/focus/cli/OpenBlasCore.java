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
import java.util.concurrent.TimeUnit;

/**
 * Which OpenBLAS kernels the benchmarks' reference side runs. OpenBLAS picks its kernels from the CPU
 * model at load time, and a release older than the CPU falls back to a generic core: Debian 12's
 * OpenBLAS 0.3.21 takes a 5th-generation Xeon (family 6, model 207, AVX-512) for a Prescott and runs
 * SSE3 kernels at about 28 GFLOP/s on 1024³ where its AVX-512 kernels reach 110–160. Comparing against
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

  private static Choice cached;

  /**
   * The core type the reference runs with OpenBLAS from {@code libDir}: null unless OpenBLAS falls back
   * to a {@link #GENERIC} core on a CPU with AVX2 or AVX-512.
   */
  static synchronized Choice choose(String python, String libDir) {
    if (cached != null) return cached;
    Map<String, Double> timed = new LinkedHashMap<>();
    String own = probe(python, libDir, null, timed);
    List<String> candidates = candidates(cpuFlags());
    if (own == null || !GENERIC.contains(own) || candidates.isEmpty()) {
      return cached = new Choice(null, own == null ? "OpenBLAS core unknown" : "OpenBLAS core " + own + " (its own choice)");
    }
    String best = null;
    for (String c : candidates) {
      probe(python, libDir, c, timed);
      Double g = timed.get(c);
      if (g != null && (best == null || g > timed.get(best))) best = c;
    }
    Double ownG = timed.get(own);
    if (best == null || ownG != null && timed.get(best) <= ownG) {
      return cached = new Choice(null, "OpenBLAS core " + own + " (its own choice; no other core type was faster: " + figures(timed) + ")");
    }
    return cached = new Choice(best, "OpenBLAS core " + best + " (OPENBLAS_CORETYPE; OpenBLAS picked " + own
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

  /** Puts the chosen core type (if any) into a child's environment; an inherited one is removed first. */
  static void apply(Map<String, String> env, Choice choice) {
    env.remove("OPENBLAS_CORETYPE");
    if (choice != null && choice.coreType() != null) env.put("OPENBLAS_CORETYPE", choice.coreType());
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

  /**
   * Runs numpy on OpenBLAS with {@code coreType} (null: OpenBLAS's own): the core OpenBLAS reports, and
   * its median GFLOP/s over 5 products of 1024³ on one thread into {@code timed} under that core's name.
   */
  private static String probe(String python, String libDir, String coreType, Map<String, Double> timed) {
    String code = String.join("\n",
        "import ctypes, time, numpy as np",
        "core = '?'",
        "for name in ('libopenblas.so.0', 'libblas.so.3'):",
        "    try:",
        "        f = ctypes.CDLL(name).openblas_get_corename; f.restype = ctypes.c_char_p; core = f().decode(); break",
        "    except (OSError, AttributeError):",
        "        pass",
        "a = np.random.default_rng(0).random((1024, 1024), np.float32); a @ a; a @ a",
        "ts = []",
        "for _ in range(5):",
        "    t = time.perf_counter(); a @ a; ts.append(time.perf_counter() - t)",
        "print(core, 2 * 1024 ** 3 / sorted(ts)[2] / 1e9)");
    ProcessBuilder pb = new ProcessBuilder(python, "-c", code).redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    env.remove("OPENBLAS_CORETYPE");
    if (coreType != null) env.put("OPENBLAS_CORETYPE", coreType);
    for (String v : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")) env.put(v, "1");
    if (libDir != null) {
      String old = env.get("LD_LIBRARY_PATH");
      env.put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? libDir : libDir + ":" + old);
    }
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
      String[] f = out.split("\\s+");
      if (f.length != 2) return null;
      timed.put(coreType != null ? coreType : f[0], Double.parseDouble(f[1]));
      return f[0];
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
