package dev.focus.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Replaces a run's checkpoint/ directory without ever leaving it half-written: the new checkpoint is
 * written into checkpoint.tmp, the old one is renamed to checkpoint.old, the new one renamed into
 * place, and the old one deleted. A crash between the two renames leaves checkpoint.old, which
 * {@link Trainer#resume} falls back to.
 */
public final class CheckpointSwap {
  private CheckpointSwap() {}

  /** Writes a checkpoint's files into a fresh directory. */
  @FunctionalInterface
  public interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  /** Writes {@code contents} and swaps the result in as {@code runDir/checkpoint}. */
  public static void replace(Path runDir, Contents contents) throws IOException {
    Path tmp = runDir.resolve("checkpoint.tmp"), dir = runDir.resolve("checkpoint"), old = runDir.resolve("checkpoint.old");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    contents.writeInto(tmp);
    deleteTree(old);
    if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  /** Deletes a file or directory tree; nothing when it does not exist. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.delete(x);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
