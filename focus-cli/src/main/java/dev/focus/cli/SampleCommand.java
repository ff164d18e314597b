package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Sample text from a checkpoint. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample text from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'sample' is not available in this build yet");
  }
}
