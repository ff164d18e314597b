package dev.focus.cli;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.KernelTiming;
import dev.focus.kernel.KernelTiming.Layout;
import dev.focus.kernel.KernelTiming.Product;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code focus bench kernels}: SGEMM GFLOP/s of Focus and of numpy (through its BLAS, normally
 * OpenBLAS) in one run, side by side with their ratio. Two tables: square products A·B, and the
 * products of one training step of hidden-128 and hidden-256 models at B·T = 2048 tokens (all three
 * layouts). numpy runs in a child {@code /usr/bin/python3} per thread count, with its thread count
 * fixed through OPENBLAS_NUM_THREADS/OMP_NUM_THREADS and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE removed
 * (they slow a current OpenBLAS down) in that child's environment only.
 *
 * <p>A benchmark, not a test: it prints numbers and asserts nothing about them.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
    description = {"SGEMM GFLOP/s, Focus vs numpy (OpenBLAS), on 1 and 2 threads.",
        "Also times the matrix products of a training step (hidden 128 and 256, B·T = 2048)."})
public final class BenchKernelsCommand implements Callable<Integer> {
  static final int MAX_SIZE = 8192;
  static final int TOKENS = 2048;

  @Spec CommandSpec spec;

  @Option(names = "--sizes", paramLabel = "N,N,...", defaultValue = "256,512,1024,2048",
      description = "Square sizes (1..8192), comma-separated. Default: ${DEFAULT-VALUE}.")
  String sizes;

  @Option(names = "--threads", paramLabel = "T,T,...", defaultValue = "1,2",
      description = "Thread counts (1..256), comma-separated. Default: ${DEFAULT-VALUE}.")
  String threads;

  @Option(names = "--reps", defaultValue = "5",
      description = "Timed repetitions per product (1..1000); the median is reported. Default: ${DEFAULT-VALUE}.")
  int reps;

  @Option(names = "--numpy", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Time the same products through numpy (default: on).")
  boolean numpy;

  @Option(names = "--training", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also time the products of a training step (default: on).")
  boolean training;

  @Option(names = "--python", defaultValue = "/usr/bin/python3",
      description = "Python with numpy. Default: ${DEFAULT-VALUE}.")
  String python;

  @Option(names = "--blas", defaultValue = "auto",
      description = "auto: run numpy on OpenBLAS when it is installed, even if the system default BLAS "
          + "is another; system: use whatever numpy loads. Default: ${DEFAULT-VALUE}.")
  String blas;

  @Override
  public Integer call() {
    List<Integer> sizeList = parseList("--sizes", sizes, 1, MAX_SIZE);
    List<Integer> threadList = parseList("--threads", threads, 1, 256);
    if (reps < 1 || reps > 1000) throw new IllegalArgumentException("--reps=" + reps + " must be in 1..1000");
    if (!blas.equals("auto") && !blas.equals("system")) {
      throw new IllegalArgumentException("--blas=" + blas + " must be auto or system");
    }
    PrintWriter out = spec.commandLine().getOut();
    KernelSet ks = Kernels.get();

    List<Product> square = new ArrayList<>();
    for (int s : sizeList) square.add(Product.square(s));
    Map<Product, String> trainingNames = training ? trainingProducts() : Map.of();
    List<Product> all = new ArrayList<>(square);
    for (Product p : trainingNames.keySet()) if (!all.contains(p)) all.add(p);

    out.printf("focus bench kernels: %s kernels, %d cores available, Java %s%n",
        ks.name(), Runtime.getRuntime().availableProcessors(), Runtime.version());
    out.printf("GFLOP/s = 2·M·K·N / median time of %d reps (after warm-up); higher is better.%n", reps);
    out.flush();

    // Focus first, every thread count; then numpy, one child process per thread count.
    Map<String, Double> focus = new HashMap<>();
    int before = Parallel.threads();
    try {
      warmUp(ks);
      for (int t : threadList) {
        Parallel.setThreads(t);
        for (Product p : all) {
          int warm = p.flops() > 4e9 ? 1 : 2;
          focus.put(key(p, t), KernelTiming.time(ks, p, warm, reps).median());
        }
      }
    } finally {
      Parallel.setThreads(before);
    }

    Map<String, Double> np = new HashMap<>();
    String npInfo = null;
    if (numpy) {
      for (int t : threadList) {
        NumpyRun run = runNumpy(all, t);
        if (run.error != null) {
          npInfo = "numpy: not available (" + run.error + ")";
          break;
        }
        npInfo = "numpy: " + run.info;
        np.putAll(run.gflops);
      }
    } else {
      npInfo = "numpy: skipped (--no-numpy)";
    }
    out.println(npInfo);
    out.println();

    out.println("Square SGEMM C = A·B (NN)");
    header(out, "size", 6);
    for (int t : threadList) {
      for (Product p : square) row(out, String.valueOf(p.m()), 6, t, focus.get(key(p, t)), np.get(key(p, t)));
    }
    if (training) {
      out.println();
      out.println("Training-step products, B·T = " + TOKENS + " (NN: dx = dy·W, NT: y = x·Wᵀ, TN: dW = dyᵀ·x)");
      header(out, "product                       layout     M×K×N", 48);
      for (int t : threadList) {
        for (Map.Entry<Product, String> e : trainingNames.entrySet()) {
          Product p = e.getKey();
          String label = String.format("%-29s %-6s %s", e.getValue(), p.layout(), p.m() + "×" + p.k() + "×" + p.n());
          row(out, label, 48, t, focus.get(key(p, t)), np.get(key(p, t)));
        }
      }
    }
    out.flush();
    return Main.EXIT_OK;
  }

  /** The products of one training step of a pre-norm block with a 4× MLP, per hidden width. */
  static Map<Product, String> trainingProducts() {
    Map<Product, String> m = new LinkedHashMap<>();
    for (int c : new int[] {128, 256}) {
      String h = "h" + c + " ";
      m.put(new Product(Layout.NT, TOKENS, c, 3 * c), h + "qkv y = x·Wᵀ");
      m.put(new Product(Layout.NT, TOKENS, c, 4 * c), h + "mlp up y = x·Wᵀ");
      m.put(new Product(Layout.NT, TOKENS, 4 * c, c), h + "mlp down y = x·Wᵀ");
      m.put(new Product(Layout.NN, TOKENS, 4 * c, c), h + "mlp up dx = dy·W");
      m.put(new Product(Layout.NN, TOKENS, c, 4 * c), h + "mlp down dx = dy·W");
      m.put(new Product(Layout.TN, 4 * c, TOKENS, c), h + "mlp up dW = dyᵀ·x");
      m.put(new Product(Layout.TN, c, TOKENS, 4 * c), h + "mlp down dW = dyᵀ·x");
    }
    return m;
  }

  private static void warmUp(KernelSet ks) {
    // Let C2 compile the packing and micro-kernels of all three layouts (and their edge paths)
    // before anything is timed: about a second in all.
    for (Layout l : Layout.values()) {
      long end = System.nanoTime() + 300_000_000L;
      while (System.nanoTime() < end) KernelTiming.time(ks, new Product(l, 197, 300, 161), 0, 1);
    }
  }

  private static String key(Product p, int threads) {
    return p.spec() + "@" + threads;
  }

  private static void header(PrintWriter out, String first, int width) {
    out.printf("%-" + width + "s %7s %9s %9s %11s%n", first, "threads", "focus", "numpy", "focus/numpy");
  }

  private static void row(PrintWriter out, String label, int width, int threads, Double f, Double n) {
    String fs = f == null ? "-" : gflops(f);
    String ns = n == null ? "-" : gflops(n);
    String ratio = f == null || n == null || n <= 0 ? "-" : String.format("%.2f", f / n);
    out.printf("%-" + width + "s %7d %9s %9s %11s%n", label, threads, fs, ns, ratio);
  }

  /** One decimal, or three significant digits below 1 GFLOP/s (tiny products never print as 0.0). */
  static String gflops(double g) {
    return g >= 1 ? String.format("%.1f", g) : String.format("%.3g", g);
  }

  /** "256,512" → [256, 512], each in [lo, hi]; anything else is a one-line usage error. */
  static List<Integer> parseList(String option, String value, int lo, int hi) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      int v;
      try {
        v = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + "=" + value + ": '" + part + "' is not an integer");
      }
      if (v < lo || v > hi) {
        throw new IllegalArgumentException(option + "=" + value + ": " + v + " must be in " + lo + ".." + hi);
      }
      if (!out.contains(v)) out.add(v);
    }
    return out;
  }

  // ---------------------------------------------------------------- numpy child process

  record NumpyRun(String info, Map<String, Double> gflops, String error) {}

  private NumpyRun runNumpy(List<Product> products, int threads) {
    Path script = findScript();
    if (script == null) return new NumpyRun(null, Map.of(), "scripts/bench_kernels.py not found");
    if (!Files.isExecutable(Paths.get(python))) return new NumpyRun(null, Map.of(), python + " not found");
    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--reps", String.valueOf(reps)));
    for (Product p : products) cmd.add(p.spec());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    Map<String, String> env = pb.environment();
    env.remove("OPENBLAS_CORETYPE");
    env.remove("OPENBLAS_L2_SIZE");
    for (String v : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")) {
      env.put(v, String.valueOf(threads));
    }
    if (blas.equals("auto")) {
      String dir = openBlasDir();
      if (dir != null) {
        String old = env.get("LD_LIBRARY_PATH");
        env.put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir : dir + ":" + old);
      }
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    String info = null;
    Map<String, Double> g = new HashMap<>();
    try {
      Process proc = pb.start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("numpy: not available")) return new NumpyRun(null, Map.of(), "cannot import numpy");
          String[] f = line.split("\t");
          if (f[0].equals("blas") && f.length >= 3) {
            info = f[2] + " (" + f[1] + ")";
          } else if (f.length == 5) {
            Product p = new Product(Layout.valueOf(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]));
            g.put(key(p, threads), Double.parseDouble(f[4]));
          }
        }
      }
      if (!proc.waitFor(10, TimeUnit.MINUTES)) {
        proc.destroyForcibly();
        return new NumpyRun(null, Map.of(), "timed out");
      }
      if (proc.exitValue() != 0) return new NumpyRun(null, Map.of(), python + " exited " + proc.exitValue());
    } catch (IOException e) {
      return new NumpyRun(null, Map.of(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NumpyRun(null, Map.of(), "interrupted");
    }
    return new NumpyRun(info == null ? "unknown BLAS" : info, g, null);
  }

  /** Debian's multi-arch OpenBLAS directory (holds a libblas.so.3), when installed. */
  static String openBlasDir() {
    for (String arch : List.of("x86_64-linux-gnu", "aarch64-linux-gnu")) {
      for (String flavour : List.of("openblas-pthread", "openblas-openmp", "openblas-serial")) {
        Path dir = Paths.get("/usr/lib", arch, flavour);
        if (Files.exists(dir.resolve("libblas.so.3"))) return dir.toString();
      }
    }
    return null;
  }

  /** scripts/bench_kernels.py in the checkout that holds this jar (or the working directory). */
  static Path findScript() {
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(Paths.get(BenchKernelsCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (Exception e) {
      // no code source (unusual class loader): fall back to the working directory
    }
    starts.add(Paths.get("").toAbsolutePath());
    for (Path start : starts) {
      for (Path d = start; d != null; d = d.getParent()) {
        Path s = d.resolve("scripts").resolve("bench_kernels.py");
        if (Files.isRegularFile(s)) return s;
      }
    }
    return null;
  }
}
