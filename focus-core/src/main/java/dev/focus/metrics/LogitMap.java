package dev.focus.metrics;

import java.util.Locale;

/**
 * The maps f in a_j ∝ f(q·k_j) whose Gaussian-logit sparsity S_f(β, γ) has a closed form
 * (spec 01 §2): softmax's exp, plain linear attention's identity, relu and relu².
 */
public enum LogitMap {
  /** Softmax: f(s) = e^s; S = e^{-γ²/2}. */
  EXP {
    @Override public double apply(double s) { return Math.exp(s); }
    @Override public double closedForm(double beta, double gamma) { return Predictors.sExp(beta, gamma); }
  },
  /** Plain linear attention: f(s) = s. */
  IDENTITY {
    @Override public double apply(double s) { return s; }
    @Override public double closedForm(double beta, double gamma) { return Predictors.sIdentity(beta, gamma); }
  },
  /** f(s) = max(s, 0) (project addition; used by the lab's E1). */
  RELU {
    @Override public double apply(double s) { return s > 0 ? s : 0.0; }
    @Override public double closedForm(double beta, double gamma) { return Predictors.sRelu(beta, gamma); }
  },
  /** f(s) = max(s, 0)². */
  RELU2 {
    @Override public double apply(double s) { return s > 0 ? s * s : 0.0; }
    @Override public double closedForm(double beta, double gamma) { return Predictors.sRelu2(beta, gamma); }
  };

  /** f(s). */
  public abstract double apply(double s);

  /** The n → ∞ closed form S_f(β, γ). */
  public abstract double closedForm(double beta, double gamma);

  /** Lower-case name as the CLI spells it. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses "exp", "identity", "relu" or "relu2" (case-insensitive; "softmax" and "id" as aliases).
   *
   * @throws IllegalArgumentException naming the bad value and the valid ones
   */
  public static LogitMap parse(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "exp": case "softmax": return EXP;
      case "identity": case "id": return IDENTITY;
      case "relu": return RELU;
      case "relu2": return RELU2;
      default:
        throw new IllegalArgumentException("unknown kind '" + s + "' (valid: exp, identity, relu, relu2)");
    }
  }
}
