package dev.focus.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.focus.testing.Close;
import dev.focus.testing.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every op's backward against central differences of Σ out·dOut (a fixed random dOut, sums in double),
 * for every input and parameter (STYLE.md §2.6). Float32 ops, so eps = 1e-2 and tolerances of a few 1e-3.
 */
class OpGradientTest {
  static final float EPS = 1e-2f;
  static final double ATOL = 3e-3, RTOL = 3e-3;
  final Random rng = new Random(17);

  float[] randn(int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (rng.nextGaussian() * scale);
    return x;
  }

  @Test
  void rmsNorm() {
    int n = 3, c = 7;
    float[] x = randn(n * c, 1), w = randn(c, 1), dOut = randn(n * c, 1);
    float[] out = new float[n * c], inv = new float[n];
    float[] dX = new float[n * c], dW = new float[c];
    RmsNorm.forward(out, inv, x, w, n, c, 1e-5f);
    RmsNorm.backward(dX, dW, dOut, x, w, inv, n, c);
    java.util.function.DoubleSupplier loss = () -> {
      RmsNorm.forward(out, inv, x, w, n, c, 1e-5f);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("rmsnorm dx", x, dX, loss, EPS, ATOL, RTOL);
    GradCheck.check("rmsnorm dw", w, dW, loss, EPS, ATOL, RTOL);
    // y = x/rms·w, checked in closed form on one row
    RmsNorm.forward(out, inv, new float[] {3, 4, 0, 0, 0, 0, 0}, new float[] {1, 2, 1, 1, 1, 1, 1}, 1, c, 0f);
    double rms = Math.sqrt(25.0 / 7);
    Close.assertClose("rmsnorm closed form", new double[] {3 / rms, 8 / rms}, new double[] {out[0], out[1]}, 1e-6, 1e-6);
  }

  @Test
  void rmsNormInputGradientAccumulates() {
    int n = 2, c = 4;
    float[] x = randn(n * c, 1), w = randn(c, 1), dOut = randn(n * c, 1);
    float[] out = new float[n * c], inv = new float[n], dW = new float[c];
    float[] once = new float[n * c], twice = new float[n * c];
    RmsNorm.forward(out, inv, x, w, n, c, 1e-5f);
    RmsNorm.backward(once, dW, dOut, x, w, inv, n, c);
    RmsNorm.backward(twice, dW, dOut, x, w, inv, n, c);
    RmsNorm.backward(twice, dW, dOut, x, w, inv, n, c);
    for (int i = 0; i < once.length; i++) once[i] *= 2;
    Close.assertClose("residual-stream gradient accumulates", once, twice, 1e-6, 1e-6);
  }

  @Test
  void layerNorm() {
    int n = 3, c = 6;
    float[] x = randn(n * c, 1), w = randn(c, 1), b = randn(c, 1), dOut = randn(n * c, 1);
    float[] out = new float[n * c], mean = new float[n], inv = new float[n];
    float[] dX = new float[n * c], dW = new float[c], dB = new float[c];
    LayerNorm.forward(out, mean, inv, x, w, b, n, c, 1e-5f);
    LayerNorm.backward(dX, dW, dB, dOut, x, w, mean, inv, n, c);
    java.util.function.DoubleSupplier loss = () -> {
      LayerNorm.forward(out, mean, inv, x, w, b, n, c, 1e-5f);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("layernorm dx", x, dX, loss, EPS, ATOL, RTOL);
    GradCheck.check("layernorm dw", w, dW, loss, EPS, ATOL, RTOL);
    GradCheck.check("layernorm db", b, dB, loss, EPS, ATOL, RTOL);
  }

  @Test
  void linearWithAndWithoutTheParallelWeightGradient() {
    int n = 37, in = 5, outDim = 9;
    float[] x = randn(n * in, 1), w = randn(outDim * in, 1), b = randn(outDim, 1), dOut = randn(n * outDim, 1);
    float[] out = new float[n * outDim];
    for (float[] scratch : new float[][] {null, new float[n * outDim]}) {
      float[] dX = new float[n * in], dW = new float[outDim * in], dB = new float[outDim];
      Linear.forward(out, x, w, b, n, in, outDim);
      Linear.backward(dX, dW, dB, dOut, x, w, n, in, outDim, scratch);
      java.util.function.DoubleSupplier loss = () -> {
        Linear.forward(out, x, w, b, n, in, outDim);
        return GradCheck.dot(out, dOut);
      };
      String s = scratch == null ? "" : " (scratch)";
      GradCheck.check("linear dx" + s, x, dX, loss, EPS, ATOL, RTOL);
      GradCheck.check("linear dw" + s, w, dW, loss, EPS, ATOL, RTOL);
      GradCheck.check("linear db" + s, b, dB, loss, EPS, ATOL, RTOL);
    }
    // y = x·Wᵀ + b on one row, by hand: W = [[1,2],[3,4],[5,6]], x = [1,-1]
    float[] y = new float[3];
    Linear.forward(y, new float[] {1, -1}, new float[] {1, 2, 3, 4, 5, 6}, new float[] {0.5f, 0, 0}, 1, 2, 3);
    Close.assertClose("linear by hand", new float[] {-0.5f, -1, -1}, y, 0, 0);
  }

  @Test
  void swiGluMlp() {
    int n = 4, c = 5, i = 7;
    float[] x = randn(n * c, 1), wg = randn(i * c, 0.5), bg = randn(i, 0.5), wu = randn(i * c, 0.5), bu = randn(i, 0.5);
    float[] wd = randn(c * i, 0.5), bd = randn(c, 0.5), dOut = randn(n * c, 1);
    float[] out = new float[n * c], gate = new float[n * i], up = new float[n * i], h = new float[n * i];
    float[] dX = new float[n * c], dWg = new float[i * c], dBg = new float[i], dWu = new float[i * c], dBu = new float[i];
    float[] dWd = new float[c * i], dBd = new float[c];
    Mlp.swiGluForward(out, gate, up, h, x, wg, bg, wu, bu, wd, bd, n, c, i);
    Mlp.swiGluBackward(dX, dWg, dBg, dWu, dBu, dWd, dBd, dOut, x, gate, up, h, wg, wu, wd,
        new float[n * i], new float[n * i], new float[n * i], new float[n * i], n, c, i);
    java.util.function.DoubleSupplier loss = () -> {
      Mlp.swiGluForward(out, gate, up, h, x, wg, bg, wu, bu, wd, bd, n, c, i);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("swiglu dx", x, dX, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dWgate", wg, dWg, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dBgate", bg, dBg, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dWup", wu, dWu, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dBup", bu, dBu, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dWdown", wd, dWd, loss, EPS, ATOL, RTOL);
    GradCheck.check("swiglu dBdown", bd, dBd, loss, EPS, ATOL, RTOL);
  }

  @Test
  void geluMlp() {
    int n = 4, c = 5, i = 6;
    float[] x = randn(n * c, 1), wu = randn(i * c, 0.5), bu = randn(i, 0.5), wd = randn(c * i, 0.5), bd = randn(c, 0.5);
    float[] dOut = randn(n * c, 1), out = new float[n * c], pre = new float[n * i], h = new float[n * i];
    float[] dX = new float[n * c], dWu = new float[i * c], dBu = new float[i], dWd = new float[c * i], dBd = new float[c];
    Mlp.geluForward(out, pre, h, x, wu, bu, wd, bd, n, c, i);
    Mlp.geluBackward(dX, dWu, dBu, dWd, dBd, dOut, x, pre, h, wu, wd, new float[n * i], null, n, c, i);
    java.util.function.DoubleSupplier loss = () -> {
      Mlp.geluForward(out, pre, h, x, wu, bu, wd, bd, n, c, i);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("gelu mlp dx", x, dX, loss, EPS, ATOL, RTOL);
    GradCheck.check("gelu mlp dWup", wu, dWu, loss, EPS, ATOL, RTOL);
    GradCheck.check("gelu mlp dBup", bu, dBu, loss, EPS, ATOL, RTOL);
    GradCheck.check("gelu mlp dWdown", wd, dWd, loss, EPS, ATOL, RTOL);
    GradCheck.check("gelu mlp dBdown", bd, dBd, loss, EPS, ATOL, RTOL);
  }

  @Test
  void embedding() {
    int v = 5, c = 3, b = 2, t = 3;
    int[] tokens = {4, 0, 4, 2, 2, 1};
    float[] wte = randn(v * c, 1), dOut = randn(b * t * c, 1), out = new float[b * t * c];
    float[] dWte = new float[v * c];
    Embedding.backward(dWte, dOut, tokens, b * t, c);
    java.util.function.DoubleSupplier loss = () -> {
      Embedding.forward(out, tokens, wte, b * t, c, v);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("embedding dWte", wte, dWte, loss, EPS, ATOL, RTOL);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Embedding.forward(out, new int[] {5}, wte, 1, c, v));
    assertEquals("token id 5 at index 0 is outside the vocabulary [0, 5)", e.getMessage());
  }

  @Test
  void residual() {
    int n = 6;
    float[] a = randn(n, 1), b = randn(n, 1), dOut = randn(n, 1), out = new float[n];
    float[] dA = new float[n], dB = new float[n];
    Residual.backward(dA, dB, dOut, n);
    java.util.function.DoubleSupplier loss = () -> {
      Residual.forward(out, a, b, n);
      return GradCheck.dot(out, dOut);
    };
    GradCheck.check("residual da", a, dA, loss, EPS, ATOL, RTOL);
    GradCheck.check("residual db", b, dB, loss, EPS, ATOL, RTOL);
  }

  @Test
  void crossEntropyMeanOverKeptTargets() {
    int n = 5, v = 7;
    float[] logits = randn(n * v, 2), probs = new float[n * v], losses = new float[n], dLogits = new float[n * v];
    int[] targets = {3, -1, 0, 6, -1};
    float loss = CrossEntropy.forward(losses, probs, logits, targets, n, v);
    double expected = 0;
    for (int r : new int[] {0, 2, 3}) {
      double mx = Double.NEGATIVE_INFINITY, s = 0;
      for (int j = 0; j < v; j++) mx = Math.max(mx, logits[r * v + j]);
      for (int j = 0; j < v; j++) s += Math.exp(logits[r * v + j] - mx);
      expected += Math.log(s) + mx - logits[r * v + targets[r]];
    }
    Close.assertClose("cross-entropy mean over 3 kept rows", expected / 3, loss, 1e-6, 1e-6);
    CrossEntropy.backward(dLogits, probs, targets, n, v, 1f / CrossEntropy.count(targets, n));
    float[] scratchP = new float[n * v], scratchL = new float[n];
    GradCheck.check("cross-entropy dlogits", logits, dLogits,
        () -> CrossEntropy.forward(scratchL, scratchP, logits, targets, n, v), 1e-2f, 1e-4, 1e-3);
    assertThrows(IllegalArgumentException.class,
        () -> CrossEntropy.forward(losses, probs, logits, new int[] {7, 0, 0, 0, 0}, n, v));
    // a target whose probability underflows float still gets its exact loss logsumexp(z) − z_y
    float[] far = {0f, -200f, 0f};
    float[] farP = new float[3], farL = new float[1];
    Close.assertClose("underflowed target", Math.log(2) + 200, CrossEntropy.forward(farL, farP, far, new int[] {1}, 1, 3), 1e-4, 1e-6);
  }
}
