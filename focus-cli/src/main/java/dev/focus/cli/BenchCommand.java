package dev.focus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Side-by-side benchmarks: Focus and the reference (numpy/OpenBLAS, PyTorch) in one run, with ratios. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that run Focus and its reference side by side and print ratios.",
    subcommands = {BenchKernelsCommand.class, BenchAttentionCommand.class, BenchTrainCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
