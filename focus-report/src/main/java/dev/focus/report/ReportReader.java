package dev.focus.report;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.focus.io.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads reports from a runs directory. Only plain files and directories are read (symbolic links are
 * skipped), names must follow {@link ReportNames}, and files are size-bounded, so a served site shows
 * exactly what the runs directory holds and nothing it points to.
 */
public final class ReportReader {
  private ReportReader() {}

  /** Largest report.md read (bytes). */
  public static final long MAX_TEXT_BYTES = 4L << 20;
  /** Largest meta.json read (bytes); chart data lives here and is inlined into the page. */
  public static final long MAX_META_BYTES = 32L << 20;

  /** The reports of a runs directory, newest first, and one line for each run that could not be read. */
  public record Scan(List<Report> reports, List<String> problems) {
    public Scan {
      reports = List.copyOf(reports);
      problems = List.copyOf(problems);
    }
  }

  /** Reads every valid run under {@code runsDir}; a missing directory is an empty scan. */
  public static Scan scan(Path runsDir) throws IOException {
    List<Report> reports = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(runsDir)) return new Scan(reports, problems);
    try (Stream<Path> entries = Files.list(runsDir)) {
      for (Path dir : entries.sorted().toList()) {
        String name = dir.getFileName().toString();
        if (name.startsWith(".")) continue;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
        if (!ReportNames.isSlug(name)) {
          problems.add(name + ": not a valid report name");
          continue;
        }
        if (!Files.exists(dir.resolve(ReportNames.META_FILE), LinkOption.NOFOLLOW_LINKS)) continue;
        try {
          reports.add(read(dir));
        } catch (IllegalArgumentException | IOException e) {
          problems.add(name + ": " + e.getMessage());
        }
      }
    }
    reports.sort(Comparator.comparing((Report r) -> r.meta().instant()).reversed().thenComparing(Report::slug));
    return new Scan(reports, problems);
  }

  /** Reads one run; {@code runsDir.resolve(slug)} after validating the slug. */
  public static Report read(Path runsDir, String slug) throws IOException {
    return read(runsDir.resolve(ReportNames.requireSlug(slug)));
  }

  /**
   * Reads one run directory.
   *
   * @throws IllegalArgumentException when the name, meta.json or report.md is invalid (the message says which)
   */
  public static Report read(Path dir) throws IOException {
    String slug = ReportNames.requireSlug(dir.getFileName().toString());
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IllegalArgumentException("report '" + slug + "' does not exist");
    Path metaFile = plainFile(dir, ReportNames.META_FILE, MAX_META_BYTES);
    ReportMeta meta;
    try {
      meta = ReportJson.MAPPER.readValue(Files.readAllBytes(metaFile), ReportMeta.class);
    } catch (ValueInstantiationException e) {
      Throwable c = e.getCause();
      throw new IllegalArgumentException("meta.json: " + Text.quote(c != null ? c.getMessage() : e.getOriginalMessage(), 300), e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException("meta.json: " + Text.quote(e.getOriginalMessage(), 300), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("meta.json is not valid JSON: " + Text.quote(e.getOriginalMessage(), 300), e);
    } catch (java.io.CharConversionException e) { // bytes that are no Unicode encoding at all
      throw new IllegalArgumentException("meta.json is not UTF-8 JSON: " + Text.quote(e.getMessage(), 300), e);
    }
    if (meta == null) throw new IllegalArgumentException("meta.json is empty");
    Path textFile = dir.resolve(ReportNames.REPORT_FILE);
    String markdown;
    try {
      markdown = Files.exists(textFile, LinkOption.NOFOLLOW_LINKS)
          ? ReportText.normalise(Files.readString(plainFile(dir, ReportNames.REPORT_FILE, MAX_TEXT_BYTES), StandardCharsets.UTF_8))
          : "";
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(ReportNames.REPORT_FILE + " is not UTF-8 text", e);
    }
    List<Report.DataInfo> data = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (ReportNames.isDataFileName(name) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          data.add(new Report.DataInfo(name, Files.size(f)));
        }
      }
    }
    return new Report(slug, meta, markdown, data, dir);
  }

  /**
   * The data file {@code name} of a run, if the name is valid and it is a plain file inside the run
   * directory; else null. The server and the static writer fetch downloads only through this.
   */
  public static Path dataFile(Path runsDir, String slug, String name) {
    if (!ReportNames.isSlug(slug) || !ReportNames.isDataFileName(name)) return null;
    Path dir = runsDir.resolve(slug);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return null;
    Path f = dir.resolve(name);
    if (!f.getParent().equals(dir) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) return null;
    return f;
  }

  private static Path plainFile(Path dir, String name, long maxBytes) throws IOException {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) throw new IllegalArgumentException(name + " is not a plain file");
    long size = Files.size(f);
    if (size > maxBytes) throw new IllegalArgumentException(name + " is " + size + " bytes, over the limit of " + maxBytes);
    return f;
  }
}
