package dev.focus.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one rule for every directory a Focus command writes: <b>nothing is deleted or overwritten that
 * Focus did not create</b>. Before a command writes into (or replaces) a directory it calls
 * {@link #check}, which accepts a directory that is new, empty, or already holds output of the same
 * {@link Kind}, and refuses, with one line and before touching anything,
 *
 * <ul>
 *   <li>an empty path ({@code --out ''}), which Java would read as the working directory;
 *   <li>the working directory itself or one of its parents ({@code --out .}, {@code --out ..});
 *   <li>a path that exists and is not a directory (or is a symbolic link);
 *   <li>a non-empty directory that is not Focus output of that kind (the working tree, a home
 *       directory, another tool's checkpoint, a run of another kind).
 * </ul>
 *
 * <p>The kinds are listed here, together, so that what each command may replace reads in one place.
 * Recognition looks only at names (never file contents), so it is cheap and cannot be fooled into
 * following links.
 */
public final class OutputDir {
  private OutputDir() {}

  /** A kind of output directory: its name in messages and how to recognise one Focus wrote. */
  public record Kind(String description, Predicate<Path> recognise) {}

  /** What {@link #check} found. */
  public enum State {
    /** Nothing at the path yet. */
    NEW,
    /** An empty directory. */
    EMPTY,
    /** A directory holding output of the checked kind, which the command may replace. */
    OURS
  }

  /** The marker file written first into a static site directory. */
  public static final String SITE_MARKER = ".focus-site";

  private static final Pattern TEMP = Pattern.compile("\\..*\\.tmp.*|.*\\.tmp|.*\\.part|\\.tmp-.*|\\..*-tmp-.*");

  /**
   * A model checkpoint ({@code focus init}, {@code Checkpoint.save}): only the files a checkpoint
   * holds, with config.json among them.
   */
  public static final Kind CHECKPOINT = new Kind("Focus checkpoint (config.json + model.safetensors)", dir ->
      has(dir, "config.json") && only(dir, List.of("config.json", "model.safetensors", "optimizer.bin", "trainer.json",
          "optimizer.safetensors", "trainer_state.json", "params.bin", "mm-config.json")));

  /** A training run ({@code focus train}): run.json or a multimodal run's mm-config.json marks it. */
  public static final Kind RUN = new Kind("Focus training run (run.json, metrics.jsonl, checkpoint/)",
      dir -> has(dir, "run.json") || has(dir, "mm-config.json"));

  /** The static site ({@code focus site}, {@code focus lab}): its marker file, written first. */
  public static final Kind SITE = new Kind("site written by focus site (marker " + SITE_MARKER + ")",
      dir -> has(dir, SITE_MARKER));

  /** Generated images ({@code focus generate}): sample-NNN.png and contact-sheet.png only. */
  public static final Kind IMAGES = new Kind("folder of focus generate images (sample-NNN.png, contact-sheet.png)",
      dir -> only(dir, Pattern.compile("sample-\\d+\\.png|contact-sheet\\.png")));

  /** A runs directory of {@code focus lab}: report directories and the lab's hidden working directories. */
  public static final Kind LAB_RUNS = new Kind("runs directory of focus lab (one directory per report)",
      dir -> allEntries(dir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));

  /** One report of a runs directory (a report writer replaces it whole): meta.json marks it. */
  public static final Kind REPORT = new Kind("Focus report (meta.json, report.md, data files)", dir -> has(dir, "meta.json"));

  /** The data cache of {@code focus setup}: the data sets and the fetch directories of an interrupted setup. */
  public static final Kind CACHE = new Kind("Focus data cache (brown/, digits/)",
      dir -> only(dir, Pattern.compile("brown|digits|(brown|digits)-fetch-.*")));

  /**
   * Checks that {@code dir} may be written as {@code kind}; changes nothing.
   *
   * @return what is there now
   * @throws IllegalArgumentException naming the path and the rule when it may not
   * @throws UncheckedIOException when the directory cannot be listed
   */
  public static State check(Path dir, Kind kind) {
    if (dir == null || dir.toString().isBlank()) {
      throw new IllegalArgumentException("the output directory is empty; name a directory (for example runs/NAME)");
    }
    Path abs = dir.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath().normalize();
    if (abs.getFileSystem().equals(cwd.getFileSystem()) && cwd.startsWith(abs)) {
      throw new IllegalArgumentException(dir + " is " + (cwd.equals(abs) ? "the working directory" : "a parent of the working directory")
          + "; name a new subdirectory for the " + kind.description());
    }
    if (Files.isSymbolicLink(abs)) {
      throw new IllegalArgumentException(dir + " is a symbolic link; name a real directory for the " + kind.description());
    }
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) return State.NEW;
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(dir + " exists and is not a directory; name a directory for the " + kind.description());
    }
    if (isEmpty(abs)) return State.EMPTY;
    if (!kind.recognise().test(abs)) {
      throw new IllegalArgumentException(dir + " is not empty and does not hold a " + kind.description()
          + "; nothing was changed: choose a new or empty directory");
    }
    return State.OURS;
  }

  /**
   * Makes {@code dir} an empty directory for output of {@code kind}: creates it when new, or deletes
   * its contents when {@link #check} finds it holds output of that kind (and refuses otherwise).
   *
   * @return the directory (absolute)
   */
  public static Path clear(Path dir, Kind kind) throws IOException {
    State state = check(dir, kind);
    Path abs = dir.toAbsolutePath().normalize();
    if (state == State.OURS) {
      try (Stream<Path> s = Files.list(abs)) {
        for (Path p : s.toList()) deleteTree(p);
      }
    }
    return Files.createDirectories(abs);
  }

  /**
   * Deletes a file or a directory tree; nothing when absent. Symbolic links are deleted, never
   * followed. Callers pass only paths that {@link #check} accepted or that they created themselves.
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** True when {@code dir} is an empty directory. */
  public static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean has(Path dir, String name) {
    return Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean only(Path dir, List<String> names) {
    return allEntries(dir, p -> names.contains(p.getFileName().toString()));
  }

  private static boolean only(Path dir, Pattern names) {
    return allEntries(dir, p -> names.matcher(p.getFileName().toString()).matches());
  }

  /** Every entry satisfies {@code ok}, ignoring the temporary files of an interrupted atomic write. */
  private static boolean allEntries(Path dir, Predicate<Path> ok) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.allMatch(p -> ok.test(p) || TEMP.matcher(p.getFileName().toString()).matches());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
