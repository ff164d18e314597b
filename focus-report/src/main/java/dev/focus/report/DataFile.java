package dev.focus.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A raw data file that a report offers for download ({@code *.json} or {@code *.csv}), or a PNG figure
 * that its text shows.
 *
 * @param name    a plain file name ({@link ReportNames#DATA_FILE}), never {@code meta.json}
 * @param content the bytes written
 */
public record DataFile(String name, byte[] content) {
  public DataFile {
    ReportNames.requireDataFileName(name);
    content = Objects.requireNonNull(content, "data file content").clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  /** UTF-8 text. */
  public static DataFile text(String name, String text) {
    return new DataFile(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Any Jackson-serialisable value as indented JSON. */
  public static DataFile json(String name, Object value) {
    if (!name.endsWith(".json")) throw new IllegalArgumentException("JSON data file " + ReportNames.quote(name) + " must end in .json");
    try {
      return new DataFile(name, ReportJson.MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + name + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** RFC 4180 CSV: a header row, then one line per row; cells are quoted when they hold {@code , " CR LF}. */
  public static DataFile csv(String name, List<String> header, List<? extends List<?>> rows) {
    if (!name.endsWith(".csv")) throw new IllegalArgumentException("CSV data file " + ReportNames.quote(name) + " must end in .csv");
    StringBuilder sb = new StringBuilder();
    appendRow(sb, header);
    for (List<?> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException("CSV " + name + ": a row has " + row.size() + " cells but the header has " + header.size());
      }
      appendRow(sb, row);
    }
    return text(name, sb.toString());
  }

  private static void appendRow(StringBuilder sb, List<?> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) sb.append(',');
      String s = String.valueOf(cells.get(i));
      if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
        sb.append('"').append(s.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(s);
      }
    }
    sb.append("\r\n");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataFile d && name.equals(d.name) && java.util.Arrays.equals(content, d.content);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + java.util.Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "DataFile[" + name + ", " + content.length + " bytes]";
  }
}
