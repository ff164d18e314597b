package dev.focus.report;

import dev.focus.io.OutputDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a report as {@code <runs>/<slug>/} with report.md, meta.json and the data files. The run is
 * built in a hidden sibling directory and then moved into place, so a running server never lists a
 * half-written report; an existing run of the same slug is replaced whole.
 *
 * <pre>{@code
 * ReportWriter w = new ReportWriter(Path.of("runs"));
 * ReportMeta meta = ReportMeta.of("Can linear attention focus?", "It cannot, at $T=512$.", Verdict.AGREES, List.of("attention"))
 *     .withCharts(List.of(Chart.line("loss", "Training loss", "step", "loss", Series.steps("softmax", losses))));
 * w.write("linear-attention-focus", meta, "# Can linear attention focus?\n\n{{chart:loss}}\n", List.of(DataFile.json("loss.json", losses)));
 * }</pre>
 */
public final class ReportWriter {
  private final Path runsDir;

  public ReportWriter(Path runsDir) {
    this.runsDir = Objects.requireNonNull(runsDir, "runsDir");
  }

  public Path runsDir() {
    return runsDir;
  }

  /**
   * Writes (or replaces) the run {@code slug}. A text without a {@code # } heading gets one from the
   * title. Every {@code {{chart:ID}}} line must name a chart of {@code meta}.
   *
   * @return the run directory
   * @throws IllegalArgumentException for a bad slug, a placeholder naming no chart, or two data files of one name
   */
  public Path write(String slug, ReportMeta meta, String markdown, List<DataFile> data) throws IOException {
    ReportNames.requireSlug(slug);
    Objects.requireNonNull(meta, "meta");
    String text = ReportText.normalise(Objects.requireNonNull(markdown, "markdown"));
    for (String id : ReportText.placeholders(text)) {
      if (meta.chart(id).isEmpty()) {
        throw new IllegalArgumentException("report '" + slug + "' places chart '" + id + "' but meta has no chart of that id (has "
            + meta.charts().stream().map(Chart::id).toList() + ")");
      }
    }
    if (ReportText.firstHeading(text).isEmpty()) text = "# " + meta.title() + "\n\n" + text;
    if (!text.endsWith("\n")) text += "\n";
    Set<String> names = new HashSet<>();
    for (DataFile d : data) {
      if (!names.add(d.name())) throw new IllegalArgumentException("report '" + slug + "' has two data files named " + d.name());
    }

    Files.createDirectories(runsDir);
    Path target = runsDir.resolve(slug);
    // An existing directory of this name is replaced only when it is a report (never a user's folder).
    boolean replace = OutputDir.check(target, OutputDir.REPORT) != OutputDir.State.NEW;
    Path staging = Files.createTempDirectory(runsDir, ".writing-" + slug + "-");
    try {
      Files.writeString(staging.resolve(ReportNames.REPORT_FILE), text, StandardCharsets.UTF_8);
      Files.write(staging.resolve(ReportNames.META_FILE), ReportJson.MAPPER.writeValueAsBytes(meta));
      for (DataFile d : data) Files.write(staging.resolve(d.name()), d.content());
      Path old = null;
      if (replace) {
        old = runsDir.resolve(".replaced-" + slug + "-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      if (old != null) OutputDir.deleteTree(old);
      return target;
    } catch (IOException | RuntimeException e) {
      if (Files.exists(staging)) OutputDir.deleteTree(staging);
      throw e;
    }
  }
}
