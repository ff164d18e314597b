package dev.focus.io;

import java.util.Locale;
import java.util.function.Function;

/**
 * Sizes checked before anything is allocated. A typo such as {@code hidden=1000000000} or
 * {@code --simulate 2000000000} must end in one line naming the value and the limit, not in an
 * {@code OutOfMemoryError} minutes later or a {@code NegativeArraySizeException} from an overflowed
 * {@code int}. Callers estimate the bytes of what they are about to allocate (in {@code long}) and call
 * {@link #require}; the limit is the heap this JVM may use ({@code -Xmx}, {@link Runtime#maxMemory()}).
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /** Most elements a Java array holds (a few below {@code Integer.MAX_VALUE}, as the JDK's own limit). */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** The heap this JVM may use, in bytes. */
  public static long limit() {
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * Throws unless {@code bytes} fit in the heap.
   *
   * @param what what is being allocated, with the values that size it ("--simulate 2000000000 logits")
   * @throws IllegalArgumentException "WHAT needs about X, over the Y this JVM may use ..."
   */
  public static void require(String what, long bytes) {
    require(what, bytes, IllegalArgumentException::new);
  }

  /** As {@link #require(String, long)}, throwing the caller's exception (a checkpoint reader's, say) with the same line. */
  public static <E extends RuntimeException> void require(String what, long bytes, Function<String, E> error) {
    String why = exceeded(bytes);
    if (why != null) throw error.apply(what + " " + why);
  }

  /**
   * Null when {@code bytes} fit in the heap, else why not: "needs about 7.5 GB, over the 3.2 GB this JVM
   * may use; …". Negative {@code bytes} stand for a size that overflowed a long.
   */
  private static String exceeded(long bytes) {
    if (bytes >= 0 && bytes <= limit()) return null;
    return "needs about " + (bytes < 0 ? "more than 8 EB" : format(bytes)) + ", over the " + format(limit())
        + " this JVM may use; choose smaller sizes (or raise the limit with FOCUS_JAVA_OPTS=-Xmx<size>)";
  }

  /** Throws unless one array of {@code n} elements can exist. */
  public static int arrayLength(String what, long n) {
    if (n < 0 || n > MAX_ARRAY) {
      throw new IllegalArgumentException(what + " would hold " + (n < 0 ? "more than 2^63" : String.format(Locale.ROOT, "%,d", n))
          + " elements, over the " + String.format(Locale.ROOT, "%,d", MAX_ARRAY) + " one Java array holds");
    }
    return (int) n;
  }

  /** {@code a × b} for non-negative sizes, saturating at {@code Long.MAX_VALUE}. */
  public static long times(long a, long b) {
    if (a < 0 || b < 0) return Long.MAX_VALUE;
    if (a != 0 && b > Long.MAX_VALUE / a) return Long.MAX_VALUE;
    return a * b;
  }

  /** {@code a + b} for non-negative sizes, saturating at {@code Long.MAX_VALUE}. */
  public static long plus(long a, long b) {
    if (a < 0 || b < 0 || a > Long.MAX_VALUE - b) return Long.MAX_VALUE;
    return a + b;
  }

  /** Bytes as people read them: 512 B, 3.2 MB, 6.0 GB (powers of 1000, as disks and -Xmx docs). */
  public static String format(long bytes) {
    if (bytes < 1000) return bytes + " B";
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }
}
