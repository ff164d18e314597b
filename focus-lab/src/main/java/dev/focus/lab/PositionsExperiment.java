package dev.focus.lab;

import dev.focus.web.report.Verdict;

/** Experiment for spec 04 (being written). */
public final class PositionsExperiment implements Experiment {
  @Override public String slug() { return "04-multimodal-positions"; }

  @Override public String title() { return "Positions for interleaved text, images and video"; }

  @Override
  public Findings run(LabContext ctx) {
    return new Findings().md("This experiment is not implemented yet.").verdict(Verdict.NOT_APPLICABLE, "Not run yet.");
  }
}
