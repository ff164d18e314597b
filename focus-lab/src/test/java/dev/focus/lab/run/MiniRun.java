package dev.focus.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

/** Runs one experiment in the MINI profile (seed 1, no data cache) and checks that it ran. */
public final class MiniRun {
  private MiniRun() {}

  /** The runner the experiment ran under (its run directory is {@code runs/<slug>}). */
  public static LabRunner run(Path runs, Experiment<?, ?> e) {
    LabRunner runner = new LabRunner(runs, Profile.MINI, 1, runs.resolve("no-cache"));
    List<LabRunner.Result> r = runner.run(List.of(e), false, new LabRunner.Listener() {});
    assertEquals(LabRunner.Outcome.RAN, r.get(0).outcome(), String.valueOf(r.get(0).error()));
    return runner;
  }
}
