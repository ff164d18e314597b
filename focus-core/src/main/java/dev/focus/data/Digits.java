package dev.focus.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The UCI optdigits 8×8 handwritten digits (Alpaydin &amp; Kaynak 1998; 1797 samples, 17 levels) as
 * shipped in scikit-learn's {@code digits.csv.gz}: header-less rows of 65 integers, 64 pixels (8×8
 * row-major, 0..16) then the label 0..9 (spec 02 §4.1).
 */
public final class Digits {
  private Digits() {}

  /** Pixel levels (0..16). */
  public static final int LEVELS = 17;
  /** Rows in the real file. */
  public static final int COUNT = 1797;

  /** One sample: 64 pixels row-major and its label. */
  public record Digit(int[] pixels, int label) {
    /** As a 8×8×1 image with 17 levels. */
    public PixelImage image() { return new PixelImage(8, 8, 1, LEVELS, pixels); }

    /** Its caption, e.g. {@code digit seven}. */
    public String caption() { return Digits.caption(label); }
  }

  /** Train and test samples. */
  public record Splits(List<Digit> train, List<Digit> test) {}

  private static final String[] WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

  /** {@code digit seven} for 7. */
  public static String caption(int label) {
    if (label < 0 || label > 9) throw new IllegalArgumentException("label=" + label + " must be 0..9");
    return "digit " + WORDS[label];
  }

  /** The digits from the cache (hash-checked), or a one-line error naming {@code focus setup digits}. */
  public static List<Digit> loadCached(Path cache) throws IOException {
    Path f = DataCache.digitsFile(cache);
    if (!Files.isRegularFile(f)) throw DataCache.missing("digits", f, "digits");
    return load(f, true);
  }

  /** Parses a digits.csv.gz; with {@code verifyHash} the file must have the published SHA-256. */
  public static List<Digit> load(Path csvGz, boolean verifyHash) throws IOException {
    if (verifyHash) {
      String h = DataCache.sha256(csvGz);
      if (!h.equals(DataCache.DIGITS_SHA256)) {
        throw new DataCache.MissingDataException(csvGz + " has SHA-256 " + h + ", expected " + DataCache.DIGITS_SHA256
            + "; delete it and run: focus setup digits");
      }
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(csvGz))) {
      return parse(in, csvGz.toString());
    }
  }

  /** Parses CSV rows of 65 integers; errors name the source and line. */
  public static List<Digit> parse(InputStream csv, String source) throws IOException {
    List<Digit> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(csv, StandardCharsets.US_ASCII));
    int lineNo = 0;
    for (String line; (line = r.readLine()) != null; ) {
      lineNo++;
      if (line.isBlank()) continue;
      String[] f = line.trim().split(",");
      if (f.length != 65) throw new IllegalArgumentException(source + " line " + lineNo + ": " + f.length + " columns, expected 65 (64 pixels + label)");
      int[] px = new int[64];
      for (int i = 0; i < 65; i++) {
        int v;
        try {
          v = Integer.parseInt(f[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(source + " line " + lineNo + " column " + (i + 1) + ": '" + f[i] + "' is not an integer");
        }
        int max = i < 64 ? 16 : 9;
        if (v < 0 || v > max) throw new IllegalArgumentException(source + " line " + lineNo + " column " + (i + 1) + ": " + v + " outside 0.." + max);
        if (i < 64) px[i] = v; else out.add(new Digit(px, v));
      }
    }
    return out;
  }

  /**
   * Seeded stratified 80/20 split: within each label (file order), a seeded shuffle puts
   * round(0.2·n) samples in test. Both lists keep file order.
   */
  public static Splits split(List<Digit> all, long seed) {
    boolean[] test = new boolean[all.size()];
    for (int label = 0; label <= 9; label++) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) if (all.get(i).label() == label) idx.add(i);
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed * 31 + label));
      for (int i = idx.size() - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        Integer t = idx.get(i); idx.set(i, idx.get(j)); idx.set(j, t);
      }
      int nTest = (int) Math.round(0.2 * idx.size());
      for (int i = 0; i < nTest; i++) test[idx.get(i)] = true;
    }
    List<Digit> tr = new ArrayList<>(), te = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) (test[i] ? te : tr).add(all.get(i));
    return new Splits(List.copyOf(tr), List.copyOf(te));
  }
}
