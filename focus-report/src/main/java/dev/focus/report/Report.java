package dev.focus.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A report as read from {@code runs/<slug>/}.
 *
 * @param slug     the run directory name
 * @param meta     meta.json
 * @param markdown report.md (line endings normalised to LF)
 * @param data     the downloadable data files, by name
 * @param dir      the run directory
 */
public record Report(String slug, ReportMeta meta, String markdown, List<DataInfo> data, Path dir) {
  public Report {
    ReportNames.requireSlug(slug);
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(markdown, "markdown");
    data = List.copyOf(data);
    Objects.requireNonNull(dir, "dir");
  }

  /** A downloadable file of the run and its size in bytes. */
  public record DataInfo(String name, long size) {
    public DataInfo {
      ReportNames.requireDataFileName(name);
    }
  }

  /** The text of report.md's first {@code # } heading outside code, if any. */
  public String markdownTitle() {
    return ReportText.firstHeading(markdown);
  }

  /** The excerpt for the index: the meta summary, else the first paragraph of the text (Markdown). */
  public String excerptMarkdown() {
    return meta.summary().isBlank() ? ReportText.firstParagraph(markdown) : meta.summary();
  }
}
