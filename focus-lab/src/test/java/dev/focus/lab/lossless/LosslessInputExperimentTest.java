package dev.focus.lab.lossless;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.MiniRun;
import dev.focus.report.ReportReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LosslessInputExperimentTest {
  @Test
  void miniProfilePublishesAuditVqTableAndChart(@TempDir Path runs) throws Exception {
    LabRunner runner = MiniRun.run(runs, new LosslessInputExperiment());
    String md = Files.readString(runs.resolve("02-lossless-input/report.md"));
    assertTrue(md.contains("68719476736"), "audit: V_min = 2^36 for a 64x64x3 image at L = 1024");
    assertTrue(md.contains("vq-4") && md.contains("{{chart:vq-gap-read}}"));
    assertTrue(Files.exists(runs.resolve("02-lossless-input/vq-vs-lossless-read.csv")));
    assertTrue(runner.finished(new LosslessInputExperiment()), "a rerun skips the finished report");
  }
}
