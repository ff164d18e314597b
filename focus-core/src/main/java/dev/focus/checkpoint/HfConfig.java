package dev.focus.checkpoint;

import dev.focus.io.Text;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config.json} in the Hugging Face {@code LlamaConfig} vocabulary, plus Focus fields that rebuild
 * a {@link ModelConfig} exactly.
 *
 * <p>Written fields: {@code model_type "llama"}, {@code architectures ["LlamaForCausalLM"]},
 * {@code hidden_act "silu"} (or {@code "gelu_pytorch_tanh"} for the GELU MLP), {@code hidden_size},
 * {@code intermediate_size}, {@code num_hidden_layers}, {@code num_attention_heads},
 * {@code num_key_value_heads}, {@code head_dim}, {@code rms_norm_eps}, {@code rope_theta},
 * {@code vocab_size}, {@code max_position_embeddings}, {@code tie_word_embeddings},
 * {@code attention_bias}, {@code mlp_bias}, {@code initializer_range}, {@code torch_dtype "float32"};
 * then {@code focus_attention}, {@code focus_position} and {@code focus_config} (every
 * {@link Overrides#describe} key). Only a model with {@link ModelConfig#isLlama()} is a Llama to
 * Hugging Face; for other variants the HF fields describe the shared parts. A model with biases on
 * q/k/v alone ({@code bias=qkv}) is written as Qwen2 ({@code model_type qwen2},
 * {@code use_sliding_window false}, no {@code attention_bias}/{@code mlp_bias}).
 *
 * <p>Reading prefers {@code focus_config}, and refuses a file whose Hugging Face fields disagree with it
 * ({@link #CHECKED_FIELDS}); without it the file is a plain Hugging Face config of one of the
 * {@link HfFamily} families ({@link #fromPretrained}).
 */
public final class HfConfig {
  private HfConfig() {}

  /** The config.json object for {@code c}. */
  public static Map<String, Object> toJson(ModelConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    // q/k/v biases alone are Qwen2's attention; every other Focus decoder is written as a Llama
    HfFamily family = c.bias() == ModelConfig.Bias.QKV ? HfFamily.QWEN2 : HfFamily.LLAMA;
    m.put("architectures", List.of(family.architecture));
    m.put("model_type", family.modelType);
    m.put("hidden_act", c.mlp() == ModelConfig.MlpKind.SWIGLU ? "silu" : "gelu_pytorch_tanh");
    m.put("hidden_size", (long) c.hidden());
    m.put("intermediate_size", (long) c.intermediate());
    m.put("num_hidden_layers", (long) c.layers());
    m.put("num_attention_heads", (long) c.heads());
    m.put("num_key_value_heads", (long) c.kvHeads());
    m.put("head_dim", (long) c.headSize());
    m.put("rms_norm_eps", c.normEps());
    m.put("rope_theta", c.position().base());
    m.put("rope_scaling", ropeScalingJson(c.position().scaling()));
    m.put("vocab_size", (long) c.vocab());
    m.put("max_position_embeddings", (long) c.context());
    m.put("tie_word_embeddings", c.tieEmbeddings());
    if (family == HfFamily.QWEN2) {
      m.put("use_sliding_window", false);
    } else {
      m.put("attention_bias", c.bias().output());
      m.put("mlp_bias", c.bias().mlp());
    }
    m.put("initializer_range", c.initStd());
    m.put("torch_dtype", "float32");
    m.put("focus_attention", Overrides.describe(c).get("attention"));
    m.put("focus_position", Overrides.describe(c).get("position"));
    m.put("focus_config", new LinkedHashMap<String, Object>(Overrides.describe(c)));
    return m;
  }

  /** The {@link ModelConfig} a config.json object describes. */
  @SuppressWarnings("unchecked")
  public static ModelConfig fromJson(Map<String, Object> m) {
    Object focus = m.get("focus_config");
    if (focus instanceof Map) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) focus).entrySet()) kv.put(e.getKey(), String.valueOf(e.getValue()));
      // keys added later (Overrides.LATER_KEYS) may be missing from older files and take their defaults
      java.util.Set<String> need = new java.util.LinkedHashSet<>(Overrides.KEYS);
      need.removeAll(Overrides.LATER_KEYS.keySet());
      if (!Overrides.KEYS.containsAll(kv.keySet()) || !kv.keySet().containsAll(need)) {
        throw new IllegalArgumentException("focus_config keys " + Text.quote(kv.keySet().toString(), 600) + " do not match the expected " + Overrides.KEYS);
      }
      for (Map.Entry<String, String> e : Overrides.LATER_KEYS.entrySet()) kv.putIfAbsent(e.getKey(), e.getValue());
      ModelConfig c = Overrides.apply(ModelConfig.tiny(), kv);
      requireAgreement(m, c);
      return c;
    }
    return fromPretrained(m);
  }

  /**
   * The configuration of a plain Hugging Face config.json (no {@code focus_config}): Llama, Mistral or
   * Qwen2 ({@link HfFamily}), with the fields of their config classes and those classes' defaults for
   * the fields left out. Refused in one line: another family or activation, a {@code head_dim} other
   * than hidden_size/num_attention_heads, a sliding window that acts, a quantized checkpoint, and
   * length-dependent rope_scaling types.
   */
  static ModelConfig fromPretrained(Map<String, Object> m) {
    HfFamily family = HfFamily.of(m);
    Object act = m.getOrDefault("hidden_act", "silu");
    if (!"silu".equals(act) && !"swish".equals(act)) {
      throw new IllegalArgumentException("hidden_act=" + Text.quote(String.valueOf(act), 40) + " is not supported (silu only)");
    }
    if (m.get("quantization_config") != null) {
      throw new IllegalArgumentException("quantization_config is set: quantized checkpoints are not read (F32, F16 and BF16 weights are)");
    }
    family.requireFullAttention(m);
    // transformers 5 gathers rope_theta and rope_scaling into one rope_parameters object
    Object params = m.get("rope_parameters");
    Map<String, Object> rope = params instanceof Map<?, ?> ? cast(params) : m;
    String scaling = ropeScaling(params instanceof Map<?, ?> ? params : m.get("rope_scaling"));
    int hidden = integer(m, "hidden_size", null), heads = integer(m, "num_attention_heads", null);
    if (heads < 1) throw new IllegalArgumentException("config.json num_attention_heads=" + heads + " must be >= 1");
    if (m.get("head_dim") != null && (long) integer(m, "head_dim", null) * heads != hidden) {
      throw new IllegalArgumentException("head_dim=" + m.get("head_dim") + " differs from hidden_size/num_attention_heads=" + hidden / heads
          + " (a head size of its own is not supported)");
    }
    Map<String, String> kv = new LinkedHashMap<>();
    kv.put("vocab", Integer.toString(integer(m, "vocab_size", null)));
    kv.put("hidden", Integer.toString(hidden));
    kv.put("intermediate", Integer.toString(integer(m, "intermediate_size", null)));
    kv.put("layers", Integer.toString(integer(m, "num_hidden_layers", null)));
    kv.put("heads", Integer.toString(heads));
    kv.put("kvHeads", Integer.toString(integer(m, "num_key_value_heads", heads)));
    kv.put("context", Integer.toString(integer(m, "max_position_embeddings", family.defaultContext)));
    kv.put("ropeTheta", Double.toString(real(rope, "rope_theta", 10000.0)));
    kv.put("normEps", Double.toString(real(m, "rms_norm_eps", 1e-6)));
    kv.put("tieEmbeddings", Boolean.toString(Boolean.TRUE.equals(m.get("tie_word_embeddings"))));
    kv.put("bias", family.bias(m).describe());
    kv.put("initStd", Double.toString(real(m, "initializer_range", 0.02)));
    kv.put("ropeScaling", scaling);
    ModelConfig c = Overrides.apply(ModelConfig.tiny(), kv);
    specialIds(m, c.vocab()); // bos/eos ids inside the vocabulary
    return c;
  }

  /**
   * The safetensors dtype (F32, F16, BF16, F64) that config.json's {@code torch_dtype} (or
   * transformers 5's {@code dtype}) says the weights are stored in, or null when it says nothing.
   */
  public static String storedDtype(Map<String, Object> m) {
    Object v = m.get("torch_dtype") != null ? m.get("torch_dtype") : m.get("dtype");
    if (v == null) return null;
    String key = m.get("torch_dtype") != null ? "torch_dtype" : "dtype";
    switch (String.valueOf(v)) {
      case "float32": case "float": return "F32";
      case "float16": case "half": return "F16";
      case "bfloat16": return "BF16";
      case "float64": case "double": return "F64";
      default:
        throw new IllegalArgumentException(key + "=" + Text.quote(Json.write(v), 40) + " is not read (float32, float16 or bfloat16)");
    }
  }

  /**
   * The end-of-sequence ids of config.json's {@code eos_token_id} (absent or null: none; a number or a
   * list of numbers), after checking that it and {@code bos_token_id} lie in [0, vocab).
   */
  public static int[] eosIds(Map<String, Object> m, int vocab) {
    return specialIds(m, vocab);
  }

  private static int[] specialIds(Map<String, Object> m, int vocab) {
    ids(m, "bos_token_id", vocab);
    return ids(m, "eos_token_id", vocab);
  }

  private static int[] ids(Map<String, Object> m, String key, int vocab) {
    Object v = m.get(key);
    List<?> list = v == null ? List.of() : v instanceof List<?> l ? l : List.of(v);
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object id = list.get(i);
      if (!(id instanceof Long n) || n < 0 || n >= vocab) {
        throw new IllegalArgumentException(key + "=" + Text.quote(Json.write(v), 80) + " must be ids in [0, vocab_size="
            + vocab + ")");
      }
      out[i] = (int) (long) n;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) { return (Map<String, Object>) o; }

  /**
   * The Hugging Face fields a reader of config.json builds its model from; beside focus_config they
   * must describe the same model, or Hugging Face tools and Focus would read two different ones.
   */
  static final List<String> CHECKED_FIELDS = List.of("model_type", "hidden_act", "hidden_size", "intermediate_size",
      "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "rms_norm_eps", "rope_theta", "rope_scaling",
      "vocab_size", "max_position_embeddings", "tie_word_embeddings", "attention_bias", "mlp_bias", "use_sliding_window", "focus_attention",
      "focus_position");

  /** Every {@link #CHECKED_FIELDS} entry present in {@code m} equals what {@link #toJson} writes for {@code c}. */
  static void requireAgreement(Map<String, Object> m, ModelConfig c) {
    Map<String, Object> implied = toJson(c);
    for (String k : CHECKED_FIELDS) {
      if (m.containsKey(k) && !sameValue(m.get(k), implied.get(k))) {
        throw new IllegalArgumentException(k + "=" + Text.quote(Json.write(m.get(k))) + " disagrees with focus_config, which implies "
            + Json.write(implied.get(k)) + " (Hugging Face tools would read another model)");
      }
    }
  }

  /** JSON equality with numbers compared by value (2 and 2.0 agree). */
  private static boolean sameValue(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) return false;
      for (Object k : x.keySet()) if (!sameValue(x.get(k), y.get(k))) return false;
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!sameValue(x.get(i), y.get(i))) return false;
      return true;
    }
    return java.util.Objects.equals(a, b);
  }

  /** HF's rope_scaling object of a scaling (null for none), as transformers writes it. */
  static Map<String, Object> ropeScalingJson(dev.focus.position.RopeScaling r) {
    Map<String, Object> j = new LinkedHashMap<>();
    if (r instanceof dev.focus.position.RopeScaling.Linear l) {
      j.put("rope_type", "linear");
      j.put("factor", l.factor());
    } else if (r instanceof dev.focus.position.RopeScaling.Yarn y) {
      j.put("rope_type", "yarn");
      j.put("factor", y.factor());
      j.put("original_max_position_embeddings", (long) y.maxPositions());
      j.put("beta_fast", y.betaFast());
      j.put("beta_slow", y.betaSlow());
      if (!Double.isNaN(y.attention())) j.put("attention_factor", y.attention());
    } else if (r instanceof dev.focus.position.RopeScaling.Llama3 l) {
      j.put("rope_type", "llama3");
      j.put("factor", l.factor());
      j.put("low_freq_factor", l.lowFreqFactor());
      j.put("high_freq_factor", l.highFreqFactor());
      j.put("original_max_position_embeddings", (long) l.originalMaxPositions());
    } else if (r instanceof dev.focus.position.RopeScaling.Ntk n) {
      j.put("rope_type", "ntk"); // not a transformers type: only Focus reads it back
      j.put("factor", n.factor());
    } else {
      return null;
    }
    return j;
  }

  /** The ModelConfig ropeScaling text of an HF rope_scaling object (null or absent: none). */
  @SuppressWarnings("unchecked")
  static String ropeScaling(Object json) {
    if (json == null) return "none";
    if (!(json instanceof Map)) throw new IllegalArgumentException("rope_scaling=" + Text.quote(Json.write(json)) + " is not an object");
    Map<String, Object> j = (Map<String, Object>) json;
    Object type = j.getOrDefault("rope_type", j.get("type"));
    String t = type == null ? "default" : type.toString();
    switch (t) {
      case "default":
        return "none";
      case "linear":
      case "ntk":
        return t + ":factor=" + real(j, "factor", Double.NaN);
      case "yarn":
        return "yarn:factor=" + real(j, "factor", Double.NaN) + ",original=" + integer(j, "original_max_position_embeddings", null)
            + ",betaFast=" + real(j, "beta_fast", 32) + ",betaSlow=" + real(j, "beta_slow", 1)
            + (j.get("attention_factor") == null ? "" : ",attention=" + real(j, "attention_factor", Double.NaN));
      case "llama3":
        return "llama3:factor=" + real(j, "factor", Double.NaN) + ",low=" + real(j, "low_freq_factor", Double.NaN)
            + ",high=" + real(j, "high_freq_factor", Double.NaN) + ",original=" + integer(j, "original_max_position_embeddings", null);
      default:
        throw new IllegalArgumentException("rope_scaling=" + Text.quote(Json.write(json)) + " is not supported (linear, yarn and llama3 are)");
    }
  }

  private static int integer(Map<String, Object> m, String k, Integer dflt) {
    Object v = m.get(k);
    if (v == null) {
      if (dflt == null) throw new IllegalArgumentException("config.json lacks " + k);
      return dflt;
    }
    if (!(v instanceof Long) || (Long) v < Integer.MIN_VALUE || (Long) v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config.json " + k + "=" + Text.quote(String.valueOf(v)) + " is not a 32-bit integer");
    }
    return (int) (long) (Long) v;
  }

  private static double real(Map<String, Object> m, String k, double dflt) {
    Object v = m.get(k);
    if (v == null) return dflt;
    if (!(v instanceof Number)) throw new IllegalArgumentException("config.json " + k + "=" + Text.quote(String.valueOf(v)) + " is not a number");
    return ((Number) v).doubleValue();
  }
}
