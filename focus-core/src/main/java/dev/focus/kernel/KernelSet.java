package dev.focus.kernel;

/**
 * The kernel contract: dense row-major float32 loops that every op in Focus is built from.
 *
 * <p>Two implementations exist: {@link ScalarKernels}, plain loops that define what is correct, and
 * {@code VectorKernels}, the Vector API twin used by default. Tests compare the two on odd sizes.
 *
 * <p>Legend: M, K, N are matrix sizes (C[M,N] = A[M,K]·B[K,N]); {@code *Off} is the index of element
 * [0,0] of a matrix inside its array; all matrices are dense and row-major. When {@code accumulate}
 * is true the product is added to C, otherwise C is overwritten.
 */
public interface KernelSet {

  /** Human-readable name for diagnostics, e.g. "vector(256-bit)" or "scalar". */
  String name();

  /** Width of the SIMD registers these kernels use, in bits; 0 for the scalar twin. */
  default int vectorBits() {
    return 0;
  }

  /** C[M,N] (+)= A[M,K] · B[K,N]. */
  void matmul(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
              int m, int k, int n, boolean accumulate);

  /** C[M,N] (+)= A[M,K] · B[N,K]ᵀ  (B stored as N rows of K: the PyTorch Linear weight layout). */
  void matmulNT(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                int m, int k, int n, boolean accumulate);

  /** C[M,N] (+)= A[K,M]ᵀ · B[K,N]  (A stored as K rows of M: weight gradients). */
  void matmulTN(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                int m, int k, int n, boolean accumulate);

  /** Σ a[i]·b[i] over n elements. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** y += alpha·x over n elements. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** x *= s over n elements. */
  void scale(float[] x, int off, int n, float s);

  /** out = a + b over n elements (out may alias a or b). */
  void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

  /** out = a ⊙ b over n elements (out may alias a or b). */
  void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

  /** Σ x[i]. */
  float sum(float[] x, int off, int n);

  /** Σ x[i]². */
  float sumSquares(float[] x, int off, int n);

  /** max x[i]; n ≥ 1. */
  float max(float[] x, int off, int n);

  /** out = GELU(x), tanh approximation (PyTorch {@code approximate='tanh'}). out may alias x. */
  void gelu(float[] out, int outOff, float[] x, int xOff, int n);

  /** dx = dOut · GELU'(x), tanh approximation. dx may alias dOut. */
  void geluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n);

  /** out = SiLU(x) = x·σ(x). out may alias x. */
  void silu(float[] out, int outOff, float[] x, int xOff, int n);

  /** dx = dOut · SiLU'(x). dx may alias dOut. */
  void siluBackward(float[] dx, int dxOff, float[] dOut, int dOutOff, float[] x, int xOff, int n);

  /**
   * Rotates n coordinate pairs (x[aOff + i], x[bOff + i]) by the angles whose cosines and sines are
   * cos[csOff + i], sin[csOff + i]: a' = a·c − b·s, b' = b·c + a·s (by −angle when {@code inverse}).
   * The rotary embedding's rotate_half layout (RoFormer eq. 34). The two ranges must not overlap.
   */
  void rotatePairs(float[] x, int aOff, int bOff, float[] cos, float[] sin, int csOff, int n, boolean inverse);

  /**
   * {@link #rotatePairs} over every head of {@code rows} token rows stored at x[off..] as (rows, heads,
   * hd): in each head the pairs (aOff + i, bOff + i), i &lt; pairs, of row r turned by the table entries
   * (csRow0 + r)·pairs + i. Defined as, and giving the bits of, one rotatePairs per head and row; the
   * vector twin turns several heads of the rotate_half layout (aOff = 0, bOff = pairs = hd/2) per vector.
   */
  default void rotateRows(float[] x, int off, int rows, int heads, int hd, int aOff, int bOff, float[] cos, float[] sin,
                          int csRow0, int pairs, boolean inverse) {
    for (int r = 0; r < rows; r++) {
      for (int h = 0; h < heads; h++) {
        int base = off + (r * heads + h) * hd;
        rotatePairs(x, base + aOff, base + bOff, cos, sin, (csRow0 + r) * pairs, pairs, inverse);
      }
    }
  }

  /**
   * The SwiGLU gate in one pass: h = SiLU(gate) ⊙ up over [off, off + n) of all three arrays (the
   * Llama MLP's {@code act(gate(x)) * up(x)}). h may alias gate or up.
   */
  void swiGlu(float[] h, float[] gate, float[] up, int off, int n);

  /**
   * Backward of {@link #swiGlu} in one pass, with s = σ(gate): dUp = dH ⊙ gate ⊙ s and
   * dGate = dH ⊙ up ⊙ s ⊙ (1 + gate ⊙ (1 − s)), over [off, off + n). Neither output may alias an input.
   */
  void swiGluBackward(float[] dGate, float[] dUp, float[] dH, float[] gate, float[] up, int off, int n);

  /**
   * out = exp(in − shift) over n elements, each with the bits of {@link Exp#exp} (so a sum taken
   * afterwards in a fixed order is the same in both twins). out may alias in.
   */
  void expShift(float[] out, int outOff, float[] in, int inOff, int n, float shift);

  /** Row-wise softmax of a [rows, cols] matrix with max subtraction; out may alias in. */
  void softmaxRows(float[] out, int outOff, float[] in, int inOff, int rows, int cols);

  /**
   * Softmax of scale·x over x[off, off + n) in place, n ≥ 1: {@link #scale} then {@link #softmaxRows}
   * of the one row, with the same roundings (attention's logit row). The vector twin does it in one
   * call and takes the exponentials of the row's ragged end as one vector (Exp.exp's bits either way).
   */
  default void scaledSoftmax(float[] x, int off, int n, float scale) {
    scale(x, off, n, scale);
    softmaxRows(x, off, x, off, 1, n);
  }

  /**
   * One head of causal softmax attention over t ≤ 64 positions with the weights kept (exact attention's
   * forward for a short sequence, no ALiBi): probs (t, t) at pOff = softmax(scale·q·kᵀ) under the causal
   * mask, masked weights exactly 0, and oh (t, HS) = probs·v; qh, kh, vh are (t, HS). Defined as, and
   * giving the bits of: {@link #matmulNT} of q and k, {@link #scaledSoftmax} of each row's visible
   * keys 0…i with the rest zeroed, then {@link #matmul} of the weights and v. The vector twin computes
   * a head of 8 on 16-float vectors with the queries along the lanes (no transposed copies of the
   * weights for P·V, a 16-row block only multiplies the keys it sees).
   */
  default void causalHead(float[] probs, int pOff, float[] oh, float[] qh, float[] kh, float[] vh, int t, int hs, float scale) {
    causalHeadOf(this, probs, pOff, oh, qh, kh, vh, t, hs, scale);
  }

  /** {@link #causalHead} as defined, over the operations of {@code ks}. */
  static void causalHeadOf(KernelSet ks, float[] probs, int pOff, float[] oh, float[] qh, float[] kh, float[] vh, int t, int hs,
                           float scale) {
    ks.matmulNT(probs, pOff, qh, 0, kh, 0, t, hs, t, false);
    for (int i = 0; i < t; i++) {
      int row = pOff + i * t;
      ks.scaledSoftmax(probs, row, i + 1, scale);
      java.util.Arrays.fill(probs, row + i + 1, row + t, 0f);
    }
    ks.matmul(oh, 0, probs, pOff, vh, 0, t, t, hs, false);
  }

  /**
   * The row-wise part of {@link #causalHead}'s backward, for the weights it saved: ds (t, t) = P ⊙ (dO·vᵀ
   * − rowdot(dO, O)) on each row's keys 0…i, zeros after, and gq (t, HS) = ds·k (the query gradient
   * before the logit scale). Defined as, and giving the bits of: {@link #matmulNT} of dO and v, per row
   * {@link #dot} of dO and O and the products, then {@link #matmul} of ds and k; ds may hold −0 where
   * that writes +0 (a masked weight times a negative), which no sum that starts from +0 can tell.
   */
  default void causalHeadGrad(float[] ds, float[] gq, float[] probs, int pOff, float[] doh, float[] oh, float[] vh, float[] kh,
                              int t, int hs) {
    causalHeadGradOf(this, ds, gq, probs, pOff, doh, oh, vh, kh, t, hs);
  }

  /** {@link #causalHeadGrad} as defined, over the operations of {@code ks}. */
  static void causalHeadGradOf(KernelSet ks, float[] ds, float[] gq, float[] probs, int pOff, float[] doh, float[] oh, float[] vh,
                               float[] kh, int t, int hs) {
    ks.matmulNT(ds, 0, doh, 0, vh, 0, t, hs, t, false);
    for (int i = 0; i < t; i++) {
      int row = i * t, prow = pOff + i * t;
      float d = ks.dot(doh, i * hs, oh, i * hs, hs);
      for (int j = 0; j <= i; j++) ds[row + j] = probs[prow + j] * (ds[row + j] - d);
      java.util.Arrays.fill(ds, row + i + 1, row + t, 0f);
    }
    ks.matmul(gq, 0, ds, 0, kh, 0, t, t, hs, false);
  }

  /**
   * out (t, HS) = aᵀ·b, overwritten, for one causal head's (t, t) weights or score gradients a at aOff
   * (row i zero past key i, as {@link #causalHead} and {@link #causalHeadGrad} leave them) and b (t, HS):
   * the value and key gradients. Defined as, and giving the bits of (for finite b): out zeroed, then
   * {@link #matmulTN} accumulating into it.
   */
  default void causalKeyGrad(float[] out, int outOff, float[] a, int aOff, float[] b, int t, int hs) {
    causalKeyGradOf(this, out, outOff, a, aOff, b, t, hs);
  }

  /** {@link #causalKeyGrad} as defined, over the operations of {@code ks}. */
  static void causalKeyGradOf(KernelSet ks, float[] out, int outOff, float[] a, int aOff, float[] b, int t, int hs) {
    java.util.Arrays.fill(out, outOff, outOff + t * hs, 0f);
    ks.matmulTN(out, outOff, a, aOff, b, 0, t, t, hs, true);
  }

  /**
   * RMSNorm of each row: out = x / rms(x) ⊙ w, rms = sqrt(mean(x²) + eps). Writes 1/rms per row to
   * {@code invRms} (length rows) for the backward pass. w may be null (no gain).
   */
  void rmsNormRows(float[] out, float[] invRms, float[] x, float[] w, int rows, int cols, float eps);

  /**
   * LayerNorm of each row: out = (x − μ)/σ ⊙ w + b, σ = sqrt(var + eps). Writes μ and 1/σ per row.
   * w and b may be null.
   */
  void layerNormRows(float[] out, float[] mean, float[] invStd, float[] x, float[] w, float[] b,
                     int rows, int cols, float eps);
}
