package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Render Markdown with math to an HTML fragment. */
@Command(name = "md", mixinStandardHelpOptions = true, description = "Render Markdown with math to an HTML fragment.")
public final class MdCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'md' is not available in this build yet");
  }
}
