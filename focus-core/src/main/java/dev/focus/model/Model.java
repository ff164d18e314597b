package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.attention.FlashAttention;
import dev.focus.attention.HeadLayout;
import dev.focus.attention.LinearAttention;
import dev.focus.attention.Mask;
import dev.focus.attention.SoftmaxAttention;
import dev.focus.model.Activations.LayerCache;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;
import dev.focus.model.ModelObserver.Point;
import dev.focus.op.CrossEntropy;
import dev.focus.op.Embedding;
import dev.focus.op.LayerNorm;
import dev.focus.op.Linear;
import dev.focus.op.Mlp;
import dev.focus.op.Residual;
import dev.focus.op.RmsNorm;
import dev.focus.position.PositionEncoding;
import dev.focus.position.RopeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A decoder-only Transformer with pre-norm blocks (nanoGPT's {@code Block}, Llama's layout):
 * <pre>
 *   x₀ = E[tokens] (+ P)                         embeddings (+ absolute positions)
 *   h  = x_l + W_o · Attn(Norm₁(x_l))             attention sub-layer
 *   x_{l+1} = h + MLP(Norm₂(h))                   MLP sub-layer
 *   logits = Norm_f(x_L) · W_headᵀ               (W_head = E when embeddings are tied)
 * </pre>
 * The attention core is the library's ({@code dev.focus.attention}): {@link SoftmaxAttention},
 * {@link FlashAttention} or {@link LinearAttention} (any feature map, form and decay) under
 * {@link Mask#causal()}, on token-major q, k, v straight from the projections. Positions stay here:
 * RoPE/M-RoPE rotate q and k before a softmax call; linear attention gets the rotary table and
 * rotates its numerator features (RoFormer §3.4.4); ALiBi is the attention's {@code withAlibi};
 * absolute positions are added to the embeddings. Softmax logits are λ·λ_h·q·k/√HS + bias with the
 * global {@code logitScale} λ and, when {@code headScale} is on, a trainable λ_h per layer and head.
 * Any attention variant of {@link ModelConfig.AttentionKind} combines with any position scheme of
 * {@link dev.focus.position.PositionKind} (ALiBi needs softmax). The backward pass calls the same ops in exact
 * reverse order (llm.c's {@code gpt2_backward}).
 *
 * <p>Parameters carry Hugging Face Llama names ({@link #parameters()}); biases, LayerNorm shifts, the
 * GELU MLP and learned positions use the obvious extensions ({@code q_proj.bias}, {@code input_layernorm.bias},
 * {@code model.embed_positions.weight}); λ_h is {@code model.layers.{i}.self_attn.head_scale}, (NH).
 *
 * <p>Not thread-safe: one forward/backward at a time (each op parallelises internally over the shared
 * pool). Activation buffers are allocated once per (batch, seqLen) shape and reused.
 *
 * <p>Legend: B batch, T positions, N = B·T, C width, I MLP width, V vocabulary, L layers, NH/KVH heads,
 * HS head size.
 */
public final class Model {
  private final ModelConfig config;
  private final List<Parameter> parameters;
  private final Map<String, Parameter> byName;

  final Parameter embed;     // (V, C)
  final Parameter positions; // (Tmax, C) learned absolute positions, or null
  final Block[] blocks;
  final Parameter normW;     // (C)
  final Parameter normB;     // (C) or null
  final Parameter head;      // (V, C); == embed when tied

  final PositionEncoding position; // adds to the embeddings, rotates q/k or biases the logits
  private RopeTable rotary;        // (Tmax', HS/2) cos/sin rows of positions 0.., grown on demand; null unless rotary
  final float[] slopes;            // (NH) ALiBi slopes or null
  private Attention attention;   // the core (rebuilt when a linear attention's rotary table grows)

  private Activations act;          // the buffers of the current pass (one of the two below)
  private Activations trainActs;    // kept for forwardBackward's shape
  private Activations inferActs;    // kept for forward-only shapes (validation, eval)
  private ModelObserver observer;

  /** The parameters of one block; field comments give shapes, biases are null when absent. */
  static final class Block {
    Parameter n1w, n1b;         // (C)
    Parameter wq, bq;           // (NH·HS, C), (NH·HS)
    Parameter wk, bk;           // (KVH·HS, C), (KVH·HS)
    Parameter wv, bv;           // (KVH·HS, C), (KVH·HS)
    Parameter wo, bo;           // (C, NH·HS), (C)
    Parameter headScale;        // (NH) λ_h, or null
    Parameter n2w, n2b;         // (C)
    Parameter wGate, bGate;     // (I, C), (I): SwiGLU only
    Parameter wUp, bUp;         // (I, C), (I)
    Parameter wDown, bDown;     // (C, I), (C)
  }

  /** What a parameter is, for initialisation. */
  public enum Kind { WEIGHT, EMBEDDING, GAIN, BIAS }

  /** The name, shape and role of one parameter, in {@link #parameters()} order. */
  public record Spec(String name, int[] shape, Kind kind) {
    public int size() {
      int n = 1;
      for (int d : shape) n *= d;
      return n;
    }

    /** Weight decay applies to weight matrices only (not to norms, embeddings or biases). */
    public boolean decay() { return kind == Kind.WEIGHT; }
  }

  /** Supplies the initial values of each parameter. */
  @FunctionalInterface
  interface Init {
    float[] values(Spec spec);
  }

  /**
   * A freshly initialised model: weights and embeddings ~ N(0, initStd²), norm gains 1, biases 0, drawn
   * from one {@code java.util.Random(seed)} in {@link #parameters()} order (deterministic).
   */
  public Model(ModelConfig config, long seed) {
    this(config, randomInit(config, seed));
  }

  private static Init randomInit(ModelConfig config, long seed) {
    Random rng = new Random(seed);
    double std = config.initStd();
    return spec -> {
      float[] v = new float[spec.size()];
      switch (spec.kind()) {
        case GAIN:
          Arrays.fill(v, 1f);
          break;
        case BIAS:
          break;
        default:
          for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
      }
      return v;
    };
  }

  /**
   * A model over the given tensors (by {@link #specs} name). Every expected tensor must be present
   * with the right length and no other may be; the arrays are used as they are (not copied).
   *
   * @throws IllegalArgumentException naming the missing, unexpected or mis-sized tensor
   */
  public static Model fromTensors(ModelConfig config, Map<String, float[]> tensors) {
    List<Spec> specs = specs(config);
    for (Spec s : specs) {
      float[] v = tensors.get(s.name());
      if (v == null) throw new IllegalArgumentException("missing tensor " + s.name() + " " + Arrays.toString(s.shape()));
      if (v.length != s.size()) {
        throw new IllegalArgumentException("tensor " + s.name() + " has " + v.length + " values but shape "
            + Arrays.toString(s.shape()) + " needs " + s.size());
      }
    }
    if (tensors.size() != specs.size()) {
      for (String name : tensors.keySet()) {
        if (specs.stream().noneMatch(s -> s.name().equals(name))) {
          throw new IllegalArgumentException("unexpected tensor " + name + " for this configuration");
        }
      }
    }
    return new Model(config, spec -> tensors.get(spec.name()));
  }

  Model(ModelConfig config, Init init) {
    this.config = config;
    List<Parameter> list = new ArrayList<>();
    Map<String, Parameter> map = new LinkedHashMap<>();
    Map<String, Spec> specs = new LinkedHashMap<>();
    for (Spec s : specs(config)) specs.put(s.name(), s);
    java.util.function.Function<String, Parameter> make = name -> {
      Spec s = specs.get(name);
      if (s == null) return null;
      float[] v = init.values(s);
      Parameter p = new Parameter(s.name(), s.shape(), v, new float[v.length], s.decay());
      list.add(p);
      map.put(p.name(), p);
      return p;
    };
    embed = make.apply("model.embed_tokens.weight");
    positions = make.apply("model.embed_positions.weight");
    blocks = new Block[config.layers()];
    for (int l = 0; l < blocks.length; l++) {
      String p = "model.layers." + l + ".";
      Block b = new Block();
      b.n1w = make.apply(p + "input_layernorm.weight");
      b.n1b = make.apply(p + "input_layernorm.bias");
      b.wq = make.apply(p + "self_attn.q_proj.weight");
      b.bq = make.apply(p + "self_attn.q_proj.bias");
      b.wk = make.apply(p + "self_attn.k_proj.weight");
      b.bk = make.apply(p + "self_attn.k_proj.bias");
      b.wv = make.apply(p + "self_attn.v_proj.weight");
      b.bv = make.apply(p + "self_attn.v_proj.bias");
      b.wo = make.apply(p + "self_attn.o_proj.weight");
      b.bo = make.apply(p + "self_attn.o_proj.bias");
      b.headScale = make.apply(p + "self_attn.head_scale");
      b.n2w = make.apply(p + "post_attention_layernorm.weight");
      b.n2b = make.apply(p + "post_attention_layernorm.bias");
      b.wGate = make.apply(p + "mlp.gate_proj.weight");
      b.bGate = make.apply(p + "mlp.gate_proj.bias");
      b.wUp = make.apply(p + "mlp.up_proj.weight");
      b.bUp = make.apply(p + "mlp.up_proj.bias");
      b.wDown = make.apply(p + "mlp.down_proj.weight");
      b.bDown = make.apply(p + "mlp.down_proj.bias");
      blocks[l] = b;
    }
    normW = make.apply("model.norm.weight");
    normB = make.apply("model.norm.bias");
    Parameter h = make.apply("lm_head.weight");
    head = h == null ? embed : h;
    this.parameters = Collections.unmodifiableList(list);
    this.byName = Collections.unmodifiableMap(map);
    this.position = config.positionEncoding(positions == null ? null : positions.value());
    this.slopes = position.logitSlopes();
    ensureTables(1);
  }

  /**
   * The library attention of this configuration: softmax logits scaled by logitScale/√HS (the λ_h are
   * passed per call), ALiBi slopes; linear attention with scale 1 (φ(q)·φ(k), no temperature), its
   * form, decay and, under RoPE, the rotary numerator over {@code table}.
   */
  private Attention buildAttention(RopeTable table) {
    ModelConfig c = config;
    HeadLayout layout = new HeadLayout(c.heads(), c.kvHeads(), c.headSize());
    float scale = (float) (c.logitScale() / Math.sqrt(c.headSize()));
    switch (c.attention()) {
      case SOFTMAX:
        return SoftmaxAttention.of(layout).withScale(scale).withAlibi(slopes);
      case FLASH:
        return FlashAttention.of(layout).withScale(scale).withAlibi(slopes);
      default: {
        LinearAttention a = LinearAttention.of(layout, c.linearFeature()).withScale(1f);
        a = c.linearForm() == LinearAttention.Form.CHUNKED ? a.withChunk(c.linearChunk()) : a.withForm(c.linearForm());
        if (c.linearDecay() != 1.0) a = a.withDecay((float) c.linearDecay());
        return table == null ? a : a.withRotary(table);
      }
    }
  }

  /** The attention core in use (for the decoder). */
  Attention attention() { return attention; }

  /**
   * The parameter names, shapes and roles of a configuration, in {@link #parameters()} order: embeddings,
   * learned positions, then per layer the attention norm, q, k, v, o, λ_h (headScale only; a GAIN, so
   * initialised to 1 without drawing from the seed's stream), MLP norm, gate/up/down, then the final
   * norm and the untied output head.
   */
  public static List<Spec> specs(ModelConfig c) {
    int C = c.hidden(), I = c.intermediate(), qw = c.heads() * c.headSize(), kw = c.kvHeads() * c.headSize();
    boolean bias = c.bias(), ln = c.norm() == NormKind.LAYERNORM;
    List<Spec> s = new ArrayList<>();
    s.add(new Spec("model.embed_tokens.weight", new int[] {c.vocab(), C}, Kind.EMBEDDING));
    if (c.position().kind() == dev.focus.position.PositionKind.LEARNED) {
      s.add(new Spec("model.embed_positions.weight", new int[] {c.context(), C}, Kind.EMBEDDING));
    }
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      s.add(new Spec(p + "input_layernorm.weight", new int[] {C}, Kind.GAIN));
      if (ln && bias) s.add(new Spec(p + "input_layernorm.bias", new int[] {C}, Kind.BIAS));
      linear(s, p + "self_attn.q_proj", qw, C, bias);
      linear(s, p + "self_attn.k_proj", kw, C, bias);
      linear(s, p + "self_attn.v_proj", kw, C, bias);
      linear(s, p + "self_attn.o_proj", C, qw, bias);
      if (c.headScale()) s.add(new Spec(p + "self_attn.head_scale", new int[] {c.heads()}, Kind.GAIN));
      s.add(new Spec(p + "post_attention_layernorm.weight", new int[] {C}, Kind.GAIN));
      if (ln && bias) s.add(new Spec(p + "post_attention_layernorm.bias", new int[] {C}, Kind.BIAS));
      if (c.mlp() == MlpKind.SWIGLU) linear(s, p + "mlp.gate_proj", I, C, bias);
      linear(s, p + "mlp.up_proj", I, C, bias);
      linear(s, p + "mlp.down_proj", C, I, bias);
    }
    s.add(new Spec("model.norm.weight", new int[] {C}, Kind.GAIN));
    if (ln && bias) s.add(new Spec("model.norm.bias", new int[] {C}, Kind.BIAS));
    if (!c.tieEmbeddings()) s.add(new Spec("lm_head.weight", new int[] {c.vocab(), C}, Kind.WEIGHT));
    return s;
  }

  private static void linear(List<Spec> s, String name, int out, int in, boolean bias) {
    s.add(new Spec(name + ".weight", new int[] {out, in}, Kind.WEIGHT));
    if (bias) s.add(new Spec(name + ".bias", new int[] {out}, Kind.BIAS));
  }

  // ---- accessors --------------------------------------------------------------------------------

  public ModelConfig config() { return config; }

  /** Every trainable tensor, in a fixed order (see {@link #specs}); the arrays are live. */
  public List<Parameter> parameters() { return parameters; }

  /** The parameter called {@code name}. */
  public Parameter parameter(String name) {
    Parameter p = byName.get(name);
    if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
    return p;
  }

  /** Total number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters) n += p.size();
    return n;
  }

  /** Sets every gradient to zero. */
  public void zeroGrad() {
    for (Parameter p : parameters) Arrays.fill(p.grad(), 0f);
  }

  /** Installs (or removes, with null) a read-only observer of forward passes. */
  public void setObserver(ModelObserver observer) { this.observer = observer; }

  /** A new incremental decoder over this model's weights (batch 1). */
  public Decoder decoder() { return new Decoder(this); }

  // ---- public passes ----------------------------------------------------------------------------

  /**
   * Logits for every position.
   *
   * @param tokens (B, T) ids
   * @return a new (B·T, V) array
   */
  public float[] logits(int[] tokens, int batch, int seqLen) {
    forward(tokens, batch, seqLen, false);
    return Arrays.copyOf(act.logits, batch * seqLen * config.vocab());
  }

  /** Mean cross-entropy over targets ≠ −1 (forward only; gradients untouched). */
  public float loss(int[] tokens, int[] targets, int batch, int seqLen) {
    checkTargets(targets, batch, seqLen);
    forward(tokens, batch, seqLen, false);
    return CrossEntropy.forward(act.losses, act.probs, act.logits, targets, batch * seqLen, config.vocab());
  }

  /**
   * One forward and backward pass: returns the mean cross-entropy over targets ≠ −1 and
   * <b>accumulates</b> its gradient into every {@link Parameter#grad()}.
   */
  public float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen) {
    checkTargets(targets, batch, seqLen);
    forward(tokens, batch, seqLen, true);
    int n = batch * seqLen, v = config.vocab();
    float loss = CrossEntropy.forward(act.losses, act.probs, act.logits, targets, n, v);
    int count = CrossEntropy.count(targets, n);
    if (count == 0) return loss;
    CrossEntropy.backward(act.probs, act.probs, targets, n, v, 1f / count);
    backward(tokens, batch, seqLen);
    return loss;
  }

  private void checkTargets(int[] targets, int batch, int seqLen) {
    if (targets == null || targets.length != batch * seqLen) {
      throw new IllegalArgumentException("targets length " + (targets == null ? "null" : targets.length)
          + " != batch*seqLen=" + batch + "*" + seqLen);
    }
  }

  // ---- forward ----------------------------------------------------------------------------------

  private void prepare(int[] tokens, int b, int t, boolean training) {
    if (b < 1 || t < 1) throw new IllegalArgumentException("batch=" + b + " and seqLen=" + t + " must be >= 1");
    if (tokens == null || tokens.length != b * t) {
      throw new IllegalArgumentException("tokens length " + (tokens == null ? "null" : tokens.length)
          + " != batch*seqLen=" + b + "*" + t);
    }
    if (t > config.context() && config.position().kind() == dev.focus.position.PositionKind.LEARNED) {
      throw new IllegalArgumentException("seqLen=" + t + " exceeds context=" + config.context() + " of the learned position table");
    }
    ensureTables(t);
    // Training and forward-only passes keep their own buffers, so a validation pass between training
    // steps reallocates nothing; a forward-only pass of the training shape reuses the training buffers.
    if (training) {
      if (trainActs == null || !trainActs.fits(b, t, true)) trainActs = new Activations(config, b, t, true);
      act = trainActs;
    } else if (trainActs != null && trainActs.fits(b, t, false)) {
      act = trainActs;
    } else {
      if (inferActs == null || !inferActs.fits(b, t, false)) inferActs = new Activations(config, b, t, false);
      act = inferActs;
    }
  }

  /** The rotary table covers at least {@code t} positions. */
  void ensureTables(int t) {
    int need = Math.max(t, config.context());
    if (config.rotary() && (rotary == null || rotary.tokens() < need)) {
      rotary = position.rotaryTable(need);
      attention = null; // a linear attention holds the table
    }
    if (attention == null) attention = buildAttention(config.softmax() ? null : rotary);
  }

  RopeTable rotary() { return rotary; }

  /** Rotates every sequence of a (B, T, heads, HS) batch by the table's rows 0..T−1 (inverse: by −angle). */
  void rotateBatch(float[] x, int batch, int t, int heads, boolean inverse) {
    int w = heads * config.headSize();
    for (int b = 0; b < batch; b++) {
      if (inverse) rotary.rotateBackward(x, b * t * w, 0, t, heads, config.headSize());
      else rotary.rotate(x, b * t * w, 0, t, heads, config.headSize());
    }
  }

  private void forward(int[] tokens, int b, int t, boolean training) {
    prepare(tokens, b, t, training);
    int n = b * t, C = config.hidden(), V = config.vocab();
    float[] x = act.resIn(0);
    Embedding.forward(x, tokens, embed.value(), n, C, V);
    position.addTo(x, b, t, 0);
    if (observer != null) observer.onActivation(-1, Point.EMBEDDINGS, x, b, t, C);
    for (int l = 0; l < blocks.length; l++) blockForward(l, b, t);
    norm(act.nf, act.nfStatA, act.nfStatB, act.resIn(blocks.length), normW, normB, n);
    if (observer != null) observer.onActivation(blocks.length, Point.FINAL_NORM, act.nf, b, t, C);
    Linear.forward(act.logits, act.nf, head.value(), null, n, C, V);
  }

  private void blockForward(int l, int b, int t) {
    Block w = blocks[l];
    LayerCache c = act.cache(l);
    int n = b * t, C = config.hidden(), I = config.intermediate();
    int nh = config.heads(), kvh = config.kvHeads(), qw = nh * config.headSize(), kw = kvh * config.headSize();
    float[] in = act.resIn(l), mid = act.resMid(l), out = act.resOut(l);
    // attention sub-layer: mid = in + W_o · Attn(R·q, R·k, v) of Norm₁(in), token-major (B, T, H, HS)
    norm(c.n1, c.s1a, c.s1b, in, w.n1w, w.n1b, n);
    Linear.forward(c.q, c.n1, w.wq.value(), val(w.bq), n, C, qw);
    Linear.forward(c.k, c.n1, w.wk.value(), val(w.bk), n, C, kw);
    Linear.forward(c.v, c.n1, w.wv.value(), val(w.bv), n, C, kw);
    if (rotary != null && config.softmax()) {
      rotateBatch(c.q, b, t, nh, false);
      rotateBatch(c.k, b, t, kvh, false);
    }
    c.saved = attention.forward(c.y, c.q, c.k, c.v, val(w.headScale), Mask.causal(), b, t, c.saved);
    Linear.forward(act.proj, c.y, w.wo.value(), val(w.bo), n, qw, C);
    Residual.forward(mid, in, act.proj, n * C);
    if (observer != null) {
      observer.onActivation(l, Point.ATTENTION_NORM, c.n1, b, t, C);
      observer.onAttentionWeights(l, attention.weights(c.q, c.k, val(w.headScale), Mask.causal(), b, t), b, nh, t);
      observer.onHeadOutputs(l, c.y, b, t, config.heads(), config.headSize());
      observer.onActivation(l, Point.ATTENTION_OUTPUT, act.proj, b, t, C);
      observer.onActivation(l, Point.RESIDUAL_AFTER_ATTENTION, mid, b, t, C);
    }
    // MLP sub-layer: out = mid + MLP(Norm₂(mid))
    norm(c.n2, c.s2a, c.s2b, mid, w.n2w, w.n2b, n);
    if (config.mlp() == MlpKind.SWIGLU) {
      Mlp.swiGluForward(act.proj, c.gate, c.up, c.h, c.n2, w.wGate.value(), val(w.bGate), w.wUp.value(), val(w.bUp),
          w.wDown.value(), val(w.bDown), n, C, I);
    } else {
      Mlp.geluForward(act.proj, c.up, c.h, c.n2, w.wUp.value(), val(w.bUp), w.wDown.value(), val(w.bDown), n, C, I);
    }
    Residual.forward(out, mid, act.proj, n * C);
    if (observer != null) {
      observer.onActivation(l, Point.MLP_NORM, c.n2, b, t, C);
      observer.onActivation(l, Point.MLP_OUTPUT, act.proj, b, t, C);
      observer.onActivation(l, Point.RESIDUAL_AFTER_MLP, out, b, t, C);
    }
  }

  private void norm(float[] out, float[] sa, float[] sb, float[] in, Parameter w, Parameter bias, int n) {
    int C = config.hidden();
    float eps = (float) config.normEps();
    if (config.norm() == NormKind.RMSNORM) {
      RmsNorm.forward(out, sa, in, w.value(), n, C, eps);
    } else {
      LayerNorm.forward(out, sa, sb, in, w.value(), val(bias), n, C, eps);
    }
  }

  private void normBackward(float[] dIn, Parameter w, Parameter bias, float[] dOut, float[] in, float[] sa, float[] sb, int n) {
    int C = config.hidden();
    if (config.norm() == NormKind.RMSNORM) {
      RmsNorm.backward(dIn, w.grad(), dOut, in, w.value(), sa, n, C);
    } else {
      LayerNorm.backward(dIn, w.grad(), bias == null ? null : bias.grad(), dOut, in, w.value(), sa, sb, n, C);
    }
  }

  private static float[] val(Parameter p) { return p == null ? null : p.value(); }

  private static float[] grad(Parameter p) { return p == null ? null : p.grad(); }

  // ---- backward ---------------------------------------------------------------------------------

  /** The exact reverse of {@link #forward}; dLogits sit in {@code act.probs}. */
  private void backward(int[] tokens, int b, int t) {
    int n = b * t, C = config.hidden(), V = config.vocab();
    Linear.backward(act.dN, head.grad(), null, act.probs, act.nf, head.value(), n, C, V, null);
    Arrays.fill(act.dRes, 0f);
    normBackward(act.dRes, normW, normB, act.dN, act.resIn(blocks.length), act.nfStatA, act.nfStatB, n);
    for (int l = blocks.length - 1; l >= 0; l--) blockBackward(l, b, t);
    Embedding.backward(embed.grad(), act.dRes, tokens, n, C);
    if (positions != null) position.addToBackward(positions.grad(), act.dRes, b, t);
  }

  private void blockBackward(int l, int b, int t) {
    Block w = blocks[l];
    LayerCache c = act.cache(l);
    int n = b * t, C = config.hidden(), I = config.intermediate();
    int nh = config.heads(), kvh = config.kvHeads(), qw = nh * config.headSize(), kw = kvh * config.headSize();
    float[] in = act.resIn(l), mid = act.resMid(l);
    float[] dRes = act.dRes;
    // MLP sub-layer (dRes = ∂L/∂out, which is also ∂L/∂MLP output)
    if (config.mlp() == MlpKind.SWIGLU) {
      Mlp.swiGluBackward(act.dN, w.wGate.grad(), grad(w.bGate), w.wUp.grad(), grad(w.bUp), w.wDown.grad(), grad(w.bDown),
          dRes, c.n2, c.gate, c.up, c.h, w.wGate.value(), w.wUp.value(), w.wDown.value(),
          act.dH, act.dGate, act.dUp, null, n, C, I);
    } else {
      Mlp.geluBackward(act.dN, w.wUp.grad(), grad(w.bUp), w.wDown.grad(), grad(w.bDown),
          dRes, c.n2, c.up, c.h, w.wUp.value(), w.wDown.value(), act.dH, null, n, C, I);
    }
    normBackward(dRes, w.n2w, w.n2b, act.dN, mid, c.s2a, c.s2b, n); // dRes = ∂L/∂mid
    // attention sub-layer
    Linear.backward(act.dY, w.wo.grad(), grad(w.bo), dRes, c.y, w.wo.value(), n, qw, C, null);
    attention.backward(act.dQ, act.dK, act.dV, grad(w.headScale), act.dY, c.saved);
    if (rotary != null && config.softmax()) {
      rotateBatch(act.dQ, b, t, nh, true);
      rotateBatch(act.dK, b, t, kvh, true);
    }
    Linear.backwardInput(act.dN, act.dQ, w.wq.value(), n, C, qw, false);
    Linear.backwardInput(act.dN, act.dK, w.wk.value(), n, C, kw, true);
    Linear.backwardInput(act.dN, act.dV, w.wv.value(), n, C, kw, true);
    Linear.backwardWeights(w.wq.grad(), grad(w.bq), act.dQ, c.n1, n, C, qw, null);
    Linear.backwardWeights(w.wk.grad(), grad(w.bk), act.dK, c.n1, n, C, kw, null);
    Linear.backwardWeights(w.wv.grad(), grad(w.bv), act.dV, c.n1, n, C, kw, null);
    normBackward(dRes, w.n1w, w.n1b, act.dN, in, c.s1a, c.s1b, n); // dRes = ∂L/∂in
  }
}
