package dev.focus.train;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir Path tmp;

  static final SyntheticDataset DATA = new SyntheticDataset(new SyntheticTask.KBack(8, 0, false));
  static final TrainConfig CFG = TrainConfig.defaults(12).withBatch(4, 16).withLr(0.3, 0.03, 3).withEval(4, 2);

  private static List<Float> losses(Path run) throws IOException {
    List<Float> out = new ArrayList<>();
    for (Map<String, Object> line : RunDirectory.readMetrics(run)) out.add(((Number) line.get("loss")).floatValue());
    return out;
  }

  @Test
  void lossFallsOnAnEasyTask() throws IOException {
    BigramModel m = new BigramModel(DATA.vocabSize(), 1);
    var t = Trainer.of(m, DATA, TrainConfig.defaults(60).withBatch(8, 16).withLr(0.3, 0.03, 5), tmp.resolve("r"));
    Trainer.Result r = t.run(null);
    List<Float> l = losses(tmp.resolve("r"));
    assertEquals(60, l.size());
    assertEquals(60, r.step());
    assertFalse(r.stopped());
    // kback k=0 (echo the current token) is a bigram task: the loss must fall far below ln 8 = 2.08.
    assertTrue(l.get(59) < 0.5 * l.get(0), "loss " + l.get(0) + " -> " + l.get(59));
  }

  @Test
  void sameSeedGivesIdenticalLosses() throws IOException {
    Trainer.of(new BigramModel(DATA.vocabSize(), 7), DATA, CFG, tmp.resolve("a")).run(null);
    Trainer.of(new BigramModel(DATA.vocabSize(), 7), DATA, CFG, tmp.resolve("b")).run(null);
    assertEquals(losses(tmp.resolve("a")), losses(tmp.resolve("b")));
    Trainer.of(new BigramModel(DATA.vocabSize(), 7), DATA, CFG.withSeed(1), tmp.resolve("c")).run(null);
    assertFalse(losses(tmp.resolve("a")).equals(losses(tmp.resolve("c"))), "another data seed must change the losses");
  }

  @Test
  void interruptedAndResumedRunEqualsUninterruptedBitForBit() throws IOException {
    BigramModel full = new BigramModel(DATA.vocabSize(), 5);
    Trainer.of(full, DATA, CFG.withCheckpointEvery(5), tmp.resolve("full")).run(null);

    Path run = tmp.resolve("split");
    BigramModel first = new BigramModel(DATA.vocabSize(), 5);
    var t1 = Trainer.of(first, DATA, CFG.withCheckpointEvery(5), run);
    Trainer.Result r1 = t1.run(p -> { if (p.step() == 7) t1.requestStop(); });
    assertTrue(r1.stopped());
    assertEquals(7, r1.step());
    // Simulate lines written after the checkpoint by a process that then died: resume drops them.
    Files.writeString(Trainer.metricsFile(run), "{\"step\":8,\"loss\":99.0}\n", java.nio.file.StandardOpenOption.APPEND);

    BigramModel second = new BigramModel(DATA.vocabSize(), 999); // different init: resume must overwrite it
    var t2 = Trainer.of(second, DATA, CFG.withCheckpointEvery(5), run);
    assertTrue(t2.resume());
    assertEquals(7, t2.step());
    Trainer.Result r2 = t2.run(null);
    assertEquals(12, r2.step());

    assertEquals(losses(tmp.resolve("full")), losses(run));
    assertArrayEquals(full.w, second.w);
    assertArrayEquals(full.b, second.b);
    List<Map<String, Object>> lines = RunDirectory.readMetrics(run);
    assertEquals(12, lines.size());
    assertNotNull(lines.get(3).get("val_loss"));
    assertNull(lines.get(4).get("val_loss"));
    for (String k : List.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed")) {
      assertNotNull(lines.get(0).get(k), k);
    }
  }

  @Test
  void resumeRejectsDifferentSettings() throws IOException {
    Path run = tmp.resolve("r");
    Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, CFG, run).run(null);
    var other = Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, CFG.withSeed(3), run);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, other::resume);
    assertTrue(e.getMessage().endsWith("seed was 0, now 3"), e.getMessage());
    assertFalse(Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, CFG, tmp.resolve("none")).resume());
  }

  @Test
  void accumulationOfTwoHalfBatchesEqualsOneBatch() {
    // Addition has a different number of counted targets per row, so this also checks the weighting.
    SyntheticDataset add = new SyntheticDataset(new SyntheticTask.Addition(1, 3));
    var batch = add.batch(dev.focus.data.Split.TRAIN, 4, 0, 8, 28);
    BigramModel one = new BigramModel(add.vocabSize(), 2), two = new BigramModel(add.vocabSize(), 2);
    double l1 = Trainer.of(one, add, CFG.withBatch(8, 28), tmp.resolve("1")).accumulate(batch).value();
    double l2 = Trainer.of(two, add, CFG.withBatch(8, 28).withAccumulation(2), tmp.resolve("2")).accumulate(batch).value();
    assertClose("loss", l1, l2, 1e-6, 1e-6);
    assertClose("dW", one.dw, two.dw, 1e-7, 1e-5);
    assertClose("db", one.db, two.db, 1e-7, 1e-5);
    double l4 = Trainer.of(new BigramModel(add.vocabSize(), 2), add, CFG.withBatch(8, 28).withAccumulation(4), tmp.resolve("4"))
        .accumulate(batch).value();
    assertClose("loss with 4 micro-batches", l1, l4, 1e-6, 1e-6);
  }

  @Test
  void stopRequestedBeforeRunSavesAtStepZero() throws IOException {
    Path run = tmp.resolve("r");
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, CFG, run);
    t.requestStop();
    Trainer.Result r = t.run(null);
    assertTrue(r.stopped());
    assertEquals(0, r.step());
    assertTrue(Trainer.hasCheckpoint(run));
  }
}
