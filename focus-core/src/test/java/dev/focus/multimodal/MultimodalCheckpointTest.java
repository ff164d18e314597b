package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.CheckpointException;
import dev.focus.checkpoint.Json;
import dev.focus.checkpoint.NamedTensors;
import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.train.Trainable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multimodal model in the one checkpoint format: round trip, and the files the loader refuses. */
class MultimodalCheckpointTest {
  @TempDir Path dir;

  static final MultimodalConfig CONFIG = MultimodalConfig.builder().hidden(32).layers(2).heads(2).intermediate(64)
      .vocab(CaptionVocab.size()).patchDim(4).timeFeatures(16).position("rope-tv").ropeBase(10000.0)
      .target(NoisePredictor.Target.EPS).imageWeight(1.0).context(48).initStd(0.05).vqCodes(0).build();
  static final MultimodalCheckpoint.Geometry GEOMETRY = new MultimodalCheckpoint.Geometry("digits", 2, 8, 8, 1, 17);

  private Path saved(MultimodalModel m) throws IOException {
    Path ck = dir.resolve("run/checkpoint");
    Files.createDirectories(ck);
    MultimodalCheckpoint.writeInto(ck, m, GEOMETRY);
    return ck;
  }

  @Test
  void aSavedModelLoadsBackFromItsCheckpointOrItsRunDirectory() throws IOException {
    MultimodalModel m = new MultimodalModel(CONFIG, 3);
    Path ck = saved(m);
    for (Path p : new Path[] {ck, ck.getParent()}) {
      MultimodalCheckpoint.Loaded back = MultimodalCheckpoint.load(p);
      assertEquals(CONFIG, back.model().config());
      assertEquals(GEOMETRY, back.geometry());
      for (int i = 0; i < m.params().size(); i++) {
        assertArrayEquals(m.params().get(i).value(), back.model().params().get(i).value(), m.params().get(i).name());
      }
    }
    // the weights are tagged as a multimodal model, so the text loader refuses them in one line
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains("focus generate reads multimodal checkpoints"), e.getMessage());
  }

  @Test
  void theCausalImageAblationSurvivesARoundTripAndTheHybridWritesNoKey() throws IOException {
    assertTrue(!MultimodalCheckpoint.describe(CONFIG).containsKey("image_block"), "hybrid checkpoints read as before");
    MultimodalConfig causal = CONFIG.withCausalImages(true);
    assertEquals("causal", MultimodalCheckpoint.describe(causal).get("image_block"));
    MultimodalModel m = new MultimodalModel(causal, 3);
    MultimodalCheckpoint.Loaded back = MultimodalCheckpoint.load(saved(m));
    assertEquals(causal, back.model().config());
    assertTrue(back.model().config().causalImages());
  }

  @Test
  void nanWeightsAreRefusedNamingTheTensor() throws IOException {
    MultimodalModel m = new MultimodalModel(CONFIG, 3);
    Trainable.Param p = m.params().get(5);
    p.value()[7] = Float.NaN;
    Path ck = saved(m);
    CheckpointException e = assertThrows(CheckpointException.class, () -> MultimodalCheckpoint.load(ck));
    assertTrue(e.getMessage().contains("tensor " + p.name() + " holds a non-finite value NaN at index 7"), e.getMessage());
  }

  @Test
  void missingExtraOrResizedTensorsAndBadFieldsAreRefused() throws IOException {
    Path ck = saved(new MultimodalModel(CONFIG, 3));
    Path weights = ck.resolve(Checkpoint.WEIGHTS);
    Map<String, TensorData> good = new LinkedHashMap<>(SafeTensors.read(weights).tensors());

    Map<String, TensorData> extra = new LinkedHashMap<>(good);
    extra.put("surprise", TensorData.of(new float[3]));
    NamedTensors.write(weights, MultimodalCheckpoint.FORMAT, extra, Map.of());
    assertTrue(assertThrows(CheckpointException.class, () -> MultimodalCheckpoint.load(ck)).getMessage().contains("unexpected tensor surprise"));

    Map<String, TensorData> shorter = new LinkedHashMap<>(good);
    String first = shorter.keySet().iterator().next();
    shorter.put(first, TensorData.of(new float[5]));
    NamedTensors.write(weights, MultimodalCheckpoint.FORMAT, shorter, Map.of());
    assertTrue(assertThrows(CheckpointException.class, () -> MultimodalCheckpoint.load(ck)).getMessage()
        .contains("tensor " + first + " has 5 values"));
    NamedTensors.write(weights, MultimodalCheckpoint.FORMAT, good, Map.of());

    Path cfg = ck.resolve(Checkpoint.CONFIG);
    String json = Files.readString(cfg);
    for (String[] change : new String[][] {{"\"hidden\": 32", "\"hidden\": \"32\""}, {"\"heads\": 2", "\"heads\": 3"},
        {"\"layers\": 2", "\"layers\": 2, \"depth\": 4"}, {"\"focus_format_version\": \"1\"", "\"focus_format_version\": \"9\""}}) {
      assertTrue(json.contains(change[0]), change[0]);
      Files.writeString(cfg, json.replace(change[0], change[1]));
      CheckpointException e = assertThrows(CheckpointException.class, () -> MultimodalCheckpoint.load(ck), change[1]);
      assertTrue(e.getMessage().startsWith(cfg.toString()), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
    Files.writeString(cfg, json);
    MultimodalCheckpoint.load(ck);
  }

  @Test
  void aConfigurationBeyondTheHeapFailsBeforeTheModelIsBuilt() throws IOException {
    Path ck = saved(new MultimodalModel(CONFIG, 3));
    Path cfg = ck.resolve(Checkpoint.CONFIG);
    Map<String, Object> json = Json.parseObject(Files.readString(cfg));
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) json.get("focus_config");
    c.put("hidden", 1_000_000_000L);
    c.put("heads", 1L);
    c.put("intermediate", 1_000_000_000L);
    Files.writeString(cfg, Json.writePretty(json));
    CheckpointException e = assertThrows(CheckpointException.class, () -> MultimodalCheckpoint.load(ck));
    assertTrue(e.getMessage().contains("this JVM may use"), e.getMessage());
  }
}
