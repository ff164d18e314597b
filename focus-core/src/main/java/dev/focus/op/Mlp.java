package dev.focus.op;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;

/**
 * The position-wise MLPs: SwiGLU (Shazeer 2020, "GLU Variants Improve Transformer", eq. 6; the Llama
 * MLP {@code down(silu(gate(x)) * up(x))}) and the GPT-2 GELU MLP {@code down(gelu_tanh(up(x)))}.
 *
 * <p>Legend: N rows (B·T), C width, I hidden width. Biases may be null (Llama has none).
 */
public final class Mlp {
  private Mlp() {}

  private static final int MIN_ELEMS = 16384;

  // ---- activations ------------------------------------------------------------------------------

  /** h = silu(gate) ⊙ up over n elements. */
  public static void swiGlu(float[] h, float[] gate, float[] up, int n) {
    Kernels.get().swiGlu(h, gate, up, 0, n);
  }

  /** dUp = dH ⊙ silu(gate); dGate = dH ⊙ up ⊙ silu'(gate). Both overwritten; neither may alias dH. */
  public static void swiGluBackward(float[] dGate, float[] dUp, float[] dH, float[] gate, float[] up, int n) {
    Kernels.get().swiGluBackward(dGate, dUp, dH, gate, up, 0, n);
  }

  /** h = gelu_tanh(pre) over n elements. */
  public static void gelu(float[] h, float[] pre, int n) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ELEMS, (lo, hi) -> k.gelu(h, lo, pre, lo, hi - lo));
  }

  /** dPre = dH ⊙ gelu_tanh'(pre), overwritten (may alias dH). */
  public static void geluBackward(float[] dPre, float[] dH, float[] pre, int n) {
    KernelSet k = Kernels.get();
    Parallel.forRange(n, MIN_ELEMS, (lo, hi) -> k.geluBackward(dPre, lo, dH, lo, pre, lo, hi - lo));
  }

  // ---- whole MLPs -------------------------------------------------------------------------------

  /**
   * SwiGLU MLP forward.
   *
   * @param out   (N, C) overwritten
   * @param gate  (N, I) cache: x·Wgᵀ + bg
   * @param up    (N, I) cache: x·Wuᵀ + bu
   * @param h     (N, I) cache: silu(gate) ⊙ up
   * @param x     (N, C)
   * @param wGate (I, C), wUp (I, C), wDown (C, I)
   */
  public static void swiGluForward(float[] out, float[] gate, float[] up, float[] h, float[] x,
                                   float[] wGate, float[] bGate, float[] wUp, float[] bUp, float[] wDown, float[] bDown,
                                   int n, int c, int i) {
    Linear.forward(gate, x, wGate, bGate, n, c, i);
    Linear.forward(up, x, wUp, bUp, n, c, i);
    swiGlu(h, gate, up, n * i);
    Linear.forward(out, h, wDown, bDown, n, i, c);
  }

  /**
   * SwiGLU MLP backward, the reverse of {@link #swiGluForward}.
   *
   * @param dX      (N, C) overwritten
   * @param dH      (N, I) scratch
   * @param dGate   (N, I) scratch
   * @param dUp     (N, I) scratch
   * @param scratch unused (may be null); kept for existing callers
   */
  public static void swiGluBackward(float[] dX, float[] dWGate, float[] dBGate, float[] dWUp, float[] dBUp,
                                    float[] dWDown, float[] dBDown,
                                    float[] dOut, float[] x, float[] gate, float[] up, float[] h,
                                    float[] wGate, float[] wUp, float[] wDown,
                                    float[] dH, float[] dGate, float[] dUp, float[] scratch, int n, int c, int i) {
    Linear.backward(dH, dWDown, dBDown, dOut, h, wDown, n, i, c, scratch);
    swiGluBackward(dGate, dUp, dH, gate, up, n * i);
    Linear.backwardInput(dX, dGate, wGate, n, c, i, false);
    Linear.backwardInput(dX, dUp, wUp, n, c, i, true);
    Linear.backwardWeights(dWGate, dBGate, dGate, x, n, c, i, scratch);
    Linear.backwardWeights(dWUp, dBUp, dUp, x, n, c, i, scratch);
  }

  /**
   * GELU MLP forward.
   *
   * @param out (N, C) overwritten
   * @param pre (N, I) cache: x·Wuᵀ + bu
   * @param h   (N, I) cache: gelu(pre)
   * @param wUp (I, C), wDown (C, I)
   */
  public static void geluForward(float[] out, float[] pre, float[] h, float[] x,
                                 float[] wUp, float[] bUp, float[] wDown, float[] bDown, int n, int c, int i) {
    Linear.forward(pre, x, wUp, bUp, n, c, i);
    gelu(h, pre, n * i);
    Linear.forward(out, h, wDown, bDown, n, i, c);
  }

  /**
   * GELU MLP backward.
   *
   * @param dX (N, C) overwritten
   * @param dH (N, I) scratch (overwritten with dPre)
   */
  public static void geluBackward(float[] dX, float[] dWUp, float[] dBUp, float[] dWDown, float[] dBDown,
                                  float[] dOut, float[] x, float[] pre, float[] h, float[] wUp, float[] wDown,
                                  float[] dH, float[] scratch, int n, int c, int i) {
    Linear.backward(dH, dWDown, dBDown, dOut, h, wDown, n, i, c, scratch);
    geluBackward(dH, dH, pre, n * i);
    Linear.backward(dX, dWUp, dBUp, dH, x, wUp, n, c, i, scratch);
  }
}
