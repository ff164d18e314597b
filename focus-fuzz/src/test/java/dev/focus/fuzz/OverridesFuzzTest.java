package dev.focus.fuzz;

import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code --set key=value} parser ({@link Overrides#apply}) on arbitrary lines, each line one
 * assignment, on top of every preset; a config that validates must then pass or fail the size check
 * ({@link Model#requireMemory}) in one line.
 */
class OverridesFuzzTest extends FuzzTarget {
  @Override
  void accept(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    List<String> lines = Arrays.asList(text.split("\n", 16));
    String preset = ModelConfig.presetNames().get(Math.floorMod(text.length(), ModelConfig.presetNames().size()));
    ModelConfig c = Overrides.apply(ModelConfig.preset(preset), lines);
    Model.requireMemory(c);
    Overrides.apply(c, Overrides.describe(c)); // what describe writes, apply reads back
  }

  @Override
  List<byte[]> seeds() {
    return List.of("hidden=64\nheads=4", "position=mrope\nmropeSections=1,1,2", "ropeScaling=yarn:factor=4,original=64",
            "attention=linear\nlinearFeature=elu_plus_1\nlinearForm=chunked\nlinearChunk=16", "linearDecay=0.9\nattention=linear",
            "vocab=1000\ncontext=512\nnorm=layernorm\nbias=true\nmlp=gelu", "logitScale=2.5\nheadScale=true",
            "ropeScaling=llama3:factor=8,low=1,high=4,original=32", "kvHeads=1\ntieEmbeddings=true\ninitStd=0.1")
        .stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
