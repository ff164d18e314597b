package dev.focus.checkpoint;

import java.util.Arrays;

/**
 * One float32 tensor as stored in a checkpoint: a row-major shape and its values.
 *
 * @param shape  dimensions (an empty array is a scalar)
 * @param values product(shape) values, row-major
 */
public record TensorData(int[] shape, float[] values) {
  public TensorData {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
    }
  }

  /** A rank-1 tensor over the whole array. */
  public static TensorData of(float[] values) { return new TensorData(new int[] {values.length}, values); }

  @Override
  public String toString() { return "TensorData" + Arrays.toString(shape); }
}
