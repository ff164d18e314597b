package dev.focus.train;

import dev.focus.checkpoint.AtomicFiles;
import dev.focus.checkpoint.Json;
import dev.focus.io.OutputDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of a training run and how they change without ever being half-written.
 *
 * <pre>
 *   RUN/metrics.jsonl        one JSON object per step, steps 1..k in order (k = the run's step)
 *   RUN/checkpoint/          the latest checkpoint (model files, optimizer.safetensors, trainer.json)
 *   RUN/checkpoint.tmp/      a checkpoint being written (a leftover after a crash)
 *   RUN/checkpoint.old/      the previous checkpoint during the swap (the fallback after a crash
 *                            between its two renames)
 * </pre>
 * A checkpoint is written whole into checkpoint.tmp, the current one renamed to checkpoint.old, the
 * new one renamed into place and the old one deleted; readers see one complete checkpoint at every
 * instant. {@link #removeLeftovers} deletes what an interrupted write left, and only files whose names
 * say Focus wrote them.
 */
public final class RunDirectory {
  private RunDirectory() {}

  public static final String CHECKPOINT = "checkpoint", TMP = "checkpoint.tmp", OLD = "checkpoint.old";
  public static final String METRICS = "metrics.jsonl";

  /**
   * What an interrupted write leaves: an atomic file write's temporary ({@code .NAME.DIGITS.tmp}, see
   * {@link AtomicFiles}) and the temporary directories of an earlier version's nested checkpoint save
   * ({@code .checkpoint.tmp.tmp-DIGITS}, {@code .checkpoint.tmp.old-DIGITS}) and its metrics rewrite
   * ({@code metrics.jsonl.tmp}).
   */
  private static final Pattern LEFTOVER_FILE = Pattern.compile("\\.(metrics\\.jsonl|run\\.json)\\.\\d+\\.tmp|metrics\\.jsonl\\.tmp");
  private static final Pattern LEFTOVER_DIR = Pattern.compile("\\.checkpoint\\.tmp\\.(tmp|old)-\\d+");
  /** Files a checkpoint directory holds, and their atomic-write temporaries. */
  private static final Pattern CHECKPOINT_FILE = Pattern.compile(
      "\\.?(model\\.safetensors|config\\.json|optimizer\\.safetensors|trainer\\.json|params\\.bin|optimizer\\.bin)(\\.\\d+\\.tmp)?");

  /** Writes a checkpoint's files into a fresh directory. */
  @FunctionalInterface
  public interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  /** Directory of the latest checkpoint of a run. */
  public static Path checkpointDir(Path runDir) { return runDir.resolve(CHECKPOINT); }

  /** Metrics file of a run. */
  public static Path metricsFile(Path runDir) { return runDir.resolve(METRICS); }

  /** True when {@code runDir} holds a checkpoint (complete: its trainer.json exists), current or the swap's fallback. */
  public static boolean hasCheckpoint(Path runDir) {
    return Files.isRegularFile(runDir.resolve(CHECKPOINT).resolve(TrainerState.FILE))
        || Files.isRegularFile(runDir.resolve(OLD).resolve(TrainerState.FILE));
  }

  /**
   * The directory of the run's latest complete checkpoint, or null when it has none. A crash between
   * the swap's two renames leaves only checkpoint.old; it is renamed back first, so that the next swap
   * starts from the usual state.
   */
  static Path latest(Path runDir) throws IOException {
    Path dir = runDir.resolve(CHECKPOINT), old = runDir.resolve(OLD);
    if (Files.isRegularFile(dir.resolve(TrainerState.FILE))) return dir;
    if (!Files.isRegularFile(old.resolve(TrainerState.FILE))) return null;
    if (!Files.exists(dir)) {
      AtomicFiles.move(old, dir);
      return dir;
    }
    return old;
  }

  /** Writes {@code contents} and swaps the result in as {@code runDir/checkpoint}. */
  public static void replace(Path runDir, Contents contents) throws IOException {
    Path tmp = runDir.resolve(TMP), dir = runDir.resolve(CHECKPOINT), old = runDir.resolve(OLD);
    OutputDir.deleteTree(tmp);
    Files.createDirectories(tmp);
    contents.writeInto(tmp);
    AtomicFiles.forceDirectory(tmp);
    if (Files.exists(dir)) {
      OutputDir.deleteTree(old);
      AtomicFiles.move(dir, old);
    } // else checkpoint.old may be the only complete checkpoint: it goes only once the new one is in place
    AtomicFiles.move(tmp, dir);
    AtomicFiles.forceDirectory(runDir);
    OutputDir.deleteTree(old);
  }

  /**
   * Deletes what an interrupted checkpoint or metrics write left in {@code runDir}: checkpoint.tmp
   * when it holds only checkpoint files, checkpoint.old when a complete checkpoint exists beside it,
   * the temporary files of atomic writes and an earlier version's temporary checkpoint directories.
   * Anything whose name or contents Focus would not have written stays. Returns what was deleted.
   */
  public static List<Path> removeLeftovers(Path runDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(runDir)) return removed;
    Path tmp = runDir.resolve(TMP);
    if (Files.isDirectory(tmp) && holdsOnlyCheckpointFiles(tmp)) removed.add(delete(tmp));
    if (Files.isRegularFile(runDir.resolve(CHECKPOINT).resolve(TrainerState.FILE)) && Files.isDirectory(runDir.resolve(OLD))
        && holdsOnlyCheckpointFiles(runDir.resolve(OLD))) {
      removed.add(delete(runDir.resolve(OLD)));
    }
    try (Stream<Path> s = Files.list(runDir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && LEFTOVER_FILE.matcher(name).matches()) {
          removed.add(delete(p));
        } else if (Files.isDirectory(p) && LEFTOVER_DIR.matcher(name).matches() && holdsOnlyCheckpointFiles(p)) {
          removed.add(delete(p));
        }
      }
    }
    return removed;
  }

  /** True when {@code runDir} holds any file of a Focus run (settings, metrics or a checkpoint, finished or not). */
  public static boolean holdsRun(Path runDir) {
    for (String f : RUN_FILES) if (Files.exists(runDir.resolve(f))) return true;
    return false;
  }

  /**
   * Deletes the run in {@code runDir} to start over: the files a run writes (and an earlier version's
   * mm-config.json) and the leftovers of interrupted writes; anything else in the directory stays.
   */
  public static void clear(Path runDir) throws IOException {
    removeLeftovers(runDir);
    for (String f : RUN_FILES) OutputDir.deleteTree(runDir.resolve(f));
  }

  /** What a run directory holds when Focus wrote it (mm-config.json: the multimodal run of an earlier version). */
  private static final List<String> RUN_FILES = List.of(TrainerState.RUN_FILE, METRICS, CHECKPOINT, OLD, TMP, "mm-config.json");

  private static Path delete(Path p) throws IOException {
    OutputDir.deleteTree(p);
    return p;
  }

  private static boolean holdsOnlyCheckpointFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.allMatch(p -> Files.isRegularFile(p) && CHECKPOINT_FILE.matcher(p.getFileName().toString()).matches());
    }
  }

  /**
   * Leaves in metrics.jsonl exactly one line per step 1..{@code step}, in order: lines of later steps
   * (written after the checkpoint the run resumes from, or by a run that never reached one), a torn
   * last line and repeated steps (the last one kept) go. Rewritten atomically, only when it changes.
   */
  static void truncateMetrics(Path runDir, long step) throws IOException {
    Path f = metricsFile(runDir);
    if (!Files.exists(f)) return;
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    TreeMap<Long, String> keep = new TreeMap<>();
    for (String line : lines) {
      Long s = stepOf(line);
      if (s != null && s >= 1 && s <= step) keep.put(s, line);
    }
    List<String> out = new ArrayList<>(keep.values());
    if (out.equals(lines)) return;
    StringBuilder sb = new StringBuilder();
    for (String line : out) sb.append(line).append('\n');
    AtomicFiles.write(f, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The "step" of one metrics line, or null when the line is not a whole JSON object with one. */
  static Long stepOf(String line) {
    try {
      Object s = Json.parseObject(line).get("step");
      return s instanceof Long l ? l : null;
    } catch (IllegalArgumentException torn) {
      return null;
    }
  }

  /** The run's metrics, one parsed JSON object per line (tests and tools). */
  public static List<Map<String, Object>> readMetrics(Path runDir) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(metricsFile(runDir), StandardCharsets.UTF_8)) out.add(Json.parseObject(line));
    return out;
  }
}
