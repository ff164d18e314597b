package dev.focus.lab;

import dev.focus.web.report.Verdict;

/** Experiment for spec 03 (being written). */
public final class MarkdownMathExperiment implements Experiment {
  @Override public String slug() { return "03-markdown-math"; }

  @Override public String title() { return "Markdown with math, without the parser mangling the math"; }

  @Override
  public Findings run(LabContext ctx) {
    return new Findings().md("This experiment is not implemented yet.").verdict(Verdict.NOT_APPLICABLE, "Not run yet.");
  }
}
