package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
    OpenBlasCore.apply(env, new OpenBlasCore.Choice(null, "own"));
    assertEquals(Map.of("PATH", "/bin"), env);
    OpenBlasCore.apply(env, new OpenBlasCore.Choice("SkylakeX", "forced"));
    assertEquals("SkylakeX", env.get("OPENBLAS_CORETYPE"));
  }
}
