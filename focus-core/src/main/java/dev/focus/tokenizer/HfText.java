package dev.focus.tokenizer;

import dev.focus.io.Text;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text side of a Hugging Face {@code tokenizer.json}: its {@code normalizer} and
 * {@code pre_tokenizer}, read into plain functions.
 *
 * <p>A normalizer maps a string to a string. A pre-tokenizer cuts a list of {@link Piece}s into
 * smaller pieces; the BPE model then encodes each piece on its own, so merges never cross a piece
 * boundary. Supported, which covers the GPT-2, Llama 2/3, Mistral and Qwen2 families:
 *
 * <pre>
 *   normalizers      NFC NFD NFKC NFKD Lowercase Prepend Replace Strip Sequence
 *   pre-tokenizers   ByteLevel Split Metaspace Sequence
 * </pre>
 *
 * Any other type is rejected when the file is read, naming the type, so a tokenizer is never
 * silently applied wrong.
 */
final class HfText {
  private HfText() {}

  /**
   * A piece of text on its way to the model. {@code first}: it starts at offset 0 of the input
   * (Metaspace's {@code prepend_scheme: "first"} prepends only there).
   */
  record Piece(String text, boolean first) {}

  /** A pre-tokenizer: pieces in, finer pieces out (empty pieces are dropped). */
  interface PreTokenizer {
    List<Piece> apply(List<Piece> pieces);
  }

  /** GPT-2's split pattern, which ByteLevel applies when {@code use_regex} is true. */
  static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  // ---- normalizers ------------------------------------------------------------------------------

  /** The normalizer of a {@code "normalizer"} JSON value (null: identity). */
  static UnaryOperator<String> normalizer(Object json) {
    if (json == null) return s -> s;
    Map<String, Object> o = object(json, "normalizer");
    String type = string(o, "type", "normalizer");
    switch (type) {
      case "Sequence": {
        List<UnaryOperator<String>> steps = new ArrayList<>();
        for (Object n : list(o, "normalizers", type)) steps.add(normalizer(n));
        return s -> {
          for (UnaryOperator<String> step : steps) s = step.apply(s);
          return s;
        };
      }
      case "NFC": return s -> Normalizer.normalize(s, Normalizer.Form.NFC);
      case "NFD": return s -> Normalizer.normalize(s, Normalizer.Form.NFD);
      case "NFKC": return s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
      case "NFKD": return s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
      case "Lowercase": return s -> s.toLowerCase(Locale.ROOT);
      case "Prepend": {
        String prefix = string(o, "prepend", type);
        return s -> s.isEmpty() ? s : prefix + s;
      }
      case "Replace": {
        Pattern p = pattern(o, type);
        String content = Matcher.quoteReplacement(string(o, "content", type));
        return s -> p.matcher(RegexBudget.of(s, p)).replaceAll(content);
      }
      case "Strip": {
        boolean left = bool(o, "strip_left", true), right = bool(o, "strip_right", true);
        return s -> {
          int a = 0, b = s.length();
          while (left && a < b && Character.isWhitespace(s.codePointAt(a))) a += Character.charCount(s.codePointAt(a));
          while (right && b > a && Character.isWhitespace(s.codePointBefore(b))) b -= Character.charCount(s.codePointBefore(b));
          return s.substring(a, b);
        };
      }
      default:
        throw new IllegalArgumentException("tokenizer.json: normalizer type '" + type
            + "' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence)");
    }
  }

  // ---- pre-tokenizers ---------------------------------------------------------------------------

  /** The pre-tokenizer of a {@code "pre_tokenizer"} JSON value (null: the whole text is one piece). */
  static PreTokenizer preTokenizer(Object json) {
    if (json == null) return pieces -> pieces;
    Map<String, Object> o = object(json, "pre_tokenizer");
    String type = string(o, "type", "pre_tokenizer");
    switch (type) {
      case "Sequence": {
        List<PreTokenizer> steps = new ArrayList<>();
        for (Object p : list(o, "pretokenizers", type)) steps.add(preTokenizer(p));
        return pieces -> {
          for (PreTokenizer step : steps) pieces = step.apply(pieces);
          return pieces;
        };
      }
      case "ByteLevel": {
        boolean prefixSpace = bool(o, "add_prefix_space", false);
        Pattern gpt2 = bool(o, "use_regex", true) ? Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS) : null;
        return pieces -> {
          List<Piece> out = new ArrayList<>();
          for (Piece p : pieces) {
            Piece q = prefixSpace && !p.text().startsWith(" ") ? new Piece(" " + p.text(), p.first()) : p;
            for (Piece r : gpt2 == null ? List.of(q) : split(q, gpt2, "Isolated")) {
              out.add(new Piece(ByteLevelAlphabet.encode(r.text()), r.first()));
            }
          }
          return out;
        };
      }
      case "Split": {
        if (bool(o, "invert", false)) throw new IllegalArgumentException("tokenizer.json: Split with \"invert\": true is not supported");
        Pattern p = pattern(o, type);
        String behavior = string(o, "behavior", type);
        if (!List.of("Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous").contains(behavior)) {
          throw new IllegalArgumentException("tokenizer.json: Split behavior '" + behavior + "' is not supported");
        }
        return pieces -> {
          List<Piece> out = new ArrayList<>();
          for (Piece piece : pieces) out.addAll(split(piece, p, behavior));
          return out;
        };
      }
      case "Metaspace": {
        String replacement = string(o, "replacement", type);
        String scheme = prependScheme(o);
        boolean splitOn = bool(o, "split", true);
        Pattern marker = Pattern.compile(Pattern.quote(replacement));
        return pieces -> {
          List<Piece> out = new ArrayList<>();
          for (Piece p : pieces) {
            String t = p.text().replace(" ", replacement);
            boolean prepend = scheme.equals("always") || (scheme.equals("first") && p.first());
            if (prepend && !t.startsWith(replacement)) t = replacement + t;
            Piece q = new Piece(t, p.first());
            if (splitOn) out.addAll(split(q, marker, "MergedWithNext"));
            else if (!t.isEmpty()) out.add(q);
          }
          return out;
        };
      }
      default:
        throw new IllegalArgumentException("tokenizer.json: pre_tokenizer type '" + type
            + "' is not supported (supported: ByteLevel, Split, Metaspace, Sequence)");
    }
  }

  /** Metaspace's prepend scheme: {@code prepend_scheme}, or the older {@code add_prefix_space}. */
  static String prependScheme(Map<String, Object> o) {
    Object scheme = o.get("prepend_scheme");
    if (scheme == null) return bool(o, "add_prefix_space", true) ? "always" : "never";
    String s = String.valueOf(scheme);
    if (!List.of("always", "first", "never").contains(s)) {
      throw new IllegalArgumentException("tokenizer.json: Metaspace prepend_scheme '" + s + "' must be always, first or never");
    }
    return s;
  }

  /**
   * Cuts {@code piece} at the matches of {@code p}. Matches and the gaps between them are spans;
   * {@code behavior} says what happens to matches: Isolated (own pieces), Removed (dropped),
   * MergedWithPrevious / MergedWithNext (joined to the gap before / after), Contiguous (adjacent
   * matches joined). Empty pieces are dropped.
   */
  static List<Piece> split(Piece piece, Pattern p, String behavior) {
    String s = piece.text();
    List<int[]> spans = new ArrayList<>(); // {start, end, isMatch}
    Matcher m = p.matcher(RegexBudget.of(s, p));
    int prev = 0;
    while (m.find()) {
      if (m.start() != prev) spans.add(new int[] {prev, m.start(), 0});
      spans.add(new int[] {m.start(), m.end(), 1});
      prev = m.end();
    }
    if (prev != s.length()) spans.add(new int[] {prev, s.length(), 0});
    List<int[]> merged = new ArrayList<>();
    switch (behavior) {
      case "Isolated": merged = spans; break;
      case "Removed": for (int[] sp : spans) if (sp[2] == 0) merged.add(sp); break;
      case "Contiguous":
        for (int[] sp : spans) {
          int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
          if (last != null && last[2] == 1 && sp[2] == 1) last[1] = sp[1]; else merged.add(sp.clone());
        }
        break;
      case "MergedWithPrevious": {
        boolean previousMatch = false;
        for (int[] sp : spans) {
          if (sp[2] == 1 && !previousMatch && !merged.isEmpty()) merged.get(merged.size() - 1)[1] = sp[1];
          else merged.add(sp.clone());
          previousMatch = sp[2] == 1;
        }
        break;
      }
      case "MergedWithNext": {
        boolean previousMatch = false;
        for (int i = spans.size() - 1; i >= 0; i--) {
          int[] sp = spans.get(i);
          if (sp[2] == 1 && !previousMatch && !merged.isEmpty()) merged.get(merged.size() - 1)[0] = sp[0];
          else merged.add(sp.clone());
          previousMatch = sp[2] == 1;
        }
        java.util.Collections.reverse(merged);
        break;
      }
      default: throw new IllegalArgumentException("split behavior " + behavior);
    }
    List<Piece> out = new ArrayList<>();
    for (int[] sp : merged) {
      if (sp[1] > sp[0]) out.add(new Piece(s.substring(sp[0], sp[1]), piece.first() && sp[0] == 0));
    }
    return out;
  }

  /**
   * The {@code pattern} of a Split or Replace: {@code {"String": s}} matches s literally,
   * {@code {"Regex": r}} is r with Unicode character classes ({@code \s}, {@code \w} and case
   * folding follow Unicode, as in the reference's regex engine).
   */
  static Pattern pattern(Map<String, Object> o, String type) {
    Map<String, Object> p = object(o.get("pattern"), type + ".pattern");
    if (p.get("String") instanceof String s) return Pattern.compile(Pattern.quote(s));
    if (p.get("Regex") instanceof String r) {
      try {
        return Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("tokenizer.json: " + type + " regex " + Text.quote(r) + " does not compile: "
            + Text.quote(e.getDescription()));
      }
    }
    throw new IllegalArgumentException("tokenizer.json: " + type + ".pattern must be {\"String\": …} or {\"Regex\": …}");
  }

  // ---- JSON field access (values as dev.focus.checkpoint.Json parses them) ----------------------

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object v, String what) {
    if (v instanceof Map) return (Map<String, Object>) v;
    throw new IllegalArgumentException("tokenizer.json: " + what + " must be an object, got " + v);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> o, String key, String what) {
    if (o.get(key) instanceof List) return (List<Object>) o.get(key);
    throw new IllegalArgumentException("tokenizer.json: " + what + "." + key + " must be an array, got " + o.get(key));
  }

  static String string(Map<String, Object> o, String key, String what) {
    if (o.get(key) instanceof String s) return s;
    throw new IllegalArgumentException("tokenizer.json: " + what + "." + key + " must be a string, got " + o.get(key));
  }

  static boolean bool(Map<String, Object> o, String key, boolean dflt) {
    Object v = o.get(key);
    if (v == null) return dflt;
    if (v instanceof Boolean b) return b;
    throw new IllegalArgumentException("tokenizer.json: " + key + " must be true or false, got " + v);
  }

  static int integer(Map<String, Object> o, String key, String what) {
    if (o.get(key) instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) return l.intValue();
    throw new IllegalArgumentException("tokenizer.json: " + what + "." + key + " must be a non-negative integer, got " + o.get(key));
  }
}
