package dev.focus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.io.MemoryBudget;
import dev.focus.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size checks made before allocating: they bound what a pass really allocates, and refuse typos in one line. */
class MemoryEstimateTest {
  private static final MemoryMXBean MEM = ManagementFactory.getMemoryMXBean();

  @Test
  void passEstimateBoundsWhatAPassAllocates() {
    int before = Parallel.threads();
    Parallel.setThreads(1); // every allocation on this thread, where the counter sees it
    try {
      for (ModelConfig c : List.of(ModelConfig.micro(), ModelConfig.micro().withAttention(ModelConfig.AttentionKind.LINEAR),
          Overrides.apply(ModelConfig.micro(), List.of("mlp=gelu", "norm=layernorm", "bias=true")))) {
        for (boolean training : new boolean[] {true, false}) {
          int b = 8, t = 64;
          int[] tokens = new int[b * t], targets = new int[b * t];
          Arrays.fill(targets, 1);
          for (int warm = 0; warm < 2; warm++) pass(new Model(c, 1), tokens, targets, b, t, training); // load and compile first
          Model m = new Model(c, 1);
          long t0 = retained();
          pass(m, tokens, targets, b, t, training);
          long used = retained() - t0;
          assertTrue(m.parameterCount() > 0); // keeps the model, and so its buffers, reachable until here
          long estimate = Model.passBytes(c, b, t, training);
          String what = c.attention() + "/" + c.mlp() + (training ? " training" : " inference") + ": estimate " + estimate + ", allocated " + used;
          assertTrue(estimate >= used, what);
          assertTrue(estimate <= 4 * used, what);
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** Heap in use after a full collection: what a pass keeps (its buffers), not its garbage. */
  private static long retained() {
    for (int i = 0; i < 3; i++) System.gc();
    return MEM.getHeapMemoryUsage().getUsed();
  }

  private static void pass(Model m, int[] tokens, int[] targets, int b, int t, boolean training) {
    if (training) m.forwardBackward(tokens, targets, b, t); else m.logits(tokens, b, t);
  }

  @Test
  void aHugeModelIsRefusedBeforeAllocating() {
    // A tensor beyond one Java array is refused as the configuration is built, before its position tables are sized.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Overrides.apply(ModelConfig.micro(), List.of("hidden=1000000000", "heads=1", "kvHeads=1")));
    assertTrue(e.getMessage().contains("hidden=1000000000") && e.getMessage().contains("one Java array holds"), e.getMessage());
    ModelConfig big = Overrides.apply(ModelConfig.micro(), List.of("hidden=16384", "intermediate=65536", "layers=48"));
    e = assertThrows(IllegalArgumentException.class, () -> new Model(big, 0));
    assertTrue(e.getMessage().contains("this JVM may use"), e.getMessage());
  }

  @Test
  void aHugeBatchIsRefusedBeforeAllocating() {
    Model m = new Model(ModelConfig.micro(), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Model.requirePassMemory(m.config(), 100_000_000, 64, true));
    assertTrue(e.getMessage().startsWith("a pass over batch=100000000 × seqLen=64 tokens"), e.getMessage());
    // 20,000 tokens of exact attention: (H, T, T) weights per layer are gigabytes.
    e = assertThrows(IllegalArgumentException.class, () -> Model.requirePassMemory(m.config(), 1, 20_000, false));
    assertTrue(e.getMessage().contains("seqLen=20000"), e.getMessage());
  }

  @Test
  void theParameterCountIsTheSpecsCountedArithmetically() {
    List<List<String>> variants = List.of(List.of(), List.of("bias=true", "norm=layernorm"), List.of("mlp=gelu", "tieEmbeddings=true"),
        List.of("position=learned", "headScale=true", "kvHeads=1"), List.of("bias=true", "mlp=gelu", "norm=layernorm", "position=learned"));
    for (String preset : ModelConfig.presetNames()) {
      for (List<String> v : variants) {
        ModelConfig c;
        try {
          c = Overrides.apply(ModelConfig.preset(preset), v);
        } catch (IllegalArgumentException notThisPreset) {
          continue; // e.g. kvHeads=1 where the preset's heads rule it out
        }
        long specs = Model.specs(c).stream().mapToLong(Model.Spec::size).sum();
        assertEquals(specs, Model.parameterCount(c), preset + " " + v);
      }
    }
  }

  @Test
  void aDeepModelIsRefusedWithoutListingItsTensors() {
    // A fuzzing finding: layers=78120 built 1.2 million tensor specs (~319 MB) just to count them.
    ModelConfig deep = Overrides.apply(ModelConfig.micro(), List.of("layers=78120", "hidden=4096", "heads=32", "intermediate=16384"));
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long a0 = mx.getCurrentThreadAllocatedBytes();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.requireMemory(deep));
    long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
    assertTrue(e.getMessage().contains("layers=78120") && e.getMessage().contains("this JVM may use"), e.getMessage());
    assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void bytesReadAsPeopleWriteThem() {
    assertEquals("512 B", MemoryBudget.format(512));
    assertEquals("3.2 MB", MemoryBudget.format(3_200_000));
    assertEquals("64 GB", MemoryBudget.format(64_000_000_000L));
    assertEquals(Long.MAX_VALUE, MemoryBudget.times(Long.MAX_VALUE / 2, 3));
    assertEquals(Long.MAX_VALUE, MemoryBudget.plus(Long.MAX_VALUE - 1, 2));
  }
}
