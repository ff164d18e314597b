package dev.focus.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an experiment found about the claim of the note it tests; shown as a badge on the site. */
public enum Verdict {
  /** The measurements agree with the note. */
  AGREES("agrees", "agrees"),
  /** Some claims hold, some do not, or only under conditions. */
  PARTLY("partly", "partly agrees"),
  /** The measurements contradict the note. */
  CONTRADICTS("contradicts", "contradicts"),
  /** No claim is tested (a demo, a benchmark). */
  NOT_APPLICABLE("n/a", "n/a");

  private final String json;
  private final String label;

  Verdict(String json, String label) {
    this.json = json;
    this.label = label;
  }

  /** The spelling in meta.json: {@code agrees}, {@code partly}, {@code contradicts} or {@code n/a}. */
  @JsonValue
  public String json() {
    return json;
  }

  /** The badge text. */
  public String label() {
    return label;
  }

  @JsonCreator
  public static Verdict parse(String s) {
    for (Verdict v : values()) {
      if (v.json.equals(s)) return v;
    }
    throw new IllegalArgumentException("verdict " + ReportNames.quote(s) + " is not one of agrees, partly, contradicts, n/a");
  }
}
