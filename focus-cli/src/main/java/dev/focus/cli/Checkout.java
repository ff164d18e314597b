package dev.focus.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Files of the Focus checkout a command runs from (the benchmarks' Python scripts), found without configuration. */
final class Checkout {
  private Checkout() {}

  /**
   * {@code relative} (e.g. {@code scripts/bench_kernels.py}) under the working directory or under a
   * folder above the CLI jar or above the working directory, in that order; null when none has it.
   */
  static Path find(String relative) {
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve(relative))) return Path.of(relative);
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (Exception e) {
      // no code source (an unusual class loader): the working directory's folders are searched still
    }
    starts.add(cwd);
    for (Path start : starts) {
      for (Path d = start; d != null; d = d.getParent()) {
        Path f = d.resolve(relative);
        if (Files.isRegularFile(f)) return f;
      }
    }
    return null;
  }
}
