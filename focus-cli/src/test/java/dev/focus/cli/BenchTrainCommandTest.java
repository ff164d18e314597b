package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Json;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * focus bench train: the arithmetic it reports (FLOP per token, medians over runs) and its option
 * errors. Speed itself is never asserted: only that a Focus-only run reports what it measured.
 */
class BenchTrainCommandTest {

  static ModelCommandsTest.Run run(String... args) {
    return ModelCommandsTest.run(args);
  }

  @Test
  void flopsPerTokenCountsEveryProductOfAStepByHand() {
    // tiny: C 128, I 384, 4 layers, 4 heads of 32, V 256, SwiGLU, T 256. Per layer the forward multiplies
    // by q, k, v, o (4 · 128·128 weights) and gate, up, down (3 · 128·384); the head by 128·256. Two FLOP
    // per weight and token; attention adds QKᵀ and PV, 2 · 2 · T · 128 per layer; training is 3 × forward.
    double weights = 4 * (4.0 * 128 * 128 + 3.0 * 128 * 384) + 128 * 256;
    double tiny = 3 * (2 * weights + 4 * (4.0 * 256 * 128));
    assertEquals(6_881_280.0, tiny);
    assertEquals(tiny, BenchTrainCommand.flopsPerToken(ModelConfig.tiny(), 256));
    // shorter sequences only shrink the attention term: 3 · 4 · 4 layers · 128 per token of T
    assertEquals(tiny - 3 * 4 * 4 * 128.0 * 192, BenchTrainCommand.flopsPerToken(ModelConfig.tiny(), 64));

    // a GELU MLP has two matrices, not three
    ModelConfig gelu = Overrides.apply(ModelConfig.tiny(), "mlp=gelu");
    assertEquals(tiny - 3 * 2 * 4 * 128.0 * 384, BenchTrainCommand.flopsPerToken(gelu, 256));

    // grouped queries: two key/value heads of 32 make k and v 128×64 instead of 128×128
    ModelConfig gqa = Overrides.apply(ModelConfig.tiny(), "kvHeads=2");
    assertEquals(tiny - 3 * 2 * 4 * 2 * 128.0 * 64, BenchTrainCommand.flopsPerToken(gqa, 256));

    // micro: C 32, I 64, 2 layers, 4 heads of 8, V 256, T 64
    double microWeights = 2 * (4.0 * 32 * 32 + 3.0 * 32 * 64) + 32 * 256;
    assertEquals(3 * (2 * microWeights + 2 * (4.0 * 64 * 32)), BenchTrainCommand.flopsPerToken(ModelConfig.micro(), 64));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, BenchTrainCommand.median(new double[] {3, 1, 2}));
    assertEquals(2.5, BenchTrainCommand.median(new double[] {4, 1, 3, 2}));
    assertEquals(7.0, BenchTrainCommand.median(new double[] {7}));
    assertTrue(Double.isNaN(BenchTrainCommand.median(new double[] {1, Double.NaN, 2})));
  }

  @Test
  void fractionsOfSgemmUseTheBestThreadCountAndOneThreadPerCpuSecond() {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("mflop_per_token", 6.88128);
    row.put("focus_best_threads", 2L);
    row.put("focus_gflops", 20_000 * 6.88128 / 1e3); // 20,000 tokens/s on 2 threads: 137.6 GFLOP/s
    Map<String, Object> perCpu = new java.util.LinkedHashMap<>();
    perCpu.put("1", 11_500.0);
    perCpu.put("2", 9_000.0);
    row.put("focus_per_cpu_s", perCpu);
    BenchTrainCommand.addFraction(row, Map.of("1", 100.0, "2", 172.0), 98.0);
    assertEquals(172.0, row.get("sgemm_gflops"));
    assertEquals(20_000 * 6.88128 / 1e3 / 172.0, (Double) row.get("fraction_of_sgemm"), 1e-12);
    assertEquals(11_500 * 6.88128 / 1e3, (Double) row.get("focus_gflops_per_cpu_s"), 1e-9);
    assertEquals(11_500 * 6.88128 / 1e3 / 98.0, (Double) row.get("fraction_of_sgemm_cpu"), 1e-12);
    // without a measured SGEMM there is no fraction
    BenchTrainCommand.addFraction(row, Map.of(), null);
    assertNull(row.get("fraction_of_sgemm"));
    assertNull(row.get("fraction_of_sgemm_cpu"));
  }

  @Test
  void rowsCopyTheLabsSettings() {
    Map<String, BenchTrainCommand.Row> rows = BenchTrainCommand.rows();
    assertEquals(List.of("micro", "mqar", "grid", "tiny", "small"), List.copyOf(rows.keySet()));
    BenchTrainCommand.Row mqar = rows.get("mqar");
    assertEquals(List.of(32, 32, 64, 2, 4, 32, 32), List.of(mqar.config().vocab(), mqar.config().hidden(),
        mqar.config().intermediate(), mqar.config().layers(), mqar.config().heads(), mqar.batch(), mqar.seq()));
    BenchTrainCommand.Row grid = rows.get("grid");
    assertEquals(List.of(64, 128, 2, 4, 32, 96), List.of(grid.config().hidden(), grid.config().intermediate(),
        grid.config().layers(), grid.config().heads(), grid.batch(), grid.seq()));
  }

  @Test
  void badOptionsAreOneLineErrors() {
    String[][] cases = {
        {"--presets", "huge", "unknown row 'huge'; valid rows: micro, mqar, grid, tiny, small"},
        {"--runs", "0", "--runs 0 must be in 1..100"},
        {"--batch", "0", "--batch 0 must be at least 1"},
        {"--seq", "1", "--seq 1 must be at least 2"},
        {"--seq", "64,1", "--seq 1 must be at least 2"},
        {"--attention", "linear", "--attention 'linear' must be softmax or flash"},
        {"--steps", "0", "--steps 0 must be at least 1"},
        {"--warmup-seconds", "-1", "--warmup-seconds -1.0 must be in 0..600"},
        {"--threads", "0", "--threads=0 must be in 1.."},
    };
    for (String[] c : cases) {
      ModelCommandsTest.Run r = run("bench", "train", c[0], c[1], "--no-torch", "--no-sgemm");
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(c[2]), r.err());
    }
    ModelCommandsTest.Run set = run("bench", "train", "--presets", "micro", "--set", "heads=5", "--no-torch", "--no-sgemm");
    assertEquals(2, set.code());
    assertTrue(set.err().contains("heads=5 must divide hidden=32"), set.err());
  }

  /**
   * --seq and --attention multiply the rows, and the memory columns see what exact softmax keeps: its
   * probabilities, B·H·T² floats a layer saved for backward, which flash softmax recomputes instead.
   */
  @Test
  void lengthsAndAttentionFormsAreRowsWithTheirMemory() {
    ModelCommandsTest.Run r = run("bench", "train", "--presets", "micro", "--batch", "1", "--seq", "128,512", "--attention",
        "softmax,flash", "--steps", "2", "--warmup", "2", "--warmup-seconds", "0", "--runs", "1", "--threads", "1", "--no-torch",
        "--no-sgemm", "--json");
    assertEquals(0, r.code(), r.err());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.parseObject(r.out()).get("results");
    assertEquals(List.of("micro/softmax", "micro/flash", "micro/softmax", "micro/flash"), rows.stream().map(m -> m.get("preset")).toList());
    assertEquals(List.of(128L, 128L, 512L, 512L), rows.stream().map(m -> ((Number) m.get("seq")).longValue()).toList());
    for (Map<String, Object> row : rows) {
      assertTrue(((Number) row.get("focus_live_mib")).doubleValue() > 0, row.toString());
      assertTrue(((Number) row.get("focus_step_alloc_mib")).doubleValue() >= 0, row.toString());
    }
    ModelConfig micro = ModelConfig.micro();
    double probabilities = micro.layers() * micro.heads() * 512.0 * 512 * 4 / (1 << 20); // 8 MiB at T = 512
    double exact = ((Number) rows.get(2).get("focus_live_mib")).doubleValue(), flash = ((Number) rows.get(3).get("focus_live_mib")).doubleValue();
    assertTrue(exact - flash > probabilities / 2, "exact " + exact + " MiB, flash " + flash + " MiB");
  }

  @Test
  void focusOnlyRunsReportEveryRunAndTheirMedian() {
    ModelCommandsTest.Run r = run("bench", "train", "--presets", "micro,mqar", "--batch", "2", "--seq", "16", "--steps", "2",
        "--warmup", "1", "--warmup-seconds", "0", "--runs", "3", "--threads", "1", "--no-torch", "--no-sgemm", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out());
    assertEquals(3L, ((Number) o.get("runs")).longValue());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) o.get("results");
    assertEquals(List.of("micro", "mqar"), results.stream().map(m -> m.get("preset")).toList());
    for (Map<String, Object> row : results) {
      assertEquals(2L, ((Number) row.get("batch")).longValue());
      assertEquals(16L, ((Number) row.get("seq")).longValue());
      @SuppressWarnings("unchecked")
      List<Number> perRun = (List<Number>) ((Map<String, Object>) row.get("focus_runs")).get("1");
      assertEquals(3, perRun.size());
      double[] xs = perRun.stream().mapToDouble(Number::doubleValue).toArray();
      for (double x : xs) assertTrue(x > 0, row.toString());
      double median = ((Number) ((Map<?, ?>) row.get("focus")).get("1")).doubleValue();
      assertEquals(BenchTrainCommand.median(xs), median);
      assertEquals(median, ((Number) row.get("focus_best")).doubleValue());
      assertEquals(median * ((Number) row.get("mflop_per_token")).doubleValue() / 1e3, ((Number) row.get("focus_gflops")).doubleValue(),
          1e-9 * median);
      assertNull(row.get("ratio"));
      assertNull(row.get("fraction_of_sgemm"));
    }
  }
}
