package dev.focus.checkpoint;

import dev.focus.io.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe writes: a file is written to a temporary sibling, forced to disk and renamed over its
 * target in one atomic step, so readers see the old file or the new one, never a prefix.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Receives a channel to write the new content to. */
  @FunctionalInterface
  public interface Writer {
    void write(FileChannel channel) throws IOException;
  }

  /** Writes {@code target} atomically through {@code writer}. */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw IoErrors.at(dir, e); // name the place: Java's ENOSPC and EROFS messages carry no path
    }
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writer.write(ch);
        ch.force(true);
      }
      move(tmp, abs);
      forceDirectory(dir);
    } catch (IOException e) {
      throw IoErrors.at(abs, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes bytes atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
  }

  /** Writes the whole buffer (FileChannel.write may write less than asked). */
  public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) ch.write(buf);
  }

  /** Renames atomically where the file system can (replacing {@code to}). */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Flushes a directory entry (best effort: not every platform can open a directory). */
  public static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Windows and some file systems refuse; the rename itself is still atomic.
    }
  }
}
