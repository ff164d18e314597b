package dev.focus.fuzz;

import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportReader;
import dev.focus.report.ReportWriter;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report reader ({@link ReportReader#read}) on a run directory whose files are arbitrary bytes. */
class ReportReaderFuzzTest extends FuzzTarget {
  private static final DirectoryImage FILES = new DirectoryImage(List.of("meta.json", "report.md", "loss.csv", "done.json"));
  private Path runs;

  @Override
  void accept(byte[] input) throws Exception {
    if (runs == null) runs = scratch("reports");
    Path dir = Files.createDirectories(runs.resolve("fuzz-report"));
    FILES.writeInto(dir, input);
    ReportReader.read(runs, "fuzz-report");
  }

  @Override
  List<byte[]> seeds() throws Exception {
    Path r = scratch("report-seeds");
    ReportMeta meta = ReportMeta.of("Can linear attention focus?", "It cannot, at $T=512$.", Verdict.AGREES, List.of("attention"))
        .withCharts(List.of(Chart.line("loss", "Training loss", "step", "loss", Series.steps("softmax", new double[] {3.0, 2.5, 2.1}))));
    Path dir = new ReportWriter(r).write("seed", meta, "# Can linear attention focus?\n\n{{chart:loss}}\n\n$x^2$\n",
        List.of(DataFile.text("loss.csv", "step,loss\n1,3.0\n")));
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : List.of("meta.json", "report.md", "loss.csv")) files.put(name, Files.readAllBytes(dir.resolve(name)));
    return List.of(FILES.encode(files), FILES.encode(Map.of("meta.json", files.get("meta.json"))));
  }
}
