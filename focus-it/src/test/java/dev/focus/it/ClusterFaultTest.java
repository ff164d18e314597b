package dev.focus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's mini plan (report 4's grid trainings), and faults, on a real Spark standalone cluster (a master and two one-core workers in child JVMs on
 * 127.0.0.1): a worker killed with SIGKILL while tasks run, and the driver killed mid-run. The plan
 * is a sweep of 8 short training runs that checkpoint every 15 steps; its results must equal those
 * of the same sweep run locally (every number but the timings), so a retried task that resumed from
 * its checkpoint ends bit for bit where an uninterrupted one does.
 */
class ClusterFaultTest {
  static final List<String> SWEEP = List.of("sweep", "--data", "copy", "--preset", "micro", "--set", "hidden=32", "--set",
      "intermediate=64", "--set", "layers=1", "--set", "heads=2", "--set", "kvHeads=2", "--steps", "60", "--batch", "8", "--seq",
      "24", "--eval-every", "20", "--checkpoint-every", "15", "--no-spark-ui", "--grid", "attention=softmax,linear", "seed=1..4");
  static final int TASKS = 8;

  @TempDir static Path tmp;
  static StandaloneCluster cluster;
  static List<String> local;

  @BeforeAll
  static void startClusterAndRunLocally() throws Exception {
    assumeTrue(StandaloneCluster.built(), "focus-cli is not packaged yet (mvn verify packages it before this module)");
    cluster = StandaloneCluster.start(Files.createDirectories(tmp.resolve("cluster")), 2);
    local = run("local", "--master", "local[2]");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void aWorkerKilledWhileTasksRunCostsOnlyItsTasksAndTheResultsEqualALocalRun() throws Exception {
    Path out = tmp.resolve("worker-kill/runs/sweep"), work = tmp.resolve("worker-kill/work");
    Path log = tmp.resolve("worker-kill.log");
    Process driver = StandaloneCluster.focus(log, args(out, "--master", cluster.url(), "--work-dir", work.toString()));
    try {
      StandaloneCluster.waitFor(Duration.ofSeconds(240), () -> results(work) >= 1 || !driver.isAlive(), () -> "no task finished:\n" + read(log));
      int before = results(work);
      assertTrue(before < TASKS, "tasks still to run when the worker dies (" + before + " done)");
      cluster.killWorker(0);
      assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "the sweep finishes on the other worker:\n" + read(log));
      assertEquals(0, driver.exitValue(), read(log));
    } finally {
      driver.destroyForcibly();
    }
    String text = read(log);
    assertTrue(text.contains("Lost executor") || text.contains("lost executor") || text.contains("Executor lost"),
        "Spark saw the executor go:\n" + text);
    assertEquals(local, numbers(out), "the results of a local run");
  }

  @Test
  void aDriverKilledMidRunIsRerunWithoutRepeatingAFinishedTask() throws Exception {
    Path out = tmp.resolve("driver-kill/runs/sweep"), work = tmp.resolve("driver-kill/work");
    String[] a = args(out, "--master", cluster.url(), "--work-dir", work.toString());
    Process driver = StandaloneCluster.focus(tmp.resolve("driver-kill-1.log"), a);
    try {
      StandaloneCluster.waitFor(Duration.ofSeconds(240), () -> results(work) >= 2 || !driver.isAlive(),
          () -> "no task finished:\n" + read(tmp.resolve("driver-kill-1.log")));
    } finally {
      driver.destroyForcibly();
      driver.waitFor(30, TimeUnit.SECONDS);
    }
    // The master ends the application's executors; wait until no result appears any more.
    int[] last = {-1};
    StandaloneCluster.waitFor(Duration.ofSeconds(60), () -> {
      int n = results(work);
      boolean stable = n == last[0];
      last[0] = n;
      if (!stable) sleep(3000);
      return stable;
    }, () -> "results kept appearing");
    Map<Path, FileTime> finished = resultTimes(work);
    assertTrue(finished.size() >= 2 && finished.size() < TASKS, finished.size() + " tasks finished before the kill");

    Path log = tmp.resolve("driver-kill-2.log");
    Process rerun = StandaloneCluster.focus(log, a);
    try {
      assertTrue(rerun.waitFor(300, TimeUnit.SECONDS), read(log));
      assertEquals(0, rerun.exitValue(), read(log));
    } finally {
      rerun.destroyForcibly();
    }
    assertTrue(read(log).contains(TASKS + " task(s), " + finished.size() + " already done"), read(log));
    Map<Path, FileTime> after = resultTimes(work);
    for (Map.Entry<Path, FileTime> e : finished.entrySet()) {
      assertEquals(e.getValue(), after.get(e.getKey()), "a finished task is not run again: " + e.getKey());
    }
    assertEquals(TASKS, after.size());
    assertEquals(local, numbers(out), "the results of a local run");
  }

  @Test
  void theLabsMiniPlanOnTheClusterGivesTheReportOfALocalRun() throws Exception {
    List<String> files = List.of("grid-accuracy.csv", "checks.csv");
    Map<String, String> local = lab("lab-local", "--master", "local[2]"), onCluster = lab("lab-cluster", "--master", cluster.url());
    for (String f : files) assertEquals(local.get(f), onCluster.get(f), f);
    assertEquals(local.get("report.md"), onCluster.get("report.md"));
  }

  /** Report 4 of the mini profile (its grid trainings are tasks); its data files and text, by name. */
  static Map<String, String> lab(String name, String... more) throws Exception {
    Path runs = tmp.resolve(name + "/runs");
    List<String> a = new ArrayList<>(List.of("lab", "--profile", "mini", "--only", "4", "--no-serve", "--no-setup", "--no-spark-ui",
        "--runs", runs.toString(), "--site", tmp.resolve(name + "/site").toString(), "--work-dir", tmp.resolve(name + "/work").toString()));
    a.addAll(List.of(more));
    Path log = tmp.resolve(name + ".log");
    Process p = StandaloneCluster.focus(log, a.toArray(new String[0]));
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), read(log));
    assertEquals(0, p.exitValue(), read(log));
    assertTrue(read(log).contains("7 task(s), 0 already done"), read(log)); // 5 schemes (mrope-i included), a second seed of RoPE-TV and RoPE-Tie
    Map<String, String> out = new TreeMap<>();
    Path report = runs.resolve("04-multimodal-positions");
    for (String f : List.of("grid-accuracy.csv", "checks.csv")) out.put(f, Files.readString(report.resolve(f)));
    // The text without its wall time ("took 3.1 s").
    out.put("report.md", Files.readString(report.resolve("report.md")).replaceAll("\\d+(\\.\\d+)? ?s\\b", "T"));
    return out;
  }

  /** The sweep run by a child JVM; its results.csv without the timing columns. */
  static List<String> run(String name, String... more) throws Exception {
    Path out = tmp.resolve(name + "/runs/sweep");
    Path log = tmp.resolve(name + ".log");
    Process p = StandaloneCluster.focus(log, args(out, more));
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), read(log));
    assertEquals(0, p.exitValue(), read(log));
    return numbers(out);
  }

  static String[] args(Path out, String... more) {
    List<String> a = new ArrayList<>(SWEEP);
    a.add("--out");
    a.add(out.toString());
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** results.csv without tokens_per_s and seconds: one line per run. */
  static List<String> numbers(Path out) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("results.csv"))) {
      String[] c = line.split(",");
      rows.add(String.join(",", java.util.Arrays.copyOf(c, c.length - 2)));
    }
    assertEquals(TASKS + 1, rows.size(), String.join("\n", rows));
    return rows;
  }

  static int results(Path work) {
    return resultTimes(work).size();
  }

  static Map<Path, FileTime> resultTimes(Path work) {
    Map<Path, FileTime> out = new TreeMap<>();
    Path kind = work.resolve("tasks/sweep.train.v1");
    if (!Files.isDirectory(kind)) return out;
    try (Stream<Path> s = Files.list(kind)) {
      for (Path d : s.toList()) {
        Path r = d.resolve("result.bin");
        if (Files.isRegularFile(r)) out.put(r, Files.getLastModifiedTime(r));
      }
    } catch (IOException e) {
      // a directory being created; the next poll sees it
    }
    return out;
  }

  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
