package dev.focus.lab.run;

import java.io.Serializable;

/**
 * A finished task as the {@link ResultStore} keeps it: the result record with the task's key and
 * kind, the seconds it took (the runner's estimates of wall time on N workers read them), where it ran
 * and when it finished (ISO-8601, UTC).
 *
 * @param <R> the task's result record
 */
public record TaskResult<R extends Record>(String key, String kind, R value, double seconds, String worker, String finished)
    implements Serializable {
  public TaskResult {
    if (key == null || kind == null || value == null) throw new IllegalArgumentException("key, kind and value are required");
    if (!(seconds >= 0)) throw new IllegalArgumentException("seconds=" + seconds + " must be >= 0");
  }
}
