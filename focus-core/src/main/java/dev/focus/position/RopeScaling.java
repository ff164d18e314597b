package dev.focus.position;

import java.util.Arrays;

/**
 * Hugging Face {@code rope_scaling} types (spec 04 §3.2, [HF-RoPE]): each maps (d, b, current length ℓ)
 * to scaled frequencies θ′ and an attention factor that multiplies cos and sin.
 *
 * <p>Semantics follow transformers {@code modeling_rope_utils.py} at revision
 * 0044e3b3facff1a1ad60b235c69d5b45beae75a4 (the revision pinned by the golden θ′ tests), computed here
 * in float64 (HF rounds θ′ to float32). Legend: d = rotary dim, b = base, M = max_position_embeddings,
 * M₀ = original_max_position_embeddings, θ_i = b^(−2i/d).
 */
public sealed interface RopeScaling {

  /** θ′ for rotary dim {@code dim}, base {@code base}, at current length {@code seqLen} (used by dynamic and longrope only). */
  double[] theta(int dim, double base, int seqLen);

  /** Factor multiplying cos and sin (1 unless stated). */
  default double attentionFactor() { return 1.0; }

  /** The {@code rope_type} name. */
  String type();

  /**
   * The text form {@link #parse} reads back: {@code none}, {@code linear:factor=F}, {@code ntk:factor=F},
   * {@code yarn:factor=F,original=M,betaFast=B,betaSlow=B[,attention=A]} or
   * {@code llama3:factor=F,low=L,high=H,original=M} (the {@code ropeScaling} key of a model config).
   */
  default String describe() {
    if (this instanceof Linear l) return "linear:factor=" + l.factor();
    if (this instanceof Ntk n) return "ntk:factor=" + n.factor();
    if (this instanceof Yarn y) {
      return "yarn:factor=" + y.factor() + ",original=" + y.maxPositions() + ",betaFast=" + y.betaFast() + ",betaSlow="
          + y.betaSlow() + (Double.isNaN(y.attention()) ? "" : ",attention=" + y.attention());
    }
    if (this instanceof Llama3 l) {
      return "llama3:factor=" + l.factor() + ",low=" + l.lowFreqFactor() + ",high=" + l.highFreqFactor() + ",original="
          + l.originalMaxPositions();
    }
    if (this instanceof None) return "none";
    throw new IllegalArgumentException("rope scaling " + type() + " has no text form (its frequencies depend on the sequence length)");
  }

  /**
   * The scaling of a text spec {@code type[:key=value,...]} ({@link #describe}'s form; {@code default}
   * is {@code none}). The length-dependent types ({@code dynamic}, {@code longrope}) have no text form: a
   * model builds one rotary table for every length.
   */
  static RopeScaling parse(String spec) {
    String s = spec == null ? "none" : spec.trim();
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
    java.util.Map<String, java.util.List<String>> valid = java.util.Map.of("none", java.util.List.of(),
        "default", java.util.List.of(), "linear", java.util.List.of("factor"), "ntk", java.util.List.of("factor"),
        "yarn", java.util.List.of("factor", "original", "betaFast", "betaSlow", "attention"),
        "llama3", java.util.List.of("factor", "low", "high", "original"));
    for (String k : kv.keySet()) {
      if (valid.containsKey(type) && !valid.get(type).contains(k)) {
        throw new IllegalArgumentException("ropeScaling=" + spec + ": unknown key '" + k + "' for " + type + "; valid: " + valid.get(type));
      }
    }
    switch (type) {
      case "none": case "default":
        return new None();
      case "linear":
        return new Linear(need(spec, kv, "factor"));
      case "ntk":
        return new Ntk(need(spec, kv, "factor"));
      case "yarn":
        return new Yarn(need(spec, kv, "factor"), (int) need(spec, kv, "original"), kv.getOrDefault("betaFast", 32.0),
            kv.getOrDefault("betaSlow", 1.0), kv.getOrDefault("attention", Double.NaN));
      case "llama3":
        return new Llama3(need(spec, kv, "factor"), need(spec, kv, "low"), need(spec, kv, "high"), (int) need(spec, kv, "original"));
      case "dynamic": case "longrope":
        throw new IllegalArgumentException("ropeScaling=" + spec + " is not supported: " + type
            + " frequencies depend on the sequence length (use none, linear, ntk, yarn or llama3)");
      default:
        throw new IllegalArgumentException("ropeScaling=" + spec + " has unknown type '" + type + "'; valid: none, linear, ntk, yarn, llama3");
    }
  }

  private static double need(String spec, java.util.Map<String, Double> kv, String key) {
    Double v = kv.get(key);
    if (v == null) throw new IllegalArgumentException("ropeScaling=" + spec + " lacks " + key);
    return v;
  }

  /** {@code default}: θ′ = θ. */
  record None() implements RopeScaling {
    @Override public double[] theta(int dim, double base, int seqLen) { return FrequencyPlan.ropeTheta(dim, base); }
    @Override public String type() { return "default"; }
  }

  /** {@code linear} (position interpolation): θ′_i = θ_i / factor. */
  record Linear(double factor) implements RopeScaling {
    public Linear { checkFactor(factor); }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      double[] t = FrequencyPlan.ropeTheta(dim, base);
      for (int i = 0; i < t.length; i++) t[i] /= factor;
      return t;
    }

    @Override public String type() { return "linear"; }
  }

  /**
   * {@code dynamic} NTK: for ℓ &gt; M, b′ = b·(factor·ℓ/M − (factor−1))^(d/(d−2)); otherwise θ′ = θ
   * (this revision uses M, not M₀, and ℓ = max(ℓ, M)). Recompute the table when ℓ changes.
   */
  record Dynamic(double factor, int maxPositions) implements RopeScaling {
    public Dynamic {
      checkFactor(factor);
      if (maxPositions < 1) throw new IllegalArgumentException("dynamic: maxPositions=" + maxPositions + " must be >= 1");
    }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      double len = Math.max(seqLen, maxPositions);
      double b = base * Math.pow(factor * len / maxPositions - (factor - 1), (double) dim / (dim - 2));
      return FrequencyPlan.ropeTheta(dim, b);
    }

    @Override public String type() { return "dynamic"; }
  }

  /** Static {@code ntk} (older revisions): b′ = b·factor^(d/(d−2)). */
  record Ntk(double factor) implements RopeScaling {
    public Ntk { checkFactor(factor); }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      return FrequencyPlan.ropeTheta(dim, base * Math.pow(factor, (double) dim / (dim - 2)));
    }

    @Override public String type() { return "ntk"; }
  }

  /**
   * {@code yarn} (Peng et al. 2023, arXiv 2309.00071): corr(r) = d·ln(M/(2πr))/(2 ln b);
   * lo = max(⌊corr(β_fast)⌋, 0), hi = min(⌈corr(β_slow)⌉, d−1) (+0.001 if equal);
   * ramp_i = clamp((i−lo)/(hi−lo), 0, 1); θ′_i = ramp_i·θ_i/factor + (1−ramp_i)·θ_i.
   * Attention factor 0.1·ln(factor) + 1 unless given (NaN = not given).
   */
  record Yarn(double factor, int maxPositions, double betaFast, double betaSlow, double attention) implements RopeScaling {
    public Yarn {
      checkFactor(factor);
      if (maxPositions < 1) throw new IllegalArgumentException("yarn: maxPositions=" + maxPositions + " must be >= 1");
    }

    /** β_fast = 32, β_slow = 1, default attention factor. */
    public Yarn(double factor, int maxPositions) { this(factor, maxPositions, 32, 1, Double.NaN); }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      double[] t = FrequencyPlan.ropeTheta(dim, base);
      double lo = Math.max(Math.floor(corr(betaFast, dim, base)), 0);
      double hi = Math.min(Math.ceil(corr(betaSlow, dim, base)), dim - 1);
      if (hi == lo) hi += 0.001;
      for (int i = 0; i < t.length; i++) {
        double ramp = Math.min(Math.max((i - lo) / (hi - lo), 0.0), 1.0);
        t[i] = ramp * (t[i] / factor) + (1 - ramp) * t[i];
      }
      return t;
    }

    private double corr(double rotations, int dim, double base) {
      return dim * Math.log(maxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }

    @Override public double attentionFactor() { return Double.isNaN(attention) ? 0.1 * Math.log(factor) + 1.0 : attention; }

    @Override public String type() { return "yarn"; }
  }

  /**
   * {@code longrope} (Phi-3): θ′_i = θ_i / e_i with e = longFactor when the context exceeds M₀, else
   * shortFactor. factor = M/M₀; attention factor √(1 + ln(factor)/ln M₀), or 1 if factor ≤ 1, unless given.
   * HF computes the init-time table with ℓ = M; pass the current length to switch per sequence.
   */
  record LongRope(double[] shortFactor, double[] longFactor, int maxPositions, int originalMaxPositions, double attention)
      implements RopeScaling {
    public LongRope {
      if (shortFactor == null || longFactor == null || shortFactor.length != longFactor.length) {
        throw new IllegalArgumentException("longrope: shortFactor and longFactor must have the same length (d/2)");
      }
      if (originalMaxPositions < 1 || maxPositions < 1) {
        throw new IllegalArgumentException("longrope: maxPositions=" + maxPositions + " and originalMaxPositions="
            + originalMaxPositions + " must be >= 1");
      }
      shortFactor = shortFactor.clone();
      longFactor = longFactor.clone();
    }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      double[] t = FrequencyPlan.ropeTheta(dim, base);
      if (shortFactor.length != t.length) {
        throw new IllegalArgumentException("longrope: factor lists have " + shortFactor.length + " entries but dim/2=" + t.length);
      }
      double[] e = seqLen > originalMaxPositions ? longFactor : shortFactor;
      for (int i = 0; i < t.length; i++) t[i] = 1.0 / (e[i] * Math.pow(base, 2.0 * i / dim));
      return t;
    }

    public double factor() { return (double) maxPositions / originalMaxPositions; }

    @Override
    public double attentionFactor() {
      if (!Double.isNaN(attention)) return attention;
      double f = factor();
      return f <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(f) / Math.log(originalMaxPositions));
    }

    @Override public double[] shortFactor() { return shortFactor.clone(); }

    @Override public double[] longFactor() { return longFactor.clone(); }

    @Override public String type() { return "longrope"; }

    @Override
    public boolean equals(Object o) {
      return o instanceof LongRope l && Arrays.equals(shortFactor, l.shortFactor) && Arrays.equals(longFactor, l.longFactor)
          && maxPositions == l.maxPositions && originalMaxPositions == l.originalMaxPositions
          && Double.compare(attention, l.attention) == 0;
    }

    @Override public int hashCode() { return Arrays.hashCode(shortFactor) * 31 + Arrays.hashCode(longFactor); }
  }

  /**
   * {@code llama3} (Llama 3.1: factor 8, low 1, high 4, M₀ 8192): λ_i = 2π/θ_i. Keep θ_i if
   * λ_i &lt; M₀/high; θ_i/factor if λ_i &gt; M₀/low; otherwise (1−s)θ_i/factor + sθ_i with
   * s = (M₀/λ_i − low)/(high − low).
   */
  record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) implements RopeScaling {
    public Llama3 {
      checkFactor(factor);
      if (!(highFreqFactor > lowFreqFactor)) {
        throw new IllegalArgumentException("llama3: highFreqFactor=" + highFreqFactor + " must exceed lowFreqFactor=" + lowFreqFactor);
      }
    }

    /** The Llama 3.1 values 8, 1, 4, 8192. */
    public static Llama3 llama31() { return new Llama3(8, 1, 4, 8192); }

    @Override
    public double[] theta(int dim, double base, int seqLen) {
      double[] t = FrequencyPlan.ropeTheta(dim, base);
      double lowWavelen = originalMaxPositions / lowFreqFactor, highWavelen = originalMaxPositions / highFreqFactor;
      for (int i = 0; i < t.length; i++) {
        double wavelen = 2 * Math.PI / t[i];
        if (wavelen < highWavelen) continue;
        if (wavelen > lowWavelen) {
          t[i] = t[i] / factor;
        } else {
          double s = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
          t[i] = (1 - s) * t[i] / factor + s * t[i];
        }
      }
      return t;
    }

    @Override public String type() { return "llama3"; }
  }

  private static void checkFactor(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) throw new IllegalArgumentException("rope scaling factor=" + factor + " must be finite and > 0");
  }
}
