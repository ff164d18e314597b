package dev.focus.cli;

import dev.focus.checkpoint.HfConfig;
import dev.focus.checkpoint.Json;
import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import dev.focus.kernel.KernelProperties;
import dev.focus.kernel.KernelTiming.Product;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.multimodal.CaptionVocab;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus bench train}: training throughput of Focus against PyTorch CPU eager running the same
 * model (focus-core/src/test/python/reference_model.py, bench mode) in the same command, on five rows:
 * the micro preset, the shapes the lab trains most (the attention-focus experiment's MQAR, the
 * positions experiment's symbol grids as a text decoder), and the tiny and small presets. A step is
 * forward, backward and an AdamW update on a (B, T) batch of random tokens (on the Focus side, one step
 * of the training loop). A run of a row times Focus at every thread count, then PyTorch at every
 * thread count: each figure is tokens per second at the median step time after warm-up, and the run's
 * ratio compares each side at its best thread count. The row repeats {@code --runs} times and reports
 * per-side medians over the runs and the median of the per-run ratios: on a shared machine single
 * runs swing, ratios of neighbouring runs much less. Each side also reports tokens per CPU-second of
 * its whole process over the timed steps, and the step's memory (Focus: live heap after a step and bytes
 * allocated a step; PyTorch: growth of its peak resident set over the model's construction and steps).
 * {@code --seq} and {@code --attention} multiply the rows: {@code --presets tiny --batch 1 --seq
 * 1024,2048,4096 --attention softmax,flash} trains exact and flash softmax side by side at long lengths.
 *
 * <p>Model arithmetic: {@link #flopsPerToken} (three times the forward pass: every weight product,
 * the LM head, and attention's two T-long products at full T, as if nothing were masked), times
 * Focus's median tokens per second, as a fraction of what OpenBLAS reaches on a 1024³ product at the
 * same thread count, timed by numpy (scripts/bench_kernels.py, as {@code focus bench kernels} runs it)
 * at the end of the same command.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Training throughput, Focus vs PyTorch.")
public final class BenchTrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * One bench row: a model and the batch shape it trains on; {@code variant} is the attention form
   * {@code --attention} set (null: the preset's own), so rows of one preset and shape that differ only
   * in it share one PyTorch measurement per run (the reference computes flash as exact softmax).
   */
  record Row(String name, ModelConfig config, int batch, int seq, String what, String variant) {
    Row(String name, ModelConfig config, int batch, int seq, String what) {
      this(name, config, batch, seq, what, null);
    }

    /** The row's label: the preset, and the attention form when --attention chose it. */
    String label() {
      return variant == null ? name : name + "/" + variant;
    }
  }

  /**
   * The rows, by name. mqar and grid copy the lab's settings: MQAR trains width 32, SwiGLU 64, two
   * layers, four heads, batch 32 at T = 4·kv = 32 over 32 symbols; the symbol grids train width 64,
   * SwiGLU 128, two layers, four heads, batch 32 in a context of 96 over the caption vocabulary
   * (here as text tokens: the patch input is a small share of the grid model's work).
   */
  static Map<String, Row> rows() {
    Map<String, Row> m = new LinkedHashMap<>();
    m.put("micro", new Row("micro", ModelConfig.micro(), 32, 64, "the micro preset"));
    m.put("mqar", new Row("mqar", ModelConfig.llama(32, 32, 64, 2, 4, 32), 32, 32, "the lab's MQAR"));
    m.put("grid", new Row("grid", ModelConfig.llama(CaptionVocab.size(), 64, 128, 2, 4, 96), 32, 96, "the lab's symbol grids"));
    m.put("tiny", new Row("tiny", ModelConfig.tiny(), 8, 256, "the tiny preset"));
    m.put("small", new Row("small", ModelConfig.small(), 8, 256, "the small preset"));
    return m;
  }

  @Option(names = "--presets", split = ",", defaultValue = "micro,mqar,grid,tiny,small",
      description = "Rows to run: micro, mqar, grid, tiny, small (default: ${DEFAULT-VALUE}).")
  List<String> presets;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config change applied to every row (repeatable).") List<String> sets = new ArrayList<>();

  @Option(names = "--batch", description = "Batch size B for every row (default: each row's own: 32 for micro, mqar and grid, 8 for tiny and small).") Integer batch;

  @Option(names = "--seq", split = ",", description = "Sequence lengths T, each run by every row (default: each row's own: 64, 32, 96, 256, 256), "
      + "e.g. --seq 1024,2048,4096.") List<Integer> seq;

  @Option(names = "--attention", split = ",", paramLabel = "FORM",
      description = "Attention forms, each run by every row (softmax, flash; default: the row's own), e.g. --attention softmax,flash "
          + "to compare exact and flash softmax at long --seq; PyTorch's explicit softmax is measured once for both.")
  List<String> attention;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps per run and side (default: ${DEFAULT-VALUE}).") int steps;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps per run and side, at least (default: ${DEFAULT-VALUE}).") int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "3",
      description = "Focus also warms up for at least this many CPU-seconds (of the stepping thread) in a row's first run at each thread count, "
          + "so C2 has compiled the step (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per row, each Focus then PyTorch; figures are medians over the runs (default: ${DEFAULT-VALUE}).") int runs;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts tried on both sides (default: ${DEFAULT-VALUE}).") List<Integer> threads;

  @Mixin Options.Torch reference;

  @Option(names = "--no-sgemm", description = "Skip timing OpenBLAS SGEMM (the reference for the model's GFLOP/s).") boolean noSgemm;


  @Option(names = "--system-blas",
      description = "Run PyTorch with the system's libblas.so.3 as configured (default: prefer OpenBLAS when installed, since "
          + "Debian's torch calls whatever libblas.so.3 resolves to and the reference BLAS is ten times slower).")
  boolean systemBlas;


  @Mixin Options.JsonOutput json;

  private String lastBlas = "?";

  /** The OpenBLAS kernels PyTorch ran with (null: not on the OpenBLAS directory). */
  private OpenBlasCore.Choice blasCore;

  /** PyTorch's figures by preset, shape, thread count and run, shared by rows that differ only in --attention. */
  private final Map<String, double[]> torchByShape = new java.util.HashMap<>();

  /** The chosen rows with --set, --batch and --seq applied; one line naming the bad option otherwise. */
  List<Row> chosenRows() {
    if (batch != null && batch < 1) throw new IllegalArgumentException("--batch " + batch + " must be at least 1");
    List<Integer> lengths = seq == null || seq.isEmpty() ? java.util.Collections.singletonList(null) : seq;
    for (Integer t : lengths) if (t != null && t < 2) throw new IllegalArgumentException("--seq " + t + " must be at least 2");
    List<String> forms = attention == null || attention.isEmpty() ? java.util.Collections.singletonList(null) : attention;
    for (String f : forms) {
      if (f != null && !f.equals("softmax") && !f.equals("flash")) {
        throw new IllegalArgumentException("--attention '" + f + "' must be softmax or flash");
      }
    }
    if (steps < 1) throw new IllegalArgumentException("--steps " + steps + " must be at least 1");
    if (warmup < 0) throw new IllegalArgumentException("--warmup " + warmup + " must be at least 0");
    if (!(warmupSeconds >= 0 && warmupSeconds <= 600)) {
      throw new IllegalArgumentException("--warmup-seconds " + warmupSeconds + " must be in 0..600");
    }
    if (runs < 1 || runs > 100) throw new IllegalArgumentException("--runs " + runs + " must be in 1..100");
    if (threads.isEmpty()) throw new IllegalArgumentException("--threads names no thread count");
    for (int t : threads) KernelProperties.checkThreads(t, "--threads");
    Map<String, Row> all = rows();
    List<Row> chosen = new ArrayList<>();
    for (String p : presets) {
      Row r = all.get(p);
      if (r == null) throw new IllegalArgumentException("--presets: unknown row '" + p + "'; valid rows: " + String.join(", ", all.keySet()));
      for (Integer len : lengths) {
        for (String form : forms) {
          ModelConfig config = Overrides.apply(r.config(), sets);
          if (form != null) config = Overrides.apply(config, "attention=" + form);
          int b = batch != null ? batch : r.batch(), t = len != null ? len : r.seq();
          if (t > config.context()) config = Overrides.apply(config, "context=" + t);
          chosen.add(new Row(r.name(), config, b, t, r.what(), form));
        }
      }
    }
    return chosen;
  }

  @Override
  public Integer call() throws Exception {
    List<Row> chosen = chosenRows();
    PrintWriter out = spec.commandLine().getOut();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Object> results = new ArrayList<>();
    int savedThreads = Parallel.threads();
    try {
      for (Row row : chosen) results.add(runRow(row));
    } finally {
      Parallel.setThreads(savedThreads);
    }
    Map<String, Object> sgemm = noSgemm ? Map.of() : openBlasSgemm();
    Double sgemmCpu = noSgemm || sgemm.isEmpty() ? null : openBlasSgemmCpu();
    for (Object o : results) addFraction(cast(o), sgemm, sgemmCpu);
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (json.on) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("steps", (long) steps);
      o.put("warmup", (long) warmup);
      o.put("runs", (long) runs);
      o.put("kernels", Kernels.get().name());
      o.put("processors", (long) Runtime.getRuntime().availableProcessors());
      o.put("load_before", loadBefore);
      o.put("load_after", loadAfter);
      o.put("sgemm_1024_gflops", sgemm);
      o.put("sgemm_1024_cpu_gflops", sgemmCpu);
      o.put("openblas_core", blasCore == null ? null : blasCore.why());
      o.put("results", results);
      out.println(Json.write(o));
    } else {
      printTable(out, results, sgemm, sgemmCpu, loadBefore, loadAfter);
    }
    out.flush();
    return 0;
  }

  /**
   * {@code --runs} runs of one row, each Focus then PyTorch at every thread count. Per side and thread
   * count the median over runs; the ratio is the median over runs of (Focus at its best thread count) /
   * (PyTorch at its best), each run's pair measured minutes apart at most.
   */
  private Map<String, Object> runRow(Row row) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("preset", row.label());
    r.put("what", row.what());
    r.put("hidden", (long) row.config().hidden());
    r.put("intermediate", (long) row.config().intermediate());
    r.put("layers", (long) row.config().layers());
    r.put("heads", (long) row.config().heads());
    r.put("batch", (long) row.batch());
    r.put("seq", (long) row.seq());
    r.put("mflop_per_token", flopsPerToken(row.config(), row.seq()) / 1e6);
    File s = reference.skip ? null : reference.script("focus-core/src/test/python/reference_model.py");
    String torchNote = reference.skip || s != null ? null : "reference_model.py not found; pass --script";
    Map<String, double[]> focus = new LinkedHashMap<>(), focusCpu = new LinkedHashMap<>(), torch = new LinkedHashMap<>(),
        torchCpu = new LinkedHashMap<>();
    for (int t : threads) {
      focus.put(Integer.toString(t), new double[runs]);
      focusCpu.put(Integer.toString(t), new double[runs]);
      torch.put(Integer.toString(t), new double[runs]);
      torchCpu.put(Integer.toString(t), new double[runs]);
    }
    double[] ratios = new double[runs], focusMib = new double[runs], focusStepMib = new double[runs], torchMib = new double[runs];
    Arrays.fill(torchMib, Double.NaN);
    for (int run = 0; run < runs; run++) {
      double bestFocus = 0, bestTorch = 0;
      for (int t : threads) {
        Parallel.setThreads(t);
        double[] x = focusTokensPerSecond(row, run == 0 ? warmupSeconds : 0);
        focus.get(Integer.toString(t))[run] = x[0];
        focusCpu.get(Integer.toString(t))[run] = x[1];
        bestFocus = Math.max(bestFocus, x[0]);
        focusMib[run] = Math.max(focusMib[run], x[2]);
        focusStepMib[run] = Math.max(focusStepMib[run], x[3]);
      }
      for (int t : threads) {
        if (s == null || torchNote != null) break;
        try {
          String key = row.name() + "|" + row.batch() + "|" + row.seq() + "|" + t + "|" + run;
          double[] x = torchByShape.get(key);
          if (x == null) torchByShape.put(key, x = torchTokensPerSecond(row, s, t));
          torch.get(Integer.toString(t))[run] = x[0];
          torchCpu.get(Integer.toString(t))[run] = x[1];
          bestTorch = Math.max(bestTorch, x[0]);
          torchMib[run] = Double.isNaN(torchMib[run]) ? x[2] : Math.max(torchMib[run], x[2]);
        } catch (RuntimeException e) {
          torchNote = e.getMessage();
        }
      }
      ratios[run] = bestTorch > 0 ? bestFocus / bestTorch : Double.NaN;
    }
    boolean haveTorch = s != null && torchNote == null;
    Map<String, Object> fm = medians(focus), fc = medians(focusCpu);
    r.put("focus", fm);
    r.put("focus_runs", runsOf(focus));
    r.put("focus_per_cpu_s", fc);
    Map<String, Object> tm = haveTorch ? medians(torch) : new LinkedHashMap<>(), tc = haveTorch ? medians(torchCpu) : new LinkedHashMap<>();
    r.put("torch", tm);
    r.put("torch_runs", haveTorch ? runsOf(torch) : new LinkedHashMap<>());
    r.put("torch_per_cpu_s", tc);
    if (torchNote != null) r.put("torch_note", torchNote);
    if (haveTorch) r.put("torch_blas", lastBlas);
    double bestFocus = best(fm);
    r.put("focus_best", bestFocus);
    r.put("focus_best_threads", bestThreads(fm));
    r.put("torch_best", haveTorch ? best(tm) : null);
    r.put("ratio", haveTorch ? median(ratios) : null);
    r.put("ratios", haveTorch ? list(ratios) : List.of());
    Object f1 = fc.get("1"), t1 = tc.get("1");
    r.put("cpu_ratio_1_thread", f1 instanceof Double f && t1 instanceof Double t && t > 0 ? f / t : null);
    r.put("focus_gflops", bestFocus * flopsPerToken(row.config(), row.seq()) / 1e9);
    r.put("focus_live_mib", median(focusMib));
    r.put("focus_step_alloc_mib", median(focusStepMib));
    double tMib = median(torchMib);
    r.put("torch_peak_mib", haveTorch && !Double.isNaN(tMib) ? tMib : null);
    return r;
  }

  /** The median of each thread count's runs; null where a run had no reading (NaN). */
  private static Map<String, Object> medians(Map<String, double[]> byThreads) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : byThreads.entrySet()) {
      double x = median(e.getValue());
      m.put(e.getKey(), Double.isNaN(x) ? null : x);
    }
    return m;
  }

  private static Map<String, Object> runsOf(Map<String, double[]> byThreads) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : byThreads.entrySet()) m.put(e.getKey(), list(e.getValue()));
    return m;
  }

  private static List<Object> list(double[] xs) {
    List<Object> l = new ArrayList<>();
    for (double x : xs) l.add(Double.isNaN(x) ? null : x);
    return l;
  }

  /** The median (the mean of the middle two for an even count), NaN if any value is NaN. */
  static double median(double[] xs) {
    double[] s = xs.clone();
    for (double x : s) if (Double.isNaN(x)) return Double.NaN;
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * The row's model GFLOP/s over OpenBLAS's 1024³ at the thread count Focus was fastest with, and its
   * model GFLOP per CPU-second on one thread over OpenBLAS's one-thread 1024³ by CPU clock (the pair a
   * loaded machine moves least).
   */
  static void addFraction(Map<String, Object> r, Map<String, Object> sgemm, Double sgemmCpu) {
    Object g = sgemm.get(String.valueOf(r.get("focus_best_threads")));
    r.put("sgemm_gflops", g);
    r.put("fraction_of_sgemm", g instanceof Double d && d > 0 ? (Double) r.get("focus_gflops") / d : null);
    Object perCpu = cast(r.get("focus_per_cpu_s")).get("1");
    Double gCpu = perCpu instanceof Double x ? x * (Double) r.get("mflop_per_token") / 1e3 : null;
    r.put("focus_gflops_per_cpu_s", gCpu);
    r.put("fraction_of_sgemm_cpu", gCpu != null && sgemmCpu != null && sgemmCpu > 0 ? gCpu / sgemmCpu : null);
  }

  /**
   * Floating-point operations per token of one training step: 3 × (forward), the forward being
   * 2 · (q, k, v and output projections + the MLP's matrices + the LM head) + 2 · 2 · T · (H·HS) for
   * the scores and the weighted values at full length T. The convention of issue figures ("6.9 MFLOP
   * a token" at tiny, T 256); element-wise ops, norms and the optimizer are not counted.
   */
  static double flopsPerToken(ModelConfig c, int seq) {
    long q = (long) c.heads() * c.headSize(), kv = (long) c.kvHeads() * c.headSize(), h = c.hidden();
    long mlp = (c.mlp() == ModelConfig.MlpKind.SWIGLU ? 3L : 2L) * h * c.intermediate();
    long perLayer = h * q + 2 * h * kv + q * h + mlp;
    double forward = 2.0 * (c.layers() * perLayer + h * c.vocab()) + 4.0 * c.layers() * seq * q;
    return 3 * forward;
  }

  /** OpenBLAS GFLOP/s on 1024³ per thread count (numpy child, median of 7 wall-clock runs); empty without numpy. */
  private Map<String, Object> openBlasSgemm() {
    Map<String, Object> g = new LinkedHashMap<>();
    for (int t : threads) {
      BenchKernelsCommand.NumpyServer server = BenchKernelsCommand.startNumpy(reference.python.path, 7, "wall", "auto", t);
      try {
        if (server.error != null) break;
        Double x = server.time(Product.square(1024));
        if (x == null) break;
        g.put(Integer.toString(t), x);
      } finally {
        server.close();
      }
    }
    return g;
  }

  /** OpenBLAS GFLOP/s on 1024³ on one thread by CPU clock (numpy child, median of 7), or null. */
  private Double openBlasSgemmCpu() {
    BenchKernelsCommand.NumpyServer server = BenchKernelsCommand.startNumpy(reference.python.path, 7, "cpu", "auto", 1);
    try {
      return server.error != null ? null : server.time(Product.square(1024));
    } finally {
      server.close();
    }
  }

  private void printTable(PrintWriter out, List<Object> results, Map<String, Object> sgemm, Double sgemmCpu, double loadBefore,
                          double loadAfter) {
    out.printf("Training throughput: forward + backward + AdamW on random tokens; tokens/s at the median of %d steps after warm-up,%n"
        + "medians over %d run%s (each run Focus, then PyTorch); ratio: median over runs of best Focus / best PyTorch%n",
        steps, runs, runs == 1 ? "" : "s");
    out.printf("kernels %s, %d processors, load average %.2f before, %.2f after%n",
        Kernels.get().name(), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    out.printf("%-13s %-26s %-7s %6s  %-22s %-22s %6s %8s %6s%n", "row", "model", "B×T", "MFLOP", "Focus tok/s (threads)",
        "PyTorch tok/s (threads)", "ratio", "GFLOP/s", "/SGEMM");
    for (Object o : results) {
      Map<String, Object> m = cast(o);
      String model = String.format("C %d, I %d, %d×%d heads", m.get("hidden"), m.get("intermediate"), m.get("layers"), m.get("heads"));
      Map<String, Object> f = cast(m.get("focus")), t = cast(m.get("torch"));
      out.printf("%-13s %-26s %-7s %6.2f  %-22s %-22s %6s %8.1f %6s%n", m.get("preset"), model, m.get("batch") + "×" + m.get("seq"),
          (Double) m.get("mflop_per_token"), cell(f), t.isEmpty() ? "-" : cell(t), fmt(m.get("ratio")), (Double) m.get("focus_gflops"),
          fmt(m.get("fraction_of_sgemm")));
      out.printf("%-13s %-26s %-7s %6s  %-22s %-22s %6s %8s %6s (per CPU-second)%n", "", m.get("what"), "", "",
          cell(cast(m.get("focus_per_cpu_s"))), t.isEmpty() ? "-" : cell(cast(m.get("torch_per_cpu_s"))), fmt(m.get("cpu_ratio_1_thread")),
          m.get("focus_gflops_per_cpu_s") instanceof Double g ? String.format("%.1f", g) : "-", fmt(m.get("fraction_of_sgemm_cpu")));
      out.printf("%-6s memory (MiB): Focus live heap after a step %.1f, allocated a step %.1f; PyTorch peak RSS growth %s%n", "",
          (Double) m.get("focus_live_mib"), (Double) m.get("focus_step_alloc_mib"),
          m.get("torch_peak_mib") instanceof Double d ? String.format("%.1f", d) : "-");
      List<?> rs = (List<?>) m.get("ratios");
      if (rs.size() > 1) {
        StringBuilder sb = new StringBuilder();
        for (Object x : rs) sb.append(sb.length() == 0 ? "" : " · ").append(fmt(x));
        out.printf("%-6s ratio per run: %s%n", "", sb);
      }
      if (m.containsKey("torch_note")) out.println("  PyTorch: " + m.get("torch_note"));
    }
    for (Object o : results) {
      Map<String, Object> m = cast(o);
      if (m.containsKey("torch_blas")) {
        out.println("PyTorch BLAS: " + m.get("torch_blas") + (blasCore != null ? "; " + blasCore.why() : ""));
        break;
      }
    }
    out.println(sgemm.isEmpty() ? "OpenBLAS SGEMM 1024³: not measured" : "OpenBLAS SGEMM 1024³ (numpy, GFLOP/s): " + cell(sgemm)
        + (sgemmCpu == null ? "" : String.format(", %.0f on 1 thread per CPU-second", sgemmCpu)));
  }

  private static String fmt(Object ratio) {
    return ratio instanceof Double d ? String.format("%.2f", d) : "-";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  private static String cell(Map<String, Object> byThreads) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : byThreads.entrySet()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(e.getValue() instanceof Double d ? String.format("%.0f", d) : "-").append(" (").append(e.getKey()).append(')');
    }
    return sb.toString();
  }

  private static double best(Map<String, Object> byThreads) {
    double b = 0;
    for (Object v : byThreads.values()) if (v instanceof Double d) b = Math.max(b, d);
    return b;
  }

  private static long bestThreads(Map<String, Object> byThreads) {
    String arg = null;
    double b = -1;
    for (Map.Entry<String, Object> e : byThreads.entrySet()) {
      if (e.getValue() instanceof Double d && d > b) {
        b = d;
        arg = e.getKey();
      }
    }
    return arg == null ? 0 : Long.parseLong(arg);
  }

  /**
   * Median tokens per second, and tokens per process CPU-second over all timed steps, of full training
   * steps on the current thread count: the training loop's own step ({@link Trainer}) on one fixed batch
   * of random tokens, with the reference's optimizer (AdamW at a constant lr 1e-3, β = (0.9, 0.95),
   * weight decay 0.1) and no clipping; the loop still computes the gradient norm (one pass over the
   * gradients, well under 1% of a step at these sizes). Warms up for at least {@code --warmup} steps
   * and {@code warmSeconds} of this thread's CPU time.
   *
   * <p>Also returns the step's memory in MiB: the live heap after the last timed step (a full GC, less
   * the live heap before the model was built: weights, gradients, AdamW's moments and every buffer the
   * step keeps for the next, which after warm-up is nearly all it uses) and the bytes all threads
   * allocated per timed step (ThreadMXBean); the step's peak lies between the first and their sum.
   */
  double[] focusTokensPerSecond(Row row, double warmSeconds) throws java.io.IOException {
    ModelConfig config = row.config();
    var heap = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heap0 = heap.getHeapMemoryUsage().getUsed();
    Model model = new Model(config, 0);
    Random rng = new Random(0);
    int b = row.batch(), t = row.seq(), n = b * t;
    int[] tokens = new int[n], targets = new int[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = rng.nextInt(config.vocab());
      targets[i] = rng.nextInt(config.vocab());
    }
    Batch fixed = new Batch(tokens, targets, b, t);
    Dataset data = new Dataset() {
      @Override public String name() { return "random"; }
      @Override public int vocabSize() { return config.vocab(); }
      @Override public Batch batch(Split split, long seed, long step, int batchSize, int seqLen) { return fixed; }
    };
    TrainConfig.Builder base = TrainConfig.defaults(1).toBuilder().batchSize(b).seqLen(t).lr(1e-3).minLr(1e-3).warmup(0)
        .clipNorm(0).evalEvery(0).checkpointEvery(0);
    // Warm-up is counted in CPU time of this (the stepping) thread: on a loaded machine a wall-clock
    // budget can pass before C2 has compiled the step (a micro step ran at 55k tokens per CPU-second
    // after 4 s of wall clock at load 15, 136k once warm). Wall clock stands in where the JVM has no
    // thread CPU clock.
    var bean = ManagementFactory.getThreadMXBean();
    boolean threadCpu = bean.isCurrentThreadCpuTimeSupported();
    long budget = (long) (warmSeconds * 1e9), start = threadCpu ? bean.getCurrentThreadCpuTime() : System.nanoTime();
    int[] warmed = {0};
    Trainer.of(new ModelTrainable(model), data, base.steps(Integer.MAX_VALUE).build(), null)
        .stopWhen(() -> warmed[0] >= Math.max(1, warmup)
            && (threadCpu ? bean.getCurrentThreadCpuTime() : System.nanoTime()) - start >= budget)
        .run(p -> warmed[0]++);
    double[] times = new double[steps];
    var os = ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.OperatingSystemMXBean sun = os instanceof com.sun.management.OperatingSystemMXBean x ? x : null;
    long cpu0 = sun == null ? -1 : sun.getProcessCpuTime(), alloc0 = BenchAttentionCommand.allocatedBytes();
    long[] last = {System.nanoTime(), 0, 0, 0};
    Trainer.of(new ModelTrainable(model), data, base.steps(steps).build(), null).run(p -> {
      long now = System.nanoTime();
      times[(int) p.step() - 1] = (now - last[0]) / 1e9;
      last[0] = now;
      if (p.step() == steps) { // the clocks stop before the GC that measures what the step holds
        last[1] = sun == null || cpu0 < 0 ? 0 : sun.getProcessCpuTime() - cpu0;
        last[2] = BenchAttentionCommand.allocatedBytes() - alloc0;
        System.gc();
        last[3] = heap.getHeapMemoryUsage().getUsed();
      }
    });
    double cpu = last[1] / 1e9, mib = 1024.0 * 1024.0;
    Arrays.sort(times);
    return new double[] {n / times[times.length / 2], cpu > 0 ? (double) n * steps / cpu : Double.NaN,
        Math.max(0, last[3] - heap0) / mib, last[2] / (double) steps / mib};
  }

  /** Runs the reference script's bench mode at {@code threads} threads: its tokens per second and per CPU-second. */
  double[] torchTokensPerSecond(Row row, File script, int threads) throws Exception {
    Path dir = Files.createTempDirectory("focus-bench-train");
    try {
      Path cfg = dir.resolve("config.json");
      Files.writeString(cfg, Json.writePretty(HfConfig.toJson(row.config())), StandardCharsets.UTF_8);
      List<String> cmd = List.of(reference.python.path, script.getPath(), "bench", "--config", cfg.toString(), "--batch", Integer.toString(row.batch()),
          "--seq", Integer.toString(row.seq()), "--threads", Integer.toString(threads), "--steps", Integer.toString(steps),
          "--warmup", Integer.toString(warmup));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      String openblas = systemBlas ? null : BenchKernelsCommand.openBlasDir();
      if (openblas != null) {
        String old = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", openblas + (old == null || old.isEmpty() ? "" : ":" + old));
        blasCore = BenchKernelsCommand.openBlasChoice(reference.python.path, openblas);
        OpenBlasCore.apply(pb.environment(), blasCore.coreType());
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
      Object peak = r.get("peak_rss_growth_mib");
      return new double[] {((Number) r.get("tokens_per_s")).doubleValue(), ((Number) r.get("tokens_per_cpu_s")).doubleValue(),
          peak instanceof Number x ? x.doubleValue() : Double.NaN};
    } finally {
      try (var s = Files.list(dir)) {
        for (Path f : s.toList()) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    }
  }
}
