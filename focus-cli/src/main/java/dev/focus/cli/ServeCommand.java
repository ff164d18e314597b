package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Serve the research-notebook site of the runs. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the research-notebook site of the runs.")
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'serve' is not available in this build yet");
  }
}
