package dev.focus.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The {@code "model": {"type": "BPE", …}} of a Hugging Face {@code tokenizer.json}: a vocabulary of
 * token strings and a ranked list of merges (Sennrich et al. 2016).
 *
 * <p>Encoding one piece: start from its characters (each one a vocabulary entry; an unknown
 * character becomes its UTF-8 bytes as {@code <0xNN>} tokens under {@code byte_fallback}, else the
 * unknown token, consecutive unknowns fused into one under {@code fuse_unk}); then repeatedly apply
 * the merge of lowest rank present, leftmost first, until none applies. With {@code ignore_merges}
 * (Llama 3) a piece that is itself a vocabulary entry is that entry. Merges are read in either
 * spelling the format has used: {@code "a b"} or {@code ["a", "b"]}.
 */
final class HfBpe {
  private final Map<String, Integer> vocab;
  private final Map<Long, Long> merges;   // (left id, right id) -> rank << 32 | merged id
  private final int unk;                  // id of the unknown token, or -1
  private final boolean byteFallback, fuseUnk, ignoreMerges;
  private final int[] byteIds;            // byte -> id of "<0xNN>", or -1

  private HfBpe(Map<String, Integer> vocab, Map<Long, Long> merges, int unk, boolean byteFallback, boolean fuseUnk,
      boolean ignoreMerges) {
    this.vocab = vocab;
    this.merges = merges;
    this.unk = unk;
    this.byteFallback = byteFallback;
    this.fuseUnk = fuseUnk;
    this.ignoreMerges = ignoreMerges;
    this.byteIds = new int[256];
    for (int b = 0; b < 256; b++) byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
  }

  /** Reads the {@code "model"} object; rejects other model types and options Focus does not apply. */
  static HfBpe parse(Object json) {
    Map<String, Object> o = HfText.object(json, "model");
    Object type = o.get("type");
    if (type != null && !"BPE".equals(type)) {
      throw new IllegalArgumentException("tokenizer.json: model type '" + type + "' is not supported (Focus reads BPE tokenizers)");
    }
    if (type == null && !(o.get("merges") instanceof List)) {
      throw new IllegalArgumentException("tokenizer.json: model has no type and no merges; Focus reads BPE tokenizers");
    }
    for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
      if (o.get(key) != null && !"".equals(o.get(key))) {
        throw new IllegalArgumentException("tokenizer.json: BPE " + key + " '" + o.get(key) + "' is not supported");
      }
    }
    if (o.get("dropout") instanceof Number d && d.doubleValue() != 0) {
      throw new IllegalArgumentException("tokenizer.json: BPE dropout " + d + " is not supported (encoding would be random)");
    }
    Map<String, Object> v = HfText.object(o.get("vocab"), "model.vocab");
    Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
    for (Map.Entry<String, Object> e : v.entrySet()) {
      if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tokenizer.json: vocab entry '" + e.getKey() + "' has id " + e.getValue() + ", not a non-negative integer");
      }
      vocab.put(e.getKey(), id.intValue());
    }
    List<Object> list = HfText.list(o, "merges", "model");
    Map<Long, Long> merges = new HashMap<>(list.size() * 2);
    for (int rank = 0; rank < list.size(); rank++) {
      String[] pair = mergePair(list.get(rank), rank);
      Integer a = vocab.get(pair[0]), b = vocab.get(pair[1]), ab = vocab.get(pair[0] + pair[1]);
      if (a == null || b == null || ab == null) {
        String missing = a == null ? pair[0] : b == null ? pair[1] : pair[0] + pair[1];
        throw new IllegalArgumentException("tokenizer.json: merge " + rank + " (" + pair[0] + " " + pair[1] + ") needs '"
            + missing + "', which is not in the vocabulary");
      }
      merges.putIfAbsent(key(a, b), ((long) rank << 32) | ab);
    }
    int unk = -1;
    if (o.get("unk_token") instanceof String u) {
      Integer id = vocab.get(u);
      if (id == null) throw new IllegalArgumentException("tokenizer.json: unk_token '" + u + "' is not in the vocabulary");
      unk = id;
    }
    return new HfBpe(vocab, merges, unk, HfText.bool(o, "byte_fallback", false), HfText.bool(o, "fuse_unk", false),
        HfText.bool(o, "ignore_merges", false));
  }

  private static String[] mergePair(Object m, int rank) {
    if (m instanceof String s) {
      String[] parts = s.split(" ", -1);
      if (parts.length == 2) return parts;
    } else if (m instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String a && l.get(1) instanceof String b) {
      return new String[] {a, b};
    }
    throw new IllegalArgumentException("tokenizer.json: merge " + rank + " is " + m + ", expected \"a b\" or [\"a\", \"b\"]");
  }

  private static long key(int a, int b) { return ((long) a << 32) | (b & 0xFFFFFFFFL); }

  /** The vocabulary: token string → id. */
  Map<String, Integer> vocab() { return vocab; }

  /** The ids of one pre-tokenized piece. */
  int[] encode(String piece) {
    if (piece.isEmpty()) return new int[0];
    if (ignoreMerges) {
      Integer whole = vocab.get(piece);
      if (whole != null) return new int[] {whole};
    }
    // Symbols as a linked list over the initial ids: (S) id, prev, next; a merged-away symbol has dead = true.
    int[] id = new int[piece.length() * 4 + 1];
    int s = 0, pendingUnk = 0;
    for (int i = 0; i < piece.length(); ) {
      int cp = piece.codePointAt(i);
      String ch = piece.substring(i, i + Character.charCount(cp));
      i += ch.length();
      Integer known = vocab.get(ch);
      if (known != null) {
        if (pendingUnk > 0) { id[s++] = unk; pendingUnk = 0; }
        id[s++] = known;
        continue;
      }
      if (byteFallback) {
        byte[] bytes = ch.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean all = true;
        for (byte b : bytes) all &= byteIds[b & 0xFF] >= 0;
        if (all) {
          if (pendingUnk > 0) { id[s++] = unk; pendingUnk = 0; }
          for (byte b : bytes) id[s++] = byteIds[b & 0xFF];
          continue;
        }
      }
      if (unk < 0) continue; // no unknown token: the character is dropped, as the reference does
      if (pendingUnk > 0 && !fuseUnk) id[s++] = unk;
      pendingUnk = 1;
    }
    if (pendingUnk > 0) id[s++] = unk;
    return merge(Arrays.copyOf(id, s));
  }

  /** Applies merges by rank, leftmost first among equal ranks; returns the surviving ids in order. */
  private int[] merge(int[] id) {
    int s = id.length;
    int[] prev = new int[s], next = new int[s];
    boolean[] dead = new boolean[s];
    PriorityQueue<Long> queue = new PriorityQueue<>();   // rank << 32 | position of the left symbol
    for (int i = 0; i < s; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < s ? i + 1 : -1;
      if (i + 1 < s) offer(queue, id[i], id[i + 1], i);
    }
    while (!queue.isEmpty()) {
      long top = queue.poll();
      int rank = (int) (top >>> 32), pos = (int) top;
      if (dead[pos] || next[pos] < 0) continue;
      int right = next[pos];
      Long m = merges.get(key(id[pos], id[right]));
      if (m == null || (int) (m >>> 32) != rank) continue; // stale entry: a neighbour changed
      id[pos] = (int) (long) m;
      dead[right] = true;
      next[pos] = next[right];
      if (next[pos] >= 0) prev[next[pos]] = pos;
      if (prev[pos] >= 0) offer(queue, id[prev[pos]], id[pos], prev[pos]);
      if (next[pos] >= 0) offer(queue, id[pos], id[next[pos]], pos);
    }
    int[] out = new int[s];
    int n = 0;
    for (int i = 0; i >= 0 && s > 0; i = next[i]) out[n++] = id[i];
    return Arrays.copyOf(out, n);
  }

  private void offer(PriorityQueue<Long> queue, int a, int b, int pos) {
    Long m = merges.get(key(a, b));
    if (m != null) queue.add((m >>> 32) << 32 | pos);
  }
}
