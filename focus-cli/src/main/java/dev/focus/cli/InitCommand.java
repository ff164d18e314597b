package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Write a randomly initialised checkpoint. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a randomly initialised checkpoint.")
public final class InitCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'init' is not available in this build yet");
  }
}
