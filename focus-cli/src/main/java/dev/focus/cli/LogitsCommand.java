package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Print a checkpoint's logits for a token sequence as JSON [T][V]. */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Print a checkpoint's logits for a token sequence as JSON [T][V].")
public final class LogitsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'logits' is not available in this build yet");
  }
}
