package dev.focus.lab.run;

import dev.focus.checkpoint.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@link ResultStore} in a directory of this machine's file system (a local disk, or a mount every
 * worker sees, such as NFS). Layout, one directory per task:
 * <pre>
 *   WORK/tasks/&lt;kind&gt;/&lt;key&gt;/result.bin   the {@link TaskResult}, Java-serialized, written atomically
 *   WORK/tasks/&lt;kind&gt;/&lt;key&gt;/task.txt     the kind, key, label and settings in words (for people)
 *   WORK/tasks/&lt;kind&gt;/&lt;key&gt;/state/      the task's resumable state (training checkpoints)
 * </pre>
 * A result that no longer reads (its record's components changed without a new kind version) counts
 * as missing, so the task runs again and replaces it.
 */
public final class FileResultStore implements ResultStore {
  static final String RESULT = "result.bin", DESCRIPTION = "task.txt", STATE = "state";

  private final Path root;

  public FileResultStore(Path workDir) {
    if (workDir == null) throw new IllegalArgumentException("work directory is null");
    this.root = workDir;
  }

  /** The directory of {@code task}. */
  public Path dir(Task<?, ?> task) {
    return root.resolve("tasks").resolve(task.kind()).resolve(task.key());
  }

  @Override
  public <R extends Record> TaskResult<R> get(Task<?, R> task) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir(task).resolve(RESULT));
    } catch (NoSuchFileException e) {
      return null;
    }
    return decode(task, bytes);
  }

  @Override
  public void put(Task<?, ?> task, TaskResult<?> result) throws IOException {
    if (!result.key().equals(task.key())) {
      throw new IllegalArgumentException("result key " + result.key() + " is not task " + task + "'s key");
    }
    Path d = dir(task);
    Files.createDirectories(d);
    AtomicFiles.write(d.resolve(DESCRIPTION), describe(task, result).getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(d.resolve(RESULT), encode(result));
  }

  @Override
  public Path state(Task<?, ?> task) throws IOException {
    return Files.createDirectories(dir(task).resolve(STATE));
  }

  @Override
  public String location() { return root.toString(); }

  /** The stored form of a result (shared by every store, so their files are interchangeable). */
  public static byte[] encode(TaskResult<?> result) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(result);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize the result of task " + result.kind() + " " + result.key() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  /** Reads a stored result of {@code task}; null when it is of another key or no longer reads. */
  @SuppressWarnings("unchecked")
  public static <R extends Record> TaskResult<R> decode(Task<?, R> task, byte[] bytes) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      Object o = in.readObject();
      if (!(o instanceof TaskResult<?> r) || !r.key().equals(task.key())) return null;
      return (TaskResult<R>) r;
    } catch (InvalidClassException | ClassNotFoundException | ClassCastException e) {
      return null;
    } catch (ObjectStreamException e) {
      return null;
    }
  }

  /** The task in words: what task.txt holds. */
  public static String describe(Task<?, ?> task, TaskResult<?> result) {
    return String.format(Locale.ROOT, "kind: %s%nkey: %s%nlabel: %s%nseconds: %.3f%nworker: %s%nfinished: %s%nsettings: %s%n",
        task.kind(), task.key(), task.label(), result.seconds(), result.worker(), result.finished(),
        TaskKey.canonical(task.settings(), false));
  }
}
