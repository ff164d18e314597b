package dev.focus.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the loop does when things go wrong (issue 12, items 3 and 6): a non-finite step stops the run
 * naming it, or is skipped; no checkpoint holds non-finite weights; after a crash, metrics hold one
 * line per step and the leftovers of an interrupted write are removed, and only those.
 */
class TrainerFaultsTest {
  @TempDir Path tmp;

  static final SyntheticDataset DATA = new SyntheticDataset(new SyntheticTask.KBack(8, 0, false));
  static final TrainConfig CFG = TrainConfig.defaults(12).withBatch(4, 16).withLr(0.3, 0.03, 3).withEval(0, 1)
      .withCheckpointEvery(3);

  /** The bigram stand-in, whose forward+backward returns NaN (with a NaN gradient) on the given 1-based calls. */
  static final class Poisoned implements Trainable {
    final BigramModel m;
    final Set<Integer> bad;
    int calls;

    Poisoned(long seed, Set<Integer> bad) {
      this.m = new BigramModel(DATA.vocabSize(), seed);
      this.bad = bad;
    }

    @Override public List<Param> params() { return m.params(); }

    @Override public float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen) {
      float l = m.forwardBackward(tokens, targets, batch, seqLen);
      if (!bad.contains(++calls)) return l;
      m.dw[0] = Float.NaN;
      return Float.NaN;
    }

    @Override public float loss(int[] tokens, int[] targets, int batch, int seqLen) { return m.loss(tokens, targets, batch, seqLen); }
  }

  private static List<Object> column(Path run, String key) throws IOException {
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> line : RunDirectory.readMetrics(run)) out.add(line.get(key));
    return out;
  }

  private static List<Object> steps(long n) {
    List<Object> s = new ArrayList<>();
    for (long i = 1; i <= n; i++) s.add(i);
    return s;
  }

  @Test
  void aNonFiniteStepStopsTheRunNamingItAndKeepsTheLastGoodCheckpoint() throws IOException {
    Path run = tmp.resolve("r");
    Poisoned p = new Poisoned(1, Set.of(5));
    var t = Trainer.of(p, DATA, CFG, run);
    TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> t.run(null));
    assertEquals(5, e.step());
    assertEquals(3, e.lastCheckpoint());
    assertTrue(e.getMessage().startsWith("training diverged at step 5: loss NaN, gradient norm NaN; the last good checkpoint (step 3) is in "
        + run.resolve("checkpoint")), e.getMessage());
    assertEquals(steps(4), column(run, "step"), "no line for the diverged step");
    // the checkpoint is the one of step 3, finite, and the run resumes from it
    Poisoned healthy = new Poisoned(99, Set.of());
    var again = Trainer.of(healthy, DATA, CFG, run);
    assertTrue(again.resume());
    assertEquals(3, again.step());
    for (float v : healthy.m.w) assertTrue(Float.isFinite(v));
    again.run(null);
    assertEquals(steps(12), column(run, "step"), "one line per step after the resume");
  }

  @Test
  void onNanSkipSkipsTheStepWithoutAnUpdateAndResumesExactly() throws IOException {
    TrainConfig skip = CFG.withOnNan(TrainConfig.OnNan.SKIP);
    Poisoned full = new Poisoned(2, Set.of(5));
    Trainer.Result r = Trainer.of(full, DATA, skip, tmp.resolve("full")).run(null);
    assertEquals(12, r.step());
    assertEquals(1, r.skipped());
    List<Map<String, Object>> lines = RunDirectory.readMetrics(tmp.resolve("full"));
    assertEquals(Boolean.TRUE, lines.get(4).get("skipped"));
    assertNull(lines.get(4).get("loss"), "NaN is written as null");
    assertNull(lines.get(5).get("skipped"));
    for (float v : full.m.w) assertTrue(Float.isFinite(v));

    // stopped after the skipped step and resumed: the same weights as without the interruption
    Path split = tmp.resolve("split");
    Poisoned first = new Poisoned(2, Set.of(5));
    var t1 = Trainer.of(first, DATA, skip, split);
    t1.run(p -> { if (p.step() == 7) t1.requestStop(); });
    Poisoned second = new Poisoned(77, Set.of());
    var t2 = Trainer.of(second, DATA, skip, split);
    assertTrue(t2.resume());
    assertEquals(12, t2.run(null).step());
    assertArrayEquals(full.m.w, second.m.w);
    assertEquals(column(tmp.resolve("full"), "loss"), column(split, "loss"));
  }

  @Test
  void weightsThatAreNoLongerFiniteAreNeverSaved() {
    // lr/(1 − β1) overflows float: the first update makes the weights infinite
    TrainConfig huge = CFG.withLr(3e38, 3e38, 0).withCheckpointEvery(1);
    Path run = tmp.resolve("inf");
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, huge, run);
    TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> t.run(null));
    assertEquals(1, e.step());
    assertTrue(e.getMessage().contains("after the update") && e.getMessage().contains("no checkpoint was written"), e.getMessage());
    assertFalse(Trainer.hasCheckpoint(run));
  }

  @Test
  void aRunKilledBeforeItsFirstCheckpointLeavesOneMetricsLinePerStepAfterResume() throws IOException {
    TrainConfig late = CFG.withCheckpointEvery(0);
    Trainer.of(new BigramModel(DATA.vocabSize(), 3), DATA, late, tmp.resolve("full")).run(null);
    Path run = tmp.resolve("killed");
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 3), DATA, late, run);
    assertThrows(IllegalStateException.class, () -> t.run(p -> { if (p.step() == 7) throw new IllegalStateException("killed"); }));
    assertEquals(steps(7), column(run, "step"));
    assertFalse(Trainer.hasCheckpoint(run));
    Files.writeString(Trainer.metricsFile(run), "{\"step\":8,\"lo", StandardOpenOption.APPEND); // a torn last line

    var again = Trainer.of(new BigramModel(DATA.vocabSize(), 3), DATA, late, run);
    assertFalse(again.resume(), "nothing to resume: the run starts over");
    again.run(null);
    assertEquals(steps(12), column(run, "step"));
    assertEquals(column(tmp.resolve("full"), "loss"), column(run, "loss"));
    // started over, it still refuses other settings
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(new BigramModel(DATA.vocabSize(), 3), DATA, late.withSeed(5), tmp.resolve("full")).resume());
    assertTrue(e.getMessage().endsWith("seed was 0, now 5"), e.getMessage());
  }

  @Test
  void aRunKilledAfterACheckpointDropsTheLinesPastIt() throws IOException {
    Path run = tmp.resolve("r");
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 4), DATA, CFG, run);
    assertThrows(IllegalStateException.class, () -> t.run(p -> { if (p.step() == 8) throw new IllegalStateException("killed"); }));
    assertEquals(steps(8), column(run, "step"));
    var again = Trainer.of(new BigramModel(DATA.vocabSize(), 4), DATA, CFG, run);
    assertTrue(again.resume());
    assertEquals(6, again.step());
    again.run(null);
    assertEquals(steps(12), column(run, "step"));
  }

  @Test
  void leftoversOfAnInterruptedWriteAreRemovedAndNothingElse() throws IOException {
    Path run = tmp.resolve("r");
    Trainer.of(new BigramModel(DATA.vocabSize(), 5), DATA, CFG.withSteps(6), run).run(null);
    // what crashes leave
    Files.createDirectories(run.resolve("checkpoint.tmp"));
    Files.write(run.resolve("checkpoint.tmp/model.safetensors"), new byte[10]);
    Files.write(run.resolve("checkpoint.tmp/.trainer.json.4711.tmp"), new byte[3]);
    Files.createDirectories(run.resolve(".checkpoint.tmp.tmp-8362512"));
    Files.write(run.resolve(".checkpoint.tmp.tmp-8362512/.model.safetensors.1234.tmp"), new byte[10]);
    Files.write(run.resolve(".metrics.jsonl.998877.tmp"), new byte[4]);
    // what Focus did not write, or not recognisably
    Files.writeString(run.resolve("notes.txt"), "mine");
    Files.createDirectories(run.resolve(".checkpoint.tmp.tmp-999"));
    Files.writeString(run.resolve(".checkpoint.tmp.tmp-999/mine.txt"), "mine");
    Files.createDirectories(run.resolve(".checkpoint.tmp.tmp-abc"));
    Files.writeString(run.resolve(".metrics.jsonl.tmp"), "mine");

    List<Path> removed = RunDirectory.removeLeftovers(run);
    assertEquals(Set.of(run.resolve("checkpoint.tmp"), run.resolve(".checkpoint.tmp.tmp-8362512"), run.resolve(".metrics.jsonl.998877.tmp")),
        Set.copyOf(removed));
    for (String kept : List.of("notes.txt", ".checkpoint.tmp.tmp-999/mine.txt", ".checkpoint.tmp.tmp-abc", ".metrics.jsonl.tmp",
        "checkpoint/trainer.json")) {
      assertTrue(Files.exists(run.resolve(kept)), kept);
    }
  }

  @Test
  void aCrashBetweenTheSwapsRenamesResumesFromTheOldCheckpoint() throws IOException {
    Path run = tmp.resolve("r");
    Trainer.of(new BigramModel(DATA.vocabSize(), 6), DATA, CFG.withSteps(6), run).run(null);
    // the state after "checkpoint → checkpoint.old" and before "checkpoint.tmp → checkpoint"
    Files.move(run.resolve("checkpoint"), run.resolve("checkpoint.old"));
    Files.createDirectories(run.resolve("checkpoint.tmp"));
    Files.write(run.resolve("checkpoint.tmp/model.safetensors"), new byte[7]);
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 60), DATA, CFG, run);
    assertTrue(t.resume());
    assertEquals(6, t.step());
    assertTrue(Files.isRegularFile(run.resolve("checkpoint/trainer.json")), "checkpoint.old is renamed back");
    assertFalse(Files.exists(run.resolve("checkpoint.tmp")));
    assertEquals(12, t.run(null).step());
    assertFalse(Files.exists(run.resolve("checkpoint.old")));
    assertEquals(steps(12), column(run, "step"));
    assertTrue(Files.readString(run.resolve("run.json"), StandardCharsets.UTF_8).contains("\"format\": \"focus-run\""));
  }

  @Test
  void aRunOfTheEarlierFormatIsRefusedInOneLineSayingWhatToDo() throws IOException {
    Path run = tmp.resolve("old");
    Files.createDirectories(run.resolve("checkpoint"));
    Files.writeString(run.resolve("checkpoint/trainer.json"), "{\"format\": \"focus-trainer\", \"version\": 1, \"step\": 3}");
    Files.write(run.resolve("checkpoint/optimizer.bin"), new byte[] {'F', 'O', 'C', 'U', 'S', 'T', 'F', '1'});
    var t = Trainer.of(new BigramModel(DATA.vocabSize(), 1), DATA, CFG, run);
    dev.focus.checkpoint.CheckpointException e = assertThrows(dev.focus.checkpoint.CheckpointException.class, t::resume);
    assertTrue(e.getMessage().contains("written by an earlier Focus") && e.getMessage().contains("--force"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }
}
