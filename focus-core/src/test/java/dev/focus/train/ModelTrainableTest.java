package dev.focus.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer on the real decoder: a micro model learns "the token 1 back" and resumes exactly. */
class ModelTrainableTest {
  @TempDir Path tmp;

  static final SyntheticDataset DATA = new SyntheticDataset(new SyntheticTask.KBack(8, 1, false));
  static final ModelConfig CFG = Overrides.apply(ModelConfig.micro(), List.of("vocab=8", "layers=1", "context=16"));
  static final TrainConfig TC = TrainConfig.defaults(40).withBatch(8, 16).withLr(1e-2, 1e-3, 5).withCheckpointEvery(20);

  @Test
  void microModelLearnsAndResumesExactly() throws IOException {
    ModelTrainable full = new ModelTrainable(new Model(CFG, 1));
    Trainer.Result r = new Trainer(full, DATA, TC, tmp.resolve("full")).run(null);
    List<String> lines = Files.readAllLines(Trainer.metricsFile(tmp.resolve("full")));
    double first = Double.parseDouble(Trainer.field(lines.get(0), "loss"));
    assertTrue(r.lastLoss() < first - 0.3, "loss " + first + " -> " + r.lastLoss());
    // The checkpoint is a standard model checkpoint: other tools load it directly.
    Model loaded = dev.focus.checkpoint.Checkpoint.load(tmp.resolve("full/checkpoint"));
    assertEquals(8, loaded.config().vocab());
    org.junit.jupiter.api.Assertions.assertArrayEquals(full.model().parameters().get(0).value(), loaded.parameters().get(0).value());

    Path run = tmp.resolve("split");
    ModelTrainable a = new ModelTrainable(new Model(CFG, 1));
    Trainer t1 = new Trainer(a, DATA, TC, run);
    t1.run(p -> { if (p.step() == 13) t1.requestStop(); });
    ModelTrainable b = new ModelTrainable(new Model(CFG, 2));
    Trainer t2 = new Trainer(b, DATA, TC, run);
    assertTrue(t2.resume());
    t2.run(null);
    List<String> resumed = Files.readAllLines(Trainer.metricsFile(run));
    assertEquals(40, resumed.size());
    for (int i = 0; i < 40; i++) {
      assertEquals(Trainer.field(lines.get(i), "loss"), Trainer.field(resumed.get(i), "loss"), "loss at step " + (i + 1));
    }
  }

  /** Spec 05 §3.1's parameter filter: with trainOnly=head_scale only the λ_h move, and the loss still falls. */
  @Test
  void trainOnlyHeadScaleUpdatesNothingElse() throws IOException {
    ModelConfig cfg = Overrides.apply(CFG, "headScale=true");
    Model model = new Model(cfg, 1), fresh = new Model(cfg, 1);
    TrainConfig tc = TC.withSteps(8).withCheckpointEvery(0).withTrainOnly(List.of("head_scale"));
    Trainer trainer = new Trainer(new ModelTrainable(model), DATA, tc, tmp.resolve("hs"));
    assertEquals(List.of("model.layers.0.self_attn.head_scale"), trainer.trainedParams().stream().map(Trainable.Param::name).toList());
    trainer.run(null);
    for (dev.focus.model.Parameter p : model.parameters()) {
      float[] before = fresh.parameter(p.name()).value();
      boolean same = java.util.Arrays.equals(before, p.value());
      assertEquals(!p.name().endsWith("head_scale"), same, p.name() + (same ? " did not change" : " changed"));
    }
    // only the trained tensor has optimizer state
    java.util.Map<String, float[]> state = TensorFile.read(Trainer.checkpointDir(tmp.resolve("hs")).resolve("optimizer.bin"));
    assertEquals(java.util.Set.of("#step", "m.model.layers.0.self_attn.head_scale", "v.model.layers.0.self_attn.head_scale"),
        state.keySet());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Trainer(new ModelTrainable(new Model(cfg, 1)), DATA, tc.withTrainOnly(List.of("head_scale", "nosuch")),
            tmp.resolve("bad")));
    assertTrue(e.getMessage().startsWith("trainOnly pattern 'nosuch' matches no parameter"), e.getMessage());
  }
}
