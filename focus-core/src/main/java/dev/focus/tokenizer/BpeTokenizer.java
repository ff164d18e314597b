package dev.focus.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small byte-level BPE (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with
 * Subword Units"; byte-level as in GPT-2), trained by Focus.
 *
 * <p>Ids: 0..255 bytes, 256..260 {@link Special}s, then merge {@code i} creates id {@code 261 + i}.
 *
 * <p>Pre-tokenization: text is cut into chunks (a run of letters, of digits, or of other
 * non-space symbols, each taking at most one leading space; or a run of whitespace) and merges never
 * cross a chunk boundary. The chunks concatenate back to the text, so encoding stays lossless.
 *
 * <p>Training: count adjacent symbol pairs over all chunks (weighted by chunk frequency), merge the
 * most frequent pair, repeat until the vocabulary is reached or no pair occurs twice. Ties go to the
 * smallest (left id, right id), so training is deterministic. Encoding applies, within a chunk, the
 * lowest-ranked (earliest learned) merge present, all its occurrences left to right, until none applies.
 */
public final class BpeTokenizer implements Tokenizer {
  static final String FORMAT = "focus-bpe";
  static final int VERSION = 1;

  private final int[][] merges;            // (M, 2) left id, right id; merge i makes id 261+i
  private final Map<Long, Integer> rank;   // pair key -> merge index
  private final byte[][] bytesOf;          // id -> its bytes (ids >= 261)

  private BpeTokenizer(int[][] merges) {
    this.merges = merges;
    this.rank = new HashMap<>();
    this.bytesOf = new byte[Special.END_ID + merges.length][];
    for (int i = 0; i < 256; i++) bytesOf[i] = new byte[] {(byte) i};
    for (int i = 0; i < merges.length; i++) {
      int a = merges[i][0], b = merges[i][1], id = Special.END_ID + i;
      if (a < 0 || b < 0 || a >= id || b >= id || Special.ofId(a) != null || Special.ofId(b) != null) {
        throw new IllegalArgumentException("merge " + i + " = (" + a + ", " + b + ") must join two byte or earlier merge ids below " + id);
      }
      if (rank.putIfAbsent(key(a, b), i) != null) {
        throw new IllegalArgumentException("merge " + i + " = (" + a + ", " + b + ") repeats an earlier merge");
      }
      byte[] x = bytesOf[a], y = bytesOf[b];
      byte[] xy = Arrays.copyOf(x, x.length + y.length);
      System.arraycopy(y, 0, xy, x.length, y.length);
      bytesOf[id] = xy;
    }
  }

  /** A tokenizer from an explicit merge list ({@code merges[i] = {left, right}} creates id 261+i). */
  public static BpeTokenizer of(int[][] merges) {
    int[][] copy = new int[merges.length][];
    for (int i = 0; i < merges.length; i++) {
      if (merges[i].length != 2) throw new IllegalArgumentException("merge " + i + " has " + merges[i].length + " ids, expected 2");
      copy[i] = merges[i].clone();
    }
    return new BpeTokenizer(copy);
  }

  /**
   * Trains merges on {@code texts} until the vocabulary (bytes + specials + merges) has
   * {@code vocabSize} ids, or no pair occurs at least twice (then the vocabulary is smaller).
   */
  public static BpeTokenizer train(Iterable<String> texts, int vocabSize) {
    if (vocabSize < Special.END_ID) {
      throw new IllegalArgumentException("vocabSize=" + vocabSize + " must be >= " + Special.END_ID + " (256 bytes + 5 specials)");
    }
    // Unique chunks with their counts, in sorted order so everything below is deterministic.
    TreeMap<String, Integer> chunkCounts = new TreeMap<>();
    for (String text : texts) {
      Tokenizer.utf8(text); // rejects lone surrogates with a clear message
      for (String c : chunks(text)) chunkCounts.merge(c, 1, Integer::sum);
    }
    int W = chunkCounts.size();
    int[][] words = new int[W][];
    long[] counts = new long[W];
    int w = 0;
    for (Map.Entry<String, Integer> e : chunkCounts.entrySet()) {
      byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
      words[w] = new int[b.length];
      for (int i = 0; i < b.length; i++) words[w][i] = b[i] & 0xFF;
      counts[w++] = e.getValue();
    }
    // Pair statistics: weighted count, and the words where the pair (may) occur.
    Map<Long, Long> pairCount = new HashMap<>();
    Map<Long, Set<Integer>> where = new HashMap<>();
    for (int i = 0; i < W; i++) addPairs(words[i], counts[i], i, pairCount, where);

    List<int[]> merges = new ArrayList<>();
    while (Special.END_ID + merges.size() < vocabSize) {
      long best = -1, bestCount = 1;
      for (Map.Entry<Long, Long> e : pairCount.entrySet()) {
        long c = e.getValue(), k = e.getKey();
        if (c > bestCount || (c == bestCount && c > 1 && k < best)) { best = k; bestCount = c; }
      }
      if (best < 0) break;
      int a = (int) (best >>> 32), b = (int) best, id = Special.END_ID + merges.size();
      merges.add(new int[] {a, b});
      Set<Integer> affected = where.remove(best);
      Integer[] list = affected.toArray(new Integer[0]);
      Arrays.sort(list);
      for (int wi : list) {
        int[] old = words[wi];
        if (!contains(old, a, b)) continue;
        removePairs(old, counts[wi], pairCount);
        int[] merged = mergeAll(old, a, b, id);
        words[wi] = merged;
        addPairs(merged, counts[wi], wi, pairCount, where);
      }
      pairCount.remove(best);
    }
    return new BpeTokenizer(merges.toArray(new int[0][]));
  }

  private static long key(int a, int b) { return ((long) a << 32) | (b & 0xFFFFFFFFL); }

  private static void addPairs(int[] word, long count, int wi, Map<Long, Long> pairCount, Map<Long, Set<Integer>> where) {
    for (int i = 0; i + 1 < word.length; i++) {
      long k = key(word[i], word[i + 1]);
      pairCount.merge(k, count, Long::sum);
      where.computeIfAbsent(k, x -> new HashSet<>()).add(wi);
    }
  }

  private static void removePairs(int[] word, long count, Map<Long, Long> pairCount) {
    for (int i = 0; i + 1 < word.length; i++) {
      long k = key(word[i], word[i + 1]);
      long c = pairCount.get(k) - count;
      if (c == 0) pairCount.remove(k); else pairCount.put(k, c);
    }
  }

  private static boolean contains(int[] word, int a, int b) {
    for (int i = 0; i + 1 < word.length; i++) if (word[i] == a && word[i + 1] == b) return true;
    return false;
  }

  /** Replaces every non-overlapping (a, b), left to right, with {@code id}. */
  private static int[] mergeAll(int[] word, int a, int b, int id) {
    int[] out = new int[word.length];
    int n = 0;
    for (int i = 0; i < word.length; i++) {
      if (i + 1 < word.length && word[i] == a && word[i + 1] == b) { out[n++] = id; i++; }
      else out[n++] = word[i];
    }
    return Arrays.copyOf(out, n);
  }

  private enum Kind { LETTER, DIGIT, SPACE, OTHER }

  private static Kind kind(int cp) {
    if (Character.isLetter(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
        || Character.getType(cp) == Character.COMBINING_SPACING_MARK) return Kind.LETTER;
    if (Character.isDigit(cp)) return Kind.DIGIT;
    if (Character.isWhitespace(cp)) return Kind.SPACE;
    return Kind.OTHER;
  }

  /** The pre-tokenization chunks of {@code text}; they concatenate back to {@code text}. */
  static List<String> chunks(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length(), i = 0;
    while (i < n) {
      int start = i;
      if (text.charAt(i) == ' ' && i + 1 < n && kind(text.codePointAt(i + 1)) != Kind.SPACE) i++;
      int cp = text.codePointAt(i);
      Kind k = kind(cp);
      i += Character.charCount(cp);
      if (k == Kind.SPACE) {
        // A whitespace run leaves its last space to the word after it.
        while (i < n && kind(text.codePointAt(i)) == Kind.SPACE
            && !(text.charAt(i) == ' ' && i + 1 < n && kind(text.codePointAt(i + 1)) != Kind.SPACE)) {
          i += Character.charCount(text.codePointAt(i));
        }
      } else {
        while (i < n && kind(text.codePointAt(i)) == k) i += Character.charCount(text.codePointAt(i));
      }
      out.add(text.substring(start, i));
    }
    return out;
  }

  @Override public int vocabSize() { return Special.END_ID + merges.length; }

  /** Number of learned merges. */
  public int mergeCount() { return merges.length; }

  /** Merge {@code i} as {left, right}. */
  public int[] merge(int i) { return merges[i].clone(); }

  @Override
  public int[] encode(String text) {
    Tokenizer.utf8(text);
    int[] out = new int[16];
    int n = 0;
    for (String chunk : chunks(text)) {
      int[] ids = encodeChunk(chunk.getBytes(StandardCharsets.UTF_8));
      if (n + ids.length > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length));
      System.arraycopy(ids, 0, out, n, ids.length);
      n += ids.length;
    }
    return Arrays.copyOf(out, n);
  }

  private int[] encodeChunk(byte[] bytes) {
    int[] word = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) word[i] = bytes[i] & 0xFF;
    while (word.length > 1) {
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < word.length; i++) {
        Integer r = rank.get(key(word[i], word[i + 1]));
        if (r != null && r < bestRank) bestRank = r;
      }
      if (bestRank == Integer.MAX_VALUE) break;
      word = mergeAll(word, merges[bestRank][0], merges[bestRank][1], Special.END_ID + bestRank);
    }
    return word;
  }

  @Override
  public String decode(int[] ids) {
    return Tokenizer.render(ids, vocabSize(), id -> bytesOf[id]);
  }

  /** The bytes that id {@code id} (a byte or merge id) stands for. */
  public byte[] bytes(int id) {
    if (Special.ofId(id) != null || id < 0 || id >= vocabSize()) {
      throw new IllegalArgumentException("id " + id + " is not a byte or merge id of this tokenizer (vocab " + vocabSize() + ")");
    }
    return bytesOf[id].clone();
  }

  /** JSON form: {@code {"format": "focus-bpe", "version": 1, "vocabSize": N, "merges": [[a, b], ...]}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"format\": \"").append(FORMAT).append("\",\n  \"version\": ").append(VERSION)
        .append(",\n  \"vocabSize\": ").append(vocabSize()).append(",\n  \"merges\": [");
    for (int i = 0; i < merges.length; i++) {
      sb.append(i == 0 ? "\n    [" : ",\n    [").append(merges[i][0]).append(", ").append(merges[i][1]).append(']');
    }
    sb.append(merges.length == 0 ? "]\n}\n" : "\n  ]\n}\n");
    return sb.toString();
  }

  private static final Pattern FORMAT_FIELD = Pattern.compile("\"format\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern VERSION_FIELD = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
  private static final Pattern VOCAB_FIELD = Pattern.compile("\"vocabSize\"\\s*:\\s*(\\d+)");
  private static final Pattern MERGES_FIELD = Pattern.compile("\"merges\"\\s*:\\s*\\[(.*)\\]\\s*}\\s*$", Pattern.DOTALL);
  private static final Pattern PAIR = Pattern.compile("\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]");

  /** Parses {@link #toJson()}'s format; rejects other formats, versions and inconsistent sizes. */
  public static BpeTokenizer fromJson(String json) {
    Matcher f = FORMAT_FIELD.matcher(json);
    if (!f.find() || !f.group(1).equals(FORMAT)) throw new IllegalArgumentException("not a focus-bpe tokenizer file (\"format\" must be \"" + FORMAT + "\")");
    Matcher v = VERSION_FIELD.matcher(json);
    if (!v.find() || Integer.parseInt(v.group(1)) != VERSION) {
      throw new IllegalArgumentException("focus-bpe version " + (v.find(0) ? v.group(1) : "missing") + " is not supported (expected " + VERSION + ")");
    }
    Matcher m = MERGES_FIELD.matcher(json);
    if (!m.find()) throw new IllegalArgumentException("focus-bpe file has no \"merges\" array");
    String body = m.group(1);
    List<int[]> merges = new ArrayList<>();
    Matcher p = PAIR.matcher(body);
    int end = 0;
    while (p.find()) {
      if (!body.substring(end, p.start()).matches("[\\s,]*")) throw new IllegalArgumentException("malformed merges near \"" + body.substring(end, Math.min(body.length(), end + 20)) + "\"");
      merges.add(new int[] {Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))});
      end = p.end();
    }
    if (!body.substring(end).isBlank()) throw new IllegalArgumentException("malformed merges near \"" + body.substring(end, Math.min(body.length(), end + 20)) + "\"");
    BpeTokenizer t = new BpeTokenizer(merges.toArray(new int[0][]));
    Matcher vs = VOCAB_FIELD.matcher(json);
    if (vs.find() && Integer.parseInt(vs.group(1)) != t.vocabSize()) {
      throw new IllegalArgumentException("vocabSize " + vs.group(1) + " does not match " + merges.size() + " merges (expected " + t.vocabSize() + ")");
    }
    return t;
  }

  /** Writes {@link #toJson()} to {@code file} atomically (temp file, then rename). */
  public void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a file written by {@link #save}. */
  public static BpeTokenizer load(Path file) throws IOException {
    return fromJson(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Override public String toString() { return "BpeTokenizer(vocab=" + vocabSize() + ")"; }
}
