package dev.focus.cli;

import dev.focus.checkpoint.HfConfig;
import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import dev.focus.checkpoint.Json;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.ModelTrainable;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.io.File;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code focus bench train}: training throughput of the reference configurations, Focus against PyTorch
 * CPU eager running the same model (focus-core/src/test/python/reference_model.py, bench mode) in the
 * same run. A step is forward, backward and an AdamW update on a (B, T) batch of random tokens (on the
 * Focus side, one step of the training loop); the
 * figure is tokens per second at the median step time after warm-up, for each side at its best
 * thread count. Each side also reports tokens per CPU-second of its whole process (median step): on a
 * loaded machine wall-clock figures mean little, while CPU time per step stays roughly comparable.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Training throughput, Focus vs PyTorch.")
public final class BenchTrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--presets", split = ",", defaultValue = "tiny,small", description = "Presets to run (default: ${DEFAULT-VALUE}).")
  List<String> presets;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config change applied to every preset (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--batch", defaultValue = "8", description = "Batch size B (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq", defaultValue = "256", description = "Sequence length T (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts tried on both sides (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--no-torch", description = "Skip the PyTorch side.")
  boolean noTorch;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE}).")
  String python;

  @Option(names = "--system-blas",
      description = "Run PyTorch with the system's libblas.so.3 as configured (default: prefer OpenBLAS when installed, since "
          + "Debian's torch calls whatever libblas.so.3 resolves to and the reference BLAS is ten times slower).")
  boolean systemBlas;

  @Option(names = "--script", description = "Path of reference_model.py (default: found in the Focus checkout).")
  File script;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  private String lastBlas = "?";

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || seq < 2 || steps < 1 || warmup < 0) {
      throw new IllegalArgumentException("--batch >= 1, --seq >= 2, --steps >= 1 and --warmup >= 0 are required");
    }
    for (int t : threads) if (t < 1) throw new IllegalArgumentException("--threads " + t + " must be >= 1");
    PrintWriter out = spec.commandLine().getOut();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Object> rows = new ArrayList<>();
    int savedThreads = Parallel.threads();
    try {
      for (String preset : presets) {
        ModelConfig config = Overrides.apply(ModelConfig.preset(preset), sets);
        if (seq > config.context()) config = Overrides.apply(config, "context=" + seq);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("preset", preset);
        row.put("hidden", (long) config.hidden());
        row.put("intermediate", (long) config.intermediate());
        Map<String, Object> focus = new LinkedHashMap<>(), focusCpu = new LinkedHashMap<>();
        for (int t : threads) {
          Parallel.setThreads(t);
          double[] r = focusTokensPerSecond(config);
          focus.put(Integer.toString(t), r[0]);
          if (!Double.isNaN(r[1])) focusCpu.put(Integer.toString(t), r[1]); // no CPU clock reading: left out
        }
        row.put("focus", focus);
        row.put("focus_per_cpu_s", focusCpu);
        Map<String, Object> torch = new LinkedHashMap<>(), torchCpu = new LinkedHashMap<>();
        String torchNote = null;
        if (!noTorch) {
          File s = script != null ? script : findScript();
          if (s == null) {
            torchNote = "reference_model.py not found; pass --script";
          } else {
            for (int t : threads) {
              try {
                double[] r = torchTokensPerSecond(config, s, t);
                torch.put(Integer.toString(t), r[0]);
                torchCpu.put(Integer.toString(t), r[1]);
              } catch (RuntimeException e) {
                torchNote = e.getMessage();
                break;
              }
            }
          }
        }
        row.put("torch", torch);
        row.put("torch_per_cpu_s", torchCpu);
        if (torchNote != null) row.put("torch_note", torchNote);
        if (!torch.isEmpty()) row.put("torch_blas", lastBlas);
        double bestFocus = best(focus), bestTorch = best(torch);
        row.put("focus_best", bestFocus);
        row.put("torch_best", torch.isEmpty() ? null : bestTorch);
        row.put("ratio", torch.isEmpty() ? null : bestFocus / bestTorch);
        row.put("cpu_ratio_1_thread", focusCpu.containsKey("1") && torchCpu.containsKey("1")
            ? (Double) focusCpu.get("1") / (Double) torchCpu.get("1") : null);
        rows.add(row);
      }
    } finally {
      Parallel.setThreads(savedThreads);
    }
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("batch", (long) batch);
      o.put("seq", (long) seq);
      o.put("steps", (long) steps);
      o.put("warmup", (long) warmup);
      o.put("kernels", Kernels.get().name());
      o.put("processors", (long) Runtime.getRuntime().availableProcessors());
      o.put("load_before", loadBefore);
      o.put("load_after", loadAfter);
      o.put("results", rows);
      out.println(Json.write(o));
    } else {
      out.printf("Training throughput, B=%d T=%d, median of %d steps after %d warm-up (forward+backward+AdamW)%n",
          batch, seq, steps, warmup);
      out.printf("kernels %s, %d processors, load average %.2f before, %.2f after%n",
          Kernels.get().name(), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
      out.printf("%-7s %6s %6s  %-28s %-28s %7s%n", "preset", "C", "I", "Focus tok/s (threads)", "PyTorch tok/s (threads)", "ratio");
      for (Object r : rows) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) m.get("focus");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) m.get("torch");
        out.printf("%-7s %6d %6d  %-28s %-28s %7s%n", m.get("preset"), m.get("hidden"), m.get("intermediate"),
            cell(f), t.isEmpty() ? "-" : cell(t), m.get("ratio") == null ? "-" : String.format("%.2f", (Double) m.get("ratio")));
        @SuppressWarnings("unchecked")
        Map<String, Object> fc = (Map<String, Object>) m.get("focus_per_cpu_s");
        @SuppressWarnings("unchecked")
        Map<String, Object> tc = (Map<String, Object>) m.get("torch_per_cpu_s");
        out.printf("%-7s %6s %6s  %-28s %-28s %7s   (tokens per CPU-second)%n", "", "", "", fc.isEmpty() ? "-" : cell(fc), tc.isEmpty() ? "-" : cell(tc),
            m.get("cpu_ratio_1_thread") == null ? "-" : String.format("%.2f", (Double) m.get("cpu_ratio_1_thread")));
        if (m.containsKey("torch_note")) out.println("  PyTorch: " + m.get("torch_note"));
        if (m.containsKey("torch_blas")) out.println("  PyTorch BLAS: " + m.get("torch_blas"));
      }
    }
    out.flush();
    return 0;
  }

  private static String cell(Map<String, Object> byThreads) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : byThreads.entrySet()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(String.format("%.0f (%s)", (Double) e.getValue(), e.getKey()));
    }
    return sb.toString();
  }

  private static double best(Map<String, Object> byThreads) {
    double b = 0;
    for (Object v : byThreads.values()) b = Math.max(b, (Double) v);
    return b;
  }

  /**
   * Median tokens per second, and tokens per process CPU-second over all timed steps, of full training steps on the current thread
   * count: the training loop's own step ({@link Trainer}) on one fixed batch of random tokens, with the
   * reference's optimizer (AdamW at a constant lr 1e-3, β = (0.9, 0.95), weight decay 0.1) and no
   * clipping; the loop still computes the gradient norm (one pass over the gradients, well under 1%
   * of a step at these sizes).
   */
  double[] focusTokensPerSecond(ModelConfig config) throws java.io.IOException {
    Model model = new Model(config, 0);
    Random rng = new Random(0);
    int n = batch * seq;
    int[] tokens = new int[n], targets = new int[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = rng.nextInt(config.vocab());
      targets[i] = rng.nextInt(config.vocab());
    }
    Batch fixed = new Batch(tokens, targets, batch, seq);
    Dataset data = new Dataset() {
      @Override public String name() { return "random"; }
      @Override public int vocabSize() { return config.vocab(); }
      @Override public Batch batch(Split split, long seed, long step, int batchSize, int seqLen) { return fixed; }
    };
    TrainConfig tc = TrainConfig.defaults(warmup + steps).toBuilder().batchSize(batch).seqLen(seq).lr(1e-3).minLr(1e-3).warmup(0)
        .clipNorm(0).evalEvery(0).checkpointEvery(0).build();
    double[] times = new double[steps], cpus = new double[steps];
    var os = ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.OperatingSystemMXBean sun = os instanceof com.sun.management.OperatingSystemMXBean x ? x : null;
    long[] last = {System.nanoTime(), sun == null ? 0 : sun.getProcessCpuTime()};
    Trainer.of(new ModelTrainable(model), data, tc, null).run(p -> {
      long now = System.nanoTime(), cpu = sun == null ? 0 : sun.getProcessCpuTime();
      int s = (int) p.step() - 1;
      if (s >= warmup) {
        times[s - warmup] = (now - last[0]) / 1e9;
        cpus[s - warmup] = (cpu - last[1]) / 1e9;
      }
      last[0] = now;
      last[1] = cpu;
    });
    Arrays.sort(times);
    // CPU time over all timed steps, not a per-step median: the process CPU clock ticks coarsely, so a
    // short step can read 0 CPU seconds.
    double cpu = 0;
    for (double c : cpus) cpu += c;
    return new double[] {n / times[times.length / 2], cpu > 0 ? (double) n * steps / cpu : Double.NaN};
  }

  /** Runs the reference script's bench mode at {@code threads} threads: its tokens per second and per CPU-second. */
  double[] torchTokensPerSecond(ModelConfig config, File script, int threads) throws Exception {
    Path dir = Files.createTempDirectory("focus-bench-train");
    try {
      Path cfg = dir.resolve("config.json");
      Files.writeString(cfg, Json.writePretty(HfConfig.toJson(config)), StandardCharsets.UTF_8);
      List<String> cmd = List.of(python, script.getPath(), "bench", "--config", cfg.toString(), "--batch", Integer.toString(batch),
          "--seq", Integer.toString(seq), "--threads", Integer.toString(threads), "--steps", Integer.toString(steps),
          "--warmup", Integer.toString(warmup));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Path openblas = Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread");
      if (!systemBlas && Files.isRegularFile(openblas.resolve("libblas.so.3"))) {
        String old = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", openblas + (old == null || old.isEmpty() ? "" : ":" + old));
      }
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(1800, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("PyTorch bench timed out");
      }
      if (p.exitValue() != 0) {
        String[] lines = output.strip().split("\n");
        throw new IllegalStateException("PyTorch bench failed: " + lines[lines.length - 1]);
      }
      String[] lines = output.strip().split("\n");
      Map<String, Object> r = Json.parseObject(lines[lines.length - 1]);
      lastBlas = String.valueOf(r.get("blas"));
      return new double[] {((Number) r.get("tokens_per_s")).doubleValue(), ((Number) r.get("tokens_per_cpu_s")).doubleValue()};
    } finally {
      try (var s = Files.list(dir)) {
        for (Path f : s.toList()) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    }
  }

  private static File findScript() {
    String rel = "focus-core/src/test/python/reference_model.py";
    File cwd = new File(rel);
    if (cwd.isFile()) return cwd;
    try {
      File jar = new File(BenchTrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (File d = jar.getParentFile(); d != null; d = d.getParentFile()) {
        File f = new File(d, rel);
        if (f.isFile()) return f;
      }
    } catch (java.net.URISyntaxException | SecurityException e) {
      return null;
    }
    return null;
  }
}
