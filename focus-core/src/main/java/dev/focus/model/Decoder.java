package dev.focus.model;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.model.ModelConfig.AttentionKind;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;
import dev.focus.op.Embedding;
import dev.focus.op.LayerNorm;
import dev.focus.op.Linear;
import dev.focus.op.Mlp;
import dev.focus.op.RmsNorm;
import java.util.Arrays;

/**
 * Incremental decoding of one sequence: each {@link #step} feeds one token and returns the logits for
 * the next, equal (up to float rounding) to the full forward pass's logits at that position.
 *
 * <p>Softmax attention keeps a key/value cache per layer, (KVH, Tcap, HS) with keys already rotated.
 * Linear attention keeps its recurrent state instead (Katharopoulos et al. 2020, eq. 18–19): per kv
 * head S = Σ_m (R_m g_m) v_mᵀ, (HS, HS), and u = Σ_m g_m, (HS), so a step costs O(HS²) whatever the
 * length: y_n = (R_n f_n)ᵀ S / (f_n · u).
 *
 * <p>Reads the model's weights live (no copy); not thread-safe.
 */
public final class Decoder {
  private static final KernelSet K = Kernels.get();

  private final Model model;
  private final ModelConfig c;
  private final boolean linear;
  private int pos;
  private int capacity;

  private float[][] kCache, vCache;   // softmax: L × (KVH, Tcap, HS)
  private final float[][] state;      // linear: L × (KVH, HS, HS)
  private final float[][] keySum;     // linear: L × (KVH, HS)

  // one-row scratch
  private final float[] x, xn, stat1, stat2, q, k, v, fq, fk, y, proj, gate, up, h, logits;
  private float[] scores;             // (Tcap)

  Decoder(Model model) {
    this.model = model;
    this.c = model.config();
    this.linear = c.attention() == AttentionKind.LINEAR;
    int L = c.layers(), C = c.hidden(), I = c.intermediate(), hs = c.headSize();
    int qw = c.heads() * hs, kw = c.kvHeads() * hs;
    this.capacity = Math.min(c.context(), 64);
    if (linear) {
      state = new float[L][c.kvHeads() * hs * hs];
      keySum = new float[L][kw];
    } else {
      state = keySum = null;
      kCache = new float[L][kw * capacity];
      vCache = new float[L][kw * capacity];
    }
    x = new float[C];
    xn = new float[C];
    stat1 = new float[1];
    stat2 = new float[1];
    q = new float[qw];
    k = new float[kw];
    v = new float[kw];
    fq = new float[qw];
    fk = new float[kw];
    y = new float[qw];
    proj = new float[C];
    gate = new float[I];
    up = new float[I];
    h = new float[I];
    logits = new float[c.vocab()];
    scores = new float[capacity];
  }

  /** Number of tokens consumed so far (the position of the next token). */
  public int position() { return pos; }

  /** Forgets the sequence. */
  public void reset() {
    pos = 0;
    if (linear) {
      for (float[] s : state) Arrays.fill(s, 0f);
      for (float[] s : keySum) Arrays.fill(s, 0f);
    }
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
    int nh = c.heads(), kvh = c.kvHeads(), hs = c.headSize(), qw = nh * hs, kw = kvh * hs;
    if (token < 0 || token >= V) throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + V + ")");
    if (c.position() == ModelConfig.PositionKind.LEARNED && pos >= c.context()) {
      throw new IllegalArgumentException("position " + pos + " exceeds context=" + c.context() + " of the learned position table");
    }
    model.ensureTables(pos + 1);
    if (!linear && pos >= capacity) grow(Math.max(2 * capacity, pos + 1));
    System.arraycopy(model.embed.value(), token * C, x, 0, C);
    if (model.positions != null) Embedding.addPositions(x, model.positions.value(), 1, 1, C, pos);
    if (model.sinusoids() != null) Embedding.addPositions(x, model.sinusoids(), 1, 1, C, pos);
    RotaryTable rope = c.rotary() ? model.rope() : null;
    float scale = (float) (1.0 / Math.sqrt(hs));
    int group = nh / kvh;
    for (int l = 0; l < c.layers(); l++) {
      Model.Block w = model.blocks[l];
      norm(xn, stat1, stat2, x, w.n1w, w.n1b);
      Linear.forward(q, xn, w.wq.value(), val(w.bq), 1, C, qw);
      Linear.forward(k, xn, w.wk.value(), val(w.bk), 1, C, kw);
      Linear.forward(v, xn, w.wv.value(), val(w.bv), 1, C, kw);
      if (linear) {
        CausalSelfAttention.eluPlusOne(q, 0, qw);
        CausalSelfAttention.eluPlusOne(k, 0, kw);
        System.arraycopy(q, 0, fq, 0, qw);
        System.arraycopy(k, 0, fk, 0, kw);
        if (rope != null) {
          for (int hh = 0; hh < nh; hh++) rope.rotate(q, hh * hs, 1, pos, false);
          for (int g = 0; g < kvh; g++) rope.rotate(k, g * hs, 1, pos, false);
        }
        float[] s = state[l], u = keySum[l];
        for (int g = 0; g < kvh; g++) {
          for (int i = 0; i < hs; i++) K.axpy(k[g * hs + i], v, g * hs, s, (g * hs + i) * hs, hs);
          K.add(u, g * hs, u, g * hs, fk, g * hs, hs);
        }
        for (int hh = 0; hh < nh; hh++) {
          int g = hh / group;
          K.matmul(y, hh * hs, q, hh * hs, s, g * hs * hs, 1, hs, hs, false);
          float z = K.dot(fq, hh * hs, u, g * hs, hs);
          K.scale(y, hh * hs, hs, 1f / z);
        }
      } else {
        if (rope != null) {
          for (int hh = 0; hh < nh; hh++) rope.rotate(q, hh * hs, 1, pos, false);
          for (int g = 0; g < kvh; g++) rope.rotate(k, g * hs, 1, pos, false);
        }
        float[] kc = kCache[l], vc = vCache[l];
        for (int g = 0; g < kvh; g++) {
          System.arraycopy(k, g * hs, kc, (g * capacity + pos) * hs, hs);
          System.arraycopy(v, g * hs, vc, (g * capacity + pos) * hs, hs);
        }
        for (int hh = 0; hh < nh; hh++) {
          int g = hh / group;
          float slope = model.slopes == null ? 0f : model.slopes[hh];
          int base = g * capacity * hs;
          K.matmulNT(scores, 0, q, hh * hs, kc, base, 1, hs, pos + 1, false);
          float mx = Float.NEGATIVE_INFINITY;
          for (int m = 0; m <= pos; m++) {
            scores[m] = scores[m] * scale - slope * (pos - m);
            mx = Math.max(mx, scores[m]);
          }
          float sum = 0f;
          for (int m = 0; m <= pos; m++) {
            scores[m] = (float) Math.exp(scores[m] - mx);
            sum += scores[m];
          }
          K.scale(scores, 0, pos + 1, 1f / sum);
          K.matmul(y, hh * hs, scores, 0, vc, base, 1, pos + 1, hs, false);
        }
      }
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

  private void grow(int newCap) {
    int kvh = c.kvHeads(), hs = c.headSize();
    for (int l = 0; l < c.layers(); l++) {
      float[] nk = new float[kvh * newCap * hs], nv = new float[kvh * newCap * hs];
      for (int g = 0; g < kvh; g++) {
        System.arraycopy(kCache[l], g * capacity * hs, nk, g * newCap * hs, pos * hs);
        System.arraycopy(vCache[l], g * capacity * hs, nv, g * newCap * hs, pos * hs);
      }
      kCache[l] = nk;
      vCache[l] = nv;
    }
    capacity = newCap;
    scores = new float[newCap];
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
