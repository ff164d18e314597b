package dev.focus.web.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.io.IoErrors;
import dev.focus.report.DataFile;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportReader;
import dev.focus.report.ReportWriter;
import dev.focus.report.Verdict;
import dev.focus.testing.FaultyFileSystem;
import dev.focus.web.SampleRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 items 6 and 7 for the site and the reports: a disk that fills up part-way through
 * {@code focus site} leaves a directory the next run may replace (it used to block its own retry), and
 * a report write that fails keeps the previous report readable.
 */
class SiteFaultsTest {
  @TempDir Path tmp;

  @Test
  void aSiteThatFailedPartWayCanBeRetried() throws IOException {
    Path runs = tmp.resolve("runs"), out = tmp.resolve("site");
    SampleRuns.write(runs);
    for (long budget : new long[] {0, 100, 20_000, 500_000, 3_000_000}) {
      FaultyFileSystem full = FaultyFileSystem.diskFull(budget);
      IOException e = assertThrows(IOException.class, () -> StaticSite.write(runs, full.wrap(out)), "budget " + budget);
      assertTrue(IoErrors.describe(e).contains("no space left"), IoErrors.describe(e));
      StaticSite.Result r = StaticSite.write(runs, out); // the retry, with space
      assertTrue(Files.isRegularFile(r.index()));
      assertEquals(SampleRuns.NEWEST_FIRST.size(), r.reports());
    }
  }

  @Test
  void aReportWriteThatFailsKeepsThePreviousReport() throws IOException {
    Path runs = tmp.resolve("runs");
    ReportWriter real = new ReportWriter(runs);
    real.write("note", ReportMeta.of("First", "kept", Verdict.AGREES, List.of()), "# First\n", List.of(DataFile.text("a.csv", "x\n1\n")));
    for (long budget : new long[] {0, 50, 400}) {
      ReportWriter full = new ReportWriter(FaultyFileSystem.diskFull(budget).wrap(runs));
      assertThrows(IOException.class, () -> full.write("note", ReportMeta.of("Second", "lost", Verdict.AGREES, List.of()), "# Second\n",
          List.of(DataFile.text("a.csv", "x\n" + "2\n".repeat(1000)))));
      assertEquals("First", ReportReader.read(runs, "note").meta().title());
    }
    FaultyFileSystem ro = FaultyFileSystem.readOnly();
    IOException e = assertThrows(IOException.class, () -> new ReportWriter(ro.wrap(runs)).write("note",
        ReportMeta.of("Third", "refused", Verdict.AGREES, List.of()), "# Third\n", List.of()));
    assertTrue(IoErrors.describe(e).startsWith(runs.toString()) && IoErrors.isBadInput(e), IoErrors.describe(e));
    assertEquals("First", ReportReader.read(runs, "note").meta().title());
  }
}
