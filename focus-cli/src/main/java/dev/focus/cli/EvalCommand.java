package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Loss and perplexity of a checkpoint on a split at chosen context lengths. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Loss and perplexity of a checkpoint on a split at chosen context lengths.")
public final class EvalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'eval' is not available in this build yet");
  }
}
