package dev.focus.lab;

/**
 * One experiment of the lab: a fixed seed, parameters sized by {@link Profile}, and a report (a
 * Markdown write-up with math — the note's claim, what was run, the result, and a plain verdict with
 * the numbers that decide it — plus charts and raw data).
 *
 * <p>Implementations are small final classes registered in {@link Experiments}; they write nothing
 * themselves: the {@link LabRunner} publishes the returned {@link Findings} atomically.
 */
public interface Experiment {
  /** The run directory name under runs/, e.g. {@code 01-attention-focus}. */
  String slug();

  /** The post title. */
  String title();

  /** Runs the experiment; long loops check {@code ctx.progress().cancelled()}. */
  Findings run(LabContext ctx) throws Exception;
}
