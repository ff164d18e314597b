package dev.focus.attention;

/**
 * Running sums of causal linear attention for incremental decoding (Katharopoulos et al. 2020, §3.4):
 * <pre>
 *   s : (B, H, F, HS)   S_t = λ·S_{t−1} + φ(k_t) v_tᵀ
 *   z : (B, H, F)       z_t = λ·z_{t−1} + φ(k_t)
 * </pre>
 * One state per query head, so per-head decays need no special case. Memory is independent of length.
 */
public final class LinearState implements DecodeState {
  private final int batch, heads, features, headSize;
  final float[] s;
  final float[] z;
  int length;

  LinearState(int batch, int heads, int features, int headSize) {
    if (batch < 1) throw new IllegalArgumentException("batch=" + batch + " must be >= 1");
    this.batch = batch;
    this.heads = heads;
    this.features = features;
    this.headSize = headSize;
    this.s = new float[batch * heads * features * headSize];
    this.z = new float[batch * heads * features];
  }

  @Override public int batch() { return batch; }

  @Override public int length() { return length; }

  public int heads() { return heads; }

  public int features() { return features; }

  public int headSize() { return headSize; }

  /** Forgets every token. */
  public void clear() {
    java.util.Arrays.fill(s, 0f);
    java.util.Arrays.fill(z, 0f);
    length = 0;
  }
}
