package dev.focus.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The contents of a run's {@code meta.json}.
 *
 * @param title   the post title on the index (the report page shows report.md's first {@code # } heading)
 * @param date    ISO-8601: {@code 2026-11-28}, {@code 2026-11-28T12:30:00Z} or with an offset; a time without a
 *                zone is read as UTC. The index lists newest first.
 * @param summary the excerpt on the index (Markdown with math); empty to use the report's first paragraph
 * @param verdict what the experiment found about the note's claim
 * @param tags    short labels shown beside the post
 * @param charts  the report's charts; ids unique
 */
public record ReportMeta(String title, String date, String summary, Verdict verdict, List<String> tags, List<Chart> charts) {
  public ReportMeta {
    if (title == null || title.isBlank()) throw new IllegalArgumentException("report title must not be blank");
    if (date == null) throw new IllegalArgumentException("report date must be given (ISO-8601, e.g. 2026-11-28T12:30:00Z)");
    parseDate(date);
    summary = summary == null ? "" : summary;
    verdict = verdict == null ? Verdict.NOT_APPLICABLE : verdict;
    tags = tags == null ? List.of() : List.copyOf(tags);
    for (String t : tags) {
      if (t == null || t.isBlank()) throw new IllegalArgumentException("report tags must not be blank");
    }
    charts = charts == null ? List.of() : List.copyOf(charts);
    Set<String> ids = new HashSet<>();
    for (Chart c : charts) {
      if (!ids.add(c.id())) throw new IllegalArgumentException("chart id '" + c.id() + "' is used twice");
    }
  }

  /** Metadata dated now (to the second), with no charts yet. */
  public static ReportMeta of(String title, String summary, Verdict verdict, List<String> tags) {
    return new ReportMeta(title, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), summary, verdict, tags, List.of());
  }

  /** A copy with these charts. */
  public ReportMeta withCharts(List<Chart> newCharts) {
    return new ReportMeta(title, date, summary, verdict, tags, newCharts);
  }

  /** A copy with this date. */
  public ReportMeta withDate(Instant when) {
    return new ReportMeta(title, when.toString(), summary, verdict, tags, charts);
  }

  /** The date as an instant (a bare date is its start, UTC). */
  @JsonIgnore
  public Instant instant() {
    return parseDate(date);
  }

  /** The calendar day shown on the site, {@code yyyy-MM-dd}. */
  @JsonIgnore
  public String day() {
    return instant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  /** The chart with this id. */
  public Optional<Chart> chart(String id) {
    return charts.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  static Instant parseDate(String s) {
    try {
      if (s.length() == 10) return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("report date " + ReportNames.quote(s)
          + " is not ISO-8601 (e.g. 2026-11-28 or 2026-11-28T12:30:00Z)");
    }
  }
}
