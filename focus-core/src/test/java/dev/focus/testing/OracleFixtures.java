package dev.focus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import dev.focus.model.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Checked-in outputs of an external oracle (PyTorch), so that the oracle tests also run where the
 * oracle is missing (STYLE.md §2.6: tests read fixtures; regenerating them is one command).
 *
 * <p>Each fixture records the fingerprint (SHA-256) of the inputs that produced it. Where python3 can
 * import the oracle's modules — always in CI, where {@code FOCUS_REQUIRE_ORACLES=1} makes a missing
 * oracle an error — a test takes its reference from the oracle itself and also checks the fixture
 * against it: same fingerprint, and values within a tolerance far below the test's own bound. So a
 * fixture that no longer matches its oracle or its inputs fails the build. Where the oracle is missing
 * the test takes its reference from the fixture, after checking the fingerprint; a missing fixture then
 * skips the test.
 *
 * <p>Regenerate every fixture (with python3-torch installed), then review and commit the files:
 * {@value #REGENERATE}.
 *
 * <p>Formats: float32 references are safetensors files (the fingerprint in the metadata); float64
 * references are text, one {@code name<TAB>v1 v2 …} line per array, values as shortest round-trip
 * decimals.
 */
public final class OracleFixtures {
  private OracleFixtures() {}

  public static final String REGENERATE = "FOCUS_REGENERATE_FIXTURES=1 mvn -B -ntp -pl focus-core test "
      + "-Dtest='TorchParityTest,HfLlamaCompatTest,PretrainedCheckpointTest,TorchRopeOracleTest,AdamWTest'";

  /** Whether this run writes fresh oracle outputs over the checked-in fixtures. */
  public static boolean regenerating() {
    return "1".equals(System.getenv("FOCUS_REGENERATE_FIXTURES"));
  }

  /** A fixture in the module's source tree (tests run in the module directory). */
  public static Path path(String underTestResources) {
    return Path.of("src/test/resources").resolve(underTestResources);
  }

  // ----------------------------------------------------------------------------------- float32 maps

  /** The float32 reference of a fixture made from the inputs with this fingerprint (skips if absent). */
  public static Map<String, TensorData> readTensors(Path fixture, String fingerprint) {
    assumePresent(fixture);
    SafeTensors.Contents c = SafeTensors.read(fixture);
    assertFingerprint(fixture, fingerprint, c.metadata().get("fingerprint"));
    return c.tensors();
  }

  /**
   * Checks a fresh oracle output against its fixture, or writes it when regenerating: the fingerprint
   * must match and every tensor agree within {@code tolerance}, relative to max(max|fixture|, 1e-3 × the
   * largest value of the file) — gradients that are zero in exact arithmetic are rounding noise.
   */
  public static void checkTensors(Path fixture, String fingerprint, Map<String, TensorData> fresh, double tolerance)
      throws IOException {
    if (regenerating()) {
      Files.createDirectories(fixture.getParent());
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("fingerprint", fingerprint);
      meta.put("regenerate", REGENERATE);
      SafeTensors.write(fixture, new TreeMap<>(fresh), meta);
      return;
    }
    assertTrue(Files.isRegularFile(fixture), "fixture " + fixture + " is missing; create it with: " + REGENERATE);
    SafeTensors.Contents c = SafeTensors.read(fixture);
    assertFingerprint(fixture, fingerprint, c.metadata().get("fingerprint"));
    Map<String, TensorData> old = c.tensors();
    assertEquals(new TreeMap<>(fresh).keySet(), new TreeMap<>(old).keySet(), "tensors of " + fixture + "; " + REGENERATE);
    double scale = 0;
    for (TensorData t : old.values()) for (float v : t.values()) scale = Math.max(scale, Math.abs(v));
    for (Map.Entry<String, TensorData> e : fresh.entrySet()) {
      double err = relativeError(old.get(e.getKey()).values(), e.getValue().values(), 1e-3 * scale);
      assertTrue(err <= tolerance, String.format(Locale.ROOT, "fixture %s, tensor %s differs from the oracle by %.3e "
          + "(tolerance %.1e); if the oracle changed on purpose, regenerate: %s", fixture, e.getKey(), err, tolerance, REGENERATE));
    }
  }

  // ----------------------------------------------------------------------------------- float64 arrays

  /** The float64 reference of a text fixture made from the inputs with this fingerprint (skips if absent). */
  public static Map<String, double[]> readDoubles(Path fixture, String fingerprint) throws IOException {
    assumePresent(fixture);
    Map<String, double[]> out = new LinkedHashMap<>();
    String found = null;
    for (String line : Files.readAllLines(fixture, StandardCharsets.UTF_8)) {
      if (line.startsWith("# fingerprint: ")) found = line.substring("# fingerprint: ".length()).strip();
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] nameAndValues = line.split("\t", 2);
      String[] parts = nameAndValues[1].strip().split(" ");
      double[] v = new double[parts.length];
      for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(parts[i]);
      out.put(nameAndValues[0], v);
    }
    assertFingerprint(fixture, fingerprint, found);
    return out;
  }

  /** As {@link #checkTensors} for float64 arrays; the error is relative to max|fixture| of each array. */
  public static void checkDoubles(Path fixture, String fingerprint, Map<String, double[]> fresh, double tolerance)
      throws IOException {
    if (regenerating()) {
      StringBuilder sb = new StringBuilder("# Oracle output (float64), checked in so the test runs without the oracle.\n")
          .append("# fingerprint: ").append(fingerprint).append('\n')
          .append("# regenerate: ").append(REGENERATE).append('\n');
      for (Map.Entry<String, double[]> e : fresh.entrySet()) {
        sb.append(e.getKey()).append('\t');
        double[] v = e.getValue();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : " ").append(v[i]);
        sb.append('\n');
      }
      Files.createDirectories(fixture.getParent());
      Files.writeString(fixture, sb.toString(), StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.isRegularFile(fixture), "fixture " + fixture + " is missing; create it with: " + REGENERATE);
    Map<String, double[]> old = readDoubles(fixture, fingerprint);
    assertEquals(fresh.keySet(), old.keySet(), "arrays of " + fixture + "; " + REGENERATE);
    for (Map.Entry<String, double[]> e : fresh.entrySet()) {
      double[] a = old.get(e.getKey()), b = e.getValue();
      assertEquals(a.length, b.length, "length of " + e.getKey() + " in " + fixture);
      double num = 0, den = 0;
      for (int i = 0; i < a.length; i++) {
        num = Math.max(num, Math.abs(a[i] - b[i]));
        den = Math.max(den, Math.abs(a[i]));
      }
      double err = num / Math.max(den, Double.MIN_NORMAL);
      assertTrue(err <= tolerance, String.format(Locale.ROOT, "fixture %s, array %s differs from the oracle by %.3e "
          + "(tolerance %.1e); if the oracle changed on purpose, regenerate: %s", fixture, e.getKey(), err, tolerance, REGENERATE));
    }
  }

  // ----------------------------------------------------------------------------------- inputs

  /**
   * Deterministic weights for oracle tests, independent of Focus's initialiser (so a change of init does
   * not invalidate a fixture): every value is drawn from splitmix64 over (seed, name, index) as u in
   * [−1, 1); norm gains are 1 + 0.1u, λ_h are 1 + 0.3u, biases 0.05u, other weights 0.17u (s.d. ≈ 0.1).
   */
  public static void fillWeights(List<Parameter> params, long seed) {
    for (Parameter p : params) {
      String n = p.name();
      long base = seed * 0x9E3779B97F4A7C15L ^ n.hashCode();
      float[] v = p.value();
      for (int i = 0; i < v.length; i++) {
        double u = uniform(base + i);
        v[i] = (float) (n.contains("head_scale") ? 1 + 0.3 * u
            : n.endsWith("norm.weight") ? 1 + 0.1 * u
            : n.endsWith(".bias") ? 0.05 * u
            : 0.17 * u);
      }
    }
  }

  /** splitmix64 of x, mapped to [−1, 1). */
  static double uniform(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-52 - 1;
  }

  /** Builds the fingerprint of a test's inputs: every part in order, parameters sorted by name. */
  public static final class Fingerprint {
    private final MessageDigest sha;

    public Fingerprint() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    public Fingerprint add(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return add(b.length).bytes(b);
    }

    public Fingerprint add(long v) {
      return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    public Fingerprint add(double v) { return add(Double.doubleToLongBits(v)); }

    public Fingerprint add(int[] v) {
      add(v.length);
      for (int x : v) add(x);
      return this;
    }

    public Fingerprint add(float[] v) {
      add(v.length);
      ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float x : v) b.putFloat(x);
      return bytes(b.array());
    }

    public Fingerprint add(double[] v) {
      add(v.length);
      for (double x : v) add(x);
      return this;
    }

    /** Parameters by name: name, shape and values. */
    public Fingerprint add(List<Parameter> params) {
      List<Parameter> sorted = new ArrayList<>(params);
      sorted.sort(Comparator.comparing(Parameter::name));
      add(sorted.size());
      for (Parameter p : sorted) add(p.name()).add(p.shape()).add(p.value());
      return this;
    }

    private Fingerprint bytes(byte[] b) {
      sha.update(b);
      return this;
    }

    public String hex() { return HexFormat.of().formatHex(sha.digest()); }
  }

  // ----------------------------------------------------------------------------------- helpers

  /** max|a − b| / max(max|a|, floor), a the fixture. */
  static double relativeError(float[] fixture, float[] fresh, double floor) {
    assertEquals(fixture.length, fresh.length, "tensor length");
    double num = 0, den = 0;
    for (int i = 0; i < fixture.length; i++) {
      num = Math.max(num, Math.abs((double) fresh[i] - fixture[i]));
      den = Math.max(den, Math.abs((double) fixture[i]));
    }
    return num / Math.max(Math.max(den, floor), Double.MIN_NORMAL);
  }

  private static void assumePresent(Path fixture) {
    if (!Files.isRegularFile(fixture)) {
      if (Oracles.required()) throw new AssertionError("fixture " + fixture + " is missing; create it with: " + REGENERATE);
      Assumptions.abort("no oracle and no fixture " + fixture);
    }
  }

  private static void assertFingerprint(Path fixture, String expected, String found) {
    assertEquals(expected, found, "fixture " + fixture + " was made from other inputs (the test changed since); "
        + "regenerate it with python3-torch installed: " + REGENERATE);
  }
}
