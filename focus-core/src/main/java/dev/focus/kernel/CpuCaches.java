package dev.focus.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The data caches one CPU sees, as the operating system reports them, and how many logical CPUs
 * share each: the input of {@link SgemmBlocking#derive}. Sizes are in bytes; a level the system does
 * not report is 0.
 *
 * <p>The sharer counts matter on machines whose logical CPUs are hyper-threads: two vCPUs of one
 * core share its L1d and L2, so each thread of a two-thread product can count on half of them
 * (Linux lists the siblings in {@code shared_cpu_list}).
 *
 * @param model the CPU's model name (from {@code /proc/cpuinfo}), or "unknown"
 */
public record CpuCaches(String model, long l1d, int l1dSharers, long l2, int l2Sharers, long l3, int l3Sharers) {
  public CpuCaches {
    if (model == null || model.isBlank()) model = "unknown";
    if (l1d < 0 || l2 < 0 || l3 < 0) {
      throw new IllegalArgumentException("cache sizes must be >= 0: l1d=" + l1d + " l2=" + l2 + " l3=" + l3);
    }
    if (l1dSharers < 1 || l2Sharers < 1 || l3Sharers < 1) {
      throw new IllegalArgumentException("sharer counts must be >= 1: " + l1dSharers + ", " + l2Sharers + ", " + l3Sharers);
    }
  }

  /** The L1d bytes one thread can count on when every sharer runs. */
  public long l1dPerThread() { return l1d / l1dSharers; }

  /** The L2 bytes one thread can count on when every sharer runs. */
  public long l2PerThread() { return l2 / l2Sharers; }

  /** "L1d 32 KiB, L2 1 MiB, L3 32 MiB (shared by 2)", sharers named only where more than one. */
  public String describe() {
    return "L1d " + size(l1d) + shared(l1dSharers) + ", L2 " + size(l2) + shared(l2Sharers)
        + (l3 > 0 ? ", L3 " + size(l3) + shared(l3Sharers) : "");
  }

  private static String shared(int sharers) {
    return sharers > 1 ? " (shared by " + sharers + ")" : "";
  }

  static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) return bytes / (1 << 20) + " MiB";
    if (bytes >= 1 << 20) return String.format("%.2f MiB", bytes / (double) (1 << 20));
    return bytes / 1024 + " KiB";
  }

  /** The caches of cpu0 from {@code /sys} and {@code /proc/cpuinfo}; empty where Linux does not report them. */
  public static Optional<CpuCaches> detect() {
    return read(Path.of("/sys/devices/system/cpu/cpu0/cache"), Path.of("/proc/cpuinfo"));
  }

  /**
   * Reads {@code dir/index*}{@code /{level,type,size,shared_cpu_list}} (the sysfs layout) and the
   * first "model name" of {@code cpuinfo}. Empty when no L1d or L2 is listed or a file is unreadable.
   */
  static Optional<CpuCaches> read(Path dir, Path cpuinfo) {
    long[] size = new long[4];
    int[] sharers = {1, 1, 1, 1};
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path index : (Iterable<Path>) entries.filter(p -> p.getFileName().toString().startsWith("index"))::iterator) {
        String type = text(index.resolve("type"));
        if (!type.equals("Data") && !type.equals("Unified")) continue;
        int level = Integer.parseInt(text(index.resolve("level")));
        if (level < 1 || level > 3) continue;
        size[level] = parseSize(text(index.resolve("size")));
        Path list = index.resolve("shared_cpu_list");
        sharers[level] = Files.isRegularFile(list) ? countCpus(text(list)) : 1;
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (size[1] == 0 || size[2] == 0) return Optional.empty();
    return Optional.of(new CpuCaches(model(cpuinfo), size[1], sharers[1], size[2], sharers[2], size[3], sharers[3]));
  }

  private static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).trim();
  }

  private static String model(Path cpuinfo) {
    try (Stream<String> lines = Files.lines(cpuinfo, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** "32K" → 32768, "1024K" → 1048576, "32M" → 33554432, "512" → 512 (sysfs writes K). */
  static long parseSize(String s) {
    String t = s.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K")) unit = 1L << 10;
    if (t.endsWith("M")) unit = 1L << 20;
    if (t.endsWith("G")) unit = 1L << 30;
    if (unit > 1) t = t.substring(0, t.length() - 1);
    long v = Long.parseLong(t.trim());
    if (v < 0) throw new NumberFormatException("negative cache size " + s);
    return v * unit;
  }

  /** Number of CPUs in a list like "0", "0-1", "0,2", "0-3,8-11". */
  static int countCpus(String list) {
    int n = 0;
    for (String part : list.trim().split(",")) {
      if (part.isBlank()) continue;
      int dash = part.indexOf('-');
      if (dash < 0) {
        Integer.parseInt(part.trim());
        n++;
      } else {
        int lo = Integer.parseInt(part.substring(0, dash).trim()), hi = Integer.parseInt(part.substring(dash + 1).trim());
        if (hi < lo) throw new NumberFormatException("bad CPU range " + part);
        n += hi - lo + 1;
      }
    }
    return Math.max(1, n);
  }
}
