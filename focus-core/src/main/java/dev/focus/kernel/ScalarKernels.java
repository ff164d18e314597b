package dev.focus.kernel;

/**
 * Plain-loop kernels: the definition of correct, and the fallback when the Vector API is absent or
 * {@code -Dfocus.kernels=scalar} is set. Sums run in float in index order except where noted.
 */
public final class ScalarKernels implements KernelSet {
  static final float SQRT_2_OVER_PI = 0.7978845608028654f;
  static final float GELU_C = 0.044715f;

  @Override public String name() { return "scalar"; }

  @Override
  public void matmul(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                     int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * n;
      if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = a[aOff + i * k + p];
        int bp = bOff + p * n;
        for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  }

  @Override
  public void matmulNT(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                       int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = dot(a, aOff + i * k, b, bOff + j * k, k);
        int idx = cOff + i * n + j;
        c[idx] = accumulate ? c[idx] + s : s;
      }
    }
  }

  @Override
  public void matmulTN(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                       int m, int k, int n, boolean accumulate) {
    if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    for (int p = 0; p < k; p++) {
      int bp = bOff + p * n;
      for (int i = 0; i < m; i++) {
        float api = a[aOff + p * m + i];
        int ci = cOff + i * n;
        for (int j = 0; j < n; j++) c[ci + j] += api * b[bp + j];
      }
    }
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    for (int i = 0; i < n; i++) x[off + i] *= s;
  }

  @Override
  public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
  }

  @Override
  public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
    for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
  }

  @Override
  public float sum(float[] x, int off, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += x[off + i];
    return s;
  }

  @Override
  public float sumSquares(float[] x, int off, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += x[off + i] * x[off + i];
    return s;
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
    return m;
  }

  @Override
  public void gelu(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
      out[outOff + i] = 0.5f * v * (1f + Exp.tanh(u));
    }
  }

  @Override
  public void geluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      float u = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
      float t = Exp.tanh(u);
      float du = SQRT_2_OVER_PI * (1f + 3f * GELU_C * v * v);
      float grad = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
      dx[dxOff + i] = dOut[dOutOff + i] * grad;
    }
  }

  @Override
  public void silu(float[] out, int outOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      out[outOff + i] = v / (1f + Exp.exp(-v));
    }
  }

  @Override
  public void siluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      float s = 1f / (1f + Exp.exp(-v));
      dx[dxOff + i] = dOut[dOutOff + i] * s * (1f + v * (1f - s));
    }
  }

  @Override
  public void rotatePairs(float[] x, int aOff, int bOff, float[] cos, float[] sin, int csOff, int n, boolean inverse) {
    for (int i = 0; i < n; i++) {
      float c = cos[csOff + i], s = inverse ? -sin[csOff + i] : sin[csOff + i];
      float a = x[aOff + i], b = x[bOff + i];
      x[aOff + i] = a * c - b * s;
      x[bOff + i] = b * c + a * s;
    }
  }

  @Override
  public void swiGlu(float[] h, float[] gate, float[] up, int off, int n) {
    for (int i = off; i < off + n; i++) {
      float g = gate[i];
      h[i] = g / (1f + Exp.exp(-g)) * up[i];
    }
  }

  @Override
  public void swiGluBackward(float[] dGate, float[] dUp, float[] dH, float[] gate, float[] up, int off, int n) {
    for (int i = off; i < off + n; i++) {
      float g = gate[i], d = dH[i];
      float s = 1f / (1f + Exp.exp(-g));
      dUp[i] = d * (g * s);
      dGate[i] = d * up[i] * (s * (1f + g * (1f - s)));
    }
  }

  @Override
  public void expShift(float[] out, int outOff, float[] in, int inOff, int n, float shift) {
    for (int i = 0; i < n; i++) out[outOff + i] = Exp.exp(in[inOff + i] - shift);
  }

  @Override
  public void softmaxRows(float[] out, int outOff, float[] in, int inOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int io = inOff + r * cols, oo = outOff + r * cols;
      float mx = max(in, io, cols);
      float s = 0f;
      for (int j = 0; j < cols; j++) {
        float e = Exp.exp(in[io + j] - mx);
        out[oo + j] = e;
        s += e;
      }
      float inv = 1f / s;
      for (int j = 0; j < cols; j++) out[oo + j] *= inv;
    }
  }

  @Override
  public void rmsNormRows(float[] out, float[] invRms, float[] x, float[] w, int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      float inv = (float) (1.0 / Math.sqrt(sumSquares(x, o, cols) / cols + eps));
      invRms[r] = inv;
      for (int j = 0; j < cols; j++) out[o + j] = x[o + j] * inv * (w == null ? 1f : w[j]);
    }
  }

  @Override
  public void layerNormRows(float[] out, float[] mean, float[] invStd, float[] x, float[] w, float[] b,
                            int rows, int cols, float eps) {
    for (int r = 0; r < rows; r++) layerNormRow(this, out, mean, invStd, x, w, b, r, cols, eps);
  }

  /**
   * Row {@code r} of {@link #layerNormRows}, in scalar float32 with two passes (μ from {@code k}'s sum,
   * then Σ (x − μ)² in index order), the rounding the {@code LayerNorm} op has always had; w and b may be null.
   */
  public static void layerNormRow(KernelSet k, float[] out, float[] mean, float[] invStd, float[] x, float[] w, float[] b,
                                  int r, int cols, float eps) {
    int o = r * cols;
    float mu = k.sum(x, o, cols) / cols;
    float var = 0f;
    for (int j = 0; j < cols; j++) {
      float d = x[o + j] - mu;
      var += d * d;
    }
    var /= cols;
    float inv = (float) (1.0 / Math.sqrt(var + eps));
    mean[r] = mu;
    invStd[r] = inv;
    for (int j = 0; j < cols; j++) {
      float y = (x[o + j] - mu) * inv;
      if (w != null) y *= w[j];
      if (b != null) y += b[j];
      out[o + j] = y;
    }
  }
}
