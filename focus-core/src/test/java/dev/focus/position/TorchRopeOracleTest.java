package dev.focus.position;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.focus.testing.OracleFixtures;
import dev.focus.testing.Oracles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PyTorch oracle (float64) for the Hugging Face formulation of M-RoPE: cos/sin of cat(freqs, freqs)
 * per axis, {@code mrope_section * 2} chunks with chunk c taking axis c mod 3, then
 * q·cos + rotate_half(q)·sin. Focus's BLOCKED(sections) + HALF plan must agree. Without python3-torch
 * the oracle's output comes from the checked-in {@code src/test/resources/dev/focus/position/torch-mrope.tsv}
 * (see {@link OracleFixtures}); under CI (FOCUS_REQUIRE_ORACLES=1) torch is required and the file is
 * compared with its fresh output.
 */
class TorchRopeOracleTest {

  /** Reads cases of 6 lines (d base / sections / 3 axis rows / q) and prints one rotated q per case. */
  private static final String SCRIPT = String.join("\n",
      "import sys, torch",
      "torch.set_default_dtype(torch.float64)",
      "lines = [l for l in sys.stdin.read().split('\\n') if l.strip()]",
      "for c in range(0, len(lines), 6):",
      "    d, base = int(lines[c].split()[0]), float(lines[c].split()[1])",
      "    sections = [int(s) for s in lines[c + 1].split()]",
      "    pos = torch.tensor([[float(v) for v in lines[c + 2 + a].split()] for a in range(3)])  # (3, S)",
      "    S = pos.shape[1]",
      "    q = torch.tensor([float(v) for v in lines[c + 5].split()]).view(S, d)",
      "    inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).double() / d))",
      "    freqs = pos[:, :, None] * inv[None, None, :]                                       # (3, S, d/2)",
      "    emb = torch.cat((freqs, freqs), dim=-1)",
      "    cos, sin = emb.cos(), emb.sin()",
      "    cos = torch.cat([m[i % 3] for i, m in enumerate(cos.split(sections * 2, dim=-1))], dim=-1)",
      "    sin = torch.cat([m[i % 3] for i, m in enumerate(sin.split(sections * 2, dim=-1))], dim=-1)",
      "    rot = torch.cat((-q[..., d // 2:], q[..., : d // 2]), dim=-1)                      # rotate_half",
      "    out = q * cos + rot * sin",
      "    print('OUT ' + ' '.join(repr(v) for v in out.flatten().tolist()))");

  private record Case(int d, double base, int[] sections, Positions positions, double[] q) {}

  @Test
  void mropeMatchesHuggingFaceFormulation() throws Exception {
    Random rng = new Random(91);
    List<Case> cases = List.of(
        newCase(rng, 16, 10000, new int[] {2, 3, 3}, Layout.parse("T T I2x3 T V2x2x2 T")),
        newCase(rng, 128, 1e6, new int[] {16, 24, 24}, Layout.parse("T I3x4 T T")));
    OracleFixtures.Fingerprint print = new OracleFixtures.Fingerprint();
    StringBuilder in = new StringBuilder();
    for (Case c : cases) {
      int s = c.positions().tokens();
      print.add(c.d()).add(c.base()).add(c.sections()).add(c.q());
      in.append(c.d()).append(' ').append(c.base()).append('\n');
      for (int x : c.sections()) in.append(x).append(' ');
      in.append('\n');
      for (int a = 0; a < 3; a++) {
        for (int t = 0; t < s; t++) {
          in.append(c.positions().coords(t)[a]).append(' ');
          print.add(c.positions().coords(t)[a]);
        }
        in.append('\n');
      }
      for (double v : c.q()) in.append(String.format(Locale.ROOT, "%.17g ", v));
      in.append('\n');
    }
    Path fixture = OracleFixtures.path("dev/focus/position/torch-mrope.tsv");
    Map<String, double[]> reference;
    if (Oracles.pythonAvailable("torch")) {
      List<String> out = runPython(in.toString());
      List<String> results = out.stream().filter(l -> l.startsWith("OUT ")).toList();
      assertEquals(cases.size(), results.size(), String.join("\n", out));
      reference = new LinkedHashMap<>();
      for (int k = 0; k < cases.size(); k++) {
        String[] parts = results.get(k).substring(4).trim().split(" ");
        double[] expected = new double[parts.length];
        for (int i = 0; i < parts.length; i++) expected[i] = Double.parseDouble(parts[i]);
        reference.put("case" + k, expected);
      }
      OracleFixtures.checkDoubles(fixture, print.hex(), reference, 1e-13);
    } else {
      reference = OracleFixtures.readDoubles(fixture, print.hex());
    }
    for (int k = 0; k < cases.size(); k++) {
      Case c = cases.get(k);
      double[] actual = c.q().clone();
      Rope.mrope(c.d(), c.base(), c.sections()).table(c.positions()).rotate(actual, 1, c.d(), false);
      assertClose("M-RoPE vs HF formulation d=" + c.d(), reference.get("case" + k), actual, 1e-12, 1e-12);
    }
  }

  private static Case newCase(Random rng, int d, double base, int[] sections, Layout layout) {
    Positions p = PositionScheme.MROPE.assign(layout);
    double[] q = new double[p.tokens() * d];
    for (int i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
    return new Case(d, base, sections, p, q);
  }

  private static List<String> runPython(String input) throws Exception {
    Process proc = new ProcessBuilder(Oracles.python(), "-c", SCRIPT).redirectErrorStream(true).start();
    proc.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    proc.getOutputStream().close();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) out.add(line);
    }
    proc.waitFor(120, TimeUnit.SECONDS);
    assertEquals(0, proc.exitValue(), String.join("\n", out));
    return out;
  }
}
