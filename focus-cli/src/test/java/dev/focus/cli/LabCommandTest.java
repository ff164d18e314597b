package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.focus.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabCommandTest {
  @TempDir Path tmp;


  @Test
  void miniLabWritesTheReportAndTheSiteThenSkipsItOnARerun() throws Exception {
    Path runs = tmp.resolve("runs"), site = tmp.resolve("site");
    String[] args = {"lab", "--profile", "mini", "--only", "3", "--no-serve", "--runs", runs.toString(), "--site", site.toString()};
    Cli.Run first = run(args);
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.exists(runs.resolve("03-markdown-math/report.md")));
    assertTrue(Files.exists(runs.resolve("03-markdown-math/lab.json")));
    assertTrue(Files.exists(site.resolve("index.html")) && Files.exists(site.resolve("reports/03-markdown-math.html")));
    assertTrue(first.out().contains("03-markdown-math") && first.out().contains("ran"), first.out());
    String before = Files.readString(runs.resolve("03-markdown-math/meta.json"));

    Cli.Run second = run(args);
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("skipped"), second.out());
    assertEquals(before, Files.readString(runs.resolve("03-markdown-math/meta.json")), "a finished report is kept as it is");

    Cli.Run forced = run("lab", "--profile", "mini", "--only", "markdown-math", "--force", "--no-serve", "--runs", runs.toString(),
        "--site", site.toString());
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.out().contains("ran"), forced.out());
  }

  @Test
  void badOptionsExitTwoWithOneLine() {
    Cli.Run only = run("lab", "--only", "9", "--no-serve", "--runs", tmp.toString());
    assertEquals(2, only.code());
    assertTrue(only.err().contains("--only 9"), only.err());
    Cli.Run profile = run("lab", "--profile", "huge", "--no-serve");
    assertEquals(2, profile.code());
    assertTrue(profile.err().contains("huge"), profile.err());
    Cli.Run port = run("lab", "--port", "70000", "--only", "3");
    assertEquals(2, port.code());
  }
}
