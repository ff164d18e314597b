package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Generate images from a multimodal checkpoint. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate images from a multimodal checkpoint.")
public final class GenerateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'generate' is not available in this build yet");
  }
}
