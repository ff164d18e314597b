package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.attention.DecodeState;
import dev.focus.attention.Mask;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;
import dev.focus.op.LayerNorm;
import dev.focus.op.Linear;
import dev.focus.op.Mlp;
import dev.focus.op.Residual;
import dev.focus.op.RmsNorm;
import dev.focus.position.RopeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One pre-norm decoder block (nanoGPT's {@code Block}, a Llama decoder layer), the one block of the text
 * {@link Model}, its incremental {@link Decoder}, the multimodal model and the lab's NoPE probes:
 * <pre>
 *   h  = x + W_o · Attn(Norm₁(x))        attention sub-layer (q, k, v projections, then the core)
 *   x' = h + MLP(Norm₂(h))               MLP sub-layer (SwiGLU or GELU)
 * </pre>
 * {@link #backward} makes the same calls bottom-up (llm.c's {@code gpt2_backward}). The attention core
 * ({@code dev.focus.attention}) is the block's; the mask and the rotary table come with each call, so
 * a longer sequence needs a longer table, not a new block. Softmax logits are λ·λ_h·q·k/√HS + bias, λ_h
 * a trainable per-head scale when {@code headScale} is on.
 *
 * <p>Parameters carry Hugging Face Llama names under a prefix ({@code model.layers.3.}): see
 * {@link #specs}. Gradients follow {@code dev.focus.op}: parameter gradients accumulate; the residual
 * stream's gradient {@code dRes} is updated in place.
 *
 * <p>Legend: B batch, T positions, N = B·T rows, C width, I MLP width, NH/KVH heads, HS head size.
 */
public final class Block {

  /**
   * The sizes and options of a block.
   *
   * @param hidden       C
   * @param intermediate I
   * @param heads        NH
   * @param kvHeads      KVH
   * @param norm         RMSNorm or LayerNorm, with ε = {@code normEps} (rounded to float)
   * @param mlp          SwiGLU or GELU
   * @param bias         which linear layers carry biases (and, for {@link ModelConfig.Bias#ALL}, the LayerNorm shifts)
   * @param headScale    a trainable λ_h per head
   */
  public record Shape(int hidden, int intermediate, int heads, int kvHeads, NormKind norm, double normEps, MlpKind mlp,
                      ModelConfig.Bias bias, boolean headScale) {
    /** The block of a text model's configuration. */
    public static Shape of(ModelConfig c) {
      return new Shape(c.hidden(), c.intermediate(), c.heads(), c.kvHeads(), c.norm(), c.normEps(), c.mlp(), c.bias(), c.headScale());
    }

    /** HS = C/NH. */
    public int headSize() { return hidden / heads; }
  }

  private final Shape s;
  private final Attention attention;
  final Parameter n1w, n1b;         // (C), (C) or null
  final Parameter wq, bq;           // (NH·HS, C), (NH·HS)
  final Parameter wk, bk;           // (KVH·HS, C), (KVH·HS)
  final Parameter wv, bv;           // (KVH·HS, C), (KVH·HS)
  final Parameter wo, bo;           // (C, NH·HS), (C)
  final Parameter headScale;        // (NH) λ_h, or null
  final Parameter n2w, n2b;         // (C)
  final Parameter wGate, bGate;     // (I, C), (I): SwiGLU only
  final Parameter wUp, bUp;         // (I, C), (I)
  final Parameter wDown, bDown;     // (C, I), (C)

  /**
   * The parameter names, shapes and roles of one block under {@code prefix}, in the order they are made
   * (and drawn from a seeded initialiser): the attention norm, q, k, v, o, λ_h (a GAIN, set to 1 without
   * drawing), the MLP norm, gate/up/down; each weight followed by its bias when {@code bias}.
   */
  public static List<Model.Spec> specs(String prefix, Shape s) {
    int C = s.hidden(), I = s.intermediate(), qw = s.heads() * s.headSize(), kw = s.kvHeads() * s.headSize();
    boolean ln = s.norm() == NormKind.LAYERNORM;
    List<Model.Spec> out = new ArrayList<>();
    out.add(new Model.Spec(prefix + "input_layernorm.weight", new int[] {C}, Model.Kind.GAIN));
    if (ln && s.bias().mlp()) out.add(new Model.Spec(prefix + "input_layernorm.bias", new int[] {C}, Model.Kind.BIAS));
    linear(out, prefix + "self_attn.q_proj", qw, C, s.bias().qkv());
    linear(out, prefix + "self_attn.k_proj", kw, C, s.bias().qkv());
    linear(out, prefix + "self_attn.v_proj", kw, C, s.bias().qkv());
    linear(out, prefix + "self_attn.o_proj", C, qw, s.bias().output());
    if (s.headScale()) out.add(new Model.Spec(prefix + "self_attn.head_scale", new int[] {s.heads()}, Model.Kind.GAIN));
    out.add(new Model.Spec(prefix + "post_attention_layernorm.weight", new int[] {C}, Model.Kind.GAIN));
    if (ln && s.bias().mlp()) out.add(new Model.Spec(prefix + "post_attention_layernorm.bias", new int[] {C}, Model.Kind.BIAS));
    if (s.mlp() == MlpKind.SWIGLU) linear(out, prefix + "mlp.gate_proj", I, C, s.bias().mlp());
    linear(out, prefix + "mlp.up_proj", I, C, s.bias().mlp());
    linear(out, prefix + "mlp.down_proj", C, I, s.bias().mlp());
    return out;
  }

  private static void linear(List<Model.Spec> out, String name, int rows, int cols, boolean bias) {
    out.add(new Model.Spec(name + ".weight", new int[] {rows, cols}, Model.Kind.WEIGHT));
    if (bias) out.add(new Model.Spec(name + ".bias", new int[] {rows}, Model.Kind.BIAS));
  }

  /**
   * A block over the parameters {@code param} gives for each name of {@link #specs}(prefix, s) (null
   * for a name the shape does not have), with the attention core {@code attention}.
   */
  public Block(String prefix, Shape s, Attention attention, Function<String, Parameter> param) {
    this.s = s;
    this.attention = attention;
    n1w = param.apply(prefix + "input_layernorm.weight");
    n1b = param.apply(prefix + "input_layernorm.bias");
    wq = param.apply(prefix + "self_attn.q_proj.weight");
    bq = param.apply(prefix + "self_attn.q_proj.bias");
    wk = param.apply(prefix + "self_attn.k_proj.weight");
    bk = param.apply(prefix + "self_attn.k_proj.bias");
    wv = param.apply(prefix + "self_attn.v_proj.weight");
    bv = param.apply(prefix + "self_attn.v_proj.bias");
    wo = param.apply(prefix + "self_attn.o_proj.weight");
    bo = param.apply(prefix + "self_attn.o_proj.bias");
    headScale = param.apply(prefix + "self_attn.head_scale");
    n2w = param.apply(prefix + "post_attention_layernorm.weight");
    n2b = param.apply(prefix + "post_attention_layernorm.bias");
    wGate = param.apply(prefix + "mlp.gate_proj.weight");
    bGate = param.apply(prefix + "mlp.gate_proj.bias");
    wUp = param.apply(prefix + "mlp.up_proj.weight");
    bUp = param.apply(prefix + "mlp.up_proj.bias");
    wDown = param.apply(prefix + "mlp.down_proj.weight");
    bDown = param.apply(prefix + "mlp.down_proj.bias");
  }

  public Shape shape() { return s; }

  /** The attention core. */
  public Attention attention() { return attention; }

  /** λ_h (NH), or null. */
  float[] headScaleValues() { return val(headScale); }

  // ---- caches -------------------------------------------------------------------------------------

  /** What one layer's forward keeps for its backward (and its observers). Field comments give shapes. */
  public static final class Cache {
    final int n;
    final float[] n1, s1a, s1b;  // (N, C) attention norm output; (N) its statistics (1/rms or μ; 1/σ for LayerNorm)
    final float[] q;             // (N, NH·HS) queries, as projected (the attention turns copies)
    final float[] k;             // (N, KVH·HS) keys
    final float[] v;             // (N, KVH·HS) values
    final float[] y;             // (N, NH·HS) attention output (input of W_o)
    Attention.Saved saved;       // what the attention's backward needs (recycled by the next forward)
    final float[] n2, s2a, s2b;  // (N, C) MLP norm output; (N) statistics
    final float[] gate;          // (N, I) SwiGLU gate pre-activation; null for GELU
    final float[] up;            // (N, I) SwiGLU up projection / GELU pre-activation
    final float[] h;             // (N, I) MLP hidden activation

    public Cache(Shape s, int n) {
      int C = s.hidden(), I = s.intermediate(), hs = s.headSize();
      boolean ln = s.norm() == NormKind.LAYERNORM;
      this.n = n;
      n1 = new float[n * C];
      s1a = new float[n];
      s1b = ln ? new float[n] : null;
      q = new float[n * s.heads() * hs];
      k = new float[n * s.kvHeads() * hs];
      v = new float[n * s.kvHeads() * hs];
      y = new float[q.length];
      n2 = new float[n * C];
      s2a = new float[n];
      s2b = ln ? new float[n] : null;
      gate = s.mlp() == MlpKind.SWIGLU ? new float[n * I] : null;
      up = new float[n * I];
      h = new float[n * I];
    }
  }

  /**
   * Buffers every layer of a pass shares: the two sub-layer outputs (kept until the next block runs, so
   * an observer of the block can read them) and, for training, the backward scratch.
   */
  public static final class Scratch {
    final float[] attnOut;               // (N, C) W_o · Attn(Norm₁(x)), before the residual add
    final float[] mlpOut;                // (N, C) MLP(Norm₂(h)), before the residual add
    final float[] dN;                    // (N, C) gradient of a norm output
    final float[] dY;                    // (N, NH·HS) gradient of the attention output
    final float[] dQ, dK, dV;            // (N, NH·HS), (N, KVH·HS) ×2
    final float[] dH, dGate, dUp;        // (N, I)

    public Scratch(Shape s, int n, boolean training) {
      int C = s.hidden(), I = s.intermediate(), qw = s.heads() * s.headSize(), kw = s.kvHeads() * s.headSize();
      attnOut = new float[n * C];
      mlpOut = new float[n * C];
      if (training) {
        dN = new float[n * C];
        dY = new float[n * qw];
        dQ = new float[n * qw];
        dK = new float[n * kw];
        dV = new float[n * kw];
        dH = new float[n * I];
        dGate = new float[n * I];
        dUp = new float[n * I];
      } else {
        dN = dY = dQ = dK = dV = dH = dGate = dUp = null;
      }
    }
  }

  // ---- forward ------------------------------------------------------------------------------------

  /**
   * x' = h + MLP(Norm₂(h)), h = x + W_o·Attn(Norm₁(x)), over B sequences of T tokens.
   *
   * @param x      (N, C) the residual stream entering the block
   * @param h      (N, C) written: the stream after the attention sub-layer
   * @param out    (N, C) written: the block's output x'
   * @param mask   which keys each query sees
   * @param rotary the rotary table (rows: positions, or each sequence's own; {@code RopeTable.row}), or null
   */
  public void forward(Cache c, Scratch w, float[] x, float[] h, float[] out, Mask mask, RopeTable rotary, int batch, int t) {
    int nC = c.n * s.hidden();
    attend(c, w.attnOut, x, mask, rotary, batch, t);   // a  = W_o · Attn(Norm₁(x))
    Residual.forward(h, x, w.attnOut, nC);              // h  = x + a
    mlp(c, w.mlpOut, h);                                // m  = MLP(Norm₂(h))
    Residual.forward(out, h, w.mlpOut, nC);             // x' = h + m
  }

  private void attend(Cache c, float[] aOut, float[] x, Mask mask, RopeTable rotary, int batch, int t) {
    project(c, x, c.n);
    c.saved = attention.forward(c.y, c.q, c.k, c.v, val(headScale), mask, rotary, batch, t, c.saved);
    Linear.forward(aOut, c.y, wo.value(), val(bo), c.n, s.heads() * s.headSize(), s.hidden());
  }

  /** Norm₁(x), then q, k, v (token-major, straight from the projections). */
  private void project(Cache c, float[] x, int n) {
    int C = s.hidden(), qw = s.heads() * s.headSize(), kw = s.kvHeads() * s.headSize();
    norm(c.n1, c.s1a, c.s1b, x, n1w, n1b, n);
    Linear.forward(c.q, c.n1, wq.value(), val(bq), n, C, qw);
    Linear.forward(c.k, c.n1, wk.value(), val(bk), n, C, kw);
    Linear.forward(c.v, c.n1, wv.value(), val(bv), n, C, kw);
  }

  /** mOut = MLP(Norm₂(h)). */
  private void mlp(Cache c, float[] mOut, float[] h) {
    int n = c.n, C = s.hidden(), I = s.intermediate();
    norm(c.n2, c.s2a, c.s2b, h, n2w, n2b, n);
    if (s.mlp() == MlpKind.SWIGLU) {
      Mlp.swiGluForward(mOut, c.gate, c.up, c.h, c.n2, wGate.value(), val(bGate), wUp.value(), val(bUp), wDown.value(),
          val(bDown), n, C, I);
    } else {
      Mlp.geluForward(mOut, c.up, c.h, c.n2, wUp.value(), val(bUp), wDown.value(), val(bDown), n, C, I);
    }
  }

  /**
   * One token of incremental decoding: x (1, C) goes through the block in place, its key and value
   * join {@code state}, and it turns by the rotary table's row at the state's length. The same
   * operations as {@link #forward} on one row. {@code c} and {@code w} are one-row buffers.
   */
  public void step(Cache c, Scratch w, float[] x, DecodeState state, RopeTable rotary) {
    int C = s.hidden();
    project(c, x, 1);
    attention.decode(c.y, c.q, c.k, c.v, val(headScale), state, rotary, 1);
    Linear.forward(w.attnOut, c.y, wo.value(), val(bo), 1, s.heads() * s.headSize(), C);
    Residual.forward(x, x, w.attnOut, C);
    mlp(c, w.mlpOut, x);
    Residual.forward(x, x, w.mlpOut, C);
  }

  // ---- backward -----------------------------------------------------------------------------------

  /**
   * The exact reverse of {@link #forward}: {@code dRes} holds ∂L/∂x' on entry and ∂L/∂x on exit (the
   * residual adds pass it through; each norm's input gradient accumulates into it).
   */
  public void backward(Cache c, Scratch w, float[] dRes, float[] x, float[] h) {
    mlpBackward(c, w, dRes, h);      // dRes = ∂L/∂h
    attendBackward(c, w, dRes, x);   // dRes = ∂L/∂x
  }

  private void mlpBackward(Cache c, Scratch w, float[] dRes, float[] h) {
    int n = c.n, C = s.hidden(), I = s.intermediate();
    if (s.mlp() == MlpKind.SWIGLU) {
      Mlp.swiGluBackward(w.dN, wGate.grad(), grad(bGate), wUp.grad(), grad(bUp), wDown.grad(), grad(bDown), dRes, c.n2, c.gate,
          c.up, c.h, wGate.value(), wUp.value(), wDown.value(), w.dH, w.dGate, w.dUp, null, n, C, I);
    } else {
      Mlp.geluBackward(w.dN, wUp.grad(), grad(bUp), wDown.grad(), grad(bDown), dRes, c.n2, c.up, c.h, wUp.value(), wDown.value(),
          w.dH, null, n, C, I);
    }
    normBackward(dRes, n2w, n2b, w.dN, h, c.s2a, c.s2b, n);
  }

  private void attendBackward(Cache c, Scratch w, float[] dRes, float[] x) {
    int n = c.n, C = s.hidden(), qw = s.heads() * s.headSize(), kw = s.kvHeads() * s.headSize();
    Linear.backward(w.dY, wo.grad(), grad(bo), dRes, c.y, wo.value(), n, qw, C, null);
    attention.backward(w.dQ, w.dK, w.dV, grad(headScale), w.dY, c.saved);
    Linear.backwardInput(w.dN, w.dQ, wq.value(), n, C, qw, false);
    Linear.backwardInput(w.dN, w.dK, wk.value(), n, C, kw, true);
    Linear.backwardInput(w.dN, w.dV, wv.value(), n, C, kw, true);
    Linear.backwardWeights(wq.grad(), grad(bq), w.dQ, c.n1, n, C, qw, null);
    Linear.backwardWeights(wk.grad(), grad(bk), w.dK, c.n1, n, C, kw, null);
    Linear.backwardWeights(wv.grad(), grad(bv), w.dV, c.n1, n, C, kw, null);
    normBackward(dRes, n1w, n1b, w.dN, x, c.s1a, c.s1b, n);
  }

  // ---- norms --------------------------------------------------------------------------------------

  /** out = Norm(in) with gain w (and shift b under LayerNorm); sa, sb are the per-row statistics. */
  void norm(float[] out, float[] sa, float[] sb, float[] in, Parameter w, Parameter b, int n) {
    norm(s, out, sa, sb, in, w, b, n);
  }

  /** The norm of a block shape, also the model's final norm. */
  static void norm(Shape s, float[] out, float[] sa, float[] sb, float[] in, Parameter w, Parameter b, int n) {
    float eps = (float) s.normEps();
    if (s.norm() == NormKind.RMSNORM) {
      RmsNorm.forward(out, sa, in, w.value(), n, s.hidden(), eps);
    } else {
      LayerNorm.forward(out, sa, sb, in, w.value(), val(b), n, s.hidden(), eps);
    }
  }

  private void normBackward(float[] dIn, Parameter w, Parameter b, float[] dOut, float[] in, float[] sa, float[] sb, int n) {
    normBackward(s, dIn, w, b, dOut, in, sa, sb, n);
  }

  /** dIn += the norm's input gradient (the residual stream); gain and shift gradients accumulate. */
  static void normBackward(Shape s, float[] dIn, Parameter w, Parameter b, float[] dOut, float[] in, float[] sa, float[] sb, int n) {
    if (s.norm() == NormKind.RMSNORM) {
      RmsNorm.backward(dIn, w.grad(), dOut, in, w.value(), sa, n, s.hidden());
    } else {
      LayerNorm.backward(dIn, w.grad(), b == null ? null : b.grad(), dOut, in, w.value(), sa, sb, n, s.hidden());
    }
  }

  static float[] val(Parameter p) { return p == null ? null : p.value(); }

  static float[] grad(Parameter p) { return p == null ? null : p.grad(); }
}
