package dev.focus.lab.run;

import java.nio.file.Path;
import java.util.List;

/**
 * What an experiment may use: its profile and seed, a scratch directory (training runs, checkpoints;
 * kept between reruns so an interrupted training can resume), the data cache, a progress sink, and
 * the {@link TaskRunner} that runs its planned tasks. Inside a task, {@code workDir} is the task's own
 * state directory.
 */
public record LabContext(Profile profile, long seed, Path workDir, Path dataCache, Progress progress, TaskRunner tasks) {
  public LabContext {
    if (profile == null) throw new IllegalArgumentException("profile is null");
    if (workDir == null) throw new IllegalArgumentException("workDir is null");
    if (progress == null) progress = Progress.NONE;
    if (tasks == null) tasks = new LocalTaskRunner(new FileResultStore(workDir), profile, seed, dataCache);
  }

  /** A context whose tasks run in this JVM and are stored under {@code workDir}. */
  public LabContext(Profile profile, long seed, Path workDir, Path dataCache, Progress progress) {
    this(profile, seed, workDir, dataCache, progress, null);
  }

  /** A sub-directory of the scratch directory. */
  public Path work(String name) { return workDir.resolve(name); }

  /** True once the user asked to stop. */
  public boolean cancelled() { return progress.cancelled(); }

  /**
   * The results of {@code tasks}, in order: stored ones are read, the others run now (on the
   * context's runner; the lab runner has usually run them all before, from the experiment's plan).
   */
  public <S extends Record, R extends Record> List<R> results(List<Task<S, R>> tasks) throws Exception {
    Progress p = progress;
    List<TaskResult<?>> r = this.tasks.run(tasks, new TaskRunner.Listener() {
      @Override public Progress progress(Task<?, ?> task) { return p; }
      @Override public boolean cancelled() { return p.cancelled(); }
    });
    return TaskRunner.values(tasks, r);
  }
}
