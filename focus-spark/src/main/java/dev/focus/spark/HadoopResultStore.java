package dev.focus.spark;

import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.ResultStore;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskResult;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A {@link ResultStore} on any Hadoop file system ({@code hdfs://namenode:8020/focus/work}), with the
 * layout of {@link FileResultStore}. A result is written to a temporary name and renamed into place
 * (atomic on HDFS). A task's state directory is a local copy under the JVM's temporary directory,
 * filled from {@code state/} of the store when the task starts; the task's own checkpoints are kept
 * there, and {@link #saveState} copies them back.
 */
public final class HadoopResultStore implements ResultStore {
  private final String root;

  public HadoopResultStore(String workUri) {
    this.root = workUri.endsWith("/") ? workUri.substring(0, workUri.length() - 1) : workUri;
  }

  private org.apache.hadoop.fs.Path dir(Task<?, ?> task) {
    return new org.apache.hadoop.fs.Path(root + "/tasks/" + task.kind() + "/" + task.key());
  }

  private FileSystem fs() throws IOException {
    return new org.apache.hadoop.fs.Path(root).getFileSystem(new Configuration());
  }

  @Override
  public <R extends Record> TaskResult<R> get(Task<?, R> task) throws IOException {
    FileSystem fs = fs();
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir(task), "result.bin"))) {
      return FileResultStore.decode(task, in.readAllBytes());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public void put(Task<?, ?> task, TaskResult<?> result) throws IOException {
    FileSystem fs = fs();
    org.apache.hadoop.fs.Path d = dir(task);
    fs.mkdirs(d);
    write(fs, new org.apache.hadoop.fs.Path(d, "task.txt"), FileResultStore.describe(task, result).getBytes(StandardCharsets.UTF_8));
    write(fs, new org.apache.hadoop.fs.Path(d, "result.bin"), FileResultStore.encode(result));
  }

  private static void write(FileSystem fs, org.apache.hadoop.fs.Path target, byte[] bytes) throws IOException {
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
        "." + target.getName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(bytes);
    }
    fs.delete(target, false); // HDFS rename does not replace; a reader between the two sees no result and reruns
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  @Override
  public Path state(Task<?, ?> task) throws IOException {
    Path local = Path.of(System.getProperty("java.io.tmpdir"), "focus-state", task.kind(), task.key());
    Files.createDirectories(local);
    FileSystem fs = fs();
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir(task), "state");
    if (fs.exists(remote)) {
      for (var st : fs.listStatus(remote)) {
        fs.copyToLocalFile(false, st.getPath(), new org.apache.hadoop.fs.Path(local.toUri()), true);
      }
    }
    return local;
  }

  /** Copies the local state of {@code task} back to the store (replacing what is there). */
  public void saveState(Task<?, ?> task, Path local) throws IOException {
    FileSystem fs = fs();
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir(task), "state");
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir(task), ".state.tmp");
    fs.delete(tmp, true);
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
    fs.delete(remote, true);
    if (!fs.rename(tmp, remote)) throw new IOException("cannot rename " + tmp + " to " + remote);
  }

  @Override
  public String location() { return root; }
}
