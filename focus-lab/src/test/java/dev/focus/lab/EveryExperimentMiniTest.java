package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.Profile;
import dev.focus.report.DataFile;
import dev.focus.report.Report;
import dev.focus.report.ReportReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every experiment of the lab in the MINI profile so none can rot unnoticed, and checks the
 * contract the runners rely on: results survive serialization and render to the same report, so a
 * report can be computed from stored results without rerunning anything.
 */
class EveryExperimentMiniTest {
  @Test
  void everyExperimentRunsRendersFromItsStoredResultsAndPublishes(@TempDir Path runs) throws Exception {
    List<Experiment<?, ?>> all = Experiments.all();
    assertEquals(5, all.size());
    assertEquals(5, new HashSet<>(all.stream().map(Experiment::slug).toList()).size(), "slugs are unique");
    LabRunner runner = new LabRunner(runs, Profile.MINI, 1, runs.resolve("empty-cache"));
    for (Experiment<?, ?> e : all) {
      ProgressAfterPlanTest.Bar bar = new ProgressAfterPlanTest.Bar();
      LabContext ctx = new LabContext(Profile.MINI, 1, runs.resolve(".work").resolve(e.slug()), runs.resolve("empty-cache"), bar);
      Findings f = runAndCompare(e, ctx);
      // Here the tasks run inside the experiment: its bar steps exactly the total it announced.
      assertEquals(bar.max, bar.done, e.slug() + ": progress units stepped against the total");
      runner.publish(e, f, 0);
    }
    ReportReader.Scan scan = ReportReader.scan(runs);
    assertTrue(scan.problems().isEmpty(), String.valueOf(scan.problems()));
    assertEquals(5, scan.reports().size());
    for (Report report : scan.reports()) {
      assertFalse(report.markdown().isBlank(), report.slug());
      assertFalse(report.meta().summary().isBlank(), report.slug() + " has a summary for the index");
      assertFalse(report.meta().charts().isEmpty(), report.slug() + " has at least one chart");
      assertTrue(runner.finished(all.stream().filter(x -> x.slug().equals(report.slug())).findFirst().orElseThrow()),
          "a rerun skips " + report.slug());
    }
  }

  /** Runs e, renders its results and a serialized copy of them, and checks both renderings agree. */
  private static <S extends Record, R extends Record> Findings runAndCompare(Experiment<S, R> e, LabContext ctx) throws Exception {
    S settings = e.settings(Profile.MINI, 1);
    assertEquals(settings, e.settings(Profile.MINI, 1), e.slug() + ": settings are values (equal for the same profile and seed)");
    R results = e.run(settings, ctx);
    assertNotNull(results, e.slug());
    Findings direct = e.render(settings, results);
    @SuppressWarnings("unchecked")
    R stored = (R) roundTrip(results);
    Findings again = e.render((S) roundTrip(settings), stored);
    assertEquals(direct.markdown(), again.markdown(), e.slug() + ": the report renders from stored results alone");
    assertEquals(direct.summary(), again.summary());
    assertEquals(direct.verdict(), again.verdict());
    assertEquals(direct.dataFiles().size(), again.dataFiles().size());
    for (int i = 0; i < direct.dataFiles().size(); i++) {
      DataFile a = direct.dataFiles().get(i), b = again.dataFiles().get(i);
      assertEquals(a.name(), b.name());
      assertArrayEquals(a.content(), b.content(), e.slug() + "/" + a.name());
    }
    return direct;
  }

  private static Object roundTrip(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
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
