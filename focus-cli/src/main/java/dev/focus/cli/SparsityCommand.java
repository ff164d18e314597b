package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Closed-form attention sparsity S and its Monte Carlo estimate (spec 01). */
@Command(name = "sparsity", mixinStandardHelpOptions = true, description = "Closed-form attention sparsity S and its Monte Carlo estimate (spec 01).")
public final class SparsityCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'sparsity' is not available in this build yet");
  }
}
