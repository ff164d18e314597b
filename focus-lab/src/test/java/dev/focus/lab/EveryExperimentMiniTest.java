package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import dev.focus.report.Report;
import dev.focus.report.ReportReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every experiment of the lab in the MINI profile so none can rot unnoticed. */
class EveryExperimentMiniTest {
  @Test
  void everyExperimentRunsAndPublishesAReportWithAVerdict(@TempDir Path runs) throws Exception {
    List<Experiment<?, ?>> all = Experiments.all();
    assertEquals(5, all.size());
    assertEquals(5, new HashSet<>(all.stream().map(Experiment::slug).toList()).size(), "slugs are unique");
    List<LabRunner.Result> results = new LabRunner(runs, Profile.MINI, 1, runs.resolve("empty-cache"))
        .run(all, false, new LabRunner.Listener() {});
    for (LabRunner.Result r : results) {
      assertEquals(LabRunner.Outcome.RAN, r.outcome(), r.experiment().slug() + ": " + r.error());
    }
    ReportReader.Scan scan = ReportReader.scan(runs);
    assertTrue(scan.problems().isEmpty(), String.valueOf(scan.problems()));
    assertEquals(5, scan.reports().size());
    for (Report report : scan.reports()) {
      assertFalse(report.markdown().isBlank(), report.slug());
      assertFalse(report.meta().summary().isBlank(), report.slug() + " has a summary for the index");
      assertFalse(report.meta().charts().isEmpty(), report.slug() + " has at least one chart");
    }
  }

  @Test
  void selectionByNumberSlugOrName() {
    assertEquals("04-multimodal-positions", Experiments.select("4").get(0).slug());
    assertEquals("04-multimodal-positions", Experiments.select("04").get(0).slug());
    assertEquals("03-markdown-math", Experiments.select("markdown-math").get(0).slug());
    assertEquals(5, Experiments.select(null).size());
  }
}
