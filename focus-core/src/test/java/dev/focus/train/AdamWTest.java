package dev.focus.train;

import static dev.focus.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.focus.testing.OracleFixtures;
import dev.focus.testing.Oracles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {
  @TempDir Path tmp;

  @Test
  void firstStepMatchesHandComputation() {
    // θ = 1, g = 0.5, lr = 0.1, λ = 0.1, β = (0.9, 0.999), ε = 1e-8.
    // decay: θ = 1·(1 − 0.01) = 0.99; m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25;
    // θ = 0.99 − 0.1·0.5/(0.5 + 1e-8) = 0.89 (+2e-9).
    float[] w = {1f, 1f}, g = {0.5f, 0.5f};
    var decayed = new Trainable.Param("w", new float[] {w[0]}, new float[] {g[0]}, true);
    var plain = new Trainable.Param("b", new float[] {w[1]}, new float[] {g[1]}, false);
    AdamW opt = new AdamW(List.of(decayed, plain), 0.9, 0.999, 1e-8, 0.1);
    opt.step(0.1);
    assertClose("decayed θ", 0.99 - 0.1 * 0.5 / (0.5 + 1e-8), decayed.value()[0], 1e-7, 0);
    assertClose("undecayed θ", 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), plain.value()[0], 1e-7, 0);
    assertClose("m", 0.05, opt.firstMoment(0)[0], 1e-9, 1e-6);
    assertClose("v", 0.00025, opt.secondMoment(0)[0], 1e-12, 1e-6);
    assertEquals(1, opt.stepCount());
  }

  @Test
  void secondStepUsesBiasCorrectionOfStepTwo() {
    // g = 1 then g = −1, no decay: m = 0.1 then −0.01, v = 0.001 then 0.001999;
    // step 2: m̂ = −0.01/0.19, v̂ = 0.001999/0.001999 = 1 → Δ = −lr·m̂/(1 + ε).
    var p = new Trainable.Param("w", new float[] {0f}, new float[] {1f}, true);
    AdamW opt = new AdamW(List.of(p), 0.9, 0.999, 1e-8, 0);
    opt.step(0.01);
    double after1 = -0.01 * (0.1 / 0.1) / (Math.sqrt(0.001) / Math.sqrt(0.001) + 1e-8);
    assertClose("θ1", after1, p.value()[0], 1e-8, 1e-5);
    p.grad()[0] = -1f;
    opt.step(0.01);
    double mhat = -0.01 / (1 - 0.81), vhat = 0.001999 / (1 - 0.998001);
    assertClose("θ2", after1 - 0.01 * mhat / (Math.sqrt(vhat) + 1e-8), p.value()[0], 1e-8, 1e-5);
  }

  @Test
  void stateRoundTripsBitForBit() throws IOException {
    var p = new Trainable.Param("w", new float[] {0.3f, -2f}, new float[] {0.7f, 0.1f}, true);
    AdamW a = new AdamW(List.of(p), 0.9, 0.95, 1e-8, 0.1);
    a.step(1e-3);
    a.step(2e-3);
    a.save(tmp.resolve("opt.safetensors"));
    AdamW b = new AdamW(List.of(p), 0.9, 0.95, 1e-8, 0.1);
    b.load(tmp.resolve("opt.safetensors"));
    assertEquals(2, b.stepCount());
    assertArrayEquals(a.firstMoment(0), b.firstMoment(0));
    assertArrayEquals(a.secondMoment(0), b.secondMoment(0));
  }

  @Test
  void rejectsBadHyperparameters() {
    var p = List.of(new Trainable.Param("w", new float[1], new float[1], true));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 1.0, 0.9, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 0.9, 0.9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 0.9, 0.9, 1e-8, -1));
    assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 0.9, 0.9, 1e-8, 0).step(Double.NaN));
  }

  /**
   * Five steps on a small tensor with changing gradients against torch.optim.AdamW (without
   * python3-torch, against its checked-in output, {@code src/test/resources/dev/focus/train/torch-adamw.tsv}).
   */
  @Test
  void matchesTorchAdamW() throws Exception {
    int n = 7, steps = 5;
    SplittableRandom r = new SplittableRandom(3);
    float[] w0 = new float[n];
    float[][] grads = new float[steps][n];
    for (int i = 0; i < n; i++) w0[i] = (float) r.nextGaussian();
    for (int s = 0; s < steps; s++) for (int i = 0; i < n; i++) grads[s][i] = (float) r.nextGaussian();
    double[] lrs = {1e-2, 2e-2, 3e-2, 2e-2, 1e-2};

    var p = new Trainable.Param("w", w0.clone(), new float[n], true);
    AdamW opt = new AdamW(List.of(p), 0.9, 0.95, 1e-8, 0.1);
    for (int s = 0; s < steps; s++) {
      System.arraycopy(grads[s], 0, p.grad(), 0, n);
      opt.step(lrs[s]);
    }

    OracleFixtures.Fingerprint print = new OracleFixtures.Fingerprint().add(w0).add(lrs).add("betas 0.9 0.95 eps 1e-8 wd 0.1");
    for (float[] g : grads) print.add(g);
    Path fixture = OracleFixtures.path("dev/focus/train/torch-adamw.tsv");
    double[] expected;
    if (Oracles.pythonAvailable("torch")) {
      StringBuilder py = new StringBuilder("import torch\n");
      py.append("w = torch.nn.Parameter(torch.tensor(").append(list(w0)).append(", dtype=torch.float32))\n");
      py.append("opt = torch.optim.AdamW([w], lr=1.0, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)\n");
      for (int s = 0; s < steps; s++) {
        py.append("for g in opt.param_groups: g['lr'] = ").append(lrs[s]).append('\n');
        py.append("w.grad = torch.tensor(").append(list(grads[s])).append(", dtype=torch.float32)\n");
        py.append("opt.step()\n");
      }
      py.append("print(' '.join(repr(float(x)) for x in w.detach()))\n");
      Path script = tmp.resolve("adamw.py");
      Files.writeString(script, py.toString(), StandardCharsets.UTF_8);
      Process proc = new ProcessBuilder(Oracles.python(), script.toString()).redirectErrorStream(true).start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, proc.waitFor(), out);
      String[] parts = out.split("\\s+");
      expected = new double[n];
      for (int i = 0; i < n; i++) expected[i] = Double.parseDouble(parts[i]);
      OracleFixtures.checkDoubles(fixture, print.hex(), Map.of("w", expected), 1e-6);
    } else {
      expected = OracleFixtures.readDoubles(fixture, print.hex()).get("w");
    }
    assertClose("θ after 5 AdamW steps vs torch", expected, dev.focus.testing.Close.toDouble(p.value()), 1e-6, 1e-5);
  }

  private static String list(float[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < x.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", x[i]));
    return sb.append(']').toString();
  }

}
