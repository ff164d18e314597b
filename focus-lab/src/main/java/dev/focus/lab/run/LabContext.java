package dev.focus.lab.run;

import java.nio.file.Path;

/**
 * What an experiment may use: its profile and seed, a scratch directory (training runs, checkpoints;
 * kept between reruns so an interrupted training can resume), the data cache, and a progress sink.
 */
public record LabContext(Profile profile, long seed, Path workDir, Path dataCache, Progress progress) {
  public LabContext {
    if (profile == null) throw new IllegalArgumentException("profile is null");
    if (workDir == null) throw new IllegalArgumentException("workDir is null");
    if (progress == null) progress = Progress.NONE;
  }

  /** A sub-directory of the scratch directory. */
  public Path work(String name) { return workDir.resolve(name); }

  /** True once the user asked to stop. */
  public boolean cancelled() { return progress.cancelled(); }
}
