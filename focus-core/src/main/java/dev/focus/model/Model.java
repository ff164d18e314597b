package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.attention.FlashAttention;
import dev.focus.attention.HeadLayout;
import dev.focus.attention.LinearAttention;
import dev.focus.attention.Mask;
import dev.focus.attention.SoftmaxAttention;
import dev.focus.io.MemoryBudget;
import dev.focus.model.ModelObserver.Point;
import dev.focus.op.CrossEntropy;
import dev.focus.op.Embedding;
import dev.focus.op.Linear;
import dev.focus.position.PositionEncoding;
import dev.focus.position.PositionKind;
import dev.focus.position.RopeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A decoder-only Transformer with pre-norm blocks (nanoGPT's {@code GPT}, Llama's layout):
 * <pre>
 *   x₀ = E[tokens] (+ P)                         embeddings (+ absolute positions)
 *   x_{l+1} = Block_l(x_l)                        {@link Block}: h = x + W_o·Attn(Norm₁(x)), x' = h + MLP(Norm₂(h))
 *   logits = Norm_f(x_L) · W_headᵀ               (W_head = E when embeddings are tied)
 * </pre>
 * Positions are the configuration's {@link PositionEncoding}, asked at three places: it adds to the
 * embeddings (learned, sinusoidal), gives the rotary table every block's attention turns q/k (or
 * linear attention's features) by, passed per call and grown as sequences grow (RoPE and its
 * multi-axis kinds, which on text are RoPE-1D), or gives the ALiBi slopes the attention core was built
 * with. The attention core is the library's ({@code dev.focus.attention}): {@link SoftmaxAttention},
 * {@link FlashAttention} or {@link LinearAttention} (any feature map, form and decay), built once, under
 * the configuration's mask ({@link ModelConfig#attentionMask()}: causal for a decoder, bidirectional for
 * an encoder; any mask for diagnostics, {@link #logits(int[], int, int, Mask)}). The backward pass calls
 * the same ops in exact reverse order (llm.c's {@code gpt2_backward}). Observers
 * ({@link #setObserver}) see each block's tensors after the block has run, outside its arithmetic.
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

  private Activations act;          // the buffers of the current pass (one of the two below)
  private Activations trainActs;    // kept for forwardBackward's shape
  private Activations inferActs;    // kept for forward-only shapes (validation, eval)
  private ModelObserver observer;

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
    requireMemory(config);
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
    this.position = config.positionEncoding(positions == null ? null : positions.value());
    this.slopes = position.logitSlopes();
    Attention core = buildAttention(config, slopes);
    Block.Shape shape = Block.Shape.of(config);
    blocks = new Block[config.layers()];
    for (int l = 0; l < blocks.length; l++) blocks[l] = new Block("model.layers." + l + ".", shape, core, make);
    normW = make.apply("model.norm.weight");
    normB = make.apply("model.norm.bias");
    Parameter h = make.apply("lm_head.weight");
    head = h == null ? embed : h;
    this.parameters = Collections.unmodifiableList(list);
    this.byName = Collections.unmodifiableMap(map);
  }

  /**
   * The library attention of a configuration: softmax logits scaled by logitScale/√HS (the λ_h are
   * passed per call) with the position encoding's ALiBi slopes; linear attention with scale 1
   * (φ(q)·φ(k), no temperature), its form, chunk and decay. Rotary tables come per call.
   */
  static Attention buildAttention(ModelConfig c, float[] slopes) {
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
        return c.linearDecay() != 1.0 ? a.withDecay((float) c.linearDecay()) : a;
      }
    }
  }

  /**
   * The parameter names, shapes and roles of a configuration, in {@link #parameters()} order: embeddings,
   * learned positions, then per layer the attention norm, q, k, v, o, λ_h (headScale only; a GAIN, so
   * initialised to 1 without drawing from the seed's stream), MLP norm, gate/up/down, then the final
   * norm and the untied output head.
   */
  public static List<Spec> specs(ModelConfig c) {
    int C = c.hidden();
    List<Spec> s = new ArrayList<>();
    s.add(new Spec("model.embed_tokens.weight", new int[] {c.vocab(), C}, Kind.EMBEDDING));
    if (c.position().kind() == PositionKind.LEARNED) {
      s.add(new Spec("model.embed_positions.weight", new int[] {c.context(), C}, Kind.EMBEDDING));
    }
    Block.Shape shape = Block.Shape.of(c);
    for (int l = 0; l < c.layers(); l++) s.addAll(Block.specs("model.layers." + l + ".", shape));
    s.add(new Spec("model.norm.weight", new int[] {C}, Kind.GAIN));
    if (c.norm() == ModelConfig.NormKind.LAYERNORM && c.bias().mlp()) s.add(new Spec("model.norm.bias", new int[] {C}, Kind.BIAS));
    if (!c.tieEmbeddings()) s.add(new Spec("lm_head.weight", new int[] {c.vocab(), C}, Kind.WEIGHT));
    return s;
  }

  /**
   * Refuses, before any allocation, a configuration whose parameters and gradients (8 bytes per
   * scalar) cannot fit this JVM's heap or whose tensors exceed one Java array.
   */
  public static void requireMemory(ModelConfig c) {
    String what = describeSizes(c);
    long scalars = parameterCount(c);
    MemoryBudget.require(what + " with " + String.format(java.util.Locale.ROOT, "%,d", scalars) + " parameters and their gradients",
        MemoryBudget.times(scalars, 8));
  }

  /**
   * The number of scalars of {@link #specs}{@code (c)}, without building the list: one block's
   * {@link Block#specs} times the layers, plus the embeddings (V·C), learned positions (N·C), the final
   * norm and the untied head (V·C). A typo such as {@code layers=78120} must cost nothing to refuse.
   * Each tensor is first checked to fit one Java array (so no product below overflows a long); the
   * total saturates at {@code Long.MAX_VALUE}.
   */
  public static long parameterCount(ModelConfig c) {
    String what = describeSizes(c);
    long block = 0;
    for (Spec s : Block.specs("", Block.Shape.of(c))) block += elements(what, s.shape());
    long embeddings = elements(what, c.vocab(), c.hidden());
    long rest = (c.tieEmbeddings() ? 1 : 2) * embeddings
        + (c.position().kind() == PositionKind.LEARNED ? elements(what, c.context(), c.hidden()) : 0)
        + (c.norm() == ModelConfig.NormKind.LAYERNORM && c.bias().mlp() ? 2L : 1L) * c.hidden();
    return MemoryBudget.plus(MemoryBudget.times(c.layers(), block), rest);
  }

  /** Elements of one tensor of {@code shape} (at most two dims of ints: no overflow), checked to fit one Java array. */
  private static long elements(String what, int... shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return MemoryBudget.arrayLength(what + ": tensor " + Arrays.toString(shape), n);
  }

  private static String describeSizes(ModelConfig c) {
    return "the model (vocab=" + c.vocab() + ", hidden=" + c.hidden() + ", intermediate=" + c.intermediate()
        + ", layers=" + c.layers() + ", context=" + c.context() + ")";
  }

  /**
   * Refuses, before any allocation, a pass over (B, T) tokens whose buffers cannot fit the heap: the
   * batch's ids, the {@link Activations} of every layer (training) or one (inference), and exact
   * attention's (B, H, T, T) weights per layer. An estimate from above of what a pass allocates.
   */
  public static void requirePassMemory(ModelConfig c, int batch, int seqLen, boolean training) {
    String what = "a pass over batch=" + batch + " × seqLen=" + seqLen + " tokens (" + (training ? "training" : "inference")
        + ", hidden=" + c.hidden() + ", vocab=" + c.vocab() + ", layers=" + c.layers() + ")";
    MemoryBudget.arrayLength(what + ": logits", MemoryBudget.times(MemoryBudget.times(batch, seqLen), c.vocab()));
    MemoryBudget.require(what, passBytes(c, batch, seqLen, training));
  }

  /** The bytes {@link #requirePassMemory} expects a pass to allocate (saturating, never negative). */
  public static long passBytes(ModelConfig c, int batch, int seqLen, boolean training) {
    long n = MemoryBudget.times(batch, seqLen);
    long C = c.hidden(), I = c.intermediate(), V = c.vocab(), L = c.layers();
    long qw = (long) c.heads() * c.headSize(), kw = (long) c.kvHeads() * c.headSize();
    long caches = training ? L : 1;
    long perLayer = 2 * C + 2 * qw + 2 * kw + 3 * I + 4;                      // Block.Cache
    long perToken = ((training ? 2 * L + 1 : 3) + 2) * C + caches * perLayer + 2 * V + 4 // streams, logits, probs
        + (training ? 2 * C + 2 * qw + 2 * kw + 3 * I : 0) + 2;                   // gradients, token ids
    long hs = c.headSize();
    long perHead = switch (c.attention()) {
      case SOFTMAX -> seqLen;          // exact weights (B, H, T, T)
      case LINEAR -> hs * hs + 4 * hs; // prefix states (B, H, T, HS, HS) and feature maps
      default -> 2 * hs;               // flash: log-sum-exp and packed keys/values
    };
    long attention = MemoryBudget.times(MemoryBudget.times(n, c.heads()), perHead * (training ? L + 2 : 1));
    long floats = MemoryBudget.plus(MemoryBudget.times(n, perToken), 1 << 16); // + small tables and headers
    return MemoryBudget.times(4, MemoryBudget.plus(floats, attention));
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

  /** The installed observer, or null. */
  public ModelObserver observer() { return observer; }

  /**
   * A new incremental decoder over this model's weights (batch 1).
   *
   * @throws IllegalArgumentException for an encoder: under a bidirectional mask every output depends on
   *     the tokens after it, so there is no next-token distribution to decode from
   */
  public Decoder decoder() {
    if (!config.causal()) {
      throw new IllegalArgumentException("incremental decoding needs a causal model, but this one has mask=" + Overrides.lower(config.mask())
          + " (an encoder: every position sees the whole sequence, so it has no next-token distribution)");
    }
    return new Decoder(this);
  }

  // ---- public passes ----------------------------------------------------------------------------

  /**
   * Logits for every position, under the configuration's mask (causal: position t predicts token t+1;
   * bidirectional: position t's output reads the whole sequence, as a masked LM's does).
   *
   * @param tokens (B, T) ids
   * @return a new (B·T, V) array
   */
  public float[] logits(int[] tokens, int batch, int seqLen) { return logits(tokens, batch, seqLen, config.attentionMask()); }

  /**
   * Logits for every position under {@code mask}, whatever the configuration's: a causal model run with
   * {@link Mask#bidirectional()} gives the same weights with every key visible (spec 05 §3.1's mask
   * option, for diagnostics; the recurrent and chunked linear forms are causal only).
   */
  public float[] logits(int[] tokens, int batch, int seqLen, Mask mask) {
    forward(tokens, batch, seqLen, mask, false);
    return Arrays.copyOf(act.logits, batch * seqLen * config.vocab());
  }

  /** Mean cross-entropy over targets ≠ −1 under the configuration's mask (forward only; gradients untouched). */
  public float loss(int[] tokens, int[] targets, int batch, int seqLen) {
    checkTargets(targets, batch, seqLen);
    forward(tokens, batch, seqLen, config.attentionMask(), false);
    return CrossEntropy.forward(act.losses, act.probs, act.logits, targets, batch * seqLen, config.vocab());
  }

  /**
   * One forward and backward pass under the configuration's mask: returns the mean cross-entropy over
   * targets ≠ −1 and <b>accumulates</b> its gradient into every {@link Parameter#grad()}.
   */
  public float forwardBackward(int[] tokens, int[] targets, int batch, int seqLen) {
    checkTargets(targets, batch, seqLen);
    forward(tokens, batch, seqLen, config.attentionMask(), true);
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
    if (t > config.context() && config.position().kind() == PositionKind.LEARNED) {
      throw new IllegalArgumentException("seqLen=" + t + " exceeds context=" + config.context() + " of the learned position table");
    }
    if (training ? trainActs == null || !trainActs.fits(b, t, true)
        : (trainActs == null || !trainActs.fits(b, t, false)) && (inferActs == null || !inferActs.fits(b, t, false))) {
      requirePassMemory(config, b, t, training);
    }
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

  /**
   * The rotary table, covering at least {@code t} positions (and the context), or null when positions
   * do not rotate. Growing it is all a longer sequence needs: blocks take it per call.
   */
  RopeTable rotary(int t) {
    int need = Math.max(t, config.context());
    if (config.rotary() && (rotary == null || rotary.tokens() < need)) rotary = position.rotaryTable(need);
    return rotary;
  }

  private void forward(int[] tokens, int b, int t, Mask mask, boolean training) {
    prepare(tokens, b, t, training);
    RopeTable table = rotary(t);
    int n = b * t, C = config.hidden(), V = config.vocab();
    float[] x = act.resIn(0);
    Embedding.forward(x, tokens, embed.value(), n, C, V);
    position.addTo(x, b, t, 0);
    if (observer != null) observer.onActivation(-1, Point.EMBEDDINGS, x, b, t, C);
    for (int l = 0; l < blocks.length; l++) {
      blocks[l].forward(act.cache(l), act.scratch, act.resIn(l), act.resMid(l), act.resOut(l), mask, table, b, t);
      if (observer != null) observe(l, mask, table, b, t);
    }
    Block.norm(blocks[0].shape(), act.nf, act.nfStatA, act.nfStatB, act.resIn(blocks.length), normW, normB, n);
    if (observer != null) observer.onActivation(blocks.length, Point.FINAL_NORM, act.nf, b, t, C);
    Linear.forward(act.logits, act.nf, head.value(), null, n, C, V);
  }

  /** Shows block {@code l}'s tensors to the observer, after the block has run (read-only; the arithmetic is done). */
  private void observe(int l, Mask mask, RopeTable table, int b, int t) {
    Block.Cache c = act.cache(l);
    Block w = blocks[l];
    int C = config.hidden();
    observer.onActivation(l, Point.ATTENTION_NORM, c.n1, b, t, C);
    observer.onAttentionWeights(l, w.attention().weights(c.q, c.k, w.headScaleValues(), mask, table, b, t), b, config.heads(), t);
    observer.onHeadOutputs(l, c.y, b, t, config.heads(), config.headSize());
    observer.onActivation(l, Point.ATTENTION_OUTPUT, act.scratch.attnOut, b, t, C);
    observer.onActivation(l, Point.RESIDUAL_AFTER_ATTENTION, act.resMid(l), b, t, C);
    observer.onActivation(l, Point.MLP_NORM, c.n2, b, t, C);
    observer.onActivation(l, Point.MLP_OUTPUT, act.scratch.mlpOut, b, t, C);
    observer.onActivation(l, Point.RESIDUAL_AFTER_MLP, act.resOut(l), b, t, C);
  }

  // ---- backward ---------------------------------------------------------------------------------

  /** The exact reverse of {@link #forward}; dLogits sit in {@code act.probs}. */
  private void backward(int[] tokens, int b, int t) {
    int n = b * t, C = config.hidden(), V = config.vocab();
    float[] dN = act.scratch.dN;
    Linear.backward(dN, head.grad(), null, act.probs, act.nf, head.value(), n, C, V, null);
    Arrays.fill(act.dRes, 0f);
    Block.normBackward(blocks[0].shape(), act.dRes, normW, normB, dN, act.resIn(blocks.length), act.nfStatA, act.nfStatB, n);
    for (int l = blocks.length - 1; l >= 0; l--) {
      blocks[l].backward(act.cache(l), act.scratch, act.dRes, act.resIn(l), act.resMid(l));
    }
    Embedding.backward(embed.grad(), act.dRes, tokens, n, C);
    if (positions != null) position.addToBackward(positions.grad(), act.dRes, b, t);
  }
}
