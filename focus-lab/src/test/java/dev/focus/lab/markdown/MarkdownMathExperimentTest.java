package dev.focus.lab.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownMathExperimentTest {
  @Test
  void naiveScanFindsWhatADelimiterEngineWouldSee() {
    assertEquals(List.of("5 and dinner "), MarkdownMathExperiment.scanDelimiters("Lunch was $5 and dinner $12"));
    assertEquals(List.of("a", "b"), MarkdownMathExperiment.scanDelimiters("\\(a\\) and $$b$$"));
    assertEquals(List.of("x_i", "\\bar{x}"), MarkdownMathExperiment.focusTex(
        "<span class=\"math math-inline notranslate\" translate=\"no\">\\(x_i\\)</span> "
            + "<span class=\"math math-inline notranslate\" translate=\"no\">\\(\\bar{x}\\)</span>"));
  }

  @Test
  void focusKeepsEveryCaseIntactAndTheNaivePipelineDoesNot(@TempDir Path runs) throws Exception {
    var r = new LabRunner(runs, Profile.MINI, 1, runs).run(List.of(new MarkdownMathExperiment()), false, new LabRunner.Listener() {});
    assertEquals(LabRunner.Outcome.RAN, r.get(0).outcome(), String.valueOf(r.get(0).error()));
    String csv = Files.readString(runs.resolve("03-markdown-math/cases.csv"));
    long focusIntact = csv.lines().skip(1).filter(l -> l.endsWith(",true")).count();
    assertEquals(MarkdownMathExperiment.CASES.length, focusIntact, csv);
    String md = Files.readString(runs.resolve("03-markdown-math/report.md"));
    assertTrue(md.contains("The naive pipeline mangles **"), md);
    assertTrue(Files.readString(runs.resolve("03-markdown-math/meta.json")).contains("\"agrees\""));
  }
}
