package dev.focus.report;

import java.util.regex.Pattern;

/**
 * The names a report may use: run slugs, chart ids and data file names. Everything the site puts in
 * a URL or a file path passes through here first, so a name can never climb out of its run directory.
 */
public final class ReportNames {
  private ReportNames() {}

  /** A run directory name (also a chart id): lower-case ASCII letter or digit, then up to 63 of {@code a-z 0-9 - _}. */
  public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /**
   * A data file of a report: ASCII letter or digit first, up to 128 characters, ending {@code .json} or
   * {@code .csv} (raw data, offered for download) or {@code .png} (a figure the text shows with
   * {@code ![alt](../runs/<slug>/<file>)}).
   */
  public static final Pattern DATA_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,122}\\.(json|csv|png)");

  /** The text of the report: Markdown with math; the first {@code # } heading is its title. */
  public static final String REPORT_FILE = "report.md";

  /** The metadata of the report (title, date, verdict, charts). */
  public static final String META_FILE = "meta.json";

  public static boolean isSlug(String s) {
    return s != null && SLUG.matcher(s).matches();
  }

  /** Returns {@code slug} or throws an IllegalArgumentException naming it and the rule. */
  public static String requireSlug(String slug) {
    if (!isSlug(slug)) {
      throw new IllegalArgumentException("report name " + quote(slug)
          + " is not a slug: use 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
    return slug;
  }

  /** Returns {@code id} or throws: chart ids follow the slug rule. */
  public static String requireChartId(String id) {
    if (!isSlug(id)) {
      throw new IllegalArgumentException("chart id " + quote(id)
          + " is not valid: use 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
    return id;
  }

  public static boolean isDataFileName(String name) {
    return name != null && DATA_FILE.matcher(name).matches() && !name.equals(META_FILE);
  }

  /** Returns {@code name} or throws: data files are plain {@code *.json} / {@code *.csv} / {@code *.png} names, never {@code meta.json}. */
  public static String requireDataFileName(String name) {
    if (!isDataFileName(name)) {
      throw new IllegalArgumentException("data file name " + quote(name)
          + " is not valid: use [A-Za-z0-9][A-Za-z0-9._-]* ending in .json, .csv or .png (not meta.json), at most 128 characters");
    }
    return name;
  }

  static String quote(String s) {
    if (s == null) return "null";
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "'" + shown + "'";
  }
}
