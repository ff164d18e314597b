package dev.focus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** SGEMM GFLOP/s, Focus vs numpy (OpenBLAS). */
@Command(name = "kernels", mixinStandardHelpOptions = true, description = "SGEMM GFLOP/s, Focus vs numpy (OpenBLAS).")
public final class BenchKernelsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new Main.UserException("'kernels' is not available in this build yet");
  }
}
