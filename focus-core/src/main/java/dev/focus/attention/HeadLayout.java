package dev.focus.attention;

/**
 * How the heads of one attention layer are laid out: {@code heads} query heads of size
 * {@code headSize}, sharing {@code kvHeads} key/value heads (grouped-query attention, Ainslie et al.
 * 2023). Query head h reads kv head {@code h / (heads / kvHeads)}; kvHeads = heads is ordinary
 * multi-head attention, kvHeads = 1 is multi-query attention.
 *
 * <p>Legend used throughout this package: B batch, T positions (Tq queries, Tk keys), H query heads,
 * KVH key/value heads, HS head size, F feature size of a linear-attention map.
 */
public record HeadLayout(int heads, int kvHeads, int headSize) {

  public HeadLayout {
    if (heads < 1) throw new IllegalArgumentException("heads=" + heads + " must be >= 1");
    if (kvHeads < 1) throw new IllegalArgumentException("kvHeads=" + kvHeads + " must be >= 1");
    if (headSize < 1) throw new IllegalArgumentException("headSize=" + headSize + " must be >= 1");
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("kvHeads=" + kvHeads + " must divide heads=" + heads);
    }
  }

  /** Multi-head attention: one kv head per query head. */
  public static HeadLayout mha(int heads, int headSize) {
    return new HeadLayout(heads, heads, headSize);
  }

  /** Query heads per kv head (H / KVH). */
  public int group() { return heads / kvHeads; }

  /** The kv head that query head {@code h} reads. */
  public int kvHeadOf(int h) { return h / group(); }

  /** H·HS: the width of one token's queries (and of the output). */
  public int qWidth() { return heads * headSize; }

  /** KVH·HS: the width of one token's keys or values. */
  public int kvWidth() { return kvHeads * headSize; }

  /** 1/sqrt(HS), the usual logit scale. */
  public float defaultScale() { return (float) (1.0 / Math.sqrt(headSize)); }
}
