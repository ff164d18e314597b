package dev.focus.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code decoder} of a Hugging Face {@code tokenizer.json}: token strings back to text.
 *
 * <p>A decoder is a chain of steps over the list of token strings; the text is the concatenation of
 * what the last step leaves. Supported steps:
 *
 * <pre>
 *   ByteLevel      all tokens → one string: alphabet chars back to bytes, bytes as UTF-8
 *                  (malformed runs → U+FFFD); a token with a char outside the alphabet keeps its own
 *                  UTF-8 bytes (added tokens)
 *   Metaspace      per token: the replacement char becomes a space, except in the first token,
 *                  where it is dropped unless prepend_scheme is "never"
 *   Replace        per token: pattern → content
 *   ByteFallback   runs of &lt;0xNN&gt; tokens → their bytes as UTF-8; a run that is not valid UTF-8
 *                  becomes one U+FFFD per byte
 *   Fuse           all tokens → one string
 *   Strip          per token: up to start leading and stop trailing copies of content removed
 *   Sequence       the steps in order
 * </pre>
 * Without a decoder the tokens are joined with single spaces.
 */
final class HfDecoder {
  private HfDecoder() {}

  /** One decoding step over the token strings. */
  interface Step {
    List<String> apply(List<String> tokens);
  }

  private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

  /** The decoder of a {@code "decoder"} JSON value. */
  static Step parse(Object json) {
    if (json == null) return tokens -> List.of(String.join(" ", tokens));
    Map<String, Object> o = HfText.object(json, "decoder");
    String type = HfText.string(o, "type", "decoder");
    switch (type) {
      case "Sequence": {
        List<Step> steps = new ArrayList<>();
        for (Object d : HfText.list(o, "decoders", type)) steps.add(parse(d));
        return tokens -> {
          for (Step s : steps) tokens = s.apply(tokens);
          return tokens;
        };
      }
      case "ByteLevel": return HfDecoder::byteLevel;
      case "Fuse": return tokens -> List.of(String.join("", tokens));
      case "ByteFallback": return HfDecoder::byteFallback;
      case "Replace": {
        Pattern p = HfText.pattern(o, type);
        String content = Matcher.quoteReplacement(HfText.string(o, "content", type));
        return tokens -> tokens.stream().map(t -> p.matcher(t).replaceAll(content)).toList();
      }
      case "Strip": {
        String content = HfText.string(o, "content", type);
        if (content.codePointCount(0, content.length()) != 1) {
          throw new IllegalArgumentException("tokenizer.json: Strip content '" + content + "' must be one character");
        }
        int start = HfText.integer(o, "start", type), stop = HfText.integer(o, "stop", type);
        return tokens -> tokens.stream().map(t -> strip(t, content, start, stop)).toList();
      }
      case "Metaspace": {
        String replacement = HfText.string(o, "replacement", type);
        boolean dropInFirst = !HfText.prependScheme(o).equals("never");
        return tokens -> {
          List<String> out = new ArrayList<>(tokens.size());
          for (int i = 0; i < tokens.size(); i++) {
            out.add(tokens.get(i).replace(replacement, i == 0 && dropInFirst ? "" : " "));
          }
          return out;
        };
      }
      default:
        throw new IllegalArgumentException("tokenizer.json: decoder type '" + type
            + "' is not supported (supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence)");
    }
  }

  private static List<String> byteLevel(List<String> tokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String t : tokens) {
      byte[] b = ByteLevelAlphabet.decode(t);
      bytes.writeBytes(b != null ? b : t.getBytes(StandardCharsets.UTF_8));
    }
    return List.of(utf8Lossy(bytes.toByteArray()));
  }

  /**
   * UTF-8 with each maximal subpart of an ill-formed sequence replaced by one U+FFFD (Unicode §3.9,
   * "U+FFFD Substitution of Maximal Subparts"), as the reference does; the JDK's decoder counts some
   * ill-formed runs differently.
   */
  static String utf8Lossy(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xFF;
      int need, lo = 0x80, hi = 0xBF;  // continuation bytes needed; the range allowed for the first of them
      if (c < 0x80) { sb.append((char) c); i++; continue; }
      else if (c >= 0xC2 && c <= 0xDF) need = 1;
      else if (c >= 0xE0 && c <= 0xEF) { need = 2; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
      else if (c >= 0xF0 && c <= 0xF4) { need = 3; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
      else { sb.append('\uFFFD'); i++; continue; }
      int cp = c & (0x3F >> need), j = i + 1;
      for (int k = 0; k < need; k++, j++) {
        int d = j < b.length ? b[j] & 0xFF : -1;
        if (d < (k == 0 ? lo : 0x80) || d > (k == 0 ? hi : 0xBF)) break;
        cp = (cp << 6) | (d & 0x3F);
      }
      if (j - i == need + 1) sb.appendCodePoint(cp); else sb.append('\uFFFD');
      i = j;
    }
    return sb.toString();
  }

  private static List<String> byteFallback(List<String> tokens) {
    List<String> out = new ArrayList<>();
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (String t : tokens) {
      Matcher m = BYTE_TOKEN.matcher(t);
      if (m.matches()) {
        run.write(Integer.parseInt(m.group(1), 16));
        continue;
      }
      flush(run, out);
      out.add(t);
    }
    flush(run, out);
    return out;
  }

  /** A run of fallback bytes: its text if valid UTF-8, else one U+FFFD per byte. */
  private static void flush(ByteArrayOutputStream run, List<String> out) {
    if (run.size() == 0) return;
    byte[] b = run.toByteArray();
    run.reset();
    try {
      out.add(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      for (int i = 0; i < b.length; i++) out.add("\uFFFD");
    }
  }

  private static String strip(String t, String content, int start, int stop) {
    int[] cps = t.codePoints().toArray();
    int c = content.codePointAt(0);
    int a = 0, b = cps.length;
    while (a < start && a < b && cps[a] == c) a++;
    int removed = 0;
    while (removed < stop && b > a && cps[b - 1] == c) { b--; removed++; }
    return new String(cps, a, b - a);
  }
}
