package dev.focus.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.ResultStore;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hadoop store (here on Hadoop's local file system) writes the layout the file store reads, and back. */
class HadoopResultStoreTest {
  @TempDir Path tmp;

  @Test
  void resultsWrittenThroughHadoopReadAsFilesAndAgainThroughHadoop() throws Exception {
    ResultStore hadoop = new HadoopResultStore(tmp.toUri().toString());
    Task<SparkTaskRunnerTest.Walk, SparkTaskRunnerTest.Position> t =
        Task.of("test.walk.v1", new SparkTaskRunnerTest.Walker(), new SparkTaskRunnerTest.Walk(7, 3));
    assertNull(hadoop.get(t));
    TaskResult<SparkTaskRunnerTest.Position> r =
        new TaskResult<>(t.key(), t.kind(), new SparkTaskRunnerTest.Position(7, 1.5, new double[] {0.5, 1.5}), 2.0, "here", "now");
    hadoop.put(t, r);
    hadoop.put(t, r); // a second write (a retried task) replaces the first
    TaskResult<SparkTaskRunnerTest.Position> viaFiles = new FileResultStore(tmp).get(t);
    assertEquals(1.5, viaFiles.value().x());
    assertEquals(2.0, viaFiles.seconds());
    assertEquals(1.5, hadoop.get(t).value().path()[1]);
    assertTrue(hadoop.location().startsWith("file:"));
    assertEquals("hdfs", Stores.scheme("hdfs://nn:8020/work"));
    assertNull(Stores.scheme("runs/.work"));
    assertTrue(Stores.open(tmp.toString()) instanceof FileResultStore);
    assertTrue(Stores.open("hdfs://nn:8020/work") instanceof HadoopResultStore);
  }
}
