package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  String[] train(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data", "kback:k=1,symbols=8", "--steps", "10", "--out", out.toString(),
        "--batch", "4", "--seq", "16", "--set", "layers=1", "--eval-every", "5", "--checkpoint-every", "3", "--no-progress"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  static List<String> losses(Path run) throws IOException {
    List<String> l = new ArrayList<>();
    for (String line : Files.readAllLines(Trainer.metricsFile(run))) l.add(line.replaceAll(".*\"loss\":([^,]*),.*", "$1"));
    return l;
  }

  @AfterEach
  void clearHook() { TrainCommand.onStep = null; }

  @Test
  void trainsWritesMetricsAndCheckpointAndRefusesToOverwrite() throws IOException {
    Path out = tmp.resolve("runs/a");
    Run r = run(train(out));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("trained 10 steps: loss "), r.out());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(10, lines.size());
    assertTrue(lines.get(4).contains("\"val_loss\":"), lines.get(4));
    assertTrue(lines.get(0).matches("\\{\"step\":1,\"loss\":[-0-9.Ee]+,\"lr\":[-0-9.Ee]+,\"grad_norm\":[-0-9.Ee]+,\"tokens_per_s\":[0-9.]+,\"elapsed\":[0-9.]+}"), lines.get(0));
    assertTrue(Files.isRegularFile(out.resolve("checkpoint/trainer.json")));
    assertTrue(Files.readString(out.resolve("run.json")).contains("\"data\": \"kback:k=1,symbols=8\""));

    Run again = run(train(out));
    assertEquals(2, again.code());
    assertEquals("focus train: " + out + " already holds a run; use --resume to continue it or --force to start over\n", again.err());

    Run other = run(train(out, "--resume", "--lr", "0.01"));
    assertEquals(2, other.code());
    assertTrue(other.err().contains("lr was 0.003, now 0.01"), other.err());

    Run forced = run(train(out, "--force", "--seed", "1"));
    assertEquals(0, forced.code(), forced.err());
    assertEquals(10, Files.readAllLines(out.resolve("metrics.jsonl")).size());
  }

  @Test
  void theMaskedLmObjectiveTrainsAnEncoderThatEvalScoresAndSampleRefuses() throws Exception {
    Path out = tmp.resolve("mlm");
    Run r = run(train(out, "--objective", "mlm", "--set", "position=nope"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("note: a NoPE encoder is permutation-equivariant"), r.err());
    String runJson = Files.readString(out.resolve("run.json"));
    assertTrue(runJson.contains("\"objective\": \"mlm(rate=0.15,mask=0.8,random=0.1,maskId=8)\""), runJson);
    dev.focus.model.ModelConfig c = dev.focus.checkpoint.Checkpoint.readConfig(out);
    assertEquals(9, c.vocab(), "the 8 symbols of kback and [MASK] = 8");
    assertTrue(!c.causal());
    // resuming as a next-token run is refused, naming the first setting that differs (the vocabulary without [MASK])
    Run other = run(train(out, "--resume", "--set", "position=nope"));
    assertEquals(2, other.code());
    assertTrue(other.err().contains("cannot resume " + out + ": vocab was 9, now 8"), other.err());
    String[] more = train(out, "--resume", "--objective", "mlm", "--set", "position=nope");
    more[Arrays.asList(more).indexOf("--steps") + 1] = "12";
    Run resumed = run(more);
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(12, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    Run ev = run("eval", "--checkpoint", out.toString(), "--data", "kback:k=1,symbols=8", "--context", "16", "--batches", "2",
        "--batch", "2", "--json");
    assertEquals(0, ev.code(), ev.err());
    assertTrue(ev.out().contains("\"objective\":\"mlm(rate=0.15,mask=0.8,random=0.1,maskId=8)\""), ev.out());
    assertTrue(ev.out().contains("\"targets\":8"), "2 batches × 2 rows × round(0.15·16) = 2 targets each: " + ev.out());
    Run sample = run("sample", "--checkpoint", out.toString(), "--tokens", "3");
    assertEquals(2, sample.code());
    assertTrue(sample.err().contains("incremental decoding needs a causal model, but this one has mask=bidirectional"), sample.err());
    Run leak = run(train(tmp.resolve("leak"), "--set", "mask=bidirectional"));
    assertEquals(2, leak.code());
    assertTrue(leak.err().startsWith("focus train: mask=bidirectional with --objective next-token"), leak.err());
    Run bad = run(train(tmp.resolve("bad"), "--objective", "bert"));
    assertEquals(2, bad.code());
    assertEquals("focus train: objective 'bert' is not one of next-token, mlm\n", bad.err());
  }

  @Test
  void stoppedRunResumesToTheSameLosses() throws Exception {
    Path full = tmp.resolve("full"), split = tmp.resolve("split");
    assertEquals(0, run(train(full)).code());
    // What the Ctrl-C hook does, at a known step.
    TrainCommand.onStep = (t, p) -> { if (p.step() == 4) t.requestStop(); };
    Run stopped = run(train(split));
    TrainCommand.onStep = null;
    assertEquals(130, stopped.code(), stopped.err());
    assertTrue(stopped.out().startsWith("stopped at step "), stopped.out());
    int at = Files.readAllLines(split.resolve("metrics.jsonl")).size();
    assertEquals(4, at);
    assertEquals("stopped at step 4 of 10; checkpoint saved in " + split.resolve("checkpoint") + "; continue with --resume\n", stopped.out());
    Run resumed = run(train(split, "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming " + split + " at step " + at), resumed.err());
    assertEquals(losses(full), losses(split));
    Run done = run(train(split, "--resume"));
    assertEquals(0, done.code(), done.err());
    assertEquals(split + " is already complete at step 10; raise --steps to train further\n", done.out());
    List<String> more = new ArrayList<>(List.of(train(split, "--resume")));
    more.set(more.indexOf("--steps") + 1, "12");
    Run longer = run(more.toArray(new String[0]));
    assertEquals(0, longer.code(), longer.err());
    assertEquals(12, Files.readAllLines(split.resolve("metrics.jsonl")).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--steps=0", "--batch=0", "--seq=1", "--lr=-1", "--lr=NaN", "--eval-every=-1", "--checkpoint-every=-2",
      "--accumulate=3", "--attention=cosine", "--position=north", "--set=depth=3", "--set=layers", "--preset=huge",
      "--data=nope", "--data=mqar:kv=1000", "--seq=100", "--set=vocab=4", "--steps=x", "--clip=-1", "--resume --force"})
  void badOptionsExitTwoWithOneLine(String bad) {
    List<String> a = new ArrayList<>(List.of(train(tmp.resolve("bad"))));
    for (String b : bad.split(" ")) {
      String key = b.contains("=") ? b.substring(0, b.indexOf('=')) : b;
      int i = a.indexOf(key);
      if (i >= 0 && !key.equals("--set") && b.contains("=")) { a.remove(i + 1); a.remove(i); }
      a.add(b);
    }
    Run r = run(a.toArray(new String[0]));
    assertEquals(2, r.code(), bad + ": " + r.err());
    assertTrue(r.err().startsWith("focus"), r.err());
    assertTrue(r.err().strip().lines().count() <= 2, r.err());
    assertNotEquals(0, r.err().length());
  }

  @Test
  void missingBrownNamesTheSetupCommand() {
    Run r = run("train", "--data", "brown", "--out", tmp.resolve("b").toString(), "--cache", tmp.resolve("empty").toString(), "--no-progress");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("run: focus setup brown"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void setupRejectsUnknownTargetsAndSkipsWhatIsCached() throws IOException {
    Run bad = run("setup", "mnist", "--cache", tmp.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("valid: brown, digits, all"), bad.err());
    Path pkg = tmp.resolve("cache/brown/package");
    Files.createDirectories(pkg);
    for (String f : List.of("cats.txt", "ca01", "cr09")) Files.writeString(pkg.resolve(f), "x/nn\n");
    Run ok = run("setup", "brown", "--cache", tmp.resolve("cache").toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals("brown: already in " + pkg + " (skipped)\n", ok.out());
  }

  /** A data cache holding a small Brown corpus (ten documents of one repeated tagged sentence); returns {@code cache}. */
  static Path brownFixture(Path cache) throws IOException {
    Path pkg = cache.resolve("brown/package");
    Files.createDirectories(pkg);
    Files.writeString(pkg.resolve("cats.txt"), "ca01 news\ncr09 humor\n");
    String para = "\tThe/at jury/nn said/vbd it/pps was/bedz fine/jj ./.\n\n".repeat(30);
    for (String f : List.of("ca01", "ca02", "ca03", "ca04", "ca05", "ca06", "ca07", "ca08", "ca09", "cr09")) Files.writeString(pkg.resolve(f), para);
    return cache;
  }

  /** Every {@code ./focus train} line of the README and docs/ runs (2 steps, on a small Brown fixture). */
  @Test
  void readmeTrainLinesRun() throws IOException {
    Path cache = brownFixture(tmp.resolve("cache"));
    List<Path> pages = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (var docs = Files.walk(Path.of("..", "docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> lines = new ArrayList<>();
    for (Path page : pages) Files.readAllLines(page).stream().filter(l -> l.startsWith("./focus train ")).forEach(lines::add);
    assertTrue(lines.size() >= 3, "the docs show focus train: " + lines);
    int i = 0;
    for (String line : lines) {
      List<String> a = new ArrayList<>(List.of(line.substring("./focus ".length()).split("\\s+")));
      a.set(a.indexOf("--steps") + 1, "2");
      a.set(a.indexOf("--out") + 1, tmp.resolve("readme" + i++).toString());
      // The digits come from a Debian package by a setup step; the procedural glyphs take the same code path.
      if (a.contains("digits")) a.set(a.indexOf("digits"), "glyphs-shapes");
      a.addAll(List.of("--cache", cache.toString(), "--no-progress", "--eval-batches", "1"));
      Run r = run(a.toArray(new String[0]));
      assertEquals(0, r.code(), line + ": " + r.err());
      assertTrue(r.out().startsWith("trained 2 steps"), r.out());
    }
  }

  @Test
  void trainOnlyHeadScaleChangesOnlyTheHeadScales() throws IOException {
    Path out = tmp.resolve("runs/hs");
    Run r = run(train(out, "--set", "headScale=true", "--train-only", "head_scale", "--seed", "3"));
    assertEquals(0, r.code(), r.err());
    dev.focus.model.Model trained = dev.focus.checkpoint.Checkpoint.load(Trainer.checkpointDir(out));
    dev.focus.model.Model initial = new dev.focus.model.Model(trained.config(), 3);
    int changed = 0;
    for (dev.focus.model.Parameter p : trained.parameters()) {
      boolean same = java.util.Arrays.equals(initial.parameter(p.name()).value(), p.value());
      assertEquals(!p.name().endsWith("self_attn.head_scale"), same, p.name());
      if (!same) changed++;
    }
    assertEquals(1, changed);
    assertTrue(Files.readString(out.resolve("run.json")).contains("\"trainOnly\": \"head_scale\""));
  }

  @Test
  void trainOnlyPatternsThatMatchNothingOrDoNotParseExitTwoWithOneLine() {
    Run r = run(train(tmp.resolve("runs/x"), "--train-only", "head_scale"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--train-only: trainOnly pattern 'head_scale' matches no parameter"), r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("WARNING")).count(), r.err());
    assertTrue(!Files.exists(tmp.resolve("runs/x/run.json")), "no run directory for a rejected pattern");
    r = run(train(tmp.resolve("runs/y"), "--train-only", "q_proj(", "--set", "headScale=true"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is not a valid regular expression"), r.err());
  }

  /** Issue 12 item 3: a run that diverges stops naming the step, exits 1 and keeps no non-finite checkpoint. */
  @Test
  void aDivergingRunStopsWithOneLineOrSkipsWithOnNanSkip() throws IOException {
    Path out = tmp.resolve("runs/nan");
    Run r = run(train(out, "--lr", "1e30"));
    assertEquals(1, r.code(), r.err());
    List<String> err = r.err().strip().lines().filter(l -> !l.startsWith("WARNING")).toList();
    assertEquals(1, err.size(), r.err());
    assertTrue(err.get(0).startsWith("focus train: training diverged at step ") && err.get(0).contains("--on-nan skip"), err.get(0));
    assertTrue(!Trainer.hasCheckpoint(out) || dev.focus.checkpoint.Checkpoint.load(Trainer.checkpointDir(out)) != null,
        "any checkpoint left is a loadable, finite one");

    Run skipped = run(train(out, "--lr", "1e30", "--on-nan", "skip", "--force"));
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(skipped.out().contains("non-finite steps skipped"), skipped.out());
    assertEquals(10, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    dev.focus.checkpoint.Checkpoint.load(Trainer.checkpointDir(out)); // finite weights: every loader reads them
  }
}
