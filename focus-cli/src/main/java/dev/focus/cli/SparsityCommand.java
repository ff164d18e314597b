package dev.focus.cli;

import dev.focus.io.MemoryBudget;
import dev.focus.metrics.LogitMap;
import dev.focus.metrics.Predictors;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus sparsity}: closed-form attention sparsity S (spec 01 §2) and its Monte Carlo estimate.
 *
 * <pre>
 *   focus sparsity --kind exp|identity|relu|relu2 --gamma G [--beta B] [--simulate N [--seed S]]
 *   focus sparsity --decay LAMBDA --n N
 * </pre>
 *
 * Output contract (other tools parse it): one number per line on stdout, 10 significant digits in plain
 * notation (see {@link #format}). Gaussian mode prints the closed form, then with {@code --simulate}
 * the finite-N estimate S* of f(β+γε_i). Decay mode prints the closed form, then the bound. Bad values
 * exit 2 with one line naming the value.
 */
@Command(name = "sparsity", mixinStandardHelpOptions = true,
    description = "Closed-form attention sparsity S and its Monte Carlo estimate (spec 01).")
public final class SparsityCommand implements Callable<Integer> {

  @Option(names = "--kind", paramLabel = "KIND", description = "Logit map: exp (softmax), identity, relu, relu2.") String kind;

  @Option(names = "--beta", paramLabel = "B", defaultValue = "0", description = "Mean logit β = q·μ (default ${DEFAULT-VALUE}).") double beta;

  @Option(names = "--gamma", paramLabel = "G", description = "Logit spread γ = σ‖q‖ (>= 0).") Double gamma;

  @Option(names = "--simulate", paramLabel = "N", description = "Also print the Monte Carlo S* of N Gaussian logits.") Integer simulate;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for --simulate (default ${DEFAULT-VALUE}).") long seed;

  @Option(names = "--decay", paramLabel = "LAMBDA", description = "Fixed-decay rate λ in (0, 1].")
  Double decay;

  @Option(names = "--n", paramLabel = "N", description = "Sequence length for --decay (>= 1).") Long n;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (decay != null) {
      if (kind != null || gamma != null || simulate != null) {
        throw new IllegalArgumentException("--decay cannot be combined with --kind, --gamma or --simulate");
      }
      if (n == null) throw new IllegalArgumentException("--decay needs --n");
      if (decay == 1) {
        throw new IllegalArgumentException("--decay 1 means no decay: S = 1 exactly and the bound √((1+λ)/(n(1−λ)(1+λⁿ))) is "
            + "infinite; give λ in (0, 1)");
      }
      out.println(format(Predictors.sDecay(decay, n)));
      out.println(format(Predictors.sDecayBound(decay, n)));
    } else {
      if (kind == null) throw new IllegalArgumentException("give --kind KIND --gamma G, or --decay LAMBDA --n N");
      LogitMap f = LogitMap.parse(kind);
      if (gamma == null) throw new IllegalArgumentException("--kind needs --gamma");
      if (n != null) throw new IllegalArgumentException("--n belongs to --decay");
      if (simulate != null && simulate < 1) throw new IllegalArgumentException("--simulate " + simulate + " must be >= 1");
      if (simulate != null) MemoryBudget.require("--simulate " + simulate + " (8 bytes per logit)", 8L * simulate);
      double s = f.closedForm(beta, gamma);
      if (Double.isNaN(s)) {
        throw new IllegalArgumentException("S is undefined for --kind " + f.cliName() + " at β=" + beta + ", γ=" + gamma
            + ": every logit maps to f(β) = 0, so there are no attention weights; give γ > 0"
            + (f == LogitMap.IDENTITY ? " or β ≠ 0" : " or β > 0"));
      }
      double sim = simulate == null ? 0 : Predictors.simulate(f, beta, gamma, simulate, seed);
      if (Double.isNaN(sim)) {
        throw new IllegalArgumentException("S* is undefined: all " + simulate + " simulated weights f(β+γε) are 0 at β=" + beta
            + ", γ=" + gamma + " (try a larger --simulate or β)");
      }
      String mc = simulate == null ? null : format(sim);
      out.println(format(s));
      if (mc != null) {
        out.println(mc);
      }
    }
    out.flush();
    return Main.EXIT_OK;
  }

  /**
   * Exactly 10 significant digits in plain notation, never an exponent: 0.6065306597, 0.01110899654,
   * 1.000000000. Tiny values keep their leading zeros (1.234e-20 prints as 0.00000000000000000001234000000);
   * 0 prints as 0, and NaN and Infinity as Java spells them.
   */
  public static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
    if (v == 0) return "0";
    BigDecimal b = new BigDecimal(v).round(new MathContext(10, RoundingMode.HALF_EVEN));
    if (b.precision() < 10) b = b.setScale(b.scale() + 10 - b.precision(), RoundingMode.UNNECESSARY);
    return b.toPlainString();
  }
}
