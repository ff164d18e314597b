package dev.focus.lab.run;

import java.nio.file.Path;
import java.util.List;

/**
 * One experiment of the lab, as three steps that a runner (this JVM, or a cluster) can take apart:
 * <ol>
 *   <li>{@link #settings}: every number that decides the run, from a {@link Profile} and a seed, as a
 *       record {@code S} (each section's own settings record inside it);</li>
 *   <li>{@link #run}: the sections (E1, E2, …) measure and return a record {@code R} of plain data —
 *       numbers, labels, arrays; never a live model — so results can be stored, compared and
 *       rendered again without rerunning;</li>
 *   <li>{@link #render}: the report (Markdown with math from the experiment's resource templates,
 *       charts, raw data files, and the verdict that the experiment's rules compute from {@code R}).</li>
 * </ol>
 * Equal settings give equal results, bit for bit. Implementations are small final classes
 * registered in {@link dev.focus.lab.Experiments}; they write nothing themselves: the
 * {@link LabRunner} publishes the rendered {@link Findings} atomically.
 *
 * @param <S> the settings record (serializable, value-based)
 * @param <R> the results record (serializable plain data)
 */
public interface Experiment<S extends Record, R extends Record> {
  /** The run directory name under runs/, e.g. {@code 01-attention-focus}. */
  String slug();

  /** The post title. */
  String title();

  /** Rough minutes on 2 cores, for the overall ETA (the lab's quick budget is 20 minutes in all). */
  default double expectedMinutes(Profile profile) {
    return profile == Profile.MINI ? 0.1 : profile == Profile.QUICK ? 4 : 60;
  }

  /** The settings of this profile and seed. */
  S settings(Profile profile, long seed);

  /**
   * The independent units of work of {@code settings} (training runs with their seeds, probes after
   * them) as {@link Task}s. The runner runs the plans of every selected experiment first, on Spark
   * (in this JVM or on a cluster), storing each result by key; {@link #run} then reads them through
   * {@link LabContext#results} (and runs any that are missing). Default: none, every section runs
   * inside {@link #run}.
   */
  default List<Task<?, ?>> plan(S settings) {
    return List.of();
  }

  /**
   * The plan of {@code settings} when the data sets are read from {@code dataCache} (null: none):
   * what the runner runs first. An experiment whose data set is missing plans what its {@link #run}
   * does without it (report 2 plans its stand-in comparison when the digits are not cached), never
   * tasks that would fail for want of data: one failing task aborts the Spark job of every
   * experiment's plan. Default: {@link #plan(Record) plan(settings)}, for experiments whose tasks need
   * no data set or make their own stand-in.
   */
  default List<Task<?, ?>> plan(S settings, Path dataCache) {
    return plan(settings);
  }

  /**
   * Runs every section. Long loops check {@code ctx.cancelled()} and may return early with partial
   * results; the runner renders nothing then.
   */
  R run(S settings, LabContext ctx) throws Exception;

  /** The report of {@code results}, which {@link #run} returned for {@code settings}. */
  Findings render(S settings, R results);

  /** Settings, run and render in one call; null when the run was cancelled. */
  default Findings runAndRender(LabContext ctx) throws Exception {
    S settings = settings(ctx.profile(), ctx.seed());
    R results = run(settings, ctx);
    return ctx.cancelled() ? null : render(settings, results);
  }
}
