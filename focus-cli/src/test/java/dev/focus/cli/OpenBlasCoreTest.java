package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which OpenBLAS core types the reference may run, from the CPU's flags, and how a choice reaches a child. */
class OpenBlasCoreTest {
  @Test
  void candidatesFollowTheFlags() {
    Set<String> avx512 = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl");
    assertEquals(List.of("SkylakeX", "Haswell"), OpenBlasCore.candidates(avx512));
    Set<String> bf16 = new java.util.HashSet<>(avx512);
    bf16.add("avx512_bf16");
    assertEquals(List.of("Cooperlake", "SkylakeX", "Haswell"), OpenBlasCore.candidates(bf16));
    assertEquals(List.of("Haswell"), OpenBlasCore.candidates(Set.of("avx2", "fma", "sse3")));
    // AVX-512 without BW/DQ/VL (Knights Landing) is not SkylakeX
    assertEquals(List.of("Haswell"), OpenBlasCore.candidates(Set.of("avx2", "fma", "avx512f")));
    assertEquals(List.of(), OpenBlasCore.candidates(Set.of("sse3", "ssse3")));
    assertFalse(OpenBlasCore.GENERIC.contains("Zen"));
  }

  @Test
  void applyReplacesAnInheritedCoreType() {
    Map<String, String> env = new HashMap<>(Map.of("OPENBLAS_CORETYPE", "Prescott", "PATH", "/bin"));
    OpenBlasCore.apply(env, null);
    assertEquals(Map.of("PATH", "/bin"), env);
    OpenBlasCore.apply(env, "SkylakeX");
    assertEquals("SkylakeX", env.get("OPENBLAS_CORETYPE"));
  }

  /** A fake OpenBLAS: its own choice is {@code own}; each forced core type runs at the given speed. */
  private static java.util.function.Function<String, OpenBlasCore.Probe> fake(String own, Map<String, Double> speeds) {
    return c -> c == null ? new OpenBlasCore.Probe(own, speeds.get(own)) : speeds.containsKey(c) ? new OpenBlasCore.Probe(c, speeds.get(c)) : null;
  }

  @Test
  void aGenericCoreIsReplacedByTheFastestCandidateAndAKnownOneIsKept() {
    List<String> avx512 = List.of("Cooperlake", "SkylakeX", "Haswell");
    // OpenBLAS 0.3.21 on a 5th-generation Xeon: Prescott, and SkylakeX fastest (figures of 7 Dec 2026)
    OpenBlasCore.Choice c = OpenBlasCore.decide(fake("Prescott", Map.of("Prescott", 39.0, "Cooperlake", 144.0, "SkylakeX", 146.0,
        "Haswell", 97.0)), avx512);
    assertEquals("SkylakeX", c.coreType());
    assertEquals("OpenBLAS core SkylakeX (OPENBLAS_CORETYPE; OpenBLAS picked Prescott on this CPU; 1024³ on 1 thread, GFLOP/s: "
        + "Prescott 39, Cooperlake 144, SkylakeX 146, Haswell 97)", c.why());
    // a core OpenBLAS knows is never timed against others
    int[] calls = {0};
    OpenBlasCore.Choice zen = OpenBlasCore.decide(t -> {
      calls[0]++;
      return new OpenBlasCore.Probe("Zen", 100.0);
    }, avx512);
    assertNull(zen.coreType());
    assertEquals(1, calls[0]);
    // a generic core that no candidate beats stays; so does everything when numpy cannot run
    assertNull(OpenBlasCore.decide(fake("Prescott", Map.of("Prescott", 50.0, "Haswell", 40.0)), avx512).coreType());
    assertNull(OpenBlasCore.decide(t -> null, avx512).coreType());
    // no AVX2: nothing to try
    assertNull(OpenBlasCore.decide(fake("Prescott", Map.of("Prescott", 20.0, "Haswell", 90.0)), List.of()).coreType());
  }
}
