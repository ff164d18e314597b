package dev.focus.cli;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.KernelTiming;
import dev.focus.kernel.KernelTiming.Layout;
import dev.focus.kernel.KernelTiming.Product;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import dev.focus.kernel.SgemmBlocking;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code focus doctor}: is this JVM set up to run Focus fast? Reports the JDK, whether the Vector API
 * is active and its width, the threads Focus uses, the SGEMM cache blocking and the measured SGEMM
 * speed (medians of {@value #SGEMM_REPS} products after the warm-up of {@code focus bench kernels},
 * so the two agree), and warns when a kernel runs far below its expected speed. The classic cause is a
 * Vector API call that C2 failed to inline: every vector is then boxed on the heap and the loop runs
 * ten to twenty times slower, with no error anywhere (STYLE.md §2.15). Three checks catch that:
 * <ul>
 *   <li>each matrix-product layout at 256³ must run at least {@value #MIN_SPEEDUP}× faster on the vector
 *       kernels than on the scalar twin (C2 auto-vectorises the scalar loops too, so a healthy vector
 *       path is typically 10–30× faster, a broken one slower than scalar);</li>
 *   <li>one-thread SGEMM at 1024 must reach {@code lanes} GFLOP/s: a quarter of one fused
 *       multiply-add per cycle at 2 GHz on {@code lanes} floats (2 flops · lanes · 2 GHz / 4), a floor
 *       any working CPU of that width clears several times over;</li>
 *   <li>GELU, SiLU and softmax on 64K floats must run at least {@value #MIN_ELEMENTWISE_SPEEDUP}× faster
 *       than on the scalar twin (they use the JDK's vectorised exp and tanh).</li>
 * </ul>
 * The checks time one thread by its CPU time, so a busy machine slows the numbers less than wall
 * clock would. Exit code 0, or 1 with {@code --strict} when there are warnings.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Check the JDK, the Vector API, threads and kernel speed.")
public final class DoctorCommand implements Callable<Integer> {
  static final double MIN_SPEEDUP = 3.0;
  static final double MIN_ELEMENTWISE_SPEEDUP = 1.5;
  /** Timed repetitions of the 1024³ product (about 11 ms each on two cores): enough for a stable median. */
  static final int SGEMM_REPS = 15;

  @Spec CommandSpec spec;

  @Option(names = "--strict", description = "Exit 1 when any check warns.") boolean strict;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> warnings = new ArrayList<>();
    KernelSet ks = Kernels.get();
    Optional<SgemmBlocking> blocking = SgemmBlocking.ofActiveKernels();  // a bad -Dfocus.sgemm.* fails here
    String mode = System.getProperty("focus.kernels", "auto");

    line(out, "java", Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
        + System.getProperty("java.home"));
    if (Runtime.version().feature() < 17) warnings.add("Java " + Runtime.version().feature() + " is older than 17");

    int bits = ks.vectorBits();
    if (bits > 0) {
      line(out, "vector api", "active: jdk.incubator.vector, " + bits + "-bit vectors (" + bits / 32 + " floats)");
    } else if (!Kernels.vectorModulePresent()) {
      line(out, "vector api", "inactive: module jdk.incubator.vector not loaded");
      warnings.add("the Vector API is not loaded: run Java with --add-modules jdk.incubator.vector (./focus does)");
    } else {
      line(out, "vector api", "loaded, but -Dfocus.kernels=" + mode + " selects the scalar kernels");
      warnings.add("scalar kernels forced by -Dfocus.kernels=scalar: everything runs several times slower");
    }
    line(out, "kernels", ks.name() + " (-Dfocus.kernels=" + mode + ")");
    int cores = Runtime.getRuntime().availableProcessors();
    line(out, "cores", cores + " available, " + Parallel.threads() + " used by Focus (-Dfocus.threads)");
    if (Parallel.threads() > cores) {
      warnings.add("focus.threads=" + Parallel.threads() + " exceeds the " + cores + " available cores");
    }
    out.flush();

    if (blocking.isPresent()) {
      line(out, "sgemm blocking", blocking.get().summary() + " (" + blocking.get().source() + ")");
    }
    out.flush();

    // The same warm-up as `focus bench kernels`, then medians: a best-of-three after a short warm-up
    // read half the bench's 2-thread figure on a busy 2-vCPU machine (C2 still compiling the
    // parallel paths on the second core).
    KernelTiming.warmUp(ks);
    double multi = KernelTiming.time(ks, Product.square(1024), 2, SGEMM_REPS).median();
    double single = KernelTiming.timeCpu(ks, Product.square(1024), 2, SGEMM_REPS).median();
    int used = Parallel.threads();
    line(out, "sgemm 1024", String.format("%.1f GFLOP/s on %d thread%s (wall clock), %.1f on 1 thread (CPU time); "
        + "medians of %d", multi, used, used == 1 ? "" : "s", single, SGEMM_REPS));

    if (bits > 0) {
      int lanes = bits / 32;
      double floor = lanes;
      String verdict = single >= floor ? "ok" : "SLOW";
      line(out, "expected", String.format("at least %.0f GFLOP/s on 1 thread for %d-float vectors: %s",
          floor, lanes, verdict));
      if (single < floor) {
        warnings.add(String.format("SGEMM at 1024 runs %.1f GFLOP/s on one thread, below the %.0f GFLOP/s that "
            + "%d-bit vectors guarantee: a Vector API call is probably not inlined (check with "
            + "-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining), or the machine is very busy", single, floor, bits));
      }
      KernelSet scalar = Kernels.scalar();
      StringBuilder sb = new StringBuilder();
      for (Layout l : Layout.values()) {
        Product p = new Product(l, 256, 256, 256);
        double s = p.flops() / settled(KernelTiming.task(scalar, p), 0);
        double v = p.flops() / settled(KernelTiming.task(ks, p), p.flops() / (2 * MIN_SPEEDUP * s));
        double ratio = v / s;
        sb.append(String.format("%s%s %.0f× (%.1f vs %.1f GFLOP/s)", sb.length() == 0 ? "" : ", ", l, ratio, v, s));
        if (ratio < MIN_SPEEDUP) {
          warnings.add(String.format("vector %s matmul at 256³ is only %.1f× faster than scalar (expected ≥ %.0f×): "
              + "a Vector API call is probably not inlined", l, ratio, MIN_SPEEDUP));
        }
      }
      line(out, "vector/scalar", "256³ on 1 thread (CPU time): " + sb);

      // Element-wise kernels lean on lanewise(EXP/TANH): without the JDK's vector math stubs those
      // fall back to one Math call per lane and lose to the scalar twin.
      int n = 1 << 16;
      float[] x = new float[n], y = new float[n];
      for (int i = 0; i < n; i++) x[i] = (i % 200 - 100) * 0.05f;
      StringBuilder ew = new StringBuilder();
      String[] names = {"gelu", "silu", "softmax"};
      for (String name : names) {
        java.util.function.Consumer<KernelSet> op;
        switch (name) {
          case "gelu": op = k -> k.gelu(y, 0, x, 0, n); break;
          case "silu": op = k -> k.silu(y, 0, x, 0, n); break;
          default: op = k -> k.softmaxRows(y, 0, x, 0, 64, n / 64); break;
        }
        double ts = settled(() -> op.accept(scalar), 0);
        double tv = settled(() -> op.accept(ks), ts / (2 * MIN_ELEMENTWISE_SPEEDUP));
        double ratio = ts / tv;
        ew.append(String.format("%s%s %.0f×", ew.length() == 0 ? "" : ", ", name, ratio));
        if (ratio < MIN_ELEMENTWISE_SPEEDUP) {
          warnings.add(String.format("vector %s is only %.1f× faster than scalar (expected ≥ %.1f×): the JDK's "
              + "vector math stubs may be missing on this CPU", name, ratio, MIN_ELEMENTWISE_SPEEDUP));
        }
      }
      line(out, "vector/scalar", "64K elements on 1 thread (CPU time): " + ew);
    }

    for (String w : warnings) out.println("warning: " + w);
    out.println(warnings.isEmpty() ? "doctor: ok" : "doctor: " + warnings.size() + " warning(s)");
    out.flush();
    return strict && !warnings.isEmpty() ? Main.EXIT_FAILURE : Main.EXIT_OK;
  }

  /**
   * Least CPU time (ns) of {@code task} once C2 has compiled it. Vector API code runs a hundred times
   * slower before C2 compiles it, and on a busy machine compiling takes seconds, so this runs rounds
   * of 100 ms warm-up plus five timed calls until the time reaches {@code goalNanos}, or (for a goal of
   * 0) until a round no longer improves on the best by 10%, or 10 s have passed. A healthy kernel meets
   * its goal in a round or two; a broken one uses the full 10 s and then fails its check.
   */
  private static double settled(Runnable task, double goalNanos) {
    double best = Double.MAX_VALUE;
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (int round = 0; System.nanoTime() < deadline; round++) {
      long end = System.nanoTime() + 100_000_000L;
      while (System.nanoTime() < end) task.run();
      double t = KernelTiming.cpuNanos(task, 0, 5);
      boolean improved = t < 0.9 * best;
      best = Math.min(best, t);
      if (goalNanos > 0 ? best <= goalNanos : round >= 2 && !improved) break;
    }
    return best;
  }

  private static void line(PrintWriter out, String key, String value) {
    out.printf("%-14s %s%n", key, value);
  }
}
