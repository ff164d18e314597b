package dev.focus.lab;

import dev.focus.web.report.Verdict;

/** Experiment for spec 05 (being written). */
public final class NoPeExperiment implements Experiment {
  @Override public String slug() { return "05-why-decoders-need-positions"; }

  @Override public String title() { return "Why decoders need positions"; }

  @Override
  public Findings run(LabContext ctx) {
    return new Findings().md("This experiment is not implemented yet.").verdict(Verdict.NOT_APPLICABLE, "Not run yet.");
  }
}
