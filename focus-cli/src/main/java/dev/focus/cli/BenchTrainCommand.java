package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Training throughput, Focus vs PyTorch. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Training throughput, Focus vs PyTorch.")
public final class BenchTrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'train' is not available in this build yet");
  }
}
