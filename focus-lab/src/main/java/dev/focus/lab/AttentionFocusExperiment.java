package dev.focus.lab;

import dev.focus.web.report.Verdict;

/** Experiment for spec 01 (being written). */
public final class AttentionFocusExperiment implements Experiment {
  @Override public String slug() { return "01-attention-focus"; }

  @Override public String title() { return "Can linear attention focus like softmax attention?"; }

  @Override
  public Findings run(LabContext ctx) {
    return new Findings().md("This experiment is not implemented yet.").verdict(Verdict.NOT_APPLICABLE, "Not run yet.");
  }
}
