package dev.focus.cli;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.KernelTiming;
import dev.focus.kernel.KernelTiming.Layout;
import dev.focus.kernel.KernelTiming.Product;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.kernel.SgemmBlocking;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code focus bench kernels}: SGEMM GFLOP/s of Focus and of numpy (through its BLAS, normally
 * OpenBLAS) in one run, side by side with their ratio, after the SGEMM blocking in use and why
 * ({@link SgemmBlocking}). Two tables: square products A·B, and the
 * products of one training step of hidden-128 and hidden-256 models at B·T = 2048 tokens (all three
 * layouts). numpy runs in a child {@code /usr/bin/python3} per thread count (scripts/bench_kernels.py),
 * after Java has timed every product at that thread count (never at the same time), with its thread count fixed through OPENBLAS_NUM_THREADS/OMP_NUM_THREADS and OPENBLAS_L2_SIZE removed; OPENBLAS_CORETYPE is set only where OpenBLAS does not know the CPU ({@link OpenBlasCore})
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

  @Option(names = "--sizes", paramLabel = "N,N,...", defaultValue = "256,512,1024,2048", description = "Square sizes (1..8192), comma-separated. Default: ${DEFAULT-VALUE}.") String sizes;

  @Option(names = "--threads", paramLabel = "T,T,...", defaultValue = "1,2", description = "Thread counts (1..256), comma-separated. Default: ${DEFAULT-VALUE}.") String threads;

  @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions per product (1..1000); the median is reported. Default: ${DEFAULT-VALUE}.") int reps;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Rounds (1..20): each round times every product in Java, then through numpy; each side "
          + "keeps its best round, so a slow spell on a shared machine does not decide a ratio. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--clock", defaultValue = "wall",
      description = "wall: elapsed time (default); cpu: CPU time of the timing thread, which on a busy "
          + "machine counts only the cycles the product got. cpu needs --threads 1.")
  String clock;

  @Option(names = "--numpy", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Time the same products through numpy (default: on).") boolean numpy;

  @Option(names = "--training", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Also time the products of a training step (default: on).") boolean training;

  @Mixin Options.Python python;

  @Option(names = "--blas", defaultValue = "auto",
      description = "auto: run numpy on OpenBLAS when it is installed, even if the system default BLAS "
          + "is another, with the fastest core type the CPU allows where OpenBLAS does not know the CPU; "
          + "system: use whatever numpy loads. Default: ${DEFAULT-VALUE}.")
  String blas;

  @Override
  public Integer call() {
    List<Integer> sizeList = parseList("--sizes", sizes, 1, MAX_SIZE);
    List<Integer> threadList = parseList("--threads", threads, 1, 256);
    if (reps < 1 || reps > 1000) throw new IllegalArgumentException("--reps=" + reps + " must be in 1..1000");
    if (rounds < 1 || rounds > 20) throw new IllegalArgumentException("--rounds=" + rounds + " must be in 1..20");
    if (!clock.equals("wall") && !clock.equals("cpu")) {
      throw new IllegalArgumentException("--clock=" + clock + " must be wall or cpu");
    }
    if (clock.equals("cpu") && !threadList.equals(List.of(1))) {
      throw new IllegalArgumentException("--clock=cpu times one thread: use it with --threads 1");
    }
    if (!blas.equals("auto") && !blas.equals("system")) {
      throw new IllegalArgumentException("--blas=" + blas + " must be auto or system");
    }
    PrintWriter out = spec.commandLine().getOut();
    KernelSet ks = Kernels.get();
    Optional<SgemmBlocking> blocking = SgemmBlocking.ofActiveKernels();  // a bad -Dfocus.sgemm.* fails here

    List<Product> square = new ArrayList<>();
    for (int s : sizeList) square.add(Product.square(s));
    Map<Product, String> trainingNames = training ? trainingProducts() : Map.of();
    List<Product> all = new ArrayList<>(square);
    for (Product p : trainingNames.keySet()) if (!all.contains(p)) all.add(p);

    out.printf("focus bench kernels: %s kernels, %d cores available, Java %s%n",
        ks.name(), Runtime.getRuntime().availableProcessors(), Runtime.version());
    if (blocking.isPresent()) {
      out.println("sgemm blocking: " + blocking.get().summary());
      for (String why : blocking.get().reason()) out.println("  " + why);
    } else {
      out.println("sgemm blocking: none (the scalar kernels do not block)");
    }
    out.printf("GFLOP/s = 2·M·K·N / median %s time of %d reps (after warm-up), the best of %d round%s; higher is better.%n",
        clock.equals("cpu") ? "CPU" : "wall-clock", reps, rounds, rounds == 1 ? "" : "s (Java, then numpy, in turn)");
    out.flush();

    // Per thread count and round, every product is timed in Java first and then by a numpy child
    // process, which is started after the Java phase and closed before the next one. Interleaving the
    // two (product by product) let the idle-but-spinning threads of one side steal the second core
    // from the other: OpenBLAS workers spin for a while after each call, and a two-thread timing right
    // after one ran at single-thread speed. Rounds alternate the phases because a shared machine has
    // slow spells of seconds (on a 2-vCPU Xeon, one core's SGEMM halved for a few seconds at a time
    // and two threads' swung between 160 and 300 GFLOP/s): with one phase each, whichever side met
    // the spell lost the ratio. Each side keeps its best round.
    Map<String, Double> focus = new HashMap<>();
    Map<String, Double> np = new HashMap<>();
    String npInfo = numpy ? null : "numpy: skipped (--no-numpy)";
    boolean npFailed = false;
    int before = Parallel.threads();
    try {
      for (int t : threadList) {
        Parallel.setThreads(t);
        KernelTiming.warmUp(ks);
        for (int round = 0; round < rounds; round++) {
          for (Product p : all) {
            int warm = warmUpReps(p);
            KernelTiming.Result r = clock.equals("cpu") ? KernelTiming.timeCpu(ks, p, warm, reps)
                : KernelTiming.time(ks, p, warm, reps);
            focus.merge(key(p, t), r.median(), Math::max);
          }
          if (!numpy || npFailed) continue;
          pause();
          NumpyServer server = startNumpy(t);
          try {
            if (server.error != null) {
              npInfo = "numpy: not available (" + server.error + ")";
              npFailed = true;
              continue;
            }
            npInfo = "numpy: " + server.info;
            for (Product p : all) {
              Double g = server.time(p);
              if (g == null) {
                npInfo = "numpy: not available (" + server.error + ")";
                npFailed = true;
                break;
              }
              np.merge(key(p, t), g, Math::max);
            }
          } finally {
            server.close();
          }
          pause();
        }
      }
    } finally {
      Parallel.setThreads(before);
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

  /**
   * Untimed calls before a product is timed: about 5 GFLOP of work (50 ms at 100 GFLOP/s), at least
   * one. Two calls were too few for the small squares: on a loaded machine C2 was still compiling
   * the shapes' own paths, and 256³ read half its speed.
   */
  static int warmUpReps(Product p) {
    return (int) Math.max(1, Math.min(500, Math.ceil(5e9 / p.flops())));
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

  private static void pause() {
    try {
      Thread.sleep(150);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One {@code bench_kernels.py --serve} child: writes products to its stdin, reads GFLOP/s lines. */
  static final class NumpyServer {
    final Process process;
    final BufferedReader in;
    final PrintWriter toChild;
    String info;
    String error;

    NumpyServer(Process process) {
      this.process = process;
      this.in = process == null ? null
          : new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.toChild = process == null ? null
          : new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    static NumpyServer failed(String why) {
      NumpyServer s = new NumpyServer(null);
      s.error = why;
      return s;
    }

    /** Median GFLOP/s of {@code p} through numpy, or null (and {@link #error} set) when the child failed. */
    Double time(Product p) {
      try {
        toChild.println(p.spec());
        String line = in.readLine();
        if (line == null) {
          error = "bench_kernels.py stopped";
          return null;
        }
        String[] f = line.split("\t");
        if (f.length != 5 || !(f[0] + ":" + f[1] + "x" + f[2] + "x" + f[3]).equals(p.spec())) {
          error = "unexpected reply '" + line + "'";
          return null;
        }
        return Double.parseDouble(f[4]);
      } catch (IOException | NumberFormatException e) {
        error = e.getMessage();
        return null;
      }
    }

    void close() {
      if (process == null) return;
      toChild.close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private NumpyServer startNumpy(int threads) {
    return startNumpy(python.path, reps, clock, blas, threads);
  }

  /**
   * A {@code bench_kernels.py --serve} child timing products with {@code threads} BLAS threads, median
   * of {@code reps} by {@code clock} (wall or cpu); {@code blas} auto points numpy at OpenBLAS when it
   * is installed, with the core type {@link OpenBlasCore} chooses. A failed start is a server whose
   * {@link NumpyServer#error} says why.
   */
  static NumpyServer startNumpy(String python, int reps, String clock, String blas, int threads) {
    String dir = blas.equals("auto") ? openBlasDir() : null;
    OpenBlasCore.Choice core = dir == null ? null : openBlasChoice(python, dir);
    NumpyServer server = startNumpy(python, reps, clock, dir, core == null ? null : core.coreType(), threads);
    if (server.error == null && core != null && core.coreType() != null) server.info += "; " + core.why();
    return server;
  }

  /** The OpenBLAS core type of {@code dir} the reference runs with ({@link OpenBlasCore}), timed through numpy. */
  static OpenBlasCore.Choice openBlasChoice(String python, String dir) {
    return OpenBlasCore.choose(coreType -> probe(python, dir, coreType));
  }

  /** OpenBLAS's core and its one-thread GFLOP/s at 1024³ (median of 5) with {@code coreType} forced (null: its own), or null. */
  private static OpenBlasCore.Probe probe(String python, String dir, String coreType) {
    NumpyServer server = startNumpy(python, 5, "wall", dir, coreType, 1);
    try {
      Double g = server.error != null ? null : server.time(Product.square(1024));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(", core (\\S+) \\(").matcher(server.info == null ? "" : server.info);
      return g == null || !m.find() ? null : new OpenBlasCore.Probe(m.group(1), g);
    } finally {
      server.close();
    }
  }

  /**
   * The child itself: numpy on the BLAS of {@code libDir} when given (else what the system loads),
   * with {@code coreType} as OPENBLAS_CORETYPE when given (an inherited one is dropped either way).
   */
  private static NumpyServer startNumpy(String python, int reps, String clock, String libDir, String coreType, int threads) {
    Path script = Checkout.find("scripts/bench_kernels.py");
    if (script == null) return NumpyServer.failed("scripts/bench_kernels.py not found");
    if (!Files.isExecutable(Paths.get(python))) return NumpyServer.failed(python + " not found");
    ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--reps", String.valueOf(reps),
        "--clock", clock);
    Map<String, String> env = pb.environment();
    env.remove("OPENBLAS_L2_SIZE");
    for (String v : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")) {
      env.put(v, String.valueOf(threads));
    }
    if (libDir != null) {
      String old = env.get("LD_LIBRARY_PATH");
      env.put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? libDir : libDir + ":" + old);
    }
    OpenBlasCore.apply(env, coreType);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    NumpyServer server;
    try {
      server = new NumpyServer(pb.start());
    } catch (IOException e) {
      return NumpyServer.failed(e.getMessage());
    }
    try {
      String first = server.in.readLine();
      if (first == null || first.startsWith("numpy: not available")) {
        server.close();
        return NumpyServer.failed(first == null ? python + " exited without output" : "cannot import numpy");
      }
      String[] f = first.split("\t");
      server.info = f.length >= 3 ? f[2] + " (" + f[1] + ")" : first;
    } catch (IOException e) {
      server.close();
      return NumpyServer.failed(e.getMessage());
    }
    return server;
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
}
