package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Token coordinates of a multimodal layout under a position scheme (spec 04 §8). */
@Command(name = "positions", mixinStandardHelpOptions = true, description = "Token coordinates of a multimodal layout under a position scheme (spec 04 §8).")
public final class PositionsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'positions' is not available in this build yet");
  }
}
