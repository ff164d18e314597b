package dev.focus.position;

import dev.focus.io.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multimodal sequence as a list of segments (spec 04 §5, §8). The text form is space-separated:
 * {@code T} (one text token), {@code I{h}x{w}} (h rows × w columns), {@code V{t}x{h}x{w}}; for example
 * Sequence A is {@code "T T T I2x3 T T"}.
 */
public record Layout(List<Segment> segments) {
  private static final Pattern IMAGE = Pattern.compile("I(\\d+)x(\\d+)");
  private static final Pattern VIDEO = Pattern.compile("V(\\d+)x(\\d+)x(\\d+)");

  public Layout {
    if (segments == null) throw new IllegalArgumentException("layout: segments must not be null");
    segments = List.copyOf(segments);
  }

  public static Layout of(Segment... segments) { return new Layout(List.of(segments)); }

  /** {@code n} text tokens. */
  public static Layout text(int n) { return of(new Segment.Text(n)); }

  /** Parses the command-line form; throws naming the first malformed segment. */
  public static Layout parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("layout is empty");
    List<Segment> out = new ArrayList<>();
    for (String s : text.trim().split("\\s+")) {
      if (s.equals("T")) {
        out.add(new Segment.Text(1));
        continue;
      }
      Matcher m = IMAGE.matcher(s);
      if (m.matches()) {
        out.add(new Segment.Image(size(s, m.group(1)), size(s, m.group(2))));
        continue;
      }
      m = VIDEO.matcher(s);
      if (m.matches()) {
        out.add(new Segment.Video(size(s, m.group(1)), size(s, m.group(2)), size(s, m.group(3))));
        continue;
      }
      throw new IllegalArgumentException("malformed layout segment '" + Text.quote(s) + "' (expected T, I{h}x{w} or V{t}x{h}x{w})");
    }
    return new Layout(out);
  }

  private static int size(String seg, String digits) {
    int v;
    try {
      v = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("layout segment '" + Text.quote(seg) + "': size " + Text.quote(digits) + " is too large");
    }
    if (v < 1) throw new IllegalArgumentException("layout segment '" + Text.quote(seg) + "': sizes must be >= 1");
    return v;
  }

  /** Total tokens. */
  public int tokens() {
    long n = 0;
    for (Segment s : segments) n += s.tokens();
    if (n > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("layout has too many tokens: " + n);
    return (int) n;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Segment s : segments) {
      if (s instanceof Segment.Text t) {
        for (int i = 0; i < t.count(); i++) b.append(b.length() == 0 ? "" : " ").append('T');
      } else {
        b.append(b.length() == 0 ? "" : " ").append(s);
      }
    }
    return b.toString();
  }
}
