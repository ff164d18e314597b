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
 * (atomic on HDFS). A task's state (its checkpoints) stays on the executor's local disk.
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

  /**
   * A local directory of this executor for the task's state: checkpoints are not copied to the Hadoop
   * file system, so a task retried on another node starts over (one retried on the same node resumes).
   */
  @Override
  public Path state(Task<?, ?> task) throws IOException {
    return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "focus-state", task.kind(), task.key()));
  }

  @Override
  public String location() { return root; }
}
