package dev.focus.kernel;

import dev.focus.io.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cache blocking of the vector SGEMM ({@link Sgemm}): how many terms one chain of fused
 * multiply-adds sums, how deep a packed block is, how many rows of A and columns of B one block holds,
 * and when a product is small enough to skip packing. Chosen once per JVM from the cache sizes the
 * machine reports ({@link #derive}), with {@code -Dfocus.sgemm.*} overrides ({@link #withOverrides});
 * {@code focus bench kernels} and {@code focus doctor} print it.
 *
 * <p>Legend: MR × NR is the register tile (two vectors wide; 8 rows on 16-float vectors, else 6).
 * A KP × NC block of op(B) is packed once and shared by all threads; each thread takes MC rows of A
 * at a time; the KP × NR micro-panel of B is reused by every MR-row tile of those rows (Goto &amp;
 * van de Geijn 2008, §4–6). A tile sums its KP terms in chains of KC: KC fused multiply-adds from
 * zero, then the chain is added to C.
 *
 * <p><b>kc sets the numbers.</b> Each element of C is (…((C + chain₁) + chain₂) + …) over chains of kc
 * terms, so a different kc rounds differently and training moves by a few ulps. kp, mc and nc only
 * decide which tile is computed when and may change freely: a tile runs its kp/kc chains back to
 * back, in the same order. The small-product threshold also changes the order (small products use
 * other loops), which is why it is a fixed constant, not derived from the caches.
 *
 * @param kc     terms summed in one chain of fused multiply-adds (sets the rounding)
 * @param kp     depth of one packed block of B, a multiple of kc
 * @param mc     rows of one A block (the driver rounds blocks up to whole register tiles; derived and
 *               overridden values are multiples of {@link #mr})
 * @param nc     columns of one packed B block, a multiple of NR = 2 vectors
 * @param small  products with at most this many multiply-adds (M·K·N) skip packing
 * @param reason how the values were chosen, one line per source, for diagnostics
 */
public record SgemmBlocking(int kc, int kp, int mc, int nc, long small, List<String> reason) {
  /**
   * Rows of the register tile for vectors of {@code lanes} floats: 8 where the vectors are 16 floats
   * (AVX-512, 32 registers hold 16 accumulators), else 6 (AVX2's 16 registers hold 12). See
   * {@link SgemmMicro}.
   */
  public static int mr(int lanes) {
    return lanes >= 16 ? 8 : 6;
  }
  /** Default small-product threshold, 32³ multiply-adds (fixed: it changes the summation order). */
  public static final long SMALL = 32L * 32 * 32;
  /** kc never below this: every product of depth at most 128 (the lab's micro models) sums the same way on every CPU. */
  static final int KC_MIN = 128;
  /** kc never above this, the depth the checked-in training tables were written with. */
  static final int KC_MAX = 256;
  /** kp at most this many chains of kc. */
  static final int KP_CHAINS_MAX = 8;
  /** nc at most this many columns. */
  static final int NC_MAX = 4096;

  public SgemmBlocking {
    if (kc < 1 || kp < kc || kp % kc != 0 || mc < 1 || nc < 1 || small < 0) {
      throw new IllegalArgumentException("blocking kc=" + kc + " kp=" + kp + " mc=" + mc + " nc=" + nc + " small="
          + small + ": need kc >= 1, kp a multiple of kc, mc >= 1, nc >= 1, small >= 0");
    }
    reason = List.copyOf(reason);
  }

  /** NR = two vectors of {@code lanes} floats. */
  public static int nr(int lanes) {
    return 2 * lanes;
  }

  /**
   * The blocking for a CPU with these caches and {@code lanes}-float vectors. Each thread's share of a
   * cache counts (hyper-threads that share a core get half each), so a smaller cache gives smaller
   * blocks:
   * <ul>
   *   <li>kc: a kc × NR micro-panel of B fits the L1d share, kc = L1d / (4 bytes · NR) rounded down
   *       to a multiple of 16, in [128, 256]. Longer chains gain nothing here (the C tile is loaded
   *       and stored once per kp, not per kc), and 256 is the depth the checked-in training tables
   *       were written with. (32 KiB L1d, 16 lanes: 256; a hyper-thread's 24 KiB: 192.)</li>
   *   <li>kp: where the kc × NR micro-panel of B takes at most three quarters of the L1d share, kp =
   *       kc and the micro-panel stays in L1 for every tile that reuses it, the streamed rows of A and
   *       the C tile fitting beside it (48 KiB L1d, 16 lanes: 256). Otherwise the micro-panel cannot
   *       stay in L1 anyway and each tile streams it from L2; then it takes an eighth of the L2 share,
   *       kp = L2 / 8 / (4 · NR), rounded down to a multiple of kc, in [kc, 8·kc]: every packed block
   *       ends with the C tiles going out to L3 and coming back for the next block, so deeper blocks
   *       save that trip. (32 KiB L1d, 1 MiB L2: 1024.) Measured on an Intel Xeon (48 KiB L1d, 2 MiB
   *       L2), kp = kc against 2048 gave the square and training products +8 % (geometric mean, one
   *       thread, paired runs); on a Zen 4 core (32 KiB L1d) kp = kc had cost 10–15 % at 1024³.</li>
   *   <li>mc: the mc × kp block of A takes half the L2 share when the micro-panel streams from L2
   *       (1 MiB, kp 1024: 128) and an eighth when it stays in L1 (2 MiB, kp 256: 256; on the Xeon mc
   *       60–252 timed alike and 510 / 1020 lost 1 % / 3 %), rounded down to a multiple of MR.</li>
   *   <li>nc: the kp × nc packed block of B takes a quarter of the L3 (half the L2 share when no L3
   *       is reported), rounded down to a multiple of NR, at most 4096. (32 MiB, kp 1024: 2048.)</li>
   * </ul>
   */
  public static SgemmBlocking derive(CpuCaches caches, int lanes) {
    if (lanes < 1) throw new IllegalArgumentException("lanes=" + lanes + " must be >= 1");
    int nr = nr(lanes);
    long l1 = caches.l1dPerThread(), l2 = caches.l2PerThread();
    long kcFit = l1 / (4L * nr) / 16 * 16;
    int kc = (int) clamp(kcFit, KC_MIN, KC_MAX);
    boolean panelInL1 = 4L * kc * nr <= l1 * 3 / 4;
    long kpFit = panelInL1 ? kc : l2 / 8 / (4L * nr) / kc * kc;
    int kp = (int) clamp(kpFit, kc, (long) KP_CHAINS_MAX * kc);
    int mr = mr(lanes);
    int mc = (int) clamp(l2 / (panelInL1 ? 8 : 2) / (4L * kp) / mr * mr, 4 * mr, 4096 / mr * mr);
    long bBytes = caches.l3() > 0 ? caches.l3() / 4 : l2 / 2;
    long ncFit = bBytes / (4L * kp) / nr * nr;
    int nc = (int) clamp(ncFit, 8L * nr, NC_MAX / nr * nr);
    String thread = caches.l1dSharers() > 1 || caches.l2Sharers() > 1 ? "one thread's " : "the ";
    List<String> why = List.of(
        "caches of " + caches.model() + ": " + caches.describe(),
        String.format("kc %d: a %d×%d micro-panel of B (%s) fits %sL1d (%s)%s", kc, kc, nr,
            CpuCaches.size(4L * kc * nr), thread, CpuCaches.size(l1),
            kcFit > KC_MAX ? ", at most " + KC_MAX : kcFit < KC_MIN ? ", at least " + KC_MIN : ""),
        panelInL1
            ? String.format("kp %d = kc: the %d×%d micro-panel of B (%s) takes at most three quarters of %sL1d (%s) and stays there",
                kp, kp, nr, CpuCaches.size(4L * kp * nr), thread, CpuCaches.size(l1))
            : String.format("kp %d: a %d×%d micro-panel of B (%s) fits an eighth of %sL2 (%s)%s", kp, kp, nr,
                CpuCaches.size(4L * kp * nr), thread, CpuCaches.size(l2),
                kpFit > kp ? ", at most " + KP_CHAINS_MAX + "·kc" : kpFit < kc ? ", at least kc" : ""),
        String.format("mc %d: a %d×%d block of A (%s) fits %s of %sL2", mc, mc, kp,
            CpuCaches.size(4L * mc * kp), panelInL1 ? "an eighth" : "half", thread),
        String.format("nc %d: a %d×%d packed block of B (%s) fits %s%s", nc, kp, nc, CpuCaches.size(4L * kp * nc),
            caches.l3() > 0 ? "a quarter of the L3 (" + CpuCaches.size(caches.l3()) + ")"
                : "half of " + thread + "L2 (no L3 reported)", ncFit > nc ? ", at most " + nc : ""));
    return new SgemmBlocking(kc, kp, mc, nc, SMALL, why);
  }

  /** The caches of one core of the CPU the built-in fallback was measured on (2 vCPUs of an AMD EPYC, Zen 4). */
  static final CpuCaches FALLBACK_CACHES = new CpuCaches("AMD EPYC (built in)", 32 << 10, 1, 1 << 20, 1, 32 << 20, 2);

  /** The blocking when the caches are unknown (no {@code /sys}): what {@link #derive} gives for a Zen 4 core. */
  public static SgemmBlocking fallback(int lanes) {
    SgemmBlocking b = derive(FALLBACK_CACHES, lanes);
    List<String> why = new ArrayList<>(b.reason());
    why.set(0, "caches not reported by the system: assuming " + FALLBACK_CACHES.describe());
    return new SgemmBlocking(b.kc(), b.kp(), b.mc(), b.nc(), b.small(), why);
  }

  /** The override properties. */
  public static final List<String> PROPERTIES =
      List.of("focus.sgemm.kc", "focus.sgemm.kp", "focus.sgemm.mc", "focus.sgemm.nc", "focus.sgemm.small");

  /**
   * This blocking with the {@code focus.sgemm.*} values present in {@code props} (a property name →
   * value lookup, normally {@link System#getProperty}). A bad value is an
   * {@link IllegalArgumentException} whose one-line message names the property, the value and the rule
   * (in the words of {@link KernelProperties}).
   * When only kc is given, kp is rounded down to a multiple of it (at least kc).
   */
  public SgemmBlocking withOverrides(Function<String, String> props, int lanes) {
    int nr = nr(lanes);
    int k = kc, p = kp, m = mc, n = nc;
    long s = small;
    List<String> applied = new ArrayList<>();
    String v;
    if ((v = props.apply("focus.sgemm.kc")) != null) {
      k = (int) parse("focus.sgemm.kc", v, 16, 4096, 1, "");
      applied.add("kc=" + k);
    }
    if ((v = props.apply("focus.sgemm.kp")) != null) {
      p = (int) parse("focus.sgemm.kp", v, k, 1 << 16, k, " (kc)");
      applied.add("kp=" + p);
    } else if (p % k != 0 || p < k) {
      p = Math.max(k, p / k * k);
    }
    if ((v = props.apply("focus.sgemm.mc")) != null) {
      m = (int) parse("focus.sgemm.mc", v, mr(lanes), 1 << 16, mr(lanes), " (MR, the rows of the register tile)");
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
    why.add("overridden by -Dfocus.sgemm." + String.join(" -Dfocus.sgemm.", applied)
        + (p != kp && props.apply("focus.sgemm.kp") == null ? " (kp " + p + ": a multiple of kc)" : ""));
    return new SgemmBlocking(k, p, m, n, s, why);
  }

  /** The value of property {@code name}, an integer in [lo, hi] and a multiple of {@code multiple}; else one line. */
  private static long parse(String name, String value, long lo, long hi, int multiple, String unit) {
    long x;
    try {
      x = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + "=" + Text.quote(value) + " is not an integer (give " + lo + ".." + hi + ")");
    }
    if (x < lo || x > hi) throw new IllegalArgumentException("-D" + name + "=" + x + " must be in " + lo + ".." + hi);
    if (x % multiple != 0) {
      throw new IllegalArgumentException("-D" + name + "=" + x + " must be a multiple of " + multiple + unit);
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

  /** "kc 256, kp 1024, mc 128, nc 2048, small 32768". */
  public String summary() {
    return "kc " + kc + ", kp " + kp + ", mc " + mc + ", nc " + nc + ", small " + small;
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
