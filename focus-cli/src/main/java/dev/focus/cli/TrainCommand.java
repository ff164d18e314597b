package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Train a model on a dataset. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model on a dataset.")
public final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'train' is not available in this build yet");
  }
}
