package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Run the experiments and publish them as a research-notebook site. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Run the experiments and publish them as a research-notebook site.")
public final class LabCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'lab' is not available in this build yet");
  }
}
