package dev.focus.model;

import dev.focus.attention.FeatureMap;
import dev.focus.attention.LinearAttention;
import dev.focus.attention.Mask;
import dev.focus.position.PairLayout;
import dev.focus.position.PositionEncoding;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionSpec;
import dev.focus.position.RopeScaling;
import java.util.List;
import java.util.Objects;

/**
 * The architecture of a decoder-only Transformer: an immutable value, validated when it is built
 * (STYLE.md §2.5), with named presets as factories, {@code withX} copies and a {@link Builder} for
 * everything else. Positions are a {@link PositionSpec} of the position package, linear attention's
 * feature map and form are the attention package's own {@link FeatureMap} and {@link LinearAttention.Form}.
 *
 * <p>The default architecture is Llama-style: pre-RMSNorm, SwiGLU MLP, rotary positions in the
 * rotate_half ({@link PairLayout#HALF}) pair layout, no biases, untied embeddings. A softmax + RoPE
 * model with these defaults is a Hugging Face {@code LlamaForCausalLM}.
 *
 * <p>Legend: V vocabulary, C width ({@code hidden}), I MLP width ({@code intermediate}), L layers,
 * NH query heads, KVH key/value heads (grouped-query attention when KVH &lt; NH), HS = C/NH head size,
 * Tmax the context length.
 *
 * <p>Fields (the {@link Overrides} keys in brackets where they differ):
 * <ul>
 *   <li>{@code vocab} V, {@code hidden} C, {@code intermediate} I, {@code layers} L, {@code heads} NH (divides
 *       C), {@code kvHeads} KVH (divides NH), {@code context} Tmax (sizes learned position tables; RoPE tables
 *       grow past it);
 *   <li>{@code mask}: causal (a decoder, the default) or bidirectional (an encoder: every query sees every key,
 *       spec 05 D1; trained with a masked-LM objective, never decoded token by token); the recurrent and
 *       chunked linear forms are causal by construction and refuse it;
 *   <li>{@code attention}: softmax (exact), flash (tiled, the same function) or linear attention;
 *       {@code linearFeature} φ, {@code linearForm} parallel (T×T), chunked or recurrent (the same function),
 *       {@code linearChunk} tokens per chunk, {@code linearDecay} λ in (0, 1] (weights φ(q_n)·φ(k_m)·λ^(n−m));
 *   <li>{@code logitScale} a global λ and {@code headScale} a trainable per-head λ_h, shape (NH), initialised
 *       to 1, both multiplying the content logit q·k/√HS (spec 05 §3.1, Wang et al.'s HeadScale; softmax only);
 *   <li>{@code position} [position, ropeTheta, ropeLayout, mropeSections, ropeScaling]: how positions enter
 *       the model, its RoPE base, pair layout, multi-axis sections and Hugging Face frequency scaling;
 *   <li>{@code norm} RMSNorm or LayerNorm (pre-norm) with {@code normEps}; {@code mlp} SwiGLU or GELU (tanh);
 *       {@code bias} on no linear layer, every one (and the LayerNorm shifts), or the attention's q/k/v
 *       (Qwen2) or q/k/v/o projections ({@link Bias}); {@code tieEmbeddings}; {@code initStd}.
 * </ul>
 */
public final class ModelConfig {

  /** Attention variants of the decoder ({@code dev.focus.attention}). */
  public enum AttentionKind {
    /** Exact causal softmax attention, logits λ·λ_h·q·k/√HS (+ ALiBi bias): {@code SoftmaxAttention}. */
    SOFTMAX,
    /** The same function computed in tiles with an online softmax (Dao et al. 2022): {@code FlashAttention}. */
    FLASH,
    /** Causal linear attention (Katharopoulos et al. 2020, eq. 4–6): φ(q)·φ(k) weights, row-normalised: {@code LinearAttention}. */
    LINEAR
  }

  /** Normalisation layers. */
  public enum NormKind { RMSNORM, LAYERNORM }

  /**
   * Which linear layers carry an additive bias. Written {@code false}/{@code true} for none and every
   * one (as config.json files always have), {@code qkv} and {@code attention} for the two partial sets
   * pretrained checkpoints use.
   */
  public enum Bias {
    /** No biases (Llama, Mistral). */
    NONE,
    /** The q, k and v projections only (Qwen2's attention). */
    QKV,
    /** q, k, v and o: every attention projection, none in the MLP (Llama's {@code attention_bias} alone). */
    ATTENTION,
    /** Every linear layer and the LayerNorm shifts (GPT-2 style). */
    ALL;

    /** Biases on the q, k and v projections. */
    public boolean qkv() { return this != NONE; }

    /** A bias on the attention's output projection o. */
    public boolean output() { return this == ATTENTION || this == ALL; }

    /** Biases on the MLP's projections and the LayerNorm shifts. */
    public boolean mlp() { return this == ALL; }

    /** The {@code --set bias=…} value: {@code false}, {@code qkv}, {@code attention} or {@code true}. */
    public String describe() {
      return this == NONE ? "false" : this == ALL ? "true" : Overrides.lower(this);
    }

    /** The value {@link #describe} writes (case-insensitive; {@code none} and {@code all} are accepted too). */
    public static Bias parse(String text) {
      String v = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
      switch (v) {
        case "false": case "none": return NONE;
        case "true": case "all": return ALL;
        case "qkv": return QKV;
        case "attention": return ATTENTION;
        default:
          throw new IllegalArgumentException("bias=" + text + " must be true, false, qkv (q/k/v projections) or attention (q/k/v/o)");
      }
    }
  }

  /** MLP variants. */
  public enum MlpKind {
    /** down(silu(gate(x)) ⊙ up(x)) (Shazeer 2020). */
    SWIGLU,
    /** down(gelu_tanh(up(x))) (GPT-2). */
    GELU
  }

  private final int vocab, hidden, intermediate, layers, heads, kvHeads, context;
  private final Mask.Kind mask;
  private final AttentionKind attention;
  private final FeatureMap linearFeature;
  private final LinearAttention.Form linearForm;
  private final int linearChunk;
  private final double linearDecay, logitScale;
  private final boolean headScale;
  private final PositionSpec position;
  private final NormKind norm;
  private final double normEps;
  private final MlpKind mlp;
  private final Bias bias;
  private final boolean tieEmbeddings;
  private final double initStd;

  private ModelConfig(Builder b) {
    vocab = positive("vocab", b.vocab);
    hidden = positive("hidden", b.hidden);
    intermediate = positive("intermediate", b.intermediate);
    layers = positive("layers", b.layers);
    heads = positive("heads", b.heads);
    kvHeads = positive("kvHeads", b.kvHeads);
    context = positive("context", b.context);
    mask = notNull("mask", b.mask);
    attention = notNull("attention", b.attention);
    linearFeature = notNull("linearFeature", b.linearFeature);
    linearForm = notNull("linearForm", b.linearForm);
    linearChunk = positive("linearChunk", b.linearChunk);
    linearDecay = b.linearDecay;
    logitScale = b.logitScale;
    headScale = b.headScale;
    norm = notNull("norm", b.norm);
    normEps = b.normEps;
    mlp = notNull("mlp", b.mlp);
    bias = notNull("bias", b.bias);
    tieEmbeddings = b.tieEmbeddings;
    initStd = b.initStd;
    PositionSpec p = notNull("position", b.position);
    position = p.pairLayout() == null ? p.withPairLayout(p.layout()) : p; // stored explicitly (config.json's ropeLayout)
    validate();
  }

  private void validate() {
    if (!(linearDecay > 0 && linearDecay <= 1)) {
      throw new IllegalArgumentException("linearDecay=" + linearDecay + " must be in (0, 1] (1 = no decay)");
    }
    if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
      throw new IllegalArgumentException("logitScale=" + logitScale + " must be a finite number > 0");
    }
    if (hidden % heads != 0) throw new IllegalArgumentException("heads=" + heads + " must divide hidden=" + hidden);
    if (heads % kvHeads != 0) throw new IllegalArgumentException("kvHeads=" + kvHeads + " must divide heads=" + heads);
    if (rotary() && headSize() % 2 != 0) {
      throw new IllegalArgumentException("head size hidden/heads=" + headSize() + " must be even under position=" + position.kind()
          + " (hidden=" + hidden + ", heads=" + heads + ")");
    }
    Model.parameterCount(this); // every tensor fits one Java array, before the position tables below are sized by the head
    position.check(hidden, heads, context); // sections, sinusoidal width, …: the position package's rules
    boolean linear = attention == AttentionKind.LINEAR;
    if (mask == Mask.Kind.BLOCK_CAUSAL) {
      throw new IllegalArgumentException("mask=block_causal needs image spans (the multimodal model's); a text model takes causal or bidirectional");
    }
    if (linear && mask != Mask.Kind.CAUSAL && linearForm != LinearAttention.Form.PARALLEL) {
      throw new IllegalArgumentException("mask=" + Overrides.lower(mask) + " needs linearForm=parallel: the " + Overrides.lower(linearForm)
          + " form is causal by construction");
    }
    if (position.kind() == PositionKind.ALIBI && linear) {
      throw new IllegalArgumentException("position=alibi is not defined for attention=linear (the distance bias needs softmax logits)");
    }
    if (linear && headScale) {
      throw new IllegalArgumentException("headScale=true is not defined for attention=linear (λ_h scales softmax logits)");
    }
    if (linear && logitScale != 1.0) {
      throw new IllegalArgumentException("logitScale=" + logitScale + " is not defined for attention=linear (only 1; it scales softmax logits)");
    }
    if (linear && !linearFeature.factorizes()) {
      if (linearForm != LinearAttention.Form.PARALLEL) {
        throw new IllegalArgumentException("linearFeature=" + Overrides.lower(linearFeature) + " has no feature map, so linearForm="
            + Overrides.lower(linearForm) + " is impossible; use parallel");
      }
      if (rotary()) {
        throw new IllegalArgumentException("linearFeature=" + Overrides.lower(linearFeature)
            + " has no feature vectors to rotate, so position=" + position.kind() + " is impossible");
      }
    }
    if (!(normEps > 0) || Double.isInfinite(normEps)) {
      throw new IllegalArgumentException("normEps=" + normEps + " must be a finite number > 0");
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd=" + initStd + " must be a finite number > 0");
    }
  }

  private static int positive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + "=" + v + " must be >= 1");
    return v;
  }

  private static <T> T notNull(String name, T v) {
    if (v == null) throw new IllegalArgumentException(name + " must not be null");
    return v;
  }

  // ---- fields -----------------------------------------------------------------------------------

  public int vocab() { return vocab; }
  public int hidden() { return hidden; }
  public int intermediate() { return intermediate; }
  public int layers() { return layers; }
  public int heads() { return heads; }
  public int kvHeads() { return kvHeads; }
  public int context() { return context; }
  /** Causal (a decoder) or bidirectional (an encoder). */
  public Mask.Kind mask() { return mask; }
  public AttentionKind attention() { return attention; }
  public FeatureMap linearFeature() { return linearFeature; }
  public LinearAttention.Form linearForm() { return linearForm; }
  public int linearChunk() { return linearChunk; }
  public double linearDecay() { return linearDecay; }
  public double logitScale() { return logitScale; }
  public boolean headScale() { return headScale; }
  /** How positions enter the model (its pair layout is always explicit). */
  public PositionSpec position() { return position; }
  public NormKind norm() { return norm; }
  public double normEps() { return normEps; }
  public MlpKind mlp() { return mlp; }
  /** Which linear layers carry biases. */
  public Bias bias() { return bias; }
  public boolean tieEmbeddings() { return tieEmbeddings; }
  public double initStd() { return initStd; }

  // ---- derived ----------------------------------------------------------------------------------

  /** HS, the head size C/NH. */
  public int headSize() { return hidden / heads; }

  /** True when q and k are rotated (any rotary position kind). */
  public boolean rotary() { return position.kind().rotary(); }

  /** True for a decoder (each position sees itself and the positions before it). */
  public boolean causal() { return mask == Mask.Kind.CAUSAL; }

  /** The attention mask of every block: {@link Mask#causal()} or {@link Mask#bidirectional()}. */
  public Mask attentionMask() { return causal() ? Mask.causal() : Mask.bidirectional(); }

  /** True for softmax logits (exact or tiled). */
  public boolean softmax() { return attention != AttentionKind.LINEAR; }

  /**
   * The position encoding of this configuration (width C, NH heads, Tmax positions); a learned one
   * wraps {@code learnedTable}, the model's (Tmax, C) parameter.
   */
  public PositionEncoding positionEncoding(float[] learnedTable) {
    return position.create(hidden, heads, context, learnedTable);
  }

  /** True for the Llama architecture (loadable by Hugging Face {@code LlamaForCausalLM} unchanged). */
  public boolean isLlama() {
    return causal() && softmax() && !headScale && logitScale == 1.0 && position.kind() == PositionKind.ROPE
        && position.layout() == PairLayout.HALF && position.rotaryDim() == 0 && position.axes() == null
        && !(position.scaling() instanceof RopeScaling.Ntk) && norm == NormKind.RMSNORM && mlp == MlpKind.SWIGLU;
  }

  // ---- presets ----------------------------------------------------------------------------------

  /** A Llama-style configuration with the given sizes (softmax, RoPE HALF θ=10000, RMSNorm ε=1e-5, SwiGLU, no biases). */
  public static ModelConfig llama(int vocab, int hidden, int intermediate, int layers, int heads, int context) {
    return new Builder().vocab(vocab).hidden(hidden).intermediate(intermediate).layers(layers).heads(heads).kvHeads(heads)
        .context(context).build();
  }

  /** The benchmark's reference configuration: C 128, I 384, 4 layers, 4 heads, V 256, context 256. */
  public static ModelConfig tiny() { return llama(256, 128, 384, 4, 4, 256); }

  /** Twice as wide as {@link #tiny()}: C 256, I 768, 4 layers, 4 heads, V 256, context 256. */
  public static ModelConfig small() { return llama(256, 256, 768, 4, 4, 256); }

  /** A very small model for tests and quick demos: C 32, I 64, 2 layers, 4 heads, V 256, context 64. */
  public static ModelConfig micro() { return llama(256, 32, 64, 2, 4, 64); }

  /** The names accepted by {@link #preset(String)}. */
  public static List<String> presetNames() { return List.of("micro", "tiny", "small"); }

  /** A preset by name ({@link #presetNames()}). */
  public static ModelConfig preset(String name) {
    switch (name == null ? "" : name) {
      case "micro": return micro();
      case "tiny": return tiny();
      case "small": return small();
      default:
        throw new IllegalArgumentException("unknown preset '" + name + "'; valid presets: " + String.join(", ", presetNames()));
    }
  }

  // ---- copies -----------------------------------------------------------------------------------

  /** A builder holding this configuration's values. */
  public Builder toBuilder() { return new Builder(this); }

  /** A builder starting from the {@link #micro()} preset's values. */
  public static Builder builder() { return new Builder(); }

  public ModelConfig withVocab(int v) { return toBuilder().vocab(v).build(); }
  public ModelConfig withLayers(int l) { return toBuilder().layers(l).build(); }
  public ModelConfig withContext(int t) { return toBuilder().context(t).build(); }
  public ModelConfig withAttention(AttentionKind a) { return toBuilder().attention(a).build(); }
  public ModelConfig withMask(Mask.Kind m) { return toBuilder().mask(m).build(); }

  /** Another position kind with this configuration's base, pair layout and scaling. */
  public ModelConfig withPosition(PositionKind k) { return toBuilder().position(position.withKind(k)).build(); }

  public ModelConfig withPosition(PositionSpec p) { return toBuilder().position(p).build(); }

  /**
   * Named setters for every field; {@link #build} validates the whole (so intermediate combinations
   * need not be valid). Starts from {@link #micro()}'s values, or a configuration's via {@link #toBuilder()}.
   */
  public static final class Builder {
    private int vocab = 256, hidden = 32, intermediate = 64, layers = 2, heads = 4, kvHeads = 4, context = 64;
    private Mask.Kind mask = Mask.Kind.CAUSAL;
    private AttentionKind attention = AttentionKind.SOFTMAX;
    private FeatureMap linearFeature = FeatureMap.ELU_PLUS_1;
    private LinearAttention.Form linearForm = LinearAttention.Form.PARALLEL;
    private int linearChunk = 64;
    private double linearDecay = 1.0, logitScale = 1.0;
    private boolean headScale;
    private PositionSpec position = PositionSpec.of(PositionKind.ROPE).withPairLayout(PairLayout.HALF);
    private NormKind norm = NormKind.RMSNORM;
    private double normEps = 1e-5;
    private MlpKind mlp = MlpKind.SWIGLU;
    private Bias bias = Bias.NONE;
    private boolean tieEmbeddings;
    private double initStd = 0.02;

    private Builder() {}

    private Builder(ModelConfig c) {
      vocab = c.vocab; hidden = c.hidden; intermediate = c.intermediate; layers = c.layers; heads = c.heads;
      kvHeads = c.kvHeads; context = c.context; mask = c.mask; attention = c.attention; linearFeature = c.linearFeature;
      linearForm = c.linearForm; linearChunk = c.linearChunk; linearDecay = c.linearDecay; logitScale = c.logitScale;
      headScale = c.headScale; position = c.position; norm = c.norm; normEps = c.normEps; mlp = c.mlp; bias = c.bias;
      tieEmbeddings = c.tieEmbeddings; initStd = c.initStd;
    }

    public Builder vocab(int v) { vocab = v; return this; }
    public Builder hidden(int v) { hidden = v; return this; }
    public Builder intermediate(int v) { intermediate = v; return this; }
    public Builder layers(int v) { layers = v; return this; }
    public Builder heads(int v) { heads = v; return this; }
    public Builder kvHeads(int v) { kvHeads = v; return this; }
    public Builder context(int v) { context = v; return this; }
    public Builder mask(Mask.Kind v) { mask = v; return this; }
    public Builder attention(AttentionKind v) { attention = v; return this; }
    public Builder linearFeature(FeatureMap v) { linearFeature = v; return this; }
    public Builder linearForm(LinearAttention.Form v) { linearForm = v; return this; }
    public Builder linearChunk(int v) { linearChunk = v; return this; }
    public Builder linearDecay(double v) { linearDecay = v; return this; }
    public Builder logitScale(double v) { logitScale = v; return this; }
    public Builder headScale(boolean v) { headScale = v; return this; }
    public Builder position(PositionSpec v) { position = v; return this; }
    public Builder norm(NormKind v) { norm = v; return this; }
    public Builder normEps(double v) { normEps = v; return this; }
    public Builder mlp(MlpKind v) { mlp = v; return this; }
    public Builder bias(Bias v) { bias = v; return this; }
    /** Biases on every linear layer (true) or none (false). */
    public Builder bias(boolean v) { bias = v ? Bias.ALL : Bias.NONE; return this; }
    public Builder tieEmbeddings(boolean v) { tieEmbeddings = v; return this; }
    public Builder initStd(double v) { initStd = v; return this; }

    /** The configuration; throws an IllegalArgumentException naming the first broken rule. */
    public ModelConfig build() { return new ModelConfig(this); }
  }

  // ---- value semantics --------------------------------------------------------------------------

  private List<Object> values() {
    return List.of(vocab, hidden, intermediate, layers, heads, kvHeads, context, mask, attention, linearFeature, linearForm,
        linearChunk, linearDecay, logitScale, headScale, position, norm, normEps, mlp, bias, tieEmbeddings, initStd);
  }

  @Override public boolean equals(Object o) { return o instanceof ModelConfig c && values().equals(c.values()); }

  @Override public int hashCode() { return Objects.hash(values().toArray()); }

  /** The {@link Overrides#describe} form: {@code ModelConfig{vocab=256, hidden=32, …}}. */
  @Override public String toString() { return "ModelConfig" + Overrides.describe(this); }
}
