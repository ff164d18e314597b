package dev.focus.op;

import dev.focus.kernel.Kernels;

/** The residual add x + f(x). Legend: n elements (B·T·C). */
public final class Residual {
  private Residual() {}

  /** out = a + b over n elements (out may alias a or b). */
  public static void forward(float[] out, float[] a, float[] b, int n) {
    Kernels.get().add(out, 0, a, 0, b, 0, n);
  }

  /** dA += dOut; dB += dOut (both sides of the sum receive the whole gradient). */
  public static void backward(float[] dA, float[] dB, float[] dOut, int n) {
    var k = Kernels.get();
    k.axpy(1f, dOut, 0, dA, 0, n);
    k.axpy(1f, dOut, 0, dB, 0, n);
  }
}
