package dev.focus.cli;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command-line contract of spec 04 §8: `focus positions` and `focus rope`. */
class PositionsCliTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static final Pattern ELEMENT = Pattern.compile("\\{\"index\":(\\d+),\"kind\":\"(text|patch)\",\"coords\":\\[([^\\]]*)\\]\\}");

  /** Parses the JSON array into (index, kind, coords) triples; fails unless the whole output is that array. */
  static List<Object[]> elements(String json) {
    String body = json.trim();
    assertTrue(body.startsWith("[") && body.endsWith("]"), json);
    List<Object[]> out = new ArrayList<>();
    Matcher m = ELEMENT.matcher(body);
    int consumed = 0;
    while (m.find()) {
      String[] parts = m.group(3).split(",");
      double[] c = new double[parts.length];
      for (int i = 0; i < parts.length; i++) c[i] = Double.parseDouble(parts[i]);
      out.add(new Object[] {Integer.parseInt(m.group(1)), m.group(2), c});
      consumed += m.group().length();
    }
    assertEquals("", m.replaceAll("").replaceAll("[\\s,\\[\\]]", ""), "nothing but elements in " + json);
    assertTrue(consumed > 0 || body.equals("[]"), json);
    return out;
  }

  @Test
  void sequenceAUnderRopeTvElementThree() {
    Run r = run("positions", "--scheme", "rope-tv", "--layout", "T T T I2x3 T T", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("{\"index\":3,\"kind\":\"patch\",\"coords\":[5,4.5]}"), r.out());
    List<Object[]> e = elements(r.out());
    assertEquals(11, e.size());
    assertEquals("text", e.get(9)[1]);
    assertClose("token 9", new double[] {9, 9}, (double[]) e.get(9)[2], 0, 0);
  }

  @Test
  void everySchemePrintsTheSequenceATable() throws Exception {
    String[] schemes = {"flat", "rope-tv", "rope-tie", "rope-tie-frac", "mrope"};
    List<String[]> rows = new ArrayList<>();
    try (var in = new BufferedReader(new InputStreamReader(
        PositionsCliTest.class.getResourceAsStream("/dev/focus/position/sequence-a.tsv"), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) if (!line.startsWith("#") && !line.isBlank()) rows.add(line.split("\t"));
    }
    for (int s = 0; s < schemes.length; s++) {
      Run r = run("positions", "--scheme", schemes[s], "--layout", "T T T I2x3 T T", "--json");
      assertEquals(0, r.code(), r.err());
      List<Object[]> e = elements(r.out());
      for (String[] row : rows) {
        int idx = Integer.parseInt(row[0]);
        assertEquals(idx, e.get(idx)[0]);
        assertEquals(row[1], e.get(idx)[1]);
        String[] cells = row[2 + s].split(",");
        double[] expected = new double[cells.length];
        for (int i = 0; i < cells.length; i++) {
          String[] pq = cells[i].split("/");
          expected[i] = pq.length == 1 ? Double.parseDouble(pq[0]) : Double.parseDouble(pq[0]) / Double.parseDouble(pq[1]);
        }
        assertClose(schemes[s] + " token " + idx, expected, (double[]) e.get(idx)[2], 0, 0);
      }
    }
    Run frac = run("positions", "--scheme", "rope-tie-frac", "--layout", "T T T I2x3 T T", "--json");
    assertTrue(frac.out().contains("[4.333333333333333,3.75]"), frac.out());
  }

  @Test
  void videoUnderBothOptionsAndTheReadableTable() {
    Run a = run("positions", "--scheme", "rope-tv-3d", "--layout", "T T V2x2x3 T", "--json");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("{\"index\":2,\"kind\":\"patch\",\"coords\":[7,6.5,7]}"), a.out());
    assertTrue(a.out().contains("{\"index\":14,\"kind\":\"text\",\"coords\":[14,14,14]}"), a.out());
    Run b = run("positions", "--scheme", "mrope", "--layout", "V3x2x2 T T T T T", "--json");
    assertTrue(b.out().contains("{\"index\":16,\"kind\":\"text\",\"coords\":[7,7,7]}"), b.out());
    Run t = run("positions", "--scheme", "rope-tv", "--layout", "T T T I2x3 T T");
    assertEquals(0, t.code());
    assertTrue(t.out().contains("(5, 4.5)") && t.out().contains("patch"), t.out());
  }

  @Test
  void badInputExitsTwoWithOneLineNamingTheValue() {
    String[][] cases = {
        {"positions", "--scheme", "rope-xyz", "--layout", "T"}, {"rope-xyz"},
        {"positions", "--scheme", "rope-tv", "--layout", "T Q2x3"}, {"Q2x3"},
        {"positions", "--scheme", "rope-tv", "--layout", "T I0x3"}, {"I0x3"},
        {"positions", "--scheme", "rope-tie", "--layout", "T V2x2x2"}, {"V2x2x2"},
        {"positions", "--scheme", "rope-tie-frac", "--layout", "V1x1x1"}, {"V1x1x1"},
        {"positions", "--layout", "T"}, {"--scheme"},
        {"rope", "--scheme", "rope-xyz", "--dim", "8", "--base", "10000", "--coords", "1", "--vector", "1,2,3,4,5,6,7,8"}, {"rope-xyz"},
        {"rope", "--scheme", "flat", "--dim", "7", "--base", "10000", "--coords", "1", "--vector", "1,2,3,4,5,6,7"}, {"7"},
        {"rope", "--scheme", "rope-tv", "--dim", "6", "--base", "10000", "--coords", "1,1", "--vector", "1,2,3,4,5,6"}, {"6"},
        {"rope", "--scheme", "rope-tv", "--dim", "8", "--base", "10000", "--coords", "1", "--vector", "1,2,3,4,5,6,7,8"}, {"--coords"},
        {"rope", "--scheme", "flat", "--dim", "8", "--base", "10000", "--coords", "1", "--vector", "1,2,3"}, {"--vector"},
        {"rope", "--scheme", "flat", "--dim", "8", "--base", "10000", "--coords", "NaN", "--vector", "1,2,3,4,5,6,7,8"}, {"NaN"},
        {"rope", "--scheme", "mrope", "--dim", "8", "--base", "10000", "--coords", "1,2,3", "--vector", "1,2,3,4,5,6,7,8"}, {"sections"},
        {"rope", "--scheme", "mrope", "--dim", "8", "--base", "10000", "--coords", "1,2,3", "--vector", "1,2,3,4,5,6,7,8",
            "--sections", "1,1,1"}, {"sum"},
        {"rope", "--scheme", "mrope", "--dim", "8", "--base", "10000", "--coords", "1,2,3", "--vector", "1,2,3,4,5,6,7,8",
            "--sections", "2,2"}, {"sections"},
        {"rope", "--scheme", "flat", "--dim", "8", "--base", "10000", "--coords", "1", "--vector", "1,2,3,4,5,6,7,8",
            "--sections", "4"}, {"flat"},
        {"rope", "--scheme", "flat", "--dim", "8", "--base", "abc", "--coords", "1", "--vector", "1,2,3,4,5,6,7,8"}, {"abc"},
        {"rope", "--scheme", "rope-tv-3d", "--dim", "8", "--base", "10000", "--coords", "1,2,x", "--vector", "1,2,3,4,5,6,7,8"}, {"x"},
    };
    for (int c = 0; c < cases.length; c += 2) {
      Run r = run(cases[c]);
      String label = String.join(" ", cases[c]);
      assertEquals(2, r.code(), label + " → " + r.err());
      assertEquals("", r.out(), label);
      String[] lines = r.err().strip().split("\n");
      assertEquals(1, lines.length, label + " → " + r.err());
      assertTrue(lines[0].contains(cases[c + 1][0]), label + " → " + r.err());
    }
  }

  @Test
  void ropeTvWithEqualCoordsPrintsExactlyWhatFlatPrints() {
    String v = "0.5,-1.25,2,3.75,-0.125,1,7,-3";
    for (String n : new String[] {"0", "3", "17.5", "1000", "-42"}) {
      Run tv = run("rope", "--scheme", "rope-tv", "--dim", "8", "--base", "10000", "--coords", n + "," + n, "--vector", v);
      Run flat = run("rope", "--scheme", "flat", "--dim", "8", "--base", "10000", "--coords", n, "--vector", v);
      Run tv3 = run("rope", "--scheme", "rope-tv-3d", "--dim", "8", "--base", "10000", "--coords", n + "," + n + "," + n, "--vector", v);
      assertEquals(0, tv.code(), tv.err());
      assertEquals(flat.out(), tv.out(), "n=" + n);
      assertEquals(flat.out(), tv3.out(), "n=" + n);
    }
    Run zero = run("rope", "--scheme", "flat", "--dim", "8", "--base", "10000", "--coords", "0", "--vector", v);
    assertEquals("[0.5,-1.25,2,3.75,-0.125,1,7,-3]", zero.out().strip(), "R_0 = I, integral values without .0");
  }

  @Test
  void ropeGoldenVectors() throws Exception {
    int checked = 0;
    try (var in = new BufferedReader(new InputStreamReader(
        PositionsCliTest.class.getResourceAsStream("/dev/focus/position/rope-vectors.tsv"), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] f = line.split("\t");
        List<String> args = new ArrayList<>(List.of("rope", "--scheme", f[0], "--dim", f[1], "--base", f[2], "--coords", f[3], "--vector", f[5]));
        if (!f[4].equals("-")) { args.add("--sections"); args.add(f[4]); }
        Run r = run(args.toArray(new String[0]));
        assertEquals(0, r.code(), line + " → " + r.err());
        String body = r.out().strip();
        assertTrue(body.startsWith("[") && body.endsWith("]"), body);
        double[] actual = java.util.Arrays.stream(body.substring(1, body.length() - 1).split(",")).mapToDouble(Double::parseDouble).toArray();
        double[] expected = java.util.Arrays.stream(f[6].split(",")).mapToDouble(Double::parseDouble).toArray();
        assertClose(f[0] + " D=" + f[1] + " coords " + f[3], expected, actual, 1e-14, 1e-13);
        checked++;
      }
    }
    assertEquals(8, checked);
  }
}
