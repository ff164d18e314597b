package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Attention speed and memory, Focus vs PyTorch. */
@Command(name = "attention", mixinStandardHelpOptions = true, description = "Attention speed and memory, Focus vs PyTorch.")
public final class BenchAttentionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'attention' is not available in this build yet");
  }
}
