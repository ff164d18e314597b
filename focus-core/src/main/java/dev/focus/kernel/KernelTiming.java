package dev.focus.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Wall-clock timing of kernel calls, shared by {@code focus bench kernels} and {@code focus doctor}.
 * Not a test helper: unit tests never assert on speed (STYLE.md §2.15).
 *
 * <p>Each measurement runs {@code warmup} untimed calls (so C2 has compiled the path) and then
 * {@code reps} timed calls, and reports their median (robust to a stray pause) or best.
 */
public final class KernelTiming {
  private KernelTiming() {}

  /** The three product layouts of {@link KernelSet}. */
  public enum Layout {
    /** C = A·B ({@link KernelSet#matmul}). */
    NN,
    /** C = A·Bᵀ ({@link KernelSet#matmulNT}). */
    NT,
    /** C = Aᵀ·B ({@link KernelSet#matmulTN}). */
    TN
  }

  /** One product C[M,N] = op(A)·op(B) with inner size K. */
  public record Product(Layout layout, int m, int k, int n) {
    public Product {
      if (layout == null) throw new IllegalArgumentException("layout must not be null");
      if (m < 1 || k < 1 || n < 1) {
        throw new IllegalArgumentException("product " + m + "x" + k + "x" + n + ": every size must be >= 1");
      }
    }

    /** The square product N·N·N. */
    public static Product square(int n) {
      return new Product(Layout.NN, n, n, n);
    }

    /** Floating-point operations: 2·M·K·N (one multiply and one add per term). */
    public double flops() {
      return 2.0 * m * k * n;
    }

    /** "NN:256x256x256", the form scripts/bench_kernels.py reads. */
    public String spec() {
      return layout + ":" + m + "x" + k + "x" + n;
    }
  }

  /** Per-rep timings of one product, in GFLOP/s. */
  public record Result(Product product, double[] gflops) {
    public double median() {
      double[] s = gflops.clone();
      Arrays.sort(s);
      int n = s.length;
      return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    public double best() {
      return Arrays.stream(gflops).max().orElse(0);
    }
  }

  /** Times {@code product} on {@code kernels} with the current {@link Parallel#threads()}, by wall clock. */
  public static Result time(KernelSet kernels, Product product, int warmup, int reps) {
    return time(kernels, product, warmup, reps, false);
  }

  /**
   * Times {@code product} by the CPU time of the calling thread, on one thread
   * ({@link Parallel#threads()} is set to 1 for the call and restored). On a busy machine this counts
   * only the cycles the product itself got, so it measures the kernel rather than the neighbours.
   */
  public static Result timeCpu(KernelSet kernels, Product product, int warmup, int reps) {
    int before = Parallel.threads();
    try {
      Parallel.setThreads(1);
      return time(kernels, product, warmup, reps, true);
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static Result time(KernelSet kernels, Product product, int warmup, int reps, boolean cpu) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (cpu && !mx.isCurrentThreadCpuTimeSupported()) cpu = false;
    if (warmup < 0) throw new IllegalArgumentException("warmup=" + warmup + " must be >= 0");
    if (reps < 1) throw new IllegalArgumentException("reps=" + reps + " must be >= 1");
    int m = product.m(), k = product.k(), n = product.n();
    Random rnd = new Random(42);
    float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
    double[] g = new double[reps];
    for (int i = -warmup; i < reps; i++) {
      long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
      run(kernels, product, c, a, b);
      long dt = Math.max(1, (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0);
      if (i >= 0) g[i] = product.flops() / dt;
    }
    return new Result(product, g);
  }

  /**
   * Least CPU time of {@code task} on the calling thread over {@code reps} calls, after
   * {@code warmup} untimed ones, with {@link Parallel#threads()} set to 1 meanwhile. Nanoseconds.
   */
  public static double cpuNanos(Runnable task, int warmup, int reps) {
    if (reps < 1) throw new IllegalArgumentException("reps=" + reps + " must be >= 1");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    boolean cpu = mx.isCurrentThreadCpuTimeSupported();
    int before = Parallel.threads();
    try {
      Parallel.setThreads(1);
      for (int i = 0; i < warmup; i++) task.run();
      long best = Long.MAX_VALUE;
      for (int i = 0; i < reps; i++) {
        long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        task.run();
        best = Math.min(best, Math.max(1, (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0));
      }
      return best;
    } finally {
      Parallel.setThreads(before);
    }
  }

  /**
   * Lets C2 compile the packing and micro-kernels of all three layouts and every parallel split (rows,
   * panels, narrow rows, parallel packing) at the current {@link Parallel#threads()} before anything
   * is timed: about a second. Call it again after each thread change: code compiled while one thread
   * ran never took the parallel branches, and compiling them later on a 2-core machine takes the
   * second core away from the first timings (a 2-thread figure then reads as a 1-thread one).
   */
  public static void warmUp(KernelSet kernels) {
    int[][] shapes = {{197, 300, 161}, {8, 300, 512}, {4, 300, 512}, {64, 256, 1100}};
    for (Layout l : Layout.values()) {
      long end = System.nanoTime() + 300_000_000L;
      while (System.nanoTime() < end) {
        for (int[] d : shapes) time(kernels, new Product(l, d[0], d[1], d[2]), 0, 1);
      }
    }
  }

  /** A task that runs {@code product} on {@code kernels} over random inputs allocated once, here. */
  public static Runnable task(KernelSet kernels, Product product) {
    Random rnd = new Random(42);
    float[] a = random(rnd, product.m() * product.k()), b = random(rnd, product.k() * product.n());
    float[] c = new float[product.m() * product.n()];
    return () -> run(kernels, product, c, a, b);
  }

  private static void run(KernelSet ks, Product p, float[] c, float[] a, float[] b) {
    switch (p.layout()) {
      case NN:
        ks.matmul(c, 0, a, 0, b, 0, p.m(), p.k(), p.n(), false);
        break;
      case NT:
        ks.matmulNT(c, 0, a, 0, b, 0, p.m(), p.k(), p.n(), false);
        break;
      case TN:
        ks.matmulTN(c, 0, a, 0, b, 0, p.m(), p.k(), p.n(), false);
        break;
      default:
        throw new AssertionError(p.layout());
    }
  }

  private static float[] random(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() - 0.5f;
    return x;
  }
}
