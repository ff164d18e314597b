package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.attention.DecodeState;
import dev.focus.attention.KvCache;
import dev.focus.op.Linear;
import dev.focus.position.PositionKind;

/**
 * Incremental decoding of one sequence: each {@link #step} feeds one token and returns the logits for
 * the next, equal (up to float rounding) to the full forward pass's logits at that position.
 *
 * <p>Each layer keeps its attention's decode state ({@link Attention#newDecodeState},
 * {@link Attention#decode}): for softmax and flash attention a {@link KvCache} of (1, Tcap, KVH, HS)
 * with keys already rotated, which starts at 64 tokens and doubles when full; for linear attention
 * the recurrent sums S = Σ_m λ^{n−m} (R_m φ(k_m)) v_mᵀ and z = Σ_m λ^{n−m} φ(k_m) (Katharopoulos et
 * al. 2020, eq. 18–19), so a step costs O(F·HS) whatever the length. A step runs each {@link Block}'s
 * {@link Block#step} with the model's rotary table (grown as the sequence grows; the blocks read it per
 * call) and adds absolute positions through the model's position encoding.
 *
 * <p>Reads the model's weights live (no copy); not thread-safe.
 */
public final class Decoder {
  private final Model model;
  private final ModelConfig c;
  private int pos;
  private final DecodeState[] states;  // L
  private final Block.Cache row;       // one-row buffers, shared by the layers
  private final Block.Scratch scratch;
  private final float[] x, xn, stat1, stat2, logits; // (C) residual stream, (C) final norm, (1) ×2 statistics, (V)

  Decoder(Model model) {
    this.model = model;
    this.c = model.config();
    states = new DecodeState[c.layers()];
    newStates();
    Block.Shape shape = Block.Shape.of(c);
    row = new Block.Cache(shape, 1);
    scratch = new Block.Scratch(shape, 1, false);
    x = new float[c.hidden()];
    xn = new float[c.hidden()];
    stat1 = new float[1];
    stat2 = new float[1];
    logits = new float[c.vocab()];
  }

  private void newStates() {
    for (int l = 0; l < states.length; l++) states[l] = model.blocks[l].attention().newDecodeState(1, Math.min(c.context(), 64));
  }

  /** Number of tokens consumed so far (the position of the next token). */
  public int position() { return pos; }

  /** Forgets the sequence. */
  public void reset() {
    pos = 0;
    newStates();
  }

  /** Feeds every token and returns the logits after the last one (a new array of V floats). */
  public float[] prefill(int[] tokens) {
    if (tokens.length == 0) throw new IllegalArgumentException("prefill needs at least one token");
    float[] out = null;
    for (int tok : tokens) out = step(tok);
    return out;
  }

  /** Feeds one token at position {@link #position()} and returns the next-token logits (a new array). */
  public float[] step(int token) {
    int C = c.hidden(), V = c.vocab();
    if (token < 0 || token >= V) throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + V + ")");
    if (c.position().kind() == PositionKind.LEARNED && pos >= c.context()) {
      throw new IllegalArgumentException("position " + pos + " exceeds context=" + c.context() + " of the learned position table");
    }
    var table = model.rotary(pos + 1);
    System.arraycopy(model.embed.value(), token * C, x, 0, C);
    model.position.addTo(x, 1, 1, pos);
    for (int l = 0; l < c.layers(); l++) {
      if (states[l] instanceof KvCache cache && cache.length() == cache.capacity()) states[l] = cache.grown(2 * cache.capacity());
      model.blocks[l].step(row, scratch, x, states[l], table);
    }
    Block.norm(model.blocks[0].shape(), xn, stat1, stat2, x, model.normW, model.normB, 1);
    Linear.forward(logits, xn, model.head.value(), null, 1, C, V);
    pos++;
    return logits.clone();
  }
}
