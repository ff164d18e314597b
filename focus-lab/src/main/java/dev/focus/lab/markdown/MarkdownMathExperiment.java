package dev.focus.lab.markdown;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * Note 3 (spec 03): when Markdown runs before the math engine it rewrites the TeX. One section,
 * {@link ManglingCases}, over the note's cases and the hand-written ones; the same cases in every
 * profile (they take a second).
 */
public final class MarkdownMathExperiment implements Experiment<ManglingCases.Settings, ManglingCases.Result> {
  @Override public String slug() { return "03-markdown-math"; }

  @Override public String title() { return "Markdown with math, without the parser mangling the math"; }

  @Override public double expectedMinutes(Profile p) { return 0.1; }

  @Override
  public ManglingCases.Settings settings(Profile profile, long seed) {
    List<ManglingCases.Case> cases = new ArrayList<>(ManglingCases.SPEC_CASES);
    cases.addAll(ManglingCases.handCases());
    return new ManglingCases.Settings(cases);
  }

  @Override
  public ManglingCases.Result run(ManglingCases.Settings settings, LabContext ctx) {
    return new ManglingCases().run(settings, ctx);
  }

  @Override
  public Findings render(ManglingCases.Settings settings, ManglingCases.Result results) {
    return MarkdownMathReport.render(results);
  }
}
