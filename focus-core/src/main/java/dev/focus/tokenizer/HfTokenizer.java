package dev.focus.tokenizer;

import dev.focus.checkpoint.Json;
import dev.focus.io.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json}: the byte-level BPE of GPT-2, Llama 3
 * and Qwen2, and the SentencePiece-style BPE of Llama 2 and Mistral (a {@code ▁} for each space,
 * byte fallback to {@code <0xNN>} tokens). Ids are the file's ids, so they index the embeddings of
 * the checkpoint the file came with.
 *
 * <p>Encoding follows the reference implementation step by step:
 * <ol>
 *   <li>added tokens (specials such as {@code <s>} or {@code <|endoftext|>}, and others) are cut out
 *       of the raw text, leftmost-longest; those marked {@code normalized} are cut out after step 2;
 *   <li>each remaining segment is normalized ({@link HfText#normalizer}),
 *   <li>cut into pieces by the pre-tokenizer ({@link HfText#preTokenizer}),
 *   <li>and each piece is encoded by the BPE model ({@link HfBpe});
 *   <li>{@link #encode(String, boolean) encode(text, true)} then adds what the post-processor's
 *       template puts around a single sequence (Llama's {@code <s>}), nothing for ByteLevel.
 * </ol>
 * Decoding maps ids to token strings (optionally leaving out special added tokens) and runs the
 * file's decoder ({@link HfDecoder}). Unsupported components are rejected when the file is read,
 * naming the component. {@code truncation} and {@code padding} (batch options) are ignored.
 *
 * <p>Round trip: {@code decode(encode(s))} equals {@code s} for byte-level files (without a
 * normalizer); SentencePiece-style files turn a literal {@code ▁} into a space, and a normalizer
 * such as NFC changes non-normalized text, as in the reference.
 */
public final class HfTokenizer implements Tokenizer {
  /** Largest tokenizer.json read (the largest common files are a few tens of MB). */
  public static final long MAX_FILE_BYTES = 256L << 20;

  private record Added(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip,
      boolean singleWord) {}

  /** A segment of the input: an added token's id, or text (with whether it starts the input). */
  private record Segment(int addedId, String text, boolean first) {}

  private static final Pattern WHITE_SPACE = Pattern.compile("\\p{IsWhite_Space}");
  /** A word character as the reference's {@code single_word} sees it: Unicode {@code \w} (letters, marks, digits, connectors). */
  private static final Pattern WORD = Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);

  private final HfBpe model;
  private final String[] tokenOf;            // id -> token string (null for unused ids)
  private final boolean[] special;           // id -> a special added token
  private final List<Added> raw, normalizedAdded; // matched before / after normalization, longest first
  private final UnaryOperator<String> normalizer;
  private final HfText.PreTokenizer preTokenizer;
  private final HfDecoder.Step decoder;
  private final int[] prefix, suffix;        // the post-processor's ids around a single sequence

  private HfTokenizer(Map<String, Object> root) {
    model = HfBpe.parse(root.get("model"));
    List<Added> added = new ArrayList<>();
    Object list = root.get("added_tokens");
    if (list != null) {
      for (Object a : HfText.list(root, "added_tokens", "tokenizer")) {
        Map<String, Object> o = HfText.object(a, "added token");
        String content = HfText.string(o, "content", "added token");
        if (content.isEmpty()) throw new IllegalArgumentException("tokenizer.json: an added token has empty content");
        boolean isSpecial = HfText.bool(o, "special", false);
        added.add(new Added(HfText.integer(o, "id", "added token " + content), content, isSpecial,
            HfText.bool(o, "normalized", !isSpecial), HfText.bool(o, "lstrip", false), HfText.bool(o, "rstrip", false),
            HfText.bool(o, "single_word", false)));
      }
    }
    int size = 0;
    for (int id : model.vocab().values()) size = Math.max(size, id + 1);
    for (Added a : added) size = Math.max(size, a.id() + 1);
    tokenOf = new String[size];
    special = new boolean[size];
    for (Map.Entry<String, Integer> e : model.vocab().entrySet()) tokenOf[e.getValue()] = e.getKey();
    for (Added a : added) {
      tokenOf[a.id()] = a.content();
      special[a.id()] = a.special();
    }
    Comparator<Added> longestFirst = Comparator.comparingInt((Added a) -> -a.content().length());
    raw = added.stream().filter(a -> !a.normalized()).sorted(longestFirst).toList();
    normalizedAdded = added.stream().filter(Added::normalized).sorted(longestFirst).toList();
    normalizer = HfText.normalizer(root.get("normalizer"));
    preTokenizer = HfText.preTokenizer(root.get("pre_tokenizer"));
    decoder = HfDecoder.parse(root.get("decoder"));
    List<int[]> around = new ArrayList<>();
    template(root.get("post_processor"), around);
    prefix = around.isEmpty() ? new int[0] : around.get(0);
    suffix = around.isEmpty() ? new int[0] : around.get(1);
  }

  /** Reads {@code tokenizer.json}, or {@code DIR/tokenizer.json} when given a directory. */
  public static HfTokenizer load(Path fileOrDir) throws IOException {
    Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no tokenizer file at " + file);
    long bytes = Files.size(file);
    if (bytes > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + " has " + bytes + " bytes, more than the " + MAX_FILE_BYTES + " a tokenizer.json may have");
    }
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses the text of a {@code tokenizer.json}. A file that cannot be read is one line: what the
   * file held (token strings, regexes, values) is quoted with control characters escaped and cut
   * ({@link Text#quote}), so that a message never echoes raw bytes.
   */
  public static HfTokenizer fromJson(String json) {
    try {
      return new HfTokenizer(Json.parseObject(json));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Text.quote(e.getMessage(), 400), e);
    }
  }

  /** Collects {prefix, suffix} from a TemplateProcessing (possibly inside a Sequence); others add nothing. */
  private void template(Object json, List<int[]> around) {
    if (json == null) return;
    Map<String, Object> o = HfText.object(json, "post_processor");
    String type = HfText.string(o, "type", "post_processor");
    switch (type) {
      case "Sequence":
        for (Object p : HfText.list(o, "processors", type)) template(p, around);
        return;
      case "ByteLevel":
        return;
      case "TemplateProcessing": {
        if (!around.isEmpty()) throw new IllegalArgumentException("tokenizer.json: more than one TemplateProcessing");
        Map<String, Object> specials = HfText.object(o.get("special_tokens"), "TemplateProcessing.special_tokens");
        List<Integer> before = new ArrayList<>(), after = new ArrayList<>();
        boolean seenA = false;
        for (Object item : HfText.list(o, "single", type)) {
          Map<String, Object> it = HfText.object(item, "TemplateProcessing.single item");
          if (it.containsKey("Sequence")) {
            seenA = true;
            continue;
          }
          String name = HfText.string(HfText.object(it.get("SpecialToken"), "TemplateProcessing item"), "id", "SpecialToken");
          Map<String, Object> tok = HfText.object(specials.get(name), "TemplateProcessing.special_tokens." + name);
          for (Object id : HfText.list(tok, "ids", name)) {
            if (!(id instanceof Long l) || l < 0 || l >= tokenOf.length) {
              throw new IllegalArgumentException("tokenizer.json: template token " + name + " has id " + id + " outside the vocabulary");
            }
            (seenA ? after : before).add(l.intValue());
          }
        }
        around.add(before.stream().mapToInt(Integer::intValue).toArray());
        around.add(after.stream().mapToInt(Integer::intValue).toArray());
        return;
      }
      case "BertProcessing":
      case "RobertaProcessing": {
        int cls = pairId(o.get("cls"), type + ".cls"), sep = pairId(o.get("sep"), type + ".sep");
        around.add(new int[] {cls});
        around.add(new int[] {sep});
        return;
      }
      default:
        throw new IllegalArgumentException("tokenizer.json: post_processor type '" + type
            + "' is not supported (supported: TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence)");
    }
  }

  private static int pairId(Object v, String what) {
    if (v instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Long id) return id.intValue();
    throw new IllegalArgumentException("tokenizer.json: " + what + " must be [token, id], got " + v);
  }

  @Override public int vocabSize() { return tokenOf.length; }

  /** The ids of {@code text} without the post-processor's special tokens (added tokens in the text count). */
  @Override
  public int[] encode(String text) {
    return encode(text, false);
  }

  /** The ids of {@code text}; with {@code addSpecialTokens}, wrapped as the post-processor's template says. */
  public int[] encode(String text, boolean addSpecialTokens) {
    Tokenizer.utf8(text); // rejects lone surrogates, naming the index
    int[] out = new int[Math.max(16, text.length())];
    int n = 0;
    if (addSpecialTokens) for (int id : prefix) out[n++] = id;
    for (Segment seg : cut(List.of(new Segment(-1, text, true)), raw)) {
      if (seg.addedId() >= 0) {
        out = grow(out, n + 1);
        out[n++] = seg.addedId();
        continue;
      }
      Segment normalized = new Segment(-1, normalizer.apply(seg.text()), seg.first());
      for (Segment s : cut(List.of(normalized), normalizedAdded)) {
        if (s.addedId() >= 0) {
          out = grow(out, n + 1);
          out[n++] = s.addedId();
          continue;
        }
        for (HfText.Piece p : preTokenizer.apply(List.of(new HfText.Piece(s.text(), s.first())))) {
          int[] ids = model.encode(p.text());
          out = grow(out, n + ids.length);
          System.arraycopy(ids, 0, out, n, ids.length);
          n += ids.length;
        }
      }
    }
    if (addSpecialTokens) {
      out = grow(out, n + suffix.length);
      for (int id : suffix) out[n++] = id;
    }
    return Arrays.copyOf(out, n);
  }

  /** A document as the checkpoint saw it in training: {@code encode(text, true)} (Llama: {@code <s>} first). */
  @Override
  public int[] encodeDocument(String text) {
    return encode(text, true);
  }

  private static int[] grow(int[] a, int need) {
    return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, a.length * 2));
  }

  /**
   * Cuts the text segments at occurrences of {@code tokens} (leftmost, then longest). A
   * {@code single_word} token counts only between non-word characters; {@code lstrip} /
   * {@code rstrip} take the white space before / after it into the token.
   */
  private static List<Segment> cut(List<Segment> segments, List<Added> tokens) {
    if (tokens.isEmpty()) return segments;
    List<Segment> out = new ArrayList<>();
    for (Segment seg : segments) {
      if (seg.addedId() >= 0) {
        out.add(seg);
        continue;
      }
      String s = seg.text();
      int done = 0, i = 0;
      while (i < s.length()) {
        Added hit = null;
        for (Added a : tokens) if (s.startsWith(a.content(), i)) { hit = a; break; }
        if (hit == null) {
          i++;
          continue;
        }
        int start = i, stop = i + hit.content().length();
        if (hit.singleWord() && ((start > 0 && isWordChar(s.codePointBefore(start)))
            || (stop < s.length() && isWordChar(s.codePointAt(stop))))) {
          i = stop;
          continue;
        }
        if (hit.lstrip()) while (start > done && isWhiteSpace(s.codePointBefore(start))) start -= Character.charCount(s.codePointBefore(start));
        if (hit.rstrip()) while (stop < s.length() && isWhiteSpace(s.codePointAt(stop))) stop += Character.charCount(s.codePointAt(stop));
        if (start > done) out.add(new Segment(-1, s.substring(done, start), seg.first() && done == 0));
        out.add(new Segment(hit.id(), hit.content(), false));
        done = i = stop;
      }
      if (done < s.length()) out.add(new Segment(-1, s.substring(done), seg.first() && done == 0));
    }
    return out;
  }

  private static boolean isWordChar(int cp) { return WORD.matcher(Character.toString(cp)).matches(); }

  private static boolean isWhiteSpace(int cp) { return WHITE_SPACE.matcher(Character.toString(cp)).matches(); }

  /** The text of {@code ids}, special added tokens included. */
  @Override
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /** The text of {@code ids}; with {@code skipSpecialTokens}, special added tokens are left out. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      String t = token(ids[i], i);
      if (!(skipSpecialTokens && special[ids[i]])) tokens.add(t);
    }
    return String.join("", decoder.apply(tokens));
  }

  private String token(int id, int index) {
    if (id < 0 || id >= tokenOf.length || tokenOf[id] == null) {
      throw new IllegalArgumentException("token id " + id + " at index " + index + " is not in this tokenizer's vocabulary (0.."
          + (tokenOf.length - 1) + (id >= 0 && id < tokenOf.length ? ", unused id" : "") + ")");
    }
    return tokenOf[id];
  }

  /** The token string of {@code id} (as the vocabulary spells it, e.g. {@code Ġthe} or {@code ▁the}). */
  public String token(int id) {
    return token(id, 0);
  }

  /** The id of a vocabulary entry or added token, if any. */
  public OptionalInt id(String token) {
    for (int i = 0; i < tokenOf.length; i++) {
      if (token.equals(tokenOf[i])) return OptionalInt.of(i);
    }
    return OptionalInt.empty();
  }

  /** Whether {@code id} is a special added token (left out by {@code decode(ids, true)}). */
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  /** The ids that {@code encode(text, true)} puts before the text (Llama: {@code <s>}). */
  public int[] prefixIds() { return prefix.clone(); }

  @Override public String toString() { return "HfTokenizer(vocab=" + vocabSize() + ")"; }
}
