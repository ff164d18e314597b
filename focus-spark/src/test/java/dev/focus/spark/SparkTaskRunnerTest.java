package dev.focus.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.LocalTaskRunner;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskRunner;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark runner in embedded local mode gives what the library's local runner gives, and keeps its promises. */
class SparkTaskRunnerTest {
  static SparkEngine engine;

  @BeforeAll
  static void start() {
    engine = SparkEngine.start(new SparkEngine.Settings("local[2]", "focus test", false, 1, List.of()));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @TempDir Path tmp;

  record Walk(long seed, int steps) implements Serializable {}

  record Position(long seed, double x, double[] path) implements Serializable {}

  /** A random walk (a stand-in for a training run: a deterministic function of its seed); writes state. */
  static final class Walker implements Section<Walk, Position>, Serializable {
    @Override
    public Position run(Walk s, LabContext ctx) throws Exception {
      java.util.Random r = new java.util.Random(s.seed());
      double x = 0;
      double[] path = new double[s.steps()];
      for (int i = 0; i < s.steps(); i++) path[i] = x += r.nextGaussian();
      Files.writeString(ctx.workDir().resolve("last.txt"), Double.toString(x));
      if (s.steps() < 0) throw new IllegalStateException("never");
      return new Position(s.seed(), x, path);
    }
  }

  /** Fails with a message the user should see. */
  static final class Failing implements Section<Walk, Position>, Serializable {
    @Override
    public Position run(Walk s, LabContext ctx) {
      throw new IllegalArgumentException("seed " + s.seed() + " is unlucky");
    }
  }

  static List<Task<Walk, Position>> walks(int n) {
    List<Task<Walk, Position>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(Task.of("test.walk.v1", new Walker(), new Walk(100 + i, 50)).labelled("walk " + i));
    return out;
  }

  @Test
  void sparkGivesTheLocalRunnersResultsBitForBitAndStoresEach() throws Exception {
    List<Task<Walk, Position>> tasks = walks(6);
    List<Position> local = TaskRunner.values(tasks,
        new LocalTaskRunner(new FileResultStore(tmp.resolve("local")), Profile.MINI, 1, null).run(tasks, TaskRunner.Listener.NONE));
    SparkTaskRunner spark = new SparkTaskRunner(engine.context(), tmp.resolve("spark").toString(), null, Profile.MINI, 1);
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Position> distributed = TaskRunner.values(tasks, spark.run(tasks, new TaskRunner.Listener() {
      @Override public void finished(Task<?, ?> task, double seconds, boolean fromStore) { seen.add(task.label() + (fromStore ? " stored" : "")); }
    }));
    for (int i = 0; i < tasks.size(); i++) {
      assertEquals(local.get(i).x(), distributed.get(i).x(), 0.0, "task " + i);
      assertEquals(List.of(boxed(local.get(i).path())), List.of(boxed(distributed.get(i).path())));
      assertTrue(Files.isRegularFile(tmp.resolve("spark/tasks/test.walk.v1").resolve(tasks.get(i).key()).resolve("result.bin")));
      assertEquals(Double.toString(local.get(i).x()),
          Files.readString(tmp.resolve("spark/tasks/test.walk.v1").resolve(tasks.get(i).key()).resolve("state/last.txt")));
    }
    List<String> sorted = new ArrayList<>(seen);
    Collections.sort(sorted);
    assertEquals(List.of("walk 0", "walk 1", "walk 2", "walk 3", "walk 4", "walk 5"), sorted, "one progress event per task");

    // A rerun (a new driver on the same work directory) submits nothing and reads the same results.
    seen.clear();
    List<Position> again = TaskRunner.values(tasks,
        new SparkTaskRunner(engine.context(), tmp.resolve("spark").toString(), null, Profile.MINI, 1).run(tasks, new TaskRunner.Listener() {
          @Override public void finished(Task<?, ?> task, double seconds, boolean fromStore) { seen.add(fromStore ? "stored" : "ran"); }
        }));
    assertEquals(Collections.nCopies(6, "stored"), seen);
    for (int i = 0; i < tasks.size(); i++) assertEquals(distributed.get(i).x(), again.get(i).x(), 0.0);
  }

  @Test
  void aFailingTaskFailsTheRunWithItsOwnMessage() {
    SparkTaskRunner spark = new SparkTaskRunner(engine.context(), tmp.toString(), null, Profile.MINI, 1);
    Task<Walk, Position> bad = Task.of("test.fail.v1", new Failing(), new Walk(13, 1));
    Exception e = assertThrows(Exception.class, () -> spark.run(List.of(bad), TaskRunner.Listener.NONE));
    assertTrue(e.getMessage().contains("seed 13 is unlucky"), e.getMessage());
  }

  @Test
  void badMastersAreRefusedInOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SparkEngine.Settings("spork://x", "focus", false, 1, List.of()));
    assertTrue(e.getMessage().startsWith("--master spork://x is not a Spark master URL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SparkEngine.Settings("local[*]", "focus", false, 0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SparkEngine.Settings("local[*]", "focus", false, 1, List.of("novalue")));
  }

  private static Double[] boxed(double[] a) {
    Double[] out = new Double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i];
    return out;
  }
}
