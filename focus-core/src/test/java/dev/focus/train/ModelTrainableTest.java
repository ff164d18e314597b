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
import java.util.Map;
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
    Trainer.Result r = Trainer.of(full, DATA, TC, tmp.resolve("full")).run(null);
    List<Map<String, Object>> lines = RunDirectory.readMetrics(tmp.resolve("full"));
    double first = ((Number) lines.get(0).get("loss")).doubleValue();
    assertTrue(r.lastLoss() < first - 0.3, "loss " + first + " -> " + r.lastLoss());
    // The checkpoint is a standard model checkpoint: other tools load it directly.
    Model loaded = dev.focus.checkpoint.Checkpoint.load(tmp.resolve("full/checkpoint"));
    assertEquals(8, loaded.config().vocab());
    org.junit.jupiter.api.Assertions.assertArrayEquals(full.model().parameters().get(0).value(), loaded.parameters().get(0).value());

    Path run = tmp.resolve("split");
    ModelTrainable a = new ModelTrainable(new Model(CFG, 1));
    var t1 = Trainer.of(a, DATA, TC, run);
    t1.run(p -> { if (p.step() == 13) t1.requestStop(); });
    ModelTrainable b = new ModelTrainable(new Model(CFG, 2));
    var t2 = Trainer.of(b, DATA, TC, run);
    assertTrue(t2.resume());
    t2.run(null);
    List<Map<String, Object>> resumed = RunDirectory.readMetrics(run);
    assertEquals(40, resumed.size());
    for (int i = 0; i < 40; i++) {
      assertEquals(lines.get(i).get("loss"), resumed.get(i).get("loss"), "loss at step " + (i + 1));
    }
  }

  /**
   * The same seed gives the same losses bit for bit, on one thread and on two: every parallel loop
   * splits work so that each output element is computed by one thread in a fixed order, and exp is
   * the same function in every mode ({@link dev.focus.kernel.Exp}). Runs in whichever kernel mode the
   * suite uses; vector and scalar modes are not compared with each other (their sums round
   * differently, by about 1e-6 relative).
   */
  @Test
  void sameSeedRepeatsBitForBitOnOneAndTwoThreads() throws IOException {
    ModelConfig cfg = Overrides.apply(ModelConfig.micro(), List.of("vocab=8", "hidden=64", "intermediate=128",
        "layers=2", "heads=4", "context=64"));
    TrainConfig tc = TrainConfig.defaults(6).withBatch(8, 64).withLr(1e-2, 1e-3, 2);
    int before = dev.focus.kernel.Parallel.threads();
    List<Map<String, Object>> one, two, again;
    try {
      dev.focus.kernel.Parallel.setThreads(1);
      Trainer.of(new ModelTrainable(new Model(cfg, 5)), DATA, tc, tmp.resolve("t1")).run(null);
      dev.focus.kernel.Parallel.setThreads(2);
      Trainer.of(new ModelTrainable(new Model(cfg, 5)), DATA, tc, tmp.resolve("t2")).run(null);
      Trainer.of(new ModelTrainable(new Model(cfg, 5)), DATA, tc, tmp.resolve("t2b")).run(null);
    } finally {
      dev.focus.kernel.Parallel.setThreads(before);
    }
    one = RunDirectory.readMetrics(tmp.resolve("t1"));
    two = RunDirectory.readMetrics(tmp.resolve("t2"));
    again = RunDirectory.readMetrics(tmp.resolve("t2b"));
    assertEquals(6, one.size());
    for (int i = 0; i < 6; i++) {
      assertEquals(two.get(i).get("loss"), again.get(i).get("loss"), "rerun, step " + (i + 1));
      assertEquals(one.get(i).get("loss"), two.get(i).get("loss"), "1 vs 2 threads, step " + (i + 1));
    }
  }

  /** Spec 05 §3.1's parameter filter: with trainOnly=head_scale only the λ_h move, and the loss still falls. */
  @Test
  void trainOnlyHeadScaleUpdatesNothingElse() throws IOException {
    ModelConfig cfg = Overrides.apply(CFG, "headScale=true");
    Model model = new Model(cfg, 1), fresh = new Model(cfg, 1);
    TrainConfig tc = TC.withSteps(8).withCheckpointEvery(0).withTrainOnly(List.of("head_scale"));
    var trainer = Trainer.of(new ModelTrainable(model), DATA, tc, tmp.resolve("hs"));
    assertEquals(List.of("model.layers.0.self_attn.head_scale"), trainer.trainedParams().stream().map(Trainable.Param::name).toList());
    trainer.run(null);
    for (dev.focus.model.Parameter p : model.parameters()) {
      float[] before = fresh.parameter(p.name()).value();
      boolean same = java.util.Arrays.equals(before, p.value());
      assertEquals(!p.name().endsWith("head_scale"), same, p.name() + (same ? " did not change" : " changed"));
    }
    // only the trained tensor has optimizer state
    var state = dev.focus.checkpoint.SafeTensors.read(Trainer.checkpointDir(tmp.resolve("hs")).resolve(Trainer.OPTIMIZER_FILE));
    assertEquals(java.util.Set.of("m.model.layers.0.self_attn.head_scale", "v.model.layers.0.self_attn.head_scale"),
        state.tensors().keySet());
    assertEquals("8", state.metadata().get("step"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(new ModelTrainable(new Model(cfg, 1)), DATA, tc.withTrainOnly(List.of("head_scale", "nosuch")),
            tmp.resolve("bad")));
    assertTrue(e.getMessage().startsWith("trainOnly pattern 'nosuch' matches no parameter"), e.getMessage());
  }
}
