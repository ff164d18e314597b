package dev.focus.checkpoint;

import java.util.Locale;

/**
 * Sizes checked before allocating: a file or configuration that asks for more memory than this JVM
 * can still give fails with one line naming the value and the limit, instead of an
 * {@link OutOfMemoryError} (or a {@link NegativeArraySizeException} once an int overflows).
 */
public final class MemoryLimit {
  private MemoryLimit() {}

  /** Bytes this JVM may still allocate: its maximum heap (-Xmx) less what is in use now. */
  public static long available() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Null when {@code bytes} fit in {@link #available}, else "needs about 7.5 GiB, more than the 2.9 GiB
   * this JVM can still allocate (-Xmx)". Negative {@code bytes} mean a size that overflowed a long.
   */
  public static String exceeded(long bytes) {
    long free = available();
    if (bytes >= 0 && bytes <= free) return null;
    return "needs about " + (bytes < 0 ? "more than 8 EiB" : human(bytes)) + ", more than the " + human(free)
        + " this JVM can still allocate (-Xmx)";
  }

  /** Throws {@link CheckpointException} "{@code what} needs about …" when {@code bytes} do not fit. */
  public static void require(String what, long bytes) {
    String why = exceeded(bytes);
    if (why != null) throw new CheckpointException(what + " " + why);
  }

  /** a·b, or −1 when the product overflows a long (so that a check fails instead of wrapping). */
  public static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  static String human(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
