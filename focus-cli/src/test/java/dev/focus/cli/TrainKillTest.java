package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection (issue #12): {@code focus train} in a child JVM is killed with SIGKILL at random
 * moments, checkpointing every step so that many kills land inside a checkpoint write, and resumed
 * after each kill. Every resume must load what the kill left, and the run that finally completes must
 * end with the same weights and optimizer state, bit for bit, and the same loss at every step as a run
 * that was never interrupted.
 */
class TrainKillTest {
  @TempDir Path tmp;

  private static final String[] TRAIN = {"train", "--preset", "micro", "--data", "copy", "--steps", "40", "--batch", "4", "--seq", "24",
      "--checkpoint-every", "1", "--eval-every", "0", "--no-progress", "--seed", "5"};

  /** Kills, and how many of them left a checkpoint write half done. */
  record Outcome(int kills, int midCheckpoint, int resumes) {}

  @Test
  void killedRunsResumeBitForBit() throws Exception {
    Outcome o = killAndResume(2, 11);
    assertTrue(o.kills() >= 1, "no kill landed: " + o);
  }

  @Tag("slow")
  @Test
  void manyKillsIncludingMidCheckpoint() throws Exception {
    Outcome o = killAndResume(60, 12);
    assertTrue(o.midCheckpoint() >= 1, "no kill landed inside a checkpoint write: " + o);
  }

  private Outcome killAndResume(int maxKills, long seed) throws Exception {
    Path ref = tmp.resolve("ref"), run = tmp.resolve("run");
    Cli.Run r = Cli.run(with(TRAIN, "--out", ref.toString()));
    assertEquals(0, r.code(), r.err());

    SplittableRandom rng = new SplittableRandom(seed);
    int kills = 0, mid = 0, resumes = 0;
    while (true) {
      Process p = new ProcessBuilder(ChildJvm.command(List.of(), with(TRAIN, "--resume", "--out", run.toString())))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("child.err").toFile()).start();
      resumes++;
      boolean kill = kills < maxKills;
      if (kill && trainsTo(p, run, 1 + rng.nextInt(38), rng.nextInt(40))) {
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no finally
        kills++;
        if (halfWritten(run)) mid++;
        continue;
      }
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a resumed run did not finish");
      String err = Files.readString(tmp.resolve("child.err"), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "resume after " + kills + " kills failed: " + ChildJvm.stripJvmNoise(err));
      break;
    }
    // Every file of the final checkpoint but trainer.json (which records wall time) is the same, byte for byte.
    List<String> files = checkpointFiles(ref);
    assertTrue(files.containsAll(List.of("config.json", "model.safetensors", "optimizer.safetensors")), "checkpoint files " + files);
    assertEquals(files, checkpointFiles(run), "checkpoint files after " + kills + " kills");
    for (String f : files) {
      if (f.equals("trainer.json")) continue;
      assertArrayEquals(Files.readAllBytes(ref.resolve("checkpoint").resolve(f)), Files.readAllBytes(run.resolve("checkpoint").resolve(f)),
          f + " differs after " + kills + " kills");
    }
    Map<Long, String> want = losses(ref), got = losses(run);
    assertEquals(want, got, "losses per step after " + kills + " kills");
    Outcome o = new Outcome(kills, mid, resumes);
    System.out.println("kill test: " + o);
    return o;
  }

  /**
   * Waits until the child has logged {@code step} steps (so the kill lands in training, not in JVM
   * start-up), then {@code extraMillis} more; true when it is still running.
   */
  private static boolean trainsTo(Process p, Path run, int step, int extraMillis) throws Exception {
    Path metrics = run.resolve("metrics.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (p.isAlive() && System.nanoTime() < deadline) {
      if (Files.exists(metrics) && Files.readAllLines(metrics, StandardCharsets.UTF_8).size() >= step) break;
      Thread.sleep(2);
    }
    return !p.waitFor(extraMillis, TimeUnit.MILLISECONDS);
  }

  /** A checkpoint write that a kill interrupted leaves its temporary or previous directory behind. */
  private static boolean halfWritten(Path run) throws IOException {
    if (!Files.isDirectory(run)) return false;
    try (Stream<Path> s = Files.list(run)) {
      return s.map(p -> p.getFileName().toString()).anyMatch(n -> n.contains(".tmp") || n.endsWith(".old") || n.startsWith(".checkpoint"));
    }
  }

  /** The names of the files in {@code run}'s checkpoint directory, sorted. */
  private static List<String> checkpointFiles(Path run) throws IOException {
    try (Stream<Path> s = Files.list(run.resolve("checkpoint"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Step → loss of metrics.jsonl; a step logged twice (before and after a kill) keeps its last line. */
  private static Map<Long, String> losses(Path run) throws IOException {
    Pattern line = Pattern.compile("\"step\":(\\d+),\"loss\":([^,}]+)");
    Map<Long, String> m = new LinkedHashMap<>();
    for (String l : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
      Matcher x = line.matcher(l);
      if (x.find()) m.put(Long.parseLong(x.group(1)), x.group(2));
    }
    return m;
  }

  private static String[] with(String[] base, String... more) {
    List<String> a = new ArrayList<>(List.of(base));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }
}
