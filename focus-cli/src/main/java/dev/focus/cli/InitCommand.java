package dev.focus.cli;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code focus init --preset NAME [--set k=v …] --seed S --out DIR}: writes a randomly initialised
 * checkpoint (model.safetensors + config.json in the Hugging Face Llama layout).
 */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a randomly initialised checkpoint.")
public final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", required = true, description = "Model preset: micro, tiny or small.")
  String preset;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one config value (repeatable), e.g. --set position=alibi.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "0", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, description = "Checkpoint directory to create (replaced if it exists).")
  Path out;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = Overrides.apply(ModelConfig.preset(preset), sets);
    Model model = new Model(config, seed);
    Checkpoint.save(out, model);
    spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters (%s attention, %s positions)%n", out, preset,
        model.parameterCount(), config.attention().name().toLowerCase(), config.position().name().toLowerCase());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
