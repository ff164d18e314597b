package dev.focus.tensor;

/** Shape arithmetic and checks with messages that name the offending values. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements of a row-major tensor; every dimension must be ≥ 0 and the product fit an int. */
  public static int size(int... dims) {
    long n = 1;
    for (int d : dims) {
      if (d < 0) throw new IllegalArgumentException("negative dimension " + d + " in shape " + java.util.Arrays.toString(dims));
      n *= d;
      if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + java.util.Arrays.toString(dims) + " has more than 2^31-1 elements");
    }
    return (int) n;
  }

  /** Throws unless {@code array} holds at least {@code off + need} elements. */
  public static void checkFits(String what, float[] array, int off, long need) {
    if (off < 0 || need < 0 || off + need > array.length) {
      throw new IllegalArgumentException(
          what + ": needs " + need + " elements from offset " + off + " but the array has " + array.length);
    }
  }

  /** Throws unless {@code value} is ≥ 1. */
  public static int positive(String name, int value) {
    if (value < 1) throw new IllegalArgumentException(name + "=" + value + " must be >= 1");
    return value;
  }
}
