package dev.focus.lab.run;

/**
 * One section of an experiment (E1, E2, …): a settings record in, a record of results out. A
 * section keeps no state between calls and reads nothing but its settings and the context's data
 * cache, so equal settings give equal results, and a section can run anywhere its settings can be
 * sent. The context only supplies progress, cancellation and a scratch directory.
 *
 * @param <S> the section's settings (a record of numbers, names and seeds)
 * @param <R> its results (a record of plain data: numbers, labels, arrays — no models)
 */
@FunctionalInterface
public interface Section<S extends Record, R extends Record> {
  R run(S settings, LabContext ctx) throws Exception;
}
