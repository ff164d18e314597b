package dev.focus.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic sequence tasks (specs 01 §5 E7 and 05 §5 E7–E8). Each task owns its small vocabulary and
 * fills one sequence of exactly T tokens from a generator; {@link SyntheticDataset} turns a task into
 * a {@link Dataset}. Shorter examples are right-padded with the task's PAD id (target IGNORE).
 *
 * <p>Text form for the CLI: {@code name} or {@code name:key=value,key=value}, e.g.
 * {@code mqar:vocab=512,kv=16}; see {@link #parse}.
 */
public sealed interface SyntheticTask
    permits SyntheticTask.Mqar, SyntheticTask.Copy, SyntheticTask.Reverse, SyntheticTask.Addition,
        SyntheticTask.Needle, SyntheticTask.KBack, SyntheticTask.ModTen {

  /** The task's name (the {@code --data} word). */
  String name();

  /** Ids used: 0..vocabSize()-1. */
  int vocabSize();

  /** Throws an {@link IllegalArgumentException} naming the rule when T tokens cannot hold an example. */
  void checkSeqLen(int seqLen);

  /** Writes one example into {@code tokens[off, off+T)} and {@code targets[off, off+T)}. */
  void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int seqLen);

  /** Task names accepted by {@link #parse}. */
  String NAMES = "mqar, needle, copy, reverse, addition, kback, mod10";

  /** Parses {@code name[:key=value,...]}; unknown names or keys throw, listing the valid ones. */
  static SyntheticTask parse(String spec) {
    int colon = spec.indexOf(':');
    String name = (colon < 0 ? spec : spec.substring(0, colon)).trim().toLowerCase(java.util.Locale.ROOT);
    TaskOptions o = new TaskOptions(name, colon < 0 ? "" : spec.substring(colon + 1));
    SyntheticTask t = switch (name) {
      case "mqar" -> new Mqar(o.i("vocab", 256), o.i("kv", 8), o.d("power", 0.01), o.b("random", true));
      case "needle" -> new Needle(o.i("filler", 32), o.i("keys", 16), o.i("values", 16));
      case "copy" -> new Copy(o.i("symbols", 16), o.i("min", 1), o.i("max", 8));
      case "reverse" -> new Reverse(o.i("symbols", 16), o.i("min", 1), o.i("max", 8));
      case "addition" -> new Addition(o.i("min", 1), o.i("max", 8));
      case "kback" -> new KBack(o.i("symbols", 16), o.i("k", 3), o.b("bos", false));
      case "mod10" -> new ModTen(o.i("symbols", 16), o.b("bos", false));
      default -> throw new IllegalArgumentException("unknown synthetic task '" + name + "' (valid: " + NAMES + ")");
    };
    o.checkAllUsed();
    return t;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Multi-query associative recall, following the generator of Zoology (Arora, Eyuboglu et al. 2023,
   * "Zoology: Measuring and Improving Recall in Efficient Language Models", §3 and App. E; the
   * {@code multiquery_ar} generator of HazyResearch/zoology).
   *
   * <pre>
   *   positions 0..2kv-1     k1 v1 k2 v2 …          keys from [1, V/2), values from [V/2, V), distinct
   *   positions 2kv..T-1     query region           key j at 2kv + 2·g_j, target there = v_j
   * </pre>
   * Gaps g_j are drawn without replacement from 0..S−1, S = (T − 2kv)/2, with probability
   * ∝ a·(g+1)^(a−1) (a power law; a = 1 is uniform, small a favours short gaps). All other positions
   * hold uniform random ids from [0, V) when {@code randomNonQueries}, else 0. Only query positions
   * have targets. Rules: T even, 4·kv ≤ T, kv ≤ V/2 − 1. (Zoology also asserts V > T; Focus does not,
   * since only the key and value halves must hold kv distinct ids.)
   */
  record Mqar(int vocab, int kvPairs, double powerA, boolean randomNonQueries) implements SyntheticTask {
    public Mqar {
      if (vocab < 4) throw new IllegalArgumentException("mqar vocab=" + vocab + " must be >= 4");
      if (kvPairs < 1 || kvPairs > vocab / 2 - 1) throw new IllegalArgumentException("mqar kv=" + kvPairs + " must be in 1.." + (vocab / 2 - 1) + " for vocab=" + vocab);
      if (!(powerA > 0) || Double.isInfinite(powerA)) throw new IllegalArgumentException("mqar power=" + powerA + " must be > 0");
    }
    @Override public String name() { return "mqar"; }
    @Override public int vocabSize() { return vocab; }
    /** First id of the value half: keys are 1..valueStart()-1. */
    public int valueStart() { return vocab / 2; }

    @Override public void checkSeqLen(int T) {
      if (T % 2 != 0) throw new IllegalArgumentException("mqar seqLen=" + T + " must be even");
      if (4 * kvPairs > T) throw new IllegalArgumentException("mqar needs seqLen >= 4*kv = " + 4 * kvPairs + ", got " + T);
    }

    /** Unnormalised gap weights a·(g+1)^(a−1) for g = 0..space-1. */
    public double[] gapWeights(int seqLen) {
      int space = (seqLen - 2 * kvPairs) / 2;
      double[] p = new double[space];
      for (int g = 0; g < space; g++) p[g] = powerA * Math.pow(g + 1, powerA - 1);
      return p;
    }

    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      checkSeqLen(T);
      int kv = kvPairs, half = vocab / 2;
      int[] keys = sampleDistinct(rng, 1, half, kv);        // from [1, V/2)
      int[] values = sampleDistinct(rng, half, vocab, kv);  // from [V/2, V)
      Arrays.fill(tokens, off, off + T, 0);
      Arrays.fill(targets, off, off + T, Batch.IGNORE);
      for (int j = 0; j < kv; j++) {
        tokens[off + 2 * j] = keys[j];
        tokens[off + 2 * j + 1] = values[j];
      }
      double[] p = gapWeights(T);
      boolean[] used = new boolean[p.length];
      for (int j = 0; j < kv; j++) {
        double total = 0;
        for (int g = 0; g < p.length; g++) if (!used[g]) total += p[g];
        double u = rng.nextDouble() * total;
        int pick = -1;
        for (int g = 0; g < p.length; g++) {
          if (used[g]) continue;
          pick = g;
          u -= p[g];
          if (u < 0) break;
        }
        used[pick] = true;
        int q = off + 2 * kv + 2 * pick;
        tokens[q] = keys[j];
        targets[q] = values[j];
      }
      if (randomNonQueries) {
        for (int t = off + 2 * kv; t < off + T; t++) if (tokens[t] == 0) tokens[t] = rng.nextInt(vocab);
      }
    }
  }

  /**
   * Needle retrieval: one key–value pair at a random depth in random filler, the key repeated at the
   * end; the target at the last position is the value.
   *
   * <pre>
   *   ids: filler [0, F), keys [F, F+K), values [F+K, F+K+V), QUERY = F+K+V, BOS = QUERY+1
   *   [BOS] f … f k v f … f [QUERY] k      target at the final k = v
   * </pre>
   * The pair starts at p ∈ [1, T−4], uniform; depth = (p − 1)/(T − 5) ∈ [0, 1] ({@link #depth}).
   */
  record Needle(int filler, int keys, int values) implements SyntheticTask {
    public Needle {
      if (filler < 1 || keys < 1 || values < 2) throw new IllegalArgumentException("needle filler=" + filler + ", keys=" + keys + ", values=" + values + " must be >= 1, 1, 2");
    }
    @Override public String name() { return "needle"; }
    @Override public int vocabSize() { return filler + keys + values + 2; }
    public int query() { return filler + keys + values; }
    public int bos() { return query() + 1; }
    @Override public void checkSeqLen(int T) {
      if (T < 6) throw new IllegalArgumentException("needle seqLen=" + T + " must be >= 6");
    }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      checkSeqLen(T);
      Arrays.fill(targets, off, off + T, Batch.IGNORE);
      tokens[off] = bos();
      for (int t = 1; t < T - 2; t++) tokens[off + t] = rng.nextInt(filler);
      int k = filler + rng.nextInt(keys), v = filler + keys + rng.nextInt(values);
      int p = 1 + rng.nextInt(T - 4);
      tokens[off + p] = k;
      tokens[off + p + 1] = v;
      tokens[off + T - 2] = query();
      tokens[off + T - 1] = k;
      targets[off + T - 1] = v;
    }
    /** Relative depth in [0, 1] of the pair in one generated sequence. */
    public double depth(int[] tokens, int off, int T) {
      int k = tokens[off + T - 1];
      for (int p = 1; p <= T - 4; p++) if (tokens[off + p] == k) return (p - 1) / (double) (T - 5);
      throw new IllegalArgumentException("no needle key " + k + " in the sequence at offset " + off);
    }
  }

  /**
   * Copy (spec 05 E8): {@code [BOS] x1…xn [SEP] x1…xn [EOS] [PAD]…}, n ~ U{min..max}, x from
   * {@code symbols} ids; targets only on the output (from SEP, predicting x1, to xn, predicting EOS).
   * Ids: symbols 0..S−1, SEP = S, EOS = S+1, PAD = S+2, BOS = S+3.
   */
  record Copy(int symbols, int minLen, int maxLen) implements SyntheticTask {
    public Copy { checkSeq("copy", symbols, minLen, maxLen); }
    @Override public String name() { return "copy"; }
    @Override public int vocabSize() { return symbols + 4; }
    @Override public void checkSeqLen(int T) { checkSeqT("copy", maxLen, T); }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      fillSeq(rng, tokens, targets, off, T, symbols, minLen, maxLen, false);
    }
  }

  /** Reverse (spec 05 E8): as {@link Copy} with the output reversed. */
  record Reverse(int symbols, int minLen, int maxLen) implements SyntheticTask {
    public Reverse { checkSeq("reverse", symbols, minLen, maxLen); }
    @Override public String name() { return "reverse"; }
    @Override public int vocabSize() { return symbols + 4; }
    @Override public void checkSeqLen(int T) { checkSeqT("reverse", maxLen, T); }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      fillSeq(rng, tokens, targets, off, T, symbols, minLen, maxLen, true);
    }
  }

  /**
   * Addition with space-separated digits (spec 05 E8), e.g. {@code [BOS] 1 2 3 + 4 5 = 1 6 8 [EOS]}
   * where every symbol is separated by a space token. Operand lengths ~ U{min..max} independently,
   * no leading zeros. Loss on the output only: targets from {@code =} (predicting the space) to the
   * last sum digit (predicting EOS). Ids: digits 0–9, '+' 10, '=' 11, ' ' 12, BOS 13, EOS 14, PAD 15.
   */
  record Addition(int minDigits, int maxDigits) implements SyntheticTask {
    public static final int PLUS = 10, EQUALS = 11, SPACE = 12, BOS = 13, EOS = 14, PAD = 15;
    public Addition {
      if (minDigits < 1 || maxDigits < minDigits || maxDigits > 18) {
        throw new IllegalArgumentException("addition min=" + minDigits + ", max=" + maxDigits + " must satisfy 1 <= min <= max <= 18");
      }
    }
    @Override public String name() { return "addition"; }
    @Override public int vocabSize() { return 16; }
    /** Tokens of the longest example: BOS + 2·(a + b + (max+1) + 2) − 1 symbols and spaces + EOS. */
    public int maxTokens() { return 2 * (3 * maxDigits + 3) - 1 + 2; }
    @Override public void checkSeqLen(int T) {
      if (T < maxTokens()) throw new IllegalArgumentException("addition max=" + maxDigits + " needs seqLen >= " + maxTokens() + ", got " + T);
    }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      checkSeqLen(T);
      long a = number(rng), b = number(rng);
      String text = a + "+" + b + "=" + (a + b);
      Arrays.fill(tokens, off, off + T, PAD);
      Arrays.fill(targets, off, off + T, Batch.IGNORE);
      int t = off;
      tokens[t++] = BOS;
      int eq = -1;
      for (int i = 0; i < text.length(); i++) {
        if (i > 0) tokens[t++] = SPACE;
        char c = text.charAt(i);
        if (c == '=') eq = t;
        tokens[t++] = c == '+' ? PLUS : c == '=' ? EQUALS : c - '0';
      }
      tokens[t++] = EOS;
      for (int i = eq; i < t - 1; i++) targets[i] = tokens[i + 1];
    }
    private long number(SplittableRandom rng) {
      int n = minDigits + rng.nextInt(maxDigits - minDigits + 1);
      long x = n == 1 ? rng.nextInt(10) : 1 + rng.nextInt(9);
      for (int i = 1; i < n; i++) x = 10 * x + rng.nextInt(10);
      return x;
    }
  }

  /**
   * "The token k back" (spec 05 E7a): uniform random ids from {@code symbols}; the target at data
   * token j is data token j − k (IGNORE for j &lt; k). With {@code bos}, id {@code symbols} is
   * prepended (no target) and the data tokens shift right by one.
   */
  record KBack(int symbols, int k, boolean bos) implements SyntheticTask {
    public KBack {
      if (symbols < 2) throw new IllegalArgumentException("kback symbols=" + symbols + " must be >= 2");
      if (k < 0) throw new IllegalArgumentException("kback k=" + k + " must be >= 0");
    }
    @Override public String name() { return "kback"; }
    @Override public int vocabSize() { return symbols + (bos ? 1 : 0); }
    @Override public void checkSeqLen(int T) {
      if (T < k + 1 + (bos ? 1 : 0)) throw new IllegalArgumentException("kback k=" + k + " needs seqLen >= " + (k + 1 + (bos ? 1 : 0)) + ", got " + T);
    }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      checkSeqLen(T);
      int s = bos ? 1 : 0;
      if (bos) { tokens[off] = symbols; targets[off] = Batch.IGNORE; }
      for (int j = 0; j < T - s; j++) {
        tokens[off + s + j] = rng.nextInt(symbols);
        targets[off + s + j] = j >= k ? tokens[off + s + j - k] : Batch.IGNORE;
      }
    }
  }

  /**
   * n mod 10 (spec 05 E7b): uniform random ids from {@code symbols}; the target at data token j
   * (0-based, not counting BOS) is j mod 10, output as ids 0..9. With {@code bos}, a BOS id
   * (= max(symbols, 10)) is prepended with no target.
   */
  record ModTen(int symbols, boolean bos) implements SyntheticTask {
    public ModTen {
      if (symbols < 2) throw new IllegalArgumentException("mod10 symbols=" + symbols + " must be >= 2");
    }
    @Override public String name() { return "mod10"; }
    public int bosId() { return Math.max(symbols, 10); }
    @Override public int vocabSize() { return bosId() + (bos ? 1 : 0); }
    @Override public void checkSeqLen(int T) {
      if (T < 1 + (bos ? 1 : 0)) throw new IllegalArgumentException("mod10 seqLen=" + T + " too short");
    }
    @Override public void fill(SplittableRandom rng, int[] tokens, int[] targets, int off, int T) {
      checkSeqLen(T);
      int s = bos ? 1 : 0;
      if (bos) { tokens[off] = bosId(); targets[off] = Batch.IGNORE; }
      for (int j = 0; j < T - s; j++) {
        tokens[off + s + j] = rng.nextInt(symbols);
        targets[off + s + j] = j % 10;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void checkSeq(String name, int symbols, int minLen, int maxLen) {
    if (symbols < 2) throw new IllegalArgumentException(name + " symbols=" + symbols + " must be >= 2");
    if (minLen < 1 || maxLen < minLen) throw new IllegalArgumentException(name + " min=" + minLen + ", max=" + maxLen + " must satisfy 1 <= min <= max");
  }

  private static void checkSeqT(String name, int maxLen, int T) {
    if (T < 2 * maxLen + 3) throw new IllegalArgumentException(name + " max=" + maxLen + " needs seqLen >= 2*max+3 = " + (2 * maxLen + 3) + ", got " + T);
  }

  private static void fillSeq(SplittableRandom rng, int[] tokens, int[] targets, int off, int T,
                              int S, int minLen, int maxLen, boolean reverse) {
    checkSeqT(reverse ? "reverse" : "copy", maxLen, T);
    int sep = S, eos = S + 1, pad = S + 2, bos = S + 3;
    int n = minLen + rng.nextInt(maxLen - minLen + 1);
    Arrays.fill(tokens, off, off + T, pad);
    Arrays.fill(targets, off, off + T, Batch.IGNORE);
    tokens[off] = bos;
    for (int i = 0; i < n; i++) tokens[off + 1 + i] = rng.nextInt(S);
    tokens[off + 1 + n] = sep;
    for (int i = 0; i < n; i++) tokens[off + 2 + n + i] = tokens[off + 1 + (reverse ? n - 1 - i : i)];
    tokens[off + 2 + 2 * n] = eos;
    for (int t = off + 1 + n; t < off + 2 + 2 * n; t++) targets[t] = tokens[t + 1];
  }

  /** k distinct ids from [lo, hi), in draw order (a partial Fisher–Yates shuffle). */
  static int[] sampleDistinct(SplittableRandom rng, int lo, int hi, int k) {
    int n = hi - lo;
    int[] pool = new int[n];
    for (int i = 0; i < n; i++) pool[i] = lo + i;
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = pool[i]; pool[i] = pool[j]; pool[j] = tmp;
    }
    return Arrays.copyOf(pool, k);
  }
}
