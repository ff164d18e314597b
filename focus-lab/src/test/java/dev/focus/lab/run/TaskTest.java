package dev.focus.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskTest {
  @TempDir Path tmp;

  /** A settings record with every kind of value a task may hold. */
  record Knobs(String name, int steps, double lr, float scale, long seed, boolean flag, List<Integer> sizes, double[] weights,
               Profile profile, Map<String, String> extra) implements Serializable {}

  record Sum(double total, int calls) implements Serializable {}

  static final AtomicInteger CALLS = new AtomicInteger();

  /** Sums the weights times lr; counts its calls so tests can see what ran. */
  static final class Summing implements Section<Knobs, Sum>, Serializable {
    @Override
    public Sum run(Knobs s, LabContext ctx) throws Exception {
      int n = CALLS.incrementAndGet();
      Files.writeString(ctx.workDir().resolve("seen.txt"), s.name()); // state lives in the task's own directory
      double t = 0;
      for (double w : s.weights()) t += w * s.lr();
      return new Sum(t, n);
    }
  }

  static Knobs knobs(long seed, double lr) {
    return new Knobs("a\"b", 300, lr, 0.5f, seed, true, List.of(1, 2), new double[] {1, 2.5}, Profile.QUICK, Map.of("k", "v"));
  }

  @Test
  void keyIsAFixedHashOfKindAndSettings() {
    String k = TaskKey.of("test.sum.v1", knobs(1, 0.1));
    // Pinned: a key must not change between JVMs, machines or releases.
    assertEquals("{name:\"a\\\"b\",steps:300,lr:0x1.999999999999ap-4,scale:0x1.0p-1f,seed:1,flag:true,sizes:[1,2],"
        + "weights:[0x1.0p0,0x1.4p1],profile:QUICK,extra:{\"k\":\"v\"}}", TaskKey.canonical(knobs(1, 0.1), true));
    assertEquals(32, k.length());
    assertEquals(k, TaskKey.of("test.sum.v1", knobs(1, 0.1)));
    assertNotEquals(k, TaskKey.of("test.sum.v1", knobs(2, 0.1)), "the seed is part of the key");
    assertNotEquals(k, TaskKey.of("test.sum.v1", knobs(1, Math.nextUp(0.1))), "one ulp of a real changes the key");
    assertNotEquals(k, TaskKey.of("test.sum.v2", knobs(1, 0.1)), "the kind (and its version) is part of the key");
  }

  record WithPath(Path where) {}

  @Test
  void settingsThatAreNotPlainDataAreRefusedNamingTheComponent() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskKey.of("x", new WithPath(tmp)));
    assertTrue(e.getMessage().contains("settings.where is a"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Task.of("Bad Kind", new Summing(), knobs(1, 0.1)));
    Section<Knobs, Sum> notSerializable = (s, ctx) -> new Sum(0, 0);
    assertThrows(IllegalArgumentException.class, () -> Task.of("x", notSerializable, knobs(1, 0.1)));
  }

  @Test
  void aStoredTaskIsNotRunAgainAndGivesTheSameResult() throws Exception {
    FileResultStore store = new FileResultStore(tmp.resolve("work"));
    LocalTaskRunner runner = new LocalTaskRunner(store, Profile.MINI, 1, null);
    List<Task<Knobs, Sum>> tasks = List.of(Task.of("test.sum.v1", new Summing(), knobs(1, 0.5)),
        Task.of("test.sum.v1", new Summing(), knobs(2, 0.25)), Task.of("test.sum.v1", new Summing(), knobs(1, 0.5)));
    int before = CALLS.get();
    List<Sum> first = TaskRunner.values(tasks, runner.run(tasks, TaskRunner.Listener.NONE));
    assertEquals(before + 2, CALLS.get(), "equal tasks run once");
    assertEquals(1.75, first.get(0).total());
    assertEquals(0.875, first.get(1).total());
    assertEquals(first.get(0), first.get(2));
    assertEquals("a\"b", Files.readString(store.state(tasks.get(0)).resolve("seen.txt")));
    assertTrue(Files.readString(store.dir(tasks.get(0)).resolve("task.txt")).contains("lr:0.5,"));

    // A second runner over the same work directory (a restarted driver) runs nothing.
    List<Integer> fromStore = new ArrayList<>();
    List<Sum> again = TaskRunner.values(tasks, new LocalTaskRunner(new FileResultStore(tmp.resolve("work")), Profile.MINI, 1, null)
        .run(tasks, new TaskRunner.Listener() {
          @Override public void planned(int total, int stored) { fromStore.add(total); fromStore.add(stored); }
        }));
    assertEquals(before + 2, CALLS.get());
    assertEquals(List.of(2, 2), fromStore);
    assertEquals(first, again);
  }

  @Test
  void aCancelledTaskIsNotStored() throws Exception {
    FileResultStore store = new FileResultStore(tmp);
    Task<Knobs, Sum> t = Task.of("test.sum.v1", new Summing(), knobs(7, 1));
    TaskRunner.Listener stop = new TaskRunner.Listener() {
      @Override public Progress progress(Task<?, ?> task) {
        return new Progress() {
          @Override public void total(long units) {}
          @Override public void step(long units) {}
          @Override public void message(String text) {}
          @Override public boolean cancelled() { return true; }
        };
      }
    };
    int before = CALLS.get();
    assertThrows(CancellationException.class, () -> new LocalTaskRunner(store, Profile.MINI, 1, null).run(List.of(t), stop));
    assertEquals(before + 1, CALLS.get(), "the task ran and saw the stop");
    assertNull(store.get(t), "its partial result is not kept");
  }

  @Test
  void dependenciesRunFirstAndBoundTheExpectedWallTime() {
    Task<Knobs, Sum> a = Task.of("test.train.v1", new Summing(), knobs(1, 1)).withCost(100);
    Task<Knobs, Sum> b = Task.of("test.train.v1", new Summing(), knobs(2, 1)).withCost(300);
    Task<Knobs, Sum> probe = Task.of("test.probe.v1", new Summing(), knobs(3, 1)).after(b);
    Task<Knobs, Sum> c = Task.of("test.train.v1", new Summing(), knobs(4, 1)).withCost(100);
    List<Task<?, ?>> order = TaskPlan.order(List.of(probe, a, c, b));
    assertTrue(order.indexOf(b) < order.indexOf(probe), "a probe runs after the training it reads");

    // Measured: a 10 s, probe 5 s; b and c estimated from a's 0.1 s per unit of cost: 30 s and 10 s.
    TaskPlan.Estimate e = TaskPlan.estimate(List.of(a, b, probe, c), Map.of(a.key(), 10.0, probe.key(), 5.0));
    assertEquals(2, e.measured());
    assertEquals(2, e.estimated());
    assertEquals(55.0, e.work(), 1e-9);
    assertEquals(35.0, e.chain(), 1e-9, "b then its probe");
    assertEquals(55.0, e.wall(1), 1e-9);
    assertEquals(35.0, e.wall(2), 1e-9, "two workers cannot beat the chain");
    assertEquals(35.0, e.wall(8), 1e-9);
    assertTrue(e.describe(1, 2, 4).contains("2 workers 35.0s"), e.describe(1, 2, 4));
  }

  @Test
  void intervalOverSeedsUsesStudentsT() {
    Stats.Interval i = Stats.interval95(new double[] {1, 2, 3});
    // mean 2, sd 1, t(2) = 4.303: half-width 4.303/√3.
    assertEquals(2.0, i.mean(), 1e-12);
    assertEquals(4.303 / Math.sqrt(3), i.halfWidth(), 1e-12);
    assertEquals("2.00 ± 2.48", i.format(2));
    assertTrue(Stats.pairedDifference95(new double[] {0.9, 0.8, 0.85}, new double[] {0.5, 0.45, 0.5}).above(0));
    assertEquals("5.00 (1 seed)", Stats.interval95(new double[] {5}).format(2));
    assertEquals(2.042, Stats.tQuantile975(30), 0);
    assertEquals(1.984, Stats.tQuantile975(100), 1e-3);
  }
}
