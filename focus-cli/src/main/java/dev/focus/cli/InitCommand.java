package dev.focus.cli;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus init --preset NAME [--set k=v …] --seed S --out DIR}: writes a randomly initialised
 * checkpoint (model.safetensors + config.json in the Hugging Face Llama layout).
 */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a randomly initialised checkpoint.")
public final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Model model;

  @Option(names = "--out", required = true, description = "Checkpoint directory: new, empty, or an earlier checkpoint (which is replaced).") Path out;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = model.config(Map.of());
    Model m = new Model(config, model.seed);
    Checkpoint.save(out, m);
    spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters (%s attention, %s positions)%n", out, model.preset,
        m.parameterCount(), config.attention().name().toLowerCase(), config.position().kind());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
