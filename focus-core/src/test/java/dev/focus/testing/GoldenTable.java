package dev.focus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.kernel.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Checked-in tables of "same seed, same bits" values (loss bits, parameter digests), compared entry by
 * entry. Vector lane reductions round by lane width, so a table is keyed by the kernel mode and the
 * preferred vector width ({@link #key}); on a machine with another width the test is skipped, not
 * weakened. {@code -Dfocus.golden.write=DIR} writes the table a run computed into DIR, to add one for a
 * new width (never to change an existing one).
 */
public final class GoldenTable {
  private GoldenTable() {}

  /** "vector-512", "scalar-256", …: the kernel mode and the preferred vector width. */
  public static String key() {
    return (Kernels.get().name().startsWith("vector") ? "vector" : "scalar") + "-"
        + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }

  /** The first 24 hex digits of a SHA-256 over the raw little-endian bits of every float, in order. */
  public static String digest(List<float[]> arrays) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    for (float[] a : arrays) {
      for (float f : a) {
        int b = Float.floatToRawIntBits(f);
        md.update(new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)});
      }
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : md.digest()) sb.append(String.format("%02x", b));
    return sb.substring(0, 24);
  }

  /** The bits of a double in hex, so a table shows any change in the last place. */
  public static String bits(double x) {
    return Long.toHexString(Double.doubleToLongBits(x));
  }

  /**
   * Compares {@code got} with the table {@code name + "-" + key() + ".tsv"} beside {@code owner}'s
   * package in the test resources (one "arm TAB value" per line, # comments), listing every arm whose
   * value moved.
   */
  public static void compare(Class<?> owner, String name, String header, Map<String, String> got) throws IOException {
    String file = name + "-" + key() + ".tsv";
    String write = System.getProperty("focus.golden.write");
    if (write != null) {
      StringBuilder sb = new StringBuilder("# arm\t" + header + " (" + key() + ")\n");
      got.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
      Files.writeString(Path.of(write).resolve(file), sb.toString(), StandardCharsets.UTF_8);
    }
    Map<String, String> want = new LinkedHashMap<>();
    try (InputStream in = owner.getResourceAsStream(file)) {
      Assumptions.assumeTrue(in != null || write != null, "no golden table for " + key());
      if (in == null) return;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] kv = line.split("\t");
        want.put(kv[0], kv[1]);
      }
    }
    assertEquals(want.keySet(), got.keySet(), "arms");
    List<String> diffs = new ArrayList<>();
    for (String k : want.keySet()) {
      if (!want.get(k).equals(got.get(k))) diffs.add(k + ": want " + want.get(k) + " got " + got.get(k));
    }
    assertTrue(diffs.isEmpty(), "numbers moved for the same seed:\n" + String.join("\n", diffs));
  }
}
