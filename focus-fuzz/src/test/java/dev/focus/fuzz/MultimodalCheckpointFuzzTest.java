package dev.focus.fuzz;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.multimodal.MultimodalCheckpoint;
import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalModel;
import dev.focus.multimodal.NoisePredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multimodal checkpoint reader ({@link MultimodalCheckpoint#load}) on a run directory whose files
 * are arbitrary bytes: config.json and model.safetensors at the top or under checkpoint/, and the
 * names of the earlier layout (mm-config.json, checkpoint/params.bin), which must be refused in one line.
 */
class MultimodalCheckpointFuzzTest extends FuzzTarget {
  private static final DirectoryImage FILES = new DirectoryImage(List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS,
      "checkpoint/" + Checkpoint.CONFIG, "checkpoint/" + Checkpoint.WEIGHTS, "mm-config.json", "checkpoint/params.bin"));
  private Path run;

  @Override
  void accept(byte[] input) throws Exception {
    if (run == null) run = scratch("multimodal");
    FILES.writeInto(run, input);
    MultimodalCheckpoint.load(run);
  }

  @Override
  List<byte[]> seeds() throws Exception {
    Path r = scratch("multimodal-seeds");
    MultimodalConfig c = MultimodalConfig.builder().hidden(8).layers(1).heads(1).intermediate(8).vocab(20).patchDim(4).timeFeatures(2)
        .position("rope-tv").target(NoisePredictor.Target.EPS).context(16).initStd(0.02).build();
    MultimodalCheckpoint.writeInto(r, new MultimodalModel(c, 1), new MultimodalCheckpoint.Geometry("digits", 2, 4, 4, 1, 16));
    Map<String, byte[]> top = new LinkedHashMap<>(), nested = new LinkedHashMap<>();
    for (String f : List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS)) {
      top.put(f, Files.readAllBytes(r.resolve(f)));
      nested.put("checkpoint/" + f, Files.readAllBytes(r.resolve(f)));
    }
    return List.of(FILES.encode(top), FILES.encode(nested));
  }
}
