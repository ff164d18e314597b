package dev.focus.train;

import dev.focus.checkpoint.AtomicFiles;
import dev.focus.checkpoint.Checkpoint;
import dev.focus.checkpoint.CheckpointException;
import dev.focus.checkpoint.Json;
import dev.focus.model.Overrides;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint's {@code trainer.json}: where the run stands and the settings it was trained with.
 *
 * <pre>
 *   {"format": "focus-trainer", "version": 2,
 *    "step": 120,          updates done (1-based: step k = k updates, counting skipped ones)
 *    "skipped": 0,         steps skipped for a non-finite loss or gradient (onNan = SKIP)
 *    "steps": 400,         the run's planned steps when it was saved
 *    "elapsed": 12.5,      training seconds so far, over every session
 *    "settings": {"data": "brown", "hidden": "64", …, "lr": "0.003", …}}
 * </pre>
 * {@code settings} is everything that changes the numbers (the task's identity, then
 * {@link TrainConfig#resumeSettings}); a run resumes only when they are equal
 * ({@link #firstDifference}), which is the one resume check of Focus.
 */
public record TrainerState(long step, long skipped, long steps, double elapsed, Map<String, String> settings) {
  public static final String FILE = "trainer.json";
  static final String FORMAT = "focus-trainer";
  static final long VERSION = 2;

  public TrainerState {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** Writes {@code dir/trainer.json} atomically. */
  void write(Path dir) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("step", step);
    m.put("skipped", skipped);
    m.put("steps", steps);
    m.put("elapsed", elapsed);
    m.put("settings", new LinkedHashMap<String, Object>(settings));
    AtomicFiles.write(dir.resolve(FILE), Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
  }

  /** Reads {@code dir/trainer.json}, or throws one {@link CheckpointException} line naming the file. */
  @SuppressWarnings("unchecked")
  static TrainerState read(Path dir) {
    Path file = dir.resolve(FILE);
    Map<String, Object> m;
    try {
      m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (!FORMAT.equals(m.get("format"))) throw new CheckpointException(file + " is not a Focus trainer state");
    Object version = m.get("version");
    if (!Long.valueOf(VERSION).equals(version)) {
      throw new CheckpointException(file + ": trainer state version " + version + " was written by an earlier Focus (optimizer.bin, "
          + "params.bin) and is no longer read; start the run again (focus train --force)");
    }
    long step = count(m, "step", file), skipped = count(m, "skipped", file), steps = count(m, "steps", file);
    if (skipped > step) throw new CheckpointException(file + ": skipped=" + skipped + " exceeds step=" + step);
    Object elapsed = m.get("elapsed");
    if (!(elapsed instanceof Number) || !(((Number) elapsed).doubleValue() >= 0)) {
      throw new CheckpointException(file + ": elapsed=" + elapsed + " is not a number of seconds");
    }
    if (!(m.get("settings") instanceof Map)) throw new CheckpointException(file + ": settings is not an object");
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("settings")).entrySet()) {
      if (!(e.getValue() instanceof String)) throw new CheckpointException(file + ": settings." + e.getKey() + " is not a string");
      settings.put(e.getKey(), (String) e.getValue());
    }
    return new TrainerState(step, skipped, steps, ((Number) elapsed).doubleValue(), settings);
  }

  /** The run's settings file, beside its metrics: what it trains, for people and for {@link #runSettings}. */
  public static final String RUN_FILE = "run.json";

  /**
   * Writes {@code runDir/run.json}: {@code {"format": "focus-run", "version": 1, "steps": N, "settings": {…}}},
   * the settings a run starts with, so that a run stopped before its first checkpoint is still
   * resumed only with the same settings.
   */
  static void writeRun(Path runDir, long steps, Map<String, String> settings) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "focus-run");
    m.put("version", 1L);
    m.put("steps", steps);
    m.put("settings", new LinkedHashMap<String, Object>(settings));
    AtomicFiles.write(runDir.resolve(RUN_FILE), Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
  }

  /** The settings in {@code runDir/run.json}, or null when there is none in this format (an earlier one is not read). */
  @SuppressWarnings("unchecked")
  static Map<String, String> runSettings(Path runDir) {
    Path file = runDir.resolve(RUN_FILE);
    if (!Files.isRegularFile(file)) return null;
    Map<String, Object> m = Checkpoint.readJson(file);
    if (!"focus-run".equals(m.get("format")) || !(m.get("settings") instanceof Map)) return null;
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("settings")).entrySet()) {
      settings.put(e.getKey(), String.valueOf(e.getValue()));
    }
    return settings;
  }

  private static long count(Map<String, Object> m, String key, Path file) {
    Object v = m.get(key);
    if (!(v instanceof Long) || (Long) v < 0) throw new CheckpointException(file + ": " + key + "=" + v + " is not a count >= 0");
    return (Long) v;
  }

  /**
   * "seed was 0, now 3" for the first setting that differs between a saved run and this one, or null
   * when they agree. A model key added to Focus after the run was saved is absent from its settings;
   * it agrees when the current value is that key's default ({@link Overrides#LATER_KEYS}).
   */
  public static String firstDifference(Map<String, String> before, Map<String, String> now) {
    for (String k : now.keySet()) {
      String old = before.get(k), cur = now.get(k);
      if (old == null && cur.equals(Overrides.LATER_KEYS.get(k))) continue;
      if (!cur.equals(old)) return k + " was " + (old == null ? "(none)" : old) + ", now " + cur;
    }
    for (String k : before.keySet()) {
      if (!now.containsKey(k)) return k + " was " + before.get(k) + ", now (none)";
    }
    return null;
  }
}
