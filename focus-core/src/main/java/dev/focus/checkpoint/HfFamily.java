package dev.focus.checkpoint;

import dev.focus.io.Text;
import dev.focus.model.ModelConfig;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face model families whose checkpoints are a Focus decoder: Llama, and Mistral and Qwen2,
 * which differ from it only in config.json fields (pre-RMSNorm, SwiGLU with silu, rotate_half RoPE,
 * grouped-query attention, tied or untied embeddings). What differs, as each family's modeling code
 * defines it:
 *
 * <table>
 *   <caption>family differences</caption>
 *   <tr><th>family</th><th>biases</th><th>sliding window</th><th>default context</th></tr>
 *   <tr><td>llama</td><td>q/k/v/o when {@code attention_bias}, the MLP when {@code mlp_bias}</td><td>none</td><td>2048</td></tr>
 *   <tr><td>mistral</td><td>none</td><td>on when {@code sliding_window} is a number</td><td>131072</td></tr>
 *   <tr><td>qwen2</td><td>q/k/v always; o and the MLP never</td><td>on when {@code use_sliding_window} is true</td><td>32768</td></tr>
 * </table>
 *
 * <p>Focus computes full causal attention only, so a window that would act is refused in one line
 * rather than ignored (the logits past the window would differ from the model's).
 */
enum HfFamily {
  LLAMA("llama", "LlamaForCausalLM", 2048),
  MISTRAL("mistral", "MistralForCausalLM", 131072),
  QWEN2("qwen2", "Qwen2ForCausalLM", 32768);

  /** config.json's {@code model_type} and {@code architectures} entry. */
  final String modelType, architecture;
  /** {@code max_position_embeddings} when config.json leaves it out (the family's config class default). */
  final int defaultContext;

  HfFamily(String modelType, String architecture, int defaultContext) {
    this.modelType = modelType;
    this.architecture = architecture;
    this.defaultContext = defaultContext;
  }

  /**
   * The family that config.json's {@code model_type} and {@code architectures} name (Llama when it
   * names none); a family Focus does not read, or two that disagree, is refused.
   */
  static HfFamily of(Map<String, Object> m) {
    Object type = m.get("model_type");
    HfFamily byType = null;
    if (type != null) {
      for (HfFamily f : values()) if (f.modelType.equals(type)) byType = f;
      if (byType == null) {
        throw new IllegalArgumentException("model_type=" + Text.quote(Json.write(type), 80) + " is not read (" + names(true) + " are)");
      }
    }
    Object arch = m.get("architectures");
    HfFamily byArch = null;
    if (arch != null) {
      if (!(arch instanceof List<?> list) || list.size() != 1) {
        throw new IllegalArgumentException("architectures=" + Text.quote(Json.write(arch), 80) + " must name one architecture");
      }
      for (HfFamily f : values()) if (f.architecture.equals(list.get(0))) byArch = f;
      if (byArch == null) {
        throw new IllegalArgumentException("architectures=" + Text.quote(Json.write(arch), 80) + " is not read (" + names(false) + " are)");
      }
    }
    if (byType != null && byArch != null && byType != byArch) {
      throw new IllegalArgumentException("model_type=" + byType.modelType + " disagrees with architectures=[" + byArch.architecture + "]");
    }
    return byType != null ? byType : byArch != null ? byArch : LLAMA;
  }

  private static String names(boolean types) {
    StringBuilder s = new StringBuilder();
    for (HfFamily f : values()) s.append(s.length() == 0 ? "" : ", ").append(types ? f.modelType : f.architecture);
    return s.toString();
  }

  /** The biases this family's modeling code gives the linear layers. */
  ModelConfig.Bias bias(Map<String, Object> m) {
    switch (this) {
      case QWEN2:
        return ModelConfig.Bias.QKV;   // Qwen2Attention: q/k/v_proj with bias, o_proj and the MLP without
      case MISTRAL:
        return ModelConfig.Bias.NONE;  // MistralAttention and MistralMLP: no biases, whatever the file says
      default: {
        boolean attention = flag(m, "attention_bias"), mlp = flag(m, "mlp_bias");
        if (mlp && !attention) {
          throw new IllegalArgumentException("mlp_bias=true with attention_bias=false is not supported (biases on the MLP come with "
              + "biases on q, k, v and o)");
        }
        return mlp ? ModelConfig.Bias.ALL : attention ? ModelConfig.Bias.ATTENTION : ModelConfig.Bias.NONE;
      }
    }
  }

  /** Refuses a sliding window that this family's attention would apply. */
  void requireFullAttention(Map<String, Object> m) {
    Object window = m.get("sliding_window");
    boolean on;
    switch (this) {
      case QWEN2:
        on = flag(m, "use_sliding_window") && window != null;
        break;
      case MISTRAL:
        on = window != null && !Boolean.FALSE.equals(m.get("use_sliding_window"));
        break;
      default:
        on = false; // LlamaAttention has no window
    }
    if (on) {
      throw new IllegalArgumentException("sliding_window=" + Text.quote(Json.write(window), 40) + " is on (model_type " + modelType
          + "): attention over only the last keys is not implemented; Focus reads checkpoints with full causal attention "
          + "(sliding_window null" + (this == QWEN2 ? ", or use_sliding_window false)" : ")"));
    }
  }

  private static boolean flag(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw new IllegalArgumentException("config.json " + key + "=" + Text.quote(Json.write(v), 40) + " is not true or false");
    return b;
  }
}
