package dev.focus.model;

import dev.focus.position.RopeScaling;
import java.util.List;

/**
 * The architecture of a decoder-only Transformer: one immutable record, validated in its compact
 * constructor (STYLE.md §2.5), with named presets as factories and {@code withX} copies.
 *
 * <p>The default architecture is Llama-style: pre-RMSNorm, SwiGLU MLP, rotary positions in the
 * rotate_half ({@link RopeLayout#HALF}) pair layout, no biases, untied embeddings. A softmax + RoPE
 * model with these defaults is a Hugging Face {@code LlamaForCausalLM} (see
 * {@code dev.focus.checkpoint.HfLlama}).
 *
 * <p>Legend: V vocabulary, C width ({@code hidden}), I MLP width ({@code intermediate}), L layers,
 * NH query heads, KVH key/value heads (grouped-query attention when KVH &lt; NH), HS = C/NH head size,
 * Tmax the context length.
 *
 * @param vocab         V, number of token ids
 * @param hidden        C, residual width
 * @param intermediate  I, MLP hidden width
 * @param layers        L, number of blocks
 * @param heads         NH, query heads; must divide {@code hidden}
 * @param kvHeads       KVH, key/value heads; must divide {@code heads}
 * @param context       Tmax, the longest sequence (sizes RoPE tables and learned position tables)
 * @param attention     softmax (exact), flash (tiled, the same function) or linear attention
 * @param linearFeature the feature map φ of linear attention (ignored otherwise)
 * @param linearForm    how linear attention is evaluated: parallel (T×T), chunked or recurrent (same function)
 * @param linearChunk   tokens per chunk of the chunked form
 * @param linearDecay   linear attention's decay λ in (0, 1]: weights φ(q_n)·φ(k_m)·λ^(n−m); 1 = no decay
 * @param logitScale    global λ multiplying the content logit q·k/√HS (softmax and flash only)
 * @param headScale     a trainable per-head λ_h, shape (NH), initialised to 1, also multiplying the content
 *                      logit (spec 05 §3.1, Wang et al.'s HeadScale; softmax and flash only)
 * @param position      how positions enter the model
 * @param ropeTheta     RoPE base b, θ_i = b^(−2i/HS)
 * @param ropeLayout    RoPE pair layout (HALF = Hugging Face rotate_half)
 * @param mropeSections M-RoPE frequency sections (t, h, w), three entries summing to HS/2 when {@code position=MROPE}
 * @param ropeScaling   Hugging Face rope_scaling of the rotary frequencies ({@link #ropeScalingOf}): {@code none},
 *                      {@code linear:factor=F}, {@code ntk:factor=F}, {@code yarn:factor=F,original=M} or
 *                      {@code llama3:factor=F,low=L,high=H,original=M}; stored in this canonical text form
 * @param norm          RMSNorm or LayerNorm (pre-norm)
 * @param normEps       ε inside the norm's square root
 * @param mlp           SwiGLU or GELU (tanh) MLP
 * @param bias          biases on every linear layer (and LayerNorm shifts); false for Llama
 * @param tieEmbeddings the output head reuses the token embedding matrix
 * @param initStd       standard deviation of the normal weight initialisation
 */
public record ModelConfig(
    int vocab,
    int hidden,
    int intermediate,
    int layers,
    int heads,
    int kvHeads,
    int context,
    AttentionKind attention,
    LinearFeature linearFeature,
    LinearForm linearForm,
    int linearChunk,
    double linearDecay,
    double logitScale,
    boolean headScale,
    PositionKind position,
    double ropeTheta,
    RopeLayout ropeLayout,
    List<Integer> mropeSections,
    String ropeScaling,
    NormKind norm,
    double normEps,
    MlpKind mlp,
    boolean bias,
    boolean tieEmbeddings,
    double initStd) {

  /** Attention variants of the decoder ({@code dev.focus.attention}). */
  public enum AttentionKind {
    /** Exact causal softmax attention, logits λ·λ_h·q·k/√HS (+ ALiBi bias): {@code SoftmaxAttention}. */
    SOFTMAX,
    /** The same function computed in tiles with an online softmax (Dao et al. 2022): {@code FlashAttention}. */
    FLASH,
    /** Causal linear attention (Katharopoulos et al. 2020, eq. 4–6): φ(q)·φ(k) weights, row-normalised: {@code LinearAttention}. */
    LINEAR
  }

  /** Feature maps φ of linear attention, one per {@code dev.focus.attention.FeatureMap}. */
  public enum LinearFeature {
    /** φ(x) = x (signed weights; rows normalised by the number of keys). */
    IDENTITY,
    /** φ(x) = elu(x) + 1 (Katharopoulos et al. 2020, §3.2). */
    ELU_PLUS_1,
    /** φ(x) = max(x, 0). */
    RELU,
    /** relu(q·k)² (Hua et al. 2022); no feature map, so parallel form only, no RoPE, no incremental decoding. */
    RELU2,
    /** FAVOR+ positive random features, F = HS (Choromanski et al. 2021). */
    POSITIVE_RANDOM
  }

  /** Evaluation forms of linear attention ({@code LinearAttention.Form}); all compute the same function. */
  public enum LinearForm { PARALLEL, CHUNKED, RECURRENT }

  /** Position schemes (spec 04 §3, spec 05 §3.1). */
  public enum PositionKind {
    /** No position encoding: only the causal mask carries order. */
    NOPE,
    /** Rotary embedding of q and k (Su et al., RoFormer, eq. 34). */
    ROPE,
    /** Multi-axis rotary with sections (t, h, w); on text (all axes equal) it is exactly RoPE-1D. */
    MROPE,
    /** Linear distance bias −λ_h(n−m) on the logits (Press et al. 2022). Softmax only. */
    ALIBI,
    /** Fixed sinusoids added to the token embeddings (Vaswani et al. 2017, §3.5). */
    SINUSOIDAL,
    /** A learned Tmax × C table added to the token embeddings. */
    LEARNED
  }

  /** Rotary pair layouts (spec 04 §3.1). */
  public enum RopeLayout {
    /** Dim j pairs with dim j + HS/2 (Hugging Face rotate_half). */
    HALF,
    /** Dims (2i, 2i+1) form pair i (RoFormer). */
    ADJACENT
  }

  /** Normalisation layers. */
  public enum NormKind { RMSNORM, LAYERNORM }

  /** MLP variants. */
  public enum MlpKind {
    /** down(silu(gate(x)) ⊙ up(x)) (Shazeer 2020). */
    SWIGLU,
    /** down(gelu_tanh(up(x))) (GPT-2). */
    GELU
  }

  public ModelConfig {
    positive("vocab", vocab);
    positive("hidden", hidden);
    positive("intermediate", intermediate);
    positive("layers", layers);
    positive("heads", heads);
    positive("kvHeads", kvHeads);
    positive("context", context);
    if (attention == null) throw new IllegalArgumentException("attention must not be null");
    if (linearFeature == null) throw new IllegalArgumentException("linearFeature must not be null");
    if (linearForm == null) throw new IllegalArgumentException("linearForm must not be null");
    positive("linearChunk", linearChunk);
    if (!(linearDecay > 0 && linearDecay <= 1)) {
      throw new IllegalArgumentException("linearDecay=" + linearDecay + " must be in (0, 1] (1 = no decay)");
    }
    if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
      throw new IllegalArgumentException("logitScale=" + logitScale + " must be a finite number > 0");
    }
    if (position == null) throw new IllegalArgumentException("position must not be null");
    if (ropeLayout == null) throw new IllegalArgumentException("ropeLayout must not be null");
    if (norm == null) throw new IllegalArgumentException("norm must not be null");
    if (mlp == null) throw new IllegalArgumentException("mlp must not be null");
    mropeSections = mropeSections == null ? List.of() : List.copyOf(mropeSections);
    ropeScaling = describeScaling(ropeScalingOf(ropeScaling == null ? "none" : ropeScaling));
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("heads=" + heads + " must divide hidden=" + hidden);
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("kvHeads=" + kvHeads + " must divide heads=" + heads);
    }
    int hs = hidden / heads;
    boolean rotary = position == PositionKind.ROPE || position == PositionKind.MROPE;
    if (rotary && hs % 2 != 0) {
      throw new IllegalArgumentException(
          "head size hidden/heads=" + hs + " must be even under " + position + " (hidden=" + hidden + ", heads=" + heads + ")");
    }
    if (rotary && !(ropeTheta > 1.0) || Double.isNaN(ropeTheta) || Double.isInfinite(ropeTheta)) {
      throw new IllegalArgumentException("ropeTheta=" + ropeTheta + " must be a finite number > 1");
    }
    if (!ropeScaling.equals("none") && !rotary) {
      throw new IllegalArgumentException("ropeScaling=" + ropeScaling + " needs rotary positions, not position=" + position);
    }
    if (position == PositionKind.MROPE) {
      if (mropeSections.isEmpty()) {
        throw new IllegalArgumentException("position=MROPE needs mropeSections (summing to head size/2=" + hs / 2 + ")");
      }
      int sum = 0;
      for (int s : mropeSections) {
        if (s < 0) throw new IllegalArgumentException("mropeSections=" + mropeSections + " has a negative section " + s);
        sum += s;
      }
      if (sum != hs / 2) {
        throw new IllegalArgumentException(
            "mropeSections=" + mropeSections + " sum to " + sum + " but must sum to head size/2=" + hs / 2);
      }
      if (mropeSections.size() != 3) {
        throw new IllegalArgumentException("mropeSections=" + mropeSections + " must have 3 entries (t, h, w)");
      }
    } else if (!mropeSections.isEmpty()) {
      throw new IllegalArgumentException("mropeSections=" + mropeSections + " given but position=" + position + " (not MROPE)");
    }
    if (position == PositionKind.ALIBI && attention == AttentionKind.LINEAR) {
      throw new IllegalArgumentException(
          "position=ALIBI is not defined for attention=LINEAR (the distance bias needs softmax logits)");
    }
    if (attention == AttentionKind.LINEAR && headScale) {
      throw new IllegalArgumentException("headScale=true is not defined for attention=LINEAR (λ_h scales softmax logits)");
    }
    if (attention == AttentionKind.LINEAR && logitScale != 1.0) {
      throw new IllegalArgumentException("logitScale=" + logitScale + " is not defined for attention=LINEAR (only 1; it scales softmax logits)");
    }
    if (attention == AttentionKind.LINEAR && linearFeature == LinearFeature.RELU2) {
      if (linearForm != LinearForm.PARALLEL) {
        throw new IllegalArgumentException("linearFeature=RELU2 has no feature map, so linearForm=" + linearForm + " is impossible; use PARALLEL");
      }
      if (rotary) {
        throw new IllegalArgumentException("linearFeature=RELU2 has no feature vectors to rotate, so position=" + position + " is impossible");
      }
    }
    if (position == PositionKind.SINUSOIDAL && hidden % 2 != 0) {
      throw new IllegalArgumentException("hidden=" + hidden + " must be even under position=SINUSOIDAL");
    }
    if (!(normEps > 0) || Double.isInfinite(normEps)) {
      throw new IllegalArgumentException("normEps=" + normEps + " must be a finite number > 0");
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd=" + initStd + " must be a finite number > 0");
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + "=" + v + " must be >= 1");
  }

  /** HS, the head size C/NH. */
  public int headSize() { return hidden / heads; }

  /** True when q and k are rotated (RoPE or M-RoPE). */
  public boolean rotary() { return position == PositionKind.ROPE || position == PositionKind.MROPE; }

  /**
   * The {@link RopeScaling} of a text spec {@code type[:key=value,...]}: {@code none}, {@code linear:factor},
   * {@code ntk:factor}, {@code yarn:factor,original[,betaFast,betaSlow,attention]},
   * {@code llama3:factor,low,high,original} (HF rope_scaling; keys as in {@link #describeScaling}). The
   * length-dependent types ({@code dynamic}, {@code longrope}) are not supported: the model builds one
   * table for all lengths.
   */
  public static RopeScaling ropeScalingOf(String spec) {
    String s = spec.trim();
    int colon = s.indexOf(':');
    String type = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(java.util.Locale.ROOT);
    java.util.Map<String, Double> kv = new java.util.LinkedHashMap<>();
    if (colon >= 0 && colon + 1 < s.length()) {
      for (String part : s.substring(colon + 1).split(",")) {
        int eq = part.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("ropeScaling=" + spec + ": '" + part + "' must have the form key=number");
        try {
          kv.put(part.substring(0, eq).trim(), Double.parseDouble(part.substring(eq + 1).trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("ropeScaling=" + spec + ": '" + part + "' is not a number");
        }
      }
    }
    java.util.Map<String, List<String>> valid = java.util.Map.of("none", List.of(), "default", List.of(),
        "linear", List.of("factor"), "ntk", List.of("factor"),
        "yarn", List.of("factor", "original", "betaFast", "betaSlow", "attention"),
        "llama3", List.of("factor", "low", "high", "original"));
    for (String k : kv.keySet()) {
      if (valid.containsKey(type) && !valid.get(type).contains(k)) {
        throw new IllegalArgumentException("ropeScaling=" + spec + ": unknown key '" + k + "' for " + type + "; valid: " + valid.get(type));
      }
    }
    RopeScaling r;
    switch (type) {
      case "none": case "default":
        r = new RopeScaling.None();
        break;
      case "linear":
        r = new RopeScaling.Linear(need(spec, kv, "factor"));
        break;
      case "ntk":
        r = new RopeScaling.Ntk(need(spec, kv, "factor"));
        break;
      case "yarn":
        r = new RopeScaling.Yarn(need(spec, kv, "factor"), (int) need(spec, kv, "original"), kv.getOrDefault("betaFast", 32.0),
            kv.getOrDefault("betaSlow", 1.0), kv.getOrDefault("attention", Double.NaN));
        break;
      case "llama3":
        r = new RopeScaling.Llama3(need(spec, kv, "factor"), need(spec, kv, "low"), need(spec, kv, "high"),
            (int) need(spec, kv, "original"));
        break;
      case "dynamic": case "longrope":
        throw new IllegalArgumentException("ropeScaling=" + spec + " is not supported: " + type
            + " frequencies depend on the sequence length (use none, linear, ntk, yarn or llama3)");
      default:
        throw new IllegalArgumentException("ropeScaling=" + spec + " has unknown type '" + type
            + "'; valid: none, linear, ntk, yarn, llama3");
    }
    return r;
  }

  private static double need(String spec, java.util.Map<String, Double> kv, String key) {
    Double v = kv.get(key);
    if (v == null) throw new IllegalArgumentException("ropeScaling=" + spec + " lacks " + key);
    return v;
  }

  /** The canonical text of a scaling (the inverse of {@link #ropeScalingOf}). */
  public static String describeScaling(RopeScaling r) {
    if (r instanceof RopeScaling.Linear l) return "linear:factor=" + l.factor();
    if (r instanceof RopeScaling.Ntk n) return "ntk:factor=" + n.factor();
    if (r instanceof RopeScaling.Yarn y) {
      return "yarn:factor=" + y.factor() + ",original=" + y.maxPositions() + ",betaFast=" + y.betaFast() + ",betaSlow="
          + y.betaSlow() + (Double.isNaN(y.attention()) ? "" : ",attention=" + y.attention());
    }
    if (r instanceof RopeScaling.Llama3 l) {
      return "llama3:factor=" + l.factor() + ",low=" + l.lowFreqFactor() + ",high=" + l.highFreqFactor() + ",original="
          + l.originalMaxPositions();
    }
    return "none";
  }

  /** The rotary frequency scaling ({@link #ropeScaling} parsed). */
  public RopeScaling ropeScalingSpec() { return ropeScalingOf(ropeScaling); }

  /** True for softmax logits (exact or tiled). */
  public boolean softmax() { return attention != AttentionKind.LINEAR; }

  /** True for the Llama architecture (loadable by Hugging Face {@code LlamaForCausalLM} unchanged). */
  public boolean isLlama() {
    return softmax() && !headScale && logitScale == 1.0 && !ropeScaling.startsWith("ntk")
        && position == PositionKind.ROPE && ropeLayout == RopeLayout.HALF
        && norm == NormKind.RMSNORM && mlp == MlpKind.SWIGLU;
  }

  // ---- presets ----------------------------------------------------------------------------------

  /** A Llama-style configuration with the given sizes (softmax, RoPE HALF θ=10000, RMSNorm ε=1e-5, SwiGLU, no biases). */
  public static ModelConfig llama(int vocab, int hidden, int intermediate, int layers, int heads, int context) {
    return new ModelConfig(vocab, hidden, intermediate, layers, heads, heads, context,
        AttentionKind.SOFTMAX, LinearFeature.ELU_PLUS_1, LinearForm.PARALLEL, 64, 1.0, 1.0, false,
        PositionKind.ROPE, 10000.0, RopeLayout.HALF, List.of(), "none",
        NormKind.RMSNORM, 1e-5, MlpKind.SWIGLU, false, false, 0.02);
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

  public ModelConfig withVocab(int v) { return Overrides.apply(this, "vocab=" + v); }
  public ModelConfig withAttention(AttentionKind a) { return Overrides.apply(this, "attention=" + a); }
  public ModelConfig withPosition(PositionKind p) { return Overrides.apply(this, "position=" + p); }
  public ModelConfig withLayers(int l) { return Overrides.apply(this, "layers=" + l); }
  public ModelConfig withContext(int t) { return Overrides.apply(this, "context=" + t); }
}
