package dev.focus.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportFormatTest {
  @TempDir Path runs;

  static ReportMeta meta(String title, String date, Chart... charts) {
    return new ReportMeta(title, date, "A summary with $x^2$.", Verdict.PARTLY, List.of("attention"), List.of(charts));
  }

  static Chart lossChart() {
    return Chart.line("loss", "Loss", "step", "loss",
        Series.of("softmax", new double[] {1, 2, 3}, new double[] {2.5, 1.25, 0.75})).withLogY();
  }

  static Chart attnChart() {
    return Chart.heatmap("attn", "Attention", "key", "query",
        new Heatmap(List.of("q0", "q1"), List.of("k0", "k1", "k2"), new double[][] {{1, 0, 0}, {0.25, 0.25, 0.5}}));
  }

  @Test
  void writtenReportReadsBackEqual() throws Exception {
    ReportMeta m = meta("Round trip", "2026-11-28T10:00:00Z", lossChart(), attnChart(),
        Chart.bar("acc", "Accuracy", "", "acc", List.of("a", "b"), Series.of("test", new double[] {0.5, 0.75})));
    new ReportWriter(runs).write("round-trip", m, "# Round trip\n\nText.\n\n{{chart:loss}}\n",
        List.of(DataFile.csv("loss.csv", List.of("step", "loss"), List.of(List.of(1, 2.5), List.of(2, "a,\"b\""))),
            DataFile.json("attn.json", new double[][] {{1, 0}})));
    Report r = ReportReader.read(runs, "round-trip");
    assertEquals(m, r.meta());
    assertEquals("Round trip", r.markdownTitle());
    assertEquals(List.of(new Report.DataInfo("attn.json", Files.size(runs.resolve("round-trip/attn.json"))),
        new Report.DataInfo("loss.csv", Files.size(runs.resolve("round-trip/loss.csv")))), r.data());
    assertEquals("step,loss\r\n1,2.5\r\n2,\"a,\"\"b\"\"\"\r\n",
        Files.readString(runs.resolve("round-trip/loss.csv"), StandardCharsets.UTF_8));
    JsonNode json = ReportJson.MAPPER.readTree(runs.resolve("round-trip/meta.json").toFile());
    assertEquals("partly", json.get("verdict").asText());
    assertEquals("line", json.get("charts").get(0).get("kind").asText());
    assertTrue(json.get("charts").get(0).get("logY").asBoolean());
    assertEquals(0.25, json.get("charts").get(1).get("heatmap").get("values").get(1).get(0).asDouble());
  }

  @Test
  void writerAddsTitleHeadingWhenTextHasNone() throws Exception {
    new ReportWriter(runs).write("no-heading", meta("Given title", "2026-01-02"), "Just text.", List.of());
    assertEquals("# Given title\n\nJust text.\n", Files.readString(runs.resolve("no-heading/report.md")));
  }

  @Test
  void writerRejectsPlaceholderOfUnknownChart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReportWriter(runs)
        .write("x", meta("T", "2026-01-02", lossChart()), "# T\n\n{{chart:nope}}\n", List.of()));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    assertFalse(Files.exists(runs.resolve("x")));
  }

  @Test
  void placeholdersInsideFencedCodeDoNotCount() {
    assertEquals(List.of("a", "c"), ReportText.placeholders("{{chart:a}}\n```\n{{chart:b}}\n```\n   {{chart:c}}  \n{{chart:a}}\nx {{chart:d}}\n"));
  }

  @Test
  void rewritingARunReplacesItWhole() throws Exception {
    ReportWriter w = new ReportWriter(runs);
    w.write("again", meta("One", "2026-01-02"), "# One\n", List.of(DataFile.text("old.csv", "a\n")));
    w.write("again", meta("Two", "2026-01-03"), "# Two\n", List.of(DataFile.text("new.csv", "b\n")));
    Report r = ReportReader.read(runs, "again");
    assertEquals("Two", r.meta().title());
    assertEquals(List.of("new.csv"), r.data().stream().map(Report.DataInfo::name).toList());
    try (var s = Files.list(runs)) {
      assertEquals(List.of("again"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "_a", "A", "a/b", "..", ".", "a.b", "a b", "é", "a\u0000", "/etc/passwd",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void badSlugsAreRejected(String slug) {
    assertFalse(ReportNames.isSlug(slug));
    assertThrows(IllegalArgumentException.class, () -> new ReportWriter(runs).write(slug, meta("T", "2026-01-02"), "x", List.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "run-1_b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void goodSlugsAreAccepted(String slug) {
    assertTrue(ReportNames.isSlug(slug));
  }

  @ParameterizedTest
  @ValueSource(strings = {"meta.json", "../x.csv", "x.txt", ".x.csv", "a/b.csv", "x.CSV", "x.csv/", "report.md"})
  void badDataFileNamesAreRejected(String name) {
    assertThrows(IllegalArgumentException.class, () -> DataFile.text(name, "x"));
  }

  @Test
  void scanListsNewestFirstAndReportsBrokenRuns() throws Exception {
    ReportWriter w = new ReportWriter(runs);
    w.write("old", meta("Old", "2025-12-31"), "# Old\n", List.of());
    w.write("new", meta("New", "2026-03-01T08:00:00+02:00"), "# New\n", List.of());
    w.write("mid", meta("Mid", "2026-03-01T05:59:00Z"), "# Mid\n", List.of());
    Files.createDirectories(runs.resolve("broken"));
    Files.writeString(runs.resolve("broken/meta.json"), "{\"title\":\"B\",\"date\":\"yesterday\"}");
    Files.createDirectories(runs.resolve("Bad Name"));
    Files.createDirectories(runs.resolve("no-meta"));
    ReportReader.Scan scan = ReportReader.scan(runs);
    assertEquals(List.of("new", "mid", "old"), scan.reports().stream().map(Report::slug).toList());
    assertEquals(2, scan.problems().size(), scan.problems().toString());
    assertTrue(scan.problems().stream().anyMatch(p -> p.startsWith("broken: ") && p.contains("'yesterday'")), scan.problems().toString());
  }

  @Test
  void unknownKeysInMetaAreProblems() throws Exception {
    Files.createDirectories(runs.resolve("typo"));
    Files.writeString(runs.resolve("typo/meta.json"), "{\"title\":\"T\",\"date\":\"2026-01-01\",\"verdikt\":\"agrees\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportReader.read(runs, "typo"));
    assertTrue(e.getMessage().contains("verdikt"), e.getMessage());
  }

  @Test
  void symbolicLinksAreNeverRead() throws Exception {
    new ReportWriter(runs).write("linked", meta("L", "2026-01-02"), "# L\n", List.of());
    Path outside = Files.writeString(runs.getParent().resolve("secret-" + System.nanoTime() + ".csv"), "secret");
    try {
      Files.createSymbolicLink(runs.resolve("linked/secret.csv"), outside);
      assertTrue(ReportReader.read(runs, "linked").data().isEmpty());
      assertNull(ReportReader.dataFile(runs, "linked", "secret.csv"));
      Files.createSymbolicLink(runs.resolve("alias"), runs.resolve("linked"));
      assertEquals(List.of("linked"), ReportReader.scan(runs).reports().stream().map(Report::slug).toList());
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void chartValidationNamesTheProblem() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Series.of("s", new double[] {1, 2}, new double[] {1})).getMessage().contains("x has 2 values but y has 1"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Series.of("s", new double[] {1}, new double[] {Double.NaN})).getMessage().contains("y[0]=NaN"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Chart.line("l", "", "", "", Series.of("s", new double[] {1}, new double[] {0})).withLogY())
        .getMessage().contains("log y axis needs positive y"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Heatmap(List.of("a"), List.of("x", "y"), new double[][] {{1}})).getMessage().contains("row 0 has 1 values"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> meta("T", "2026-01-01", lossChart(), lossChart())).getMessage().contains("used twice"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Chart.line("Loss", "", "", "", Series.of("s", new double[] {1}, new double[] {1}))).getMessage().contains("'Loss'"));
  }

  @Test
  void datesParseToInstants() {
    assertEquals("2026-03-01T06:00:00Z", meta("T", "2026-03-01T08:00:00+02:00").instant().toString());
    assertEquals("2026-03-01T00:00:00Z", meta("T", "2026-03-01").instant().toString());
    assertEquals("2026-03-01", meta("T", "2026-03-01T23:59:59Z").day());
    assertEquals(Verdict.NOT_APPLICABLE, Verdict.parse("n/a"));
    assertArrayEquals(new double[] {1, 2, 3}, Series.steps("s", new double[] {5, 6, 7}).x());
  }

  @Test
  void firstParagraphSkipsHeadingsAndDisplayMath() {
    assertEquals("First line\nsecond $x$.", ReportText.firstParagraph("# Title\n\n$$\nx\n$$\n\n{{chart:a}}\n\nFirst line\nsecond $x$.\n\nNext."));
  }
}
