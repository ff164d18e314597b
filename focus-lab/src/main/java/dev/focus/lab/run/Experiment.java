package dev.focus.lab.run;

/**
 * One experiment of the lab: a fixed seed, parameters sized by {@link Profile}, and a report (a
 * Markdown write-up with math — the note's claim, what was run, the result, and a plain verdict with
 * the numbers that decide it — plus charts and raw data).
 *
 * <p>Implementations are small final classes registered in {@link dev.focus.lab.Experiments}; they write nothing
 * themselves: the {@link LabRunner} publishes the returned {@link Findings} atomically.
 */
public interface Experiment {
  /** The run directory name under runs/, e.g. {@code 01-attention-focus}. */
  String slug();

  /** The post title. */
  String title();

  /** Rough minutes on 2 cores, for the overall ETA (the lab's quick budget is 20 minutes in all). */
  default double expectedMinutes(Profile profile) {
    return profile == Profile.MINI ? 0.1 : profile == Profile.QUICK ? 4 : 60;
  }

  /** Runs the experiment; long loops check {@code ctx.progress().cancelled()}. */
  Findings run(LabContext ctx) throws Exception;
}
