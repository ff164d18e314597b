package dev.focus.tensor;

import java.util.Arrays;

/**
 * A tiny float tensor: an array, an offset and a length. Shapes live in configs and op signatures,
 * not here (STYLE.md §2.4); this class only bundles a slice of memory with a name for messages.
 *
 * <p>Layout is always row-major and dense. Add strides or views only when a measured need arises.
 */
public final class FloatTensor {
  private final String name;
  private final float[] data;
  private final int offset;
  private final int length;

  private FloatTensor(String name, float[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > data.length) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': offset=" + offset + " length=" + length
              + " does not fit an array of " + data.length);
    }
    this.name = name;
    this.data = data;
    this.offset = offset;
    this.length = length;
  }

  /** A zero-filled tensor with {@code Shapes.size(dims)} elements. */
  public static FloatTensor zeros(String name, int... dims) {
    return new FloatTensor(name, new float[Shapes.size(dims)], 0, Shapes.size(dims));
  }

  /** Wraps the whole array (no copy). */
  public static FloatTensor wrap(String name, float[] data) {
    return new FloatTensor(name, data, 0, data.length);
  }

  /** A view of {@code length} elements starting at {@code offset} (no copy). */
  public FloatTensor slice(int offset, int length) {
    return new FloatTensor(name, data, this.offset + offset, length);
  }

  public String name() { return name; }
  public float[] data() { return data; }
  public int offset() { return offset; }
  public int size() { return length; }
  public float get(int i) { return data[offset + i]; }
  public void set(int i, float v) { data[offset + i] = v; }

  public void fill(float v) { Arrays.fill(data, offset, offset + length, v); }

  /** A copy of the visible elements as a fresh array. */
  public float[] toArray() { return Arrays.copyOfRange(data, offset, offset + length); }

  @Override
  public String toString() { return "FloatTensor[" + name + ", " + length + "]"; }
}
