package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Rotate one vector by a (multi-axis) RoPE at given coordinates (spec 04 §8). */
@Command(name = "rope", mixinStandardHelpOptions = true, description = "Rotate one vector by a (multi-axis) RoPE at given coordinates (spec 04 §8).")
public final class RopeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'rope' is not available in this build yet");
  }
}
