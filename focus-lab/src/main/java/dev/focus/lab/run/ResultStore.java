package dev.focus.lab.run;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Finished task results by key, under a work directory, and each task's resumable state (training
 * checkpoints). A result is written in one atomic step, so a reader sees it whole or not at all; a
 * rerun, a retried task or a restarted driver finds it and does not run the task again.
 *
 * <p>{@link FileResultStore} keeps everything under a directory of this machine's file system (a local
 * disk, or an NFS mount every worker sees). Other file systems (HDFS and any other Hadoop URI) are
 * served by the distributed runner's own store, with the same layout.
 */
public interface ResultStore {
  /** The stored result of {@code task}, or null when it has not finished (or was stored by an incompatible version). */
  <R extends Record> TaskResult<R> get(Task<?, R> task) throws IOException;

  /** Stores {@code result} of {@code task} atomically, replacing any earlier one. */
  void put(Task<?, ?> task, TaskResult<?> result) throws IOException;

  /**
   * A directory of this machine where {@code task} keeps its resumable state (created if missing). A
   * task retried elsewhere finds the state the earlier try saved there.
   */
  Path state(Task<?, ?> task) throws IOException;

  /** Where the store lives, for messages. */
  String location();
}
