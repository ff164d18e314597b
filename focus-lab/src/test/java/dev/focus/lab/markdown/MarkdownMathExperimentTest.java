package dev.focus.lab.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.report.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownMathExperimentTest {
  @Test
  void naiveScanFindsWhatADelimiterEngineWouldSee() {
    assertEquals(List.of("5 and dinner "), ManglingCases.scanDelimiters("Lunch was $5 and dinner $12"));
    assertEquals(List.of("a", "b"), ManglingCases.scanDelimiters("\\(a\\) and $$b$$"));
    assertEquals(List.of("x_i", "\\bar{x}"), ManglingCases.focusTex(
        "<span class=\"math math-inline notranslate\" translate=\"no\">\\(x_i\\)</span> "
            + "<span class=\"math math-inline notranslate\" translate=\"no\">\\(\\bar{x}\\)</span>"));
  }

  @Test
  void focusKeepsEveryCaseIntactWhereTheNaivePipelineLosesTheTex(@TempDir Path work) {
    var settings = new MarkdownMathExperiment().settings(Profile.MINI, 1);
    ManglingCases.Result r = new ManglingCases().run(settings, new LabContext(Profile.MINI, 1, work, null, Progress.NONE));
    assertEquals(15, r.cases().size());
    Map<String, ManglingCases.CaseResult> byName = r.cases().stream()
        .collect(Collectors.toMap(ManglingCases.CaseResult::name, c -> c));
    for (ManglingCases.CaseResult c : r.cases()) assertTrue(c.focusIntact(), c.name() + " stays intact in Focus");

    // What the author wrote, by hand: the delimiters go, the TeX stays.
    assertEquals(List.of("f(x)=x^2", "f'(x)=2x"), byName.get("escaped delimiters").intendedTex());
    assertEquals(List.of("A = \\{x \\mid x > 0\\}"), byName.get("braces").intendedTex());
    assertEquals(List.of("\\Delta = 7"), byName.get("prices").intendedTex());
    // CommonMark drops the backslash of \( \[ \{ and of a \\ row break, turns [..](..) into a link and
    // splits table cells at |: the naive engine sees other formulas.
    assertEquals(List.of(), byName.get("escaped delimiters").naiveTex(), "\\( and \\[ lose their backslash");
    assertEquals(List.of("A = {x \\mid x > 0}"), byName.get("braces").naiveTex());
    assertEquals("5 and dinner ", byName.get("prices").naiveTex().get(0), "a price opens a formula");
    for (String mangled : List.of("escaped delimiters", "matrix row breaks", "braces", "environment", "prices",
        "brackets like a link", "pipes in a table")) {
      assertFalse(byName.get(mangled).naiveIntact(), mangled + " is mangled by Markdown-first rendering");
    }
    assertEquals(r.cases().stream().filter(c -> !c.naiveIntact()).count(), r.naiveMangled());
    assertEquals(0, r.focusMangled());
    assertEquals(Verdict.AGREES, MarkdownMathRules.verdict(r), r.naiveMangled() + " of 15 mangled");
  }
}
