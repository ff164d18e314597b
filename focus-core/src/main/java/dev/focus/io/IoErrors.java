package dev.focus.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * I/O failures as one line a person can act on: which path, what went wrong, what to do. Java's own
 * messages are bare ({@code NoSuchFileException: x}, {@code IOException: No space left on device}
 * without a path), so writers attach the path with {@link #at} and the CLI prints {@link #describe}.
 *
 * <p>Bad input (a missing, existing, unreadable or non-UTF-8 path the user named) is told apart from
 * a failing machine (disk full, I/O error) by {@link #isBadInput}: the CLI exits 2 for the first, 1
 * for the second.
 */
public final class IoErrors {
  private IoErrors() {}

  /** {@code e} with {@code path} attached, unless it already names a file. */
  public static IOException at(Path path, IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) return e;
    if (e instanceof CharacterCodingException) {
      IOException r = new FileSystemException(String.valueOf(path), null, "is not UTF-8 text");
      r.initCause(e);
      return r;
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    IOException r = new FileSystemException(String.valueOf(path), null, reason);
    r.initCause(e);
    return r;
  }

  /** The I/O exception inside {@code t} (itself, an {@link UncheckedIOException}'s cause, ...), or null. */
  public static IOException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io) return io;
    }
    return null;
  }

  /** True for failures caused by the path the user gave rather than by the machine. */
  public static boolean isBadInput(IOException e) {
    if (e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
        || e instanceof AccessDeniedException || e instanceof DirectoryNotEmptyException || e instanceof CharacterCodingException) {
      return true;
    }
    String m = lower(e);
    return m.contains("read-only file system") || m.contains("permission denied") || m.contains("is a directory")
        || m.contains("not utf-8") || e.getCause() instanceof CharacterCodingException;
  }

  /** One line naming the path (when known), the failure and what to do; never raw file bytes. */
  public static String describe(IOException e) {
    String path = e instanceof FileSystemException f && f.getFile() != null ? Text.quote(f.getFile()) : null;
    String other = e instanceof FileSystemException f && f.getOtherFile() != null ? Text.quote(f.getOtherFile()) : null;
    String where = path == null ? "" : path + ": ";
    String m = lower(e);
    if (e instanceof NoSuchFileException) return where + "no such file or directory; check the path";
    if (e instanceof FileAlreadyExistsException) return where + "already exists; choose another name or remove it first";
    if (e instanceof NotDirectoryException) return where + "is not a directory";
    if (e instanceof DirectoryNotEmptyException) return where + "directory is not empty";
    if (e instanceof AccessDeniedException || m.contains("permission denied")) {
      return where + "permission denied; choose a location you can write to (or fix its permissions)";
    }
    if (m.contains("read-only file system")) return where + "the file system is read-only; choose a writable location";
    if (m.contains("no space left") || m.contains("disk quota")) {
      return where + "no space left on the device; free some space (or choose another location) and run again";
    }
    if (e instanceof CharacterCodingException || e.getCause() instanceof CharacterCodingException || m.contains("not utf-8")) {
      return where + "is not UTF-8 text; convert it (for example with iconv) and try again";
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    reason = reason == null || reason.isBlank() ? e.getClass().getSimpleName() : Text.quote(reason);
    return where + (other == null ? "" : "(and " + other + ") ") + "I/O error: " + reason;
  }

  private static String lower(IOException e) {
    String m = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    return m == null ? "" : m.toLowerCase(Locale.ROOT);
  }
}
