package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.attention.DecodeState;
import dev.focus.attention.KvCache;
import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;
import dev.focus.op.LayerNorm;
import dev.focus.op.Linear;
import dev.focus.op.Mlp;
import dev.focus.op.RmsNorm;
import dev.focus.position.RopeTable;

/**
 * Incremental decoding of one sequence: each {@link #step} feeds one token and returns the logits for
 * the next, equal (up to float rounding) to the full forward pass's logits at that position.
 *
 * <p>Each layer keeps its attention's decode state ({@link Attention#newDecodeState},
 * {@link Attention#decode}): for softmax and flash attention a {@link KvCache} of (1, Tcap, KVH, HS)
 * with keys already rotated, which starts at 64 tokens and doubles when full; for linear attention
 * the recurrent sums S = Σ_m λ^{n−m} (R_m φ(k_m)) v_mᵀ and z = Σ_m λ^{n−m} φ(k_m) (Katharopoulos et
 * al. 2020, eq. 18–19), so a step costs O(F·HS) whatever the length. Positions are applied per step
 * (the linear attention rotates its numerator at the state's length).
 *
 * <p>Reads the model's weights live (no copy); not thread-safe.
 */
public final class Decoder {
  private static final KernelSet K = Kernels.get();

  private final Model model;
  private final ModelConfig c;
  private int pos;
  private final DecodeState[] states; // L

  // one-row scratch
  private final float[] x, xn, stat1, stat2, q, k, v, y, proj, gate, up, h, logits;

  Decoder(Model model) {
    this.model = model;
    this.c = model.config();
    int C = c.hidden(), I = c.intermediate(), hs = c.headSize();
    int qw = c.heads() * hs, kw = c.kvHeads() * hs;
    states = new DecodeState[c.layers()];
    newStates();
    x = new float[C];
    xn = new float[C];
    stat1 = new float[1];
    stat2 = new float[1];
    q = new float[qw];
    k = new float[kw];
    v = new float[kw];
    y = new float[qw];
    proj = new float[C];
    gate = new float[I];
    up = new float[I];
    h = new float[I];
    logits = new float[c.vocab()];
  }

  private void newStates() {
    for (int l = 0; l < states.length; l++) states[l] = model.attention().newDecodeState(1, Math.min(c.context(), 64));
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
    int C = c.hidden(), V = c.vocab(), I = c.intermediate();
    int nh = c.heads(), kvh = c.kvHeads(), qw = nh * c.headSize(), kw = kvh * c.headSize();
    if (token < 0 || token >= V) throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + V + ")");
    if (c.position().kind() == dev.focus.position.PositionKind.LEARNED && pos >= c.context()) {
      throw new IllegalArgumentException("position " + pos + " exceeds context=" + c.context() + " of the learned position table");
    }
    model.ensureTables(pos + 1);
    Attention attention = model.attention(); // rebuilt when a linear attention's rotary table grows
    System.arraycopy(model.embed.value(), token * C, x, 0, C);
    model.position.addTo(x, 1, 1, pos);
    RopeTable rope = c.rotary() && c.softmax() ? model.rotary() : null;
    for (int l = 0; l < c.layers(); l++) {
      Model.Block w = model.blocks[l];
      norm(xn, stat1, stat2, x, w.n1w, w.n1b);
      Linear.forward(q, xn, w.wq.value(), val(w.bq), 1, C, qw);
      Linear.forward(k, xn, w.wk.value(), val(w.bk), 1, C, kw);
      Linear.forward(v, xn, w.wv.value(), val(w.bv), 1, C, kw);
      if (rope != null) {
        rope.rotate(q, 0, pos, 1, nh, c.headSize());
        rope.rotate(k, 0, pos, 1, kvh, c.headSize());
      }
      if (states[l] instanceof KvCache cache && cache.length() == cache.capacity()) {
        states[l] = cache.grown(2 * cache.capacity());
      }
      attention.decode(y, q, k, v, val(w.headScale), states[l], 1);
      Linear.forward(proj, y, w.wo.value(), val(w.bo), 1, qw, C);
      K.add(x, 0, x, 0, proj, 0, C);
      norm(xn, stat1, stat2, x, w.n2w, w.n2b);
      if (c.mlp() == MlpKind.SWIGLU) {
        Mlp.swiGluForward(proj, gate, up, h, xn, w.wGate.value(), val(w.bGate), w.wUp.value(), val(w.bUp),
            w.wDown.value(), val(w.bDown), 1, C, I);
      } else {
        Mlp.geluForward(proj, up, h, xn, w.wUp.value(), val(w.bUp), w.wDown.value(), val(w.bDown), 1, C, I);
      }
      K.add(x, 0, x, 0, proj, 0, C);
    }
    norm(xn, stat1, stat2, x, model.normW, model.normB);
    Linear.forward(logits, xn, model.head.value(), null, 1, C, V);
    pos++;
    return logits.clone();
  }

  private void norm(float[] out, float[] sa, float[] sb, float[] in, Parameter w, Parameter b) {
    float eps = (float) c.normEps();
    if (c.norm() == NormKind.RMSNORM) {
      RmsNorm.forward(out, sa, in, w.value(), 1, c.hidden(), eps);
    } else {
      LayerNorm.forward(out, sa, sb, in, w.value(), val(b), 1, c.hidden(), eps);
    }
  }

  private static float[] val(Parameter p) { return p == null ? null : p.value(); }
}
