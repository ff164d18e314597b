package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Write the research-notebook site as static files. */
@Command(name = "site", mixinStandardHelpOptions = true, description = "Write the research-notebook site as static files.")
public final class SiteCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'site' is not available in this build yet");
  }
}
