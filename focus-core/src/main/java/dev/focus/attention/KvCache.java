package dev.focus.attention;

/**
 * Keys and values of the tokens decoded so far, for softmax attention. Stored in the same layout as
 * a forward pass's k and v, with T = capacity, so the attention kernels read it in place:
 * <pre>
 *   k, v : (B, capacity, KVH, HS); rows 0..length−1 are filled
 * </pre>
 */
public final class KvCache implements DecodeState {
  private final int batch, capacity, kvHeads, headSize;
  final float[] k; // (B, capacity, KVH, HS)
  final float[] v; // (B, capacity, KVH, HS)
  private int length;

  public KvCache(int batch, int capacity, int kvHeads, int headSize) {
    if (batch < 1) throw new IllegalArgumentException("batch=" + batch + " must be >= 1");
    if (capacity < 1) throw new IllegalArgumentException("capacity=" + capacity + " must be >= 1");
    if (kvHeads < 1) throw new IllegalArgumentException("kvHeads=" + kvHeads + " must be >= 1");
    if (headSize < 1) throw new IllegalArgumentException("headSize=" + headSize + " must be >= 1");
    this.batch = batch;
    this.capacity = capacity;
    this.kvHeads = kvHeads;
    this.headSize = headSize;
    long n = (long) batch * capacity * kvHeads * headSize;
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("KV cache of " + n + " floats is too large");
    this.k = new float[(int) n];
    this.v = new float[(int) n];
  }

  @Override public int batch() { return batch; }

  @Override public int length() { return length; }

  public int capacity() { return capacity; }

  public int kvHeads() { return kvHeads; }

  public int headSize() { return headSize; }

  /** Appends {@code tNew} tokens' keys and values, each (B, tNew, KVH, HS). */
  public void append(float[] kNew, float[] vNew, int tNew) {
    if (tNew < 1) throw new IllegalArgumentException("tNew=" + tNew + " must be >= 1");
    if (length + tNew > capacity) {
      throw new IllegalArgumentException("KV cache full: length=" + length + " + tNew=" + tNew + " exceeds capacity=" + capacity);
    }
    int w = kvHeads * headSize;
    AttentionSupport.checkLength("k", kNew, (long) batch * tNew * w);
    AttentionSupport.checkLength("v", vNew, (long) batch * tNew * w);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(kNew, b * tNew * w, k, (b * capacity + length) * w, tNew * w);
      System.arraycopy(vNew, b * tNew * w, v, (b * capacity + length) * w, tNew * w);
    }
    length += tNew;
  }

  /**
   * A cache with room for {@code newCapacity} tokens holding this one's tokens (for decoders that
   * start small and grow by doubling).
   */
  public KvCache grown(int newCapacity) {
    if (newCapacity < length) {
      throw new IllegalArgumentException("newCapacity=" + newCapacity + " is below the cached length " + length);
    }
    KvCache c = new KvCache(batch, newCapacity, kvHeads, headSize);
    int w = kvHeads * headSize;
    for (int b = 0; b < batch; b++) {
      System.arraycopy(k, b * capacity * w, c.k, b * newCapacity * w, length * w);
      System.arraycopy(v, b * capacity * w, c.v, b * newCapacity * w, length * w);
    }
    c.length = length;
    return c;
  }

  /** Forgets every token (keeps the buffers). */
  public void clear() { length = 0; }
}
