package dev.focus.fuzz;

import com.sun.management.ThreadMXBean;
import dev.focus.io.Text;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.NoSuchFileException;

/**
 * The invariant every reader of untrusted input keeps, whatever the bytes: it returns, or throws the
 * project's own one-line exception, within a time and a memory bound. Anything else is a finding:
 *
 * <ul>
 *   <li>another exception ({@code NullPointerException}, {@code NumberFormatException},
 *       {@code ArrayIndexOutOfBoundsException}, {@code OutOfMemoryError}, a stack overflow ...);
 *   <li>a message that is not one printable line (raw bytes echoed: NUL, line breaks, escapes) or is
 *       longer than {@link #MAX_MESSAGE} characters;
 *   <li>more than {@link #MAX_MILLIS} ms, or more than {@link #allocationBound} bytes allocated.
 * </ul>
 *
 * <p>The project's exceptions: {@link IllegalArgumentException} itself and its subclasses in
 * {@code dev.focus} (such as {@code CheckpointException}), and, for readers of directories, a plain
 * {@link IOException} or {@link NoSuchFileException} (a file the input left out).
 */
final class Contract {
  private Contract() {}

  /** Longest message accepted. */
  static final int MAX_MESSAGE = 1000;
  /** Slowest input accepted, generous for a loaded two-core machine (fuzzing adds libFuzzer's -timeout). */
  static final long MAX_MILLIS = 5_000;

  private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** The body of a fuzz target. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** Bytes an input of {@code n} bytes may allocate: 64 MiB plus 4 KiB per input byte. */
  static long allocationBound(int n) {
    return (64L << 20) + 4096L * n;
  }

  /** Runs {@code body} on an input of {@code size} bytes and checks the invariant. */
  static void holds(int size, Body body) {
    long a0 = MX.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
    try {
      body.run();
    } catch (Throwable t) {
      if (!isProjectException(t)) throw new AssertionError("not a one-line project exception: " + describe(t), t);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000, bytes = MX.getCurrentThreadAllocatedBytes() - a0;
    if (ms > MAX_MILLIS) throw new AssertionError("took " + ms + " ms for an input of " + size + " bytes");
    if (bytes > allocationBound(size)) {
      throw new AssertionError("allocated " + bytes + " bytes for an input of " + size + " bytes (bound " + allocationBound(size) + ")");
    }
  }

  static boolean isProjectException(Throwable t) {
    boolean ours = t.getClass() == IllegalArgumentException.class
        || (t instanceof IllegalArgumentException && t.getClass().getName().startsWith("dev.focus."))
        || t.getClass() == IOException.class || t instanceof NoSuchFileException;
    String m = t.getMessage();
    return ours && Text.isOneLine(m) && m.length() <= MAX_MESSAGE;
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + ": " + Text.quote(String.valueOf(t.getMessage()), 300);
  }
}
