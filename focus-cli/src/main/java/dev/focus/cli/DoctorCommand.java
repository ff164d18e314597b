package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Check the JDK, the Vector API, threads and kernel speed. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check the JDK, the Vector API, threads and kernel speed.")
public final class DoctorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'doctor' is not available in this build yet");
  }
}
