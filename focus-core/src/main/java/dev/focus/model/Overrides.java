package dev.focus.model;

import dev.focus.attention.FeatureMap;
import dev.focus.attention.LinearAttention;
import dev.focus.io.Text;
import dev.focus.position.PairLayout;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionSpec;
import dev.focus.position.RopeScaling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Strict {@code key=value} changes to a {@link ModelConfig} (nanoGPT's configurator behaviour without
 * its exec: unknown keys and malformed values are rejected with a message listing the valid keys).
 *
 * <p>Keys are the configuration's field names ({@code hidden}, {@code kvHeads}, {@code attention}, …);
 * the position is spread over {@code position} (a {@link PositionKind} name), {@code ropeTheta},
 * {@code ropeLayout}, {@code mropeSections} and {@code ropeScaling}, the keys config.json files have
 * always used. Enum values are case-insensitive ({@code position=rope}); lists are comma separated
 * ({@code mropeSections=16,24,24}); booleans are {@code true} or {@code false}. The result is validated
 * by {@link ModelConfig.Builder#build}, so a combination that breaks an invariant fails there.
 */
public final class Overrides {
  private Overrides() {}

  /** Every key accepted by {@link #apply}, in record order. */
  public static final List<String> KEYS = List.of(
      "vocab", "hidden", "intermediate", "layers", "heads", "kvHeads", "context", "mask", "attention", "linearFeature",
      "linearForm", "linearChunk", "linearDecay", "logitScale", "headScale",
      "position", "ropeTheta", "ropeLayout", "mropeSections", "ropeScaling", "norm", "normEps", "mlp", "bias", "tieEmbeddings",
      "initStd");

  /**
   * Keys added after the first checkpoint format: a stored configuration may lack them, and they then
   * take these values (the behaviour of the models written before they existed).
   */
  public static final java.util.Map<String, String> LATER_KEYS = java.util.Map.of(
      "linearForm", "parallel", "linearChunk", "64", "linearDecay", "1.0", "logitScale", "1.0", "headScale", "false",
      "ropeScaling", "none", "mask", "causal");

  /** Longest value accepted (the longest real one, a ropeScaling spec, is under 100 characters). */
  static final int MAX_VALUE = 200;

  /** Applies one {@code key=value} assignment. */
  public static ModelConfig apply(ModelConfig config, String assignment) {
    int eq = assignment == null ? -1 : assignment.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("override '" + Text.quote(assignment) + "' must have the form key=value; valid keys: "
          + String.join(", ", KEYS));
    }
    Map<String, String> one = new LinkedHashMap<>();
    one.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
    return apply(config, one);
  }

  /** Applies several {@code key=value} assignments in order. */
  public static ModelConfig apply(ModelConfig config, List<String> assignments) {
    Map<String, String> all = new LinkedHashMap<>();
    for (String a : assignments) {
      int eq = a == null ? -1 : a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("override '" + Text.quote(a) + "' must have the form key=value; valid keys: "
            + String.join(", ", KEYS));
      }
      all.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
    }
    return apply(config, all);
  }

  /** Applies a map of key → value, all at once (so intermediate combinations need not be valid). */
  public static ModelConfig apply(ModelConfig c, Map<String, String> changes) {
    Map<String, String> m = describe(c);
    for (Map.Entry<String, String> e : changes.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown config key '" + Text.quote(e.getKey()) + "'; valid keys: " + String.join(", ", KEYS));
      }
      // Every later message may echo the value: it must be one short printable line.
      String v = e.getValue();
      if (v == null || v.length() > MAX_VALUE || !Text.isOneLine(v + "x")) {
        throw new IllegalArgumentException(e.getKey() + "=" + Text.quote(v) + " is not a short printable value (at most "
            + MAX_VALUE + " characters, no control characters)");
      }
      m.put(e.getKey(), e.getValue());
    }
    return build(m);
  }

  /**
   * The configuration as key → value strings (the inverse of {@link #apply}; used in config.json and
   * run.json). {@code mask} appears only for an encoder: a decoder's description is the one it had
   * before the key existed.
   */
  public static Map<String, String> describe(ModelConfig c) {
    PositionSpec p = c.position();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("vocab", Integer.toString(c.vocab()));
    m.put("hidden", Integer.toString(c.hidden()));
    m.put("intermediate", Integer.toString(c.intermediate()));
    m.put("layers", Integer.toString(c.layers()));
    m.put("heads", Integer.toString(c.heads()));
    m.put("kvHeads", Integer.toString(c.kvHeads()));
    m.put("context", Integer.toString(c.context()));
    // A decoder's description is the one it had before the key existed (config.json and run.json of
    // causal models unchanged); an encoder says so.
    if (!c.causal()) m.put("mask", lower(c.mask()));
    m.put("attention", lower(c.attention()));
    m.put("linearFeature", lower(c.linearFeature()));
    m.put("linearForm", lower(c.linearForm()));
    m.put("linearChunk", Integer.toString(c.linearChunk()));
    m.put("linearDecay", Double.toString(c.linearDecay()));
    m.put("logitScale", Double.toString(c.logitScale()));
    m.put("headScale", Boolean.toString(c.headScale()));
    m.put("position", p.kind().cliName());
    m.put("ropeTheta", Double.toString(p.base()));
    m.put("ropeLayout", lower(p.layout()));
    StringBuilder s = new StringBuilder();
    if (p.sections() != null) for (int v : p.sections()) s.append(s.length() == 0 ? "" : ",").append(v);
    m.put("mropeSections", s.toString());
    m.put("ropeScaling", p.scaling().describe());
    m.put("norm", lower(c.norm()));
    m.put("normEps", Double.toString(c.normEps()));
    m.put("mlp", lower(c.mlp()));
    m.put("bias", c.bias().describe());
    m.put("tieEmbeddings", Boolean.toString(c.tieEmbeddings()));
    m.put("initStd", Double.toString(c.initStd()));
    return m;
  }

  /** An enum constant as config.json and the command line write it ({@code elu_plus_1}). */
  static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }

  private static ModelConfig build(Map<String, String> m) {
    int[] sections = intList(m, "mropeSections");
    PositionSpec position = new PositionSpec(PositionKind.parse(m.get("position")), real(m, "ropeTheta"),
        enumValue(m, "ropeLayout", PairLayout.class), sections.length == 0 ? null : sections, null, 0,
        RopeScaling.parse(m.get("ropeScaling")));
    return ModelConfig.builder()
        .vocab(integer(m, "vocab")).hidden(integer(m, "hidden")).intermediate(integer(m, "intermediate"))
        .layers(integer(m, "layers")).heads(integer(m, "heads")).kvHeads(integer(m, "kvHeads")).context(integer(m, "context"))
        .mask(m.containsKey("mask") ? enumValue(m, "mask", dev.focus.attention.Mask.Kind.class) : dev.focus.attention.Mask.Kind.CAUSAL)
        .attention(enumValue(m, "attention", ModelConfig.AttentionKind.class))
        .linearFeature(enumValue(m, "linearFeature", FeatureMap.class))
        .linearForm(enumValue(m, "linearForm", LinearAttention.Form.class))
        .linearChunk(integer(m, "linearChunk")).linearDecay(real(m, "linearDecay")).logitScale(real(m, "logitScale"))
        .headScale(bool(m, "headScale"))
        .position(position)
        .norm(enumValue(m, "norm", ModelConfig.NormKind.class)).normEps(real(m, "normEps"))
        .mlp(enumValue(m, "mlp", ModelConfig.MlpKind.class))
        .bias(ModelConfig.Bias.parse(m.get("bias"))).tieEmbeddings(bool(m, "tieEmbeddings")).initStd(real(m, "initStd"))
        .build();
  }

  private static int integer(Map<String, String> m, String k) {
    try {
      return Integer.parseInt(m.get(k));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + "=" + m.get(k) + " is not an integer");
    }
  }

  private static double real(Map<String, String> m, String k) {
    try {
      return Double.parseDouble(m.get(k));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + "=" + m.get(k) + " is not a number");
    }
  }

  private static boolean bool(Map<String, String> m, String k) {
    String v = m.get(k).toLowerCase(Locale.ROOT);
    if (v.equals("true")) return true;
    if (v.equals("false")) return false;
    throw new IllegalArgumentException(k + "=" + m.get(k) + " must be true or false");
  }

  private static <E extends Enum<E>> E enumValue(Map<String, String> m, String k, Class<E> type) {
    String v = m.get(k).trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) if (e.name().equals(v)) return e;
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
    throw new IllegalArgumentException(k + "=" + m.get(k) + " is not one of " + String.join(", ", names));
  }

  private static int[] intList(Map<String, String> m, String k) {
    String v = m.get(k).trim();
    if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length() - 1).trim();
    if (v.isEmpty()) return new int[0];
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(k + "=" + m.get(k) + " is not a comma-separated list of integers");
      }
    }
    return out;
  }
}
