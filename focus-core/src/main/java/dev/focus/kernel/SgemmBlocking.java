package dev.focus.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cache blocking of the vector SGEMM ({@link Sgemm}): how deep a depth block is, how many rows of
 * A and columns of B one block holds, and when a product is small enough to skip packing. Chosen once
 * per JVM from the cache sizes the machine reports ({@link #derive}), with {@code -Dfocus.sgemm.*}
 * overrides ({@link #withOverrides}); {@code focus bench kernels} and {@code focus doctor} print it.
 *
 * <p>Legend: MR × NR is the register tile (6 rows × two vectors); a KC-deep sliver of B of NR columns
 * (the micro-panel) is reused by every MR-row tile of an MC-row block of A, and a KC × NC block of B
 * is packed once and shared by all threads (Goto &amp; van de Geijn 2008, §4–6).
 *
 * <p><b>kc sets the numbers.</b> Each element of C is summed in depth blocks of kc terms (one chain of
 * fused multiply-adds per block, then the block added to C), so a different kc rounds differently and
 * training moves by a few ulps. mc and nc only decide which tile is computed when and may change
 * freely. The small-product threshold also changes the order (small products use other loops), which
 * is why it is a fixed constant, not derived from the caches.
 *
 * @param kc     depth of one block: the terms summed in one chain of fused multiply-adds
 * @param mc     rows of one A block, a multiple of {@link #MR}
 * @param nc     columns of one packed B block, a multiple of NR = 2 vectors
 * @param small  products with at most this many multiply-adds (M·K·N) skip packing
 * @param reason how the values were chosen, one line per source, for diagnostics
 */
public record SgemmBlocking(int kc, int mc, int nc, long small, List<String> reason) {
  /** Rows of the register tile. */
  public static final int MR = 6;
  /** Default small-product threshold, 32³ multiply-adds (fixed: it changes the summation order). */
  public static final long SMALL = 32L * 32 * 32;
  /** Blocking used when the caches are unknown: the values measured best on a 32 KiB L1d / 1 MiB L2 core. */
  static final int KC_DEFAULT = 256, MC_DEFAULT = 120;
  /** kc never below this: every product of depth at most 128 (the lab's micro models) sums the same way on every CPU. */
  static final int KC_MIN = 128;
  static final int KC_MAX = 256;

  public SgemmBlocking {
    reason = List.copyOf(reason);
  }

  /** NR = two vectors of {@code lanes} floats. */
  public static int nr(int lanes) {
    return 2 * lanes;
  }

  /**
   * The blocking for a CPU with these caches and {@code lanes}-float vectors (each thread's share of
   * a cache counts; hyper-threads that share a core get half each):
   * <ul>
   *   <li>kc: the KC × NR micro-panel of B fits the L1d share, kc = L1d / (4 bytes · NR) rounded
   *       down to a multiple of 16, at most 256 and at least 128. The MR-row slivers of A stream past
   *       it from L2. Deeper blocks gain nothing: kc only amortises the load and store of the C tile
   *       (12 vectors per kc·12 multiply-adds, under 0.5 % at 256), and beyond the L1d the micro-panel
   *       is evicted by the slivers. (32 KiB and 16 lanes: 256; 24 KiB, a hyper-thread's half of
   *       48 KiB: 192.)</li>
   *   <li>mc: the MC × KC block of A takes an eighth of the L2 share (the rest holds the B panel being
   *       streamed in and C), rounded down to a multiple of MR. (1 MiB, kc 256: 126.)</li>
   *   <li>nc: the KC × NC packed block of B takes an eighth of the L3 (a quarter of the L2 share when
   *       there is no L3), rounded down to a multiple of NR and at most 4096.</li>
   * </ul>
   */
  public static SgemmBlocking derive(CpuCaches caches, int lanes) {
    if (lanes < 1) throw new IllegalArgumentException("lanes=" + lanes + " must be >= 1");
    int nr = nr(lanes);
    long l1 = caches.l1dPerThread(), l2 = caches.l2PerThread();
    long kcFit = l1 / (4L * nr) / 16 * 16;
    int kc = (int) clamp(kcFit, KC_MIN, KC_MAX);
    int mc = (int) clamp(l2 / 8 / (4L * kc) / MR * MR, 4 * MR, 4096 / MR * MR);
    long bBytes = caches.l3() > 0 ? caches.l3() / 8 : l2 / 4;
    long ncFit = bBytes / (4L * kc) / nr * nr;
    int nc = (int) clamp(ncFit, 8L * nr, 4096 / nr * nr);
    String thread = caches.l1dSharers() > 1 || caches.l2Sharers() > 1 ? "one thread's " : "the ";
    List<String> why = List.of(
        "caches of " + caches.model() + ": " + caches.describe(),
        String.format("kc %d: the %d×%d micro-panel of B (%s) fits %sL1d (%s)%s", kc, kc, nr,
            CpuCaches.size(4L * kc * nr), thread, CpuCaches.size(l1),
            kcFit > KC_MAX ? ", at most " + KC_MAX : kcFit < KC_MIN ? ", at least " + KC_MIN : ""),
        String.format("mc %d: the %d×%d block of A (%s) takes an eighth of %sL2 (%s)", mc, mc, kc,
            CpuCaches.size(4L * mc * kc), thread, CpuCaches.size(l2)),
        String.format("nc %d: the %d×%d packed block of B (%s) takes an eighth of the %s%s", nc, kc, nc,
            CpuCaches.size(4L * kc * nc), caches.l3() > 0 ? "L3 (" + CpuCaches.size(caches.l3()) + ")"
                : "L2 times two (no L3 reported)", ncFit > nc ? ", at most " + nc : ""));
    return new SgemmBlocking(kc, mc, nc, SMALL, why);
  }

  /** The blocking when the caches are unknown (no {@code /sys}): the values of a 32 KiB L1d / 1 MiB L2 core. */
  public static SgemmBlocking fallback(int lanes) {
    int nr = nr(lanes);
    return new SgemmBlocking(KC_DEFAULT, MC_DEFAULT, 4096 / nr * nr, SMALL,
        List.of("caches not reported by the system: built-in kc " + KC_DEFAULT + ", mc " + MC_DEFAULT));
  }

  /** The override properties, in the order they are applied. */
  public static final List<String> PROPERTIES =
      List.of("focus.sgemm.kc", "focus.sgemm.mc", "focus.sgemm.nc", "focus.sgemm.small");

  /**
   * This blocking with the {@code focus.sgemm.*} values present in {@code props} (a property name →
   * value lookup, normally {@link System#getProperty}). A bad value is an
   * {@link IllegalArgumentException} whose message names the property, the value and the rule.
   */
  public SgemmBlocking withOverrides(Function<String, String> props, int lanes) {
    int nr = nr(lanes);
    int k = kc, m = mc, n = nc;
    long s = small;
    List<String> applied = new ArrayList<>();
    String v;
    if ((v = props.apply("focus.sgemm.kc")) != null) {
      k = (int) parse("focus.sgemm.kc", v, 16, 4096, 1, "");
      applied.add("kc=" + k);
    }
    if ((v = props.apply("focus.sgemm.mc")) != null) {
      m = (int) parse("focus.sgemm.mc", v, MR, 1 << 16, MR, " (MR, the rows of the register tile)");
      applied.add("mc=" + m);
    }
    if ((v = props.apply("focus.sgemm.nc")) != null) {
      n = (int) parse("focus.sgemm.nc", v, nr, 1 << 20, nr, " (NR, two " + lanes * 32 + "-bit vectors)");
      applied.add("nc=" + n);
    }
    if ((v = props.apply("focus.sgemm.small")) != null) {
      s = parse("focus.sgemm.small", v, 0, 1L << 40, 1, "");
      applied.add("small=" + s);
    }
    if (applied.isEmpty()) return this;
    List<String> why = new ArrayList<>(reason);
    why.add("overridden by -Dfocus.sgemm." + String.join(" -Dfocus.sgemm.", applied));
    return new SgemmBlocking(k, m, n, s, why);
  }

  private static long parse(String name, String value, long lo, long hi, int multiple, String unit) {
    long x;
    try {
      x = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not an integer");
    }
    if (x < lo || x > hi) throw new IllegalArgumentException(name + "=" + value + " must be in " + lo + ".." + hi);
    if (x % multiple != 0) {
      throw new IllegalArgumentException(name + "=" + value + " must be a multiple of " + multiple + unit);
    }
    return x;
  }

  /** The blocking for this machine: derived from its caches (or the fallback), then the overrides. */
  public static SgemmBlocking forMachine(Optional<CpuCaches> caches, int lanes, Function<String, String> props) {
    SgemmBlocking base = caches.map(c -> derive(c, lanes)).orElseGet(() -> fallback(lanes));
    return base.withOverrides(props, lanes);
  }

  /** Where the values came from in one line: the caches (or their absence), then any overrides. */
  public String source() {
    String last = reason.isEmpty() ? "" : reason.get(reason.size() - 1);
    String first = reason.isEmpty() ? "given" : reason.get(0);
    return reason.size() > 1 && last.startsWith("overridden") ? first + "; " + last : first;
  }

  /** "kc 256, mc 126, nc 4096, small 32768". */
  public String summary() {
    return "kc " + kc + ", mc " + mc + ", nc " + nc + ", small " + small;
  }

  private static long clamp(long x, long lo, long hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  // ---------------------------------------------------------------- the blocking in use

  private static volatile SgemmBlocking active;

  /**
   * The blocking the vector SGEMM uses in this JVM, resolved on first use from this machine's caches,
   * the vector width and the {@code focus.sgemm.*} system properties. Throws an
   * {@link IllegalArgumentException} (every call, until fixed) when a property is bad.
   */
  public static SgemmBlocking active(int lanes) {
    SgemmBlocking b = active;
    if (b == null) {
      synchronized (SgemmBlocking.class) {
        b = active;
        if (b == null) active = b = forMachine(CpuCaches.detect(), lanes, System::getProperty);
      }
    }
    return b;
  }

  /** The blocking of the active kernel set, or empty under the scalar twin (which does not block). */
  public static Optional<SgemmBlocking> ofActiveKernels() {
    int bits = Kernels.get().vectorBits();
    return bits == 0 ? Optional.empty() : Optional.of(active(bits / 32));
  }

  /** Property name → value maps as a lookup (tests). */
  static Function<String, String> props(Map<String, String> m) {
    return m::get;
  }
}
