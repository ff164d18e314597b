package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.Datasets;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.ModelTrainable;
import dev.focus.train.RunDirectory;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** focus sweep on embedded Spark: files, numbers equal to focus train's, resume, and refusals before anything runs. */
class SweepCommandTest {
  @TempDir Path tmp;

  static final String[] MODEL = {"--data", "copy", "--preset", "micro", "--set", "hidden=32", "--set", "intermediate=64",
      "--set", "layers=1", "--set", "heads=2", "--set", "kvHeads=2", "--steps", "6", "--batch", "4", "--seq", "24",
      "--eval-every", "3", "--no-spark-ui", "--master", "local[2]"};

  static String[] args(Path out, String... more) {
    String[] base = {"sweep", "--out", out.toString()};
    String[] all = new String[base.length + MODEL.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(MODEL, 0, all, base.length, MODEL.length);
    System.arraycopy(more, 0, all, base.length + MODEL.length, more.length);
    return all;
  }

  @Test
  void aSweepWritesItsTablesWithTheLossesFocusTrainGivesAndAResumeRunsNothing() throws Exception {
    Path out = tmp.resolve("runs/sweep-copy");
    Cli.Run r = Cli.run(args(out, "--grid", "attention=softmax,linear", "seed=1..2"));
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("attention,seed,final_loss,val_loss,tokens_per_s,seconds", csv.get(0));
    assertEquals(5, csv.size());
    assertTrue(csv.get(3).startsWith("linear,1,"), csv.get(3));
    assertTrue(Files.readString(out.resolve("report.md")).contains("| softmax | 2 |"));
    assertTrue(Files.readString(out.resolve("meta.json")).contains("\"sweep\""));
    assertTrue(Files.readString(out.resolve("results.json")).contains("\"loss_curve\""));

    // The same run through the one training loop directly: the sweep's row holds its losses bit for bit.
    ModelConfig cfg = Overrides.apply(ModelConfig.micro(), Map.of("hidden", "32", "intermediate", "64", "layers", "1", "heads", "2",
        "kvHeads", "2", "attention", "linear", "vocab", Integer.toString(Datasets.open("copy", tmp).vocabSize())));
    TrainConfig tc = TrainConfig.builder().steps(6).batchSize(4).seqLen(24).evalEvery(3).seed(1).build();
    Trainer.of(new ModelTrainable(new Model(cfg, 1)), Datasets.open("copy", tmp), tc, tmp.resolve("direct")).run(null);
    List<Map<String, Object>> m = RunDirectory.readMetrics(tmp.resolve("direct"));
    String[] row = csv.get(3).split(",");
    assertEquals(((Number) m.get(5).get("loss")).doubleValue(), Double.parseDouble(row[2]), 0.0, "final loss");
    assertEquals(((Number) m.get(5).get("val_loss")).doubleValue(), Double.parseDouble(row[3]), 0.0, "val loss");

    // A rerun finds every run finished and rewrites the same table.
    Cli.Run again = Cli.run(args(out, "--grid", "attention=softmax,linear", "seed=1..2"));
    assertEquals(0, again.code(), again.err());
    List<String> csv2 = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(csv, csv2);
    assertTrue(again.err().contains("4 task(s), 4 already done"), again.err());
  }

  @Test
  void badKeysAndValuesAreRefusedBeforeAnythingRuns() throws Exception {
    Path out = tmp.resolve("runs/bad");
    assertRefused(Cli.run(args(out, "--grid", "colour=red,blue")), "focus sweep: --grid key 'colour' is not a model or training key; valid keys: vocab,");
    assertRefused(Cli.run(args(out, "--grid", "attention=softmax,quantum")),
        "focus sweep: --grid attention=quantum: attention=quantum is not one of");
    assertRefused(Cli.run(args(out, "--grid", "lr=0.1,fast")), "focus sweep: --grid lr=fast: Invalid value for option '--lr'");
    assertRefused(Cli.run(args(out, "--grid", "seq=24,999")), "focus sweep: --grid seq=999: ");
    assertRefused(Cli.run(args(out, "--grid", "seed=2..1")), "focus sweep: --grid seed=2..1: the range runs backwards");
    assertFalse(Files.exists(out), "nothing written");
    assertFalse(Files.exists(tmp.resolve("runs/.work")), "nothing ran");

    Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(tmp.resolve("mine/notes.txt"), "keep me");
    Cli.Run mine = Cli.run(args(tmp.resolve("mine"), "--grid", "seed=1"));
    assertRefused(mine, "focus sweep: ");
    assertTrue(mine.err().contains("mine is not empty and does not hold a Focus report"), mine.err());
    assertEquals("keep me", Files.readString(tmp.resolve("mine/notes.txt")));
  }

  private static void assertRefused(Cli.Run r, String start) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith(start), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}
