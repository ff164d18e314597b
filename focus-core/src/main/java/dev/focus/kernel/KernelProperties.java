package dev.focus.kernel;

import java.util.Locale;

/**
 * The system properties that tune the kernels, parsed and validated in one place: {@code focus.threads},
 * {@code focus.kernels} and {@code focus.spinMicros}. Each bad value is one line naming the property,
 * the value and the rule. The CLI calls {@link #validate()} before any kernel class loads, so a typo is
 * an error message rather than an {@code ExceptionInInitializerError}.
 */
public final class KernelProperties {
  private KernelProperties() {}

  /** Most threads per available processor: beyond this, threads only add switching and memory. */
  public static final int MAX_THREADS_PER_CORE = 4;

  /** Largest {@code focus.spinMicros} (one second): longer spins only burn a core. */
  public static final long MAX_SPIN_MICROS = 1_000_000;

  /** Checks every property now. */
  public static void validate() {
    threads();
    kernels();
    spinMicros();
  }

  /** The thread cap: {@link #MAX_THREADS_PER_CORE} × available processors. */
  public static int maxThreads() {
    return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
  }

  /** {@code -Dfocus.threads}, default the available processors. */
  public static int threads() {
    String p = System.getProperty("focus.threads");
    if (p == null) return Runtime.getRuntime().availableProcessors();
    int n;
    try {
      n = Integer.parseInt(p.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-Dfocus.threads=" + dev.focus.io.Text.quote(p) + " is not an integer (give 1.." + maxThreads() + ")");
    }
    return checkThreads(n, "-Dfocus.threads");
  }

  /** Checks a thread count against 1 and the cap. */
  public static int checkThreads(int n, String what) {
    if (n < 1 || n > maxThreads()) {
      throw new IllegalArgumentException(what + "=" + n + " must be in 1.." + maxThreads() + " (" + MAX_THREADS_PER_CORE + " × "
          + Runtime.getRuntime().availableProcessors() + " available processors)");
    }
    return n;
  }

  /** {@code -Dfocus.kernels}: auto (default), vector or scalar. */
  public static String kernels() {
    String mode = System.getProperty("focus.kernels", "auto").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("vector") && !mode.equals("scalar")) {
      throw new IllegalArgumentException("-Dfocus.kernels=" + dev.focus.io.Text.quote(System.getProperty("focus.kernels"))
          + " must be auto, vector or scalar");
    }
    return mode;
  }

  /** {@code -Dfocus.spinMicros}, default 200, in nanoseconds. */
  public static long spinNanos() {
    return spinMicros() * 1_000L;
  }

  private static long spinMicros() {
    String p = System.getProperty("focus.spinMicros");
    if (p == null) return 200;
    long us;
    try {
      us = Long.parseLong(p.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-Dfocus.spinMicros=" + dev.focus.io.Text.quote(p) + " is not an integer (give 0.." + MAX_SPIN_MICROS + ")");
    }
    if (us < 0 || us > MAX_SPIN_MICROS) {
      throw new IllegalArgumentException("-Dfocus.spinMicros=" + us + " must be in 0.." + MAX_SPIN_MICROS + " microseconds");
    }
    return us;
  }
}
