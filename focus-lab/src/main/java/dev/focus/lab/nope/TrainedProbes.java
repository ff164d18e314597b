package dev.focus.lab.nope;

import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Stats;
import dev.focus.metrics.NopeMeasures;
import dev.focus.model.Model;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E4: the position probe of E2 on the trained 2-block models of E3 (every seed each arm ran),
 * reading validation windows of text: how much absolute position does each scheme hold, at the
 * embeddings and after each block? On the trained NoPE models the probe also reads each layer's head
 * outputs (before W_o) and, as E2's {@code lognorm_probe}, only their log norms, one per head (and the
 * one log norm of the residual stream): does the variance code of D3 survive training?
 */
final class TrainedProbes implements Section<TrainedProbes.Settings, TrainedProbes.Result> {
  /** The 2-block arms in E3's order; windows of {@code length} bytes; the probe as in E2. */
  record Settings(List<String> arms, int length, int trainSeqs, int testSeqs, int steps, int batch, int hidden, long seed)
      implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }
  }

  /** What a probe reads: the residual stream at a tap, or (NoPE only) a layer's head outputs, their log norms per head, the residual's log norm. */
  static final String RESIDUAL = "residual", HEADS = "head outputs", LOG_NORM_HEADS = "log-norm per head", LOG_NORM = "log-norm of the residual";

  /** One probe: the arm, its E3 seed index (0 = seed 1), what it reads, the tap (0 = embeddings, k = block k) and the scores. */
  record Probe(String arm, int seedIndex, String feature, int tap, PositionProbe.Result result) implements Serializable {}

  /** Chance MAD at {@code length} and every probe: seed 1 of every arm first, then the other seeds, then NoPE's norm probes. */
  record Result(double chance, List<Probe> probes) implements Serializable {
    /** Seed 1's probe of the residual stream, or null. */
    Probe probe(String arm, int tap) {
      for (Probe p : probes) if (p.arm().equals(arm) && p.seedIndex() == 0 && p.feature().equals(RESIDUAL) && p.tap() == tap) return p;
      return null;
    }

    /** Every seed's probe of {@code feature} at {@code tap}, in seed order. */
    List<PositionProbe.Result> all(String arm, String feature, int tap) {
      return probes.stream().filter(p -> p.arm().equals(arm) && p.feature().equals(feature) && p.tap() == tap)
          .sorted(java.util.Comparator.comparingInt(Probe::seedIndex)).map(Probe::result).toList();
    }

    /** The lowest mean MAD over seeds among the residual taps of one arm (NaN when it was not probed). */
    double bestMad(String arm) {
      double best = Double.NaN;
      for (int t = 0; ; t++) {
        List<PositionProbe.Result> r = all(arm, RESIDUAL, t);
        if (r.isEmpty()) return best;
        double m = Stats.mean(r.stream().mapToDouble(PositionProbe.Result::mad).toArray());
        if (!(m >= best)) best = m;
      }
    }
  }

  /** Hook points of the probes: the embeddings, then the residual stream after each block. */
  static String tapName(int k) { return k == 0 ? "embeddings" : "after block " + k; }

  private final LmStore store;

  TrainedProbes(LmStore store) { this.store = store; }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    TextDataset data = store.text(ctx, s.seed());
    int L = s.length(), seqs = s.trainSeqs() + s.testSeqs();
    int[] tokens = new int[seqs * L];
    for (int q = 0; q < seqs; q += 25) {
      int rows = Math.min(25, seqs - q);
      System.arraycopy(data.batch(Split.VALIDATION, s.seed() + 61, q / 25, rows, L).tokens(), 0, tokens, q * L, rows * L);
    }
    List<Probe> probes = new ArrayList<>();
    // seed 1 of every arm, with the probe seeds it had before the other seeds were probed (seed + 300 + k)
    int k = 0;
    for (String arm : s.arms()) {
      Model model = store.model(arm);
      if (model == null || ctx.cancelled()) continue;
      ctx.progress().message("E4: probes on the trained " + arm + " model");
      double[][] taps = NopeTraining.residualTaps(model, tokens, seqs, L);
      for (int t = 0; t < taps.length; t++) probes.add(new Probe(arm, 0, RESIDUAL, t, fit(s, taps[t], model, seqs, s.seed() + 300 + k++)));
      ctx.progress().step(1);
    }
    // the other seeds of the arms that ran several: probe seeds seed + 300 + 1000·q + j
    for (String arm : s.arms()) {
      for (int q = 1; q < store.seeds(arm) && !ctx.cancelled(); q++) {
        ctx.progress().message("E4: probes on the trained " + arm + " model, seed " + (q + 1));
        Model model = store.model(arm, q);
        double[][] taps = NopeTraining.residualTaps(model, tokens, seqs, L);
        for (int t = 0; t < taps.length; t++) {
          probes.add(new Probe(arm, q, RESIDUAL, t, fit(s, taps[t], model, seqs, s.seed() + 300 + 1000L * q + t)));
        }
      }
    }
    // NoPE's head outputs and their log norms per layer, every seed (probe seeds seed + 500 + 1000·q + j)
    for (int q = 0; q < store.seeds("nope") && !ctx.cancelled(); q++) {
      ctx.progress().message("E4: norm probes on the trained NoPE model, seed " + (q + 1));
      Model model = store.model("nope", q);
      int layers = model.config().layers(), C = model.config().hidden(), heads = model.config().heads(), j = 0;
      double[][] residual = NopeTraining.residualTaps(model, tokens, seqs, L), out = NopeTraining.headOutputTaps(model, tokens, seqs, L);
      for (int l = 0; l < layers; l++) {
        double[] hs = out[l];
        int width = hs.length / (seqs * L);
        probes.add(new Probe("nope", q, HEADS, l + 1, fit(s, hs, width, seqs, s.seed() + 500 + 1000L * q + j++)));
        probes.add(new Probe("nope", q, LOG_NORM_HEADS, l + 1,
            fit(s, FrozenProbes.logNorms(hs, seqs * L, width, heads), heads, seqs, s.seed() + 500 + 1000L * q + j++)));
        probes.add(new Probe("nope", q, LOG_NORM, l + 1,
            fit(s, FrozenProbes.logNorms(residual[l + 1], seqs * L, C, 1), 1, seqs, s.seed() + 500 + 1000L * q + j++)));
      }
    }
    return new Result(NopeMeasures.probeChance(L), probes);
  }

  private static PositionProbe.Result fit(Settings s, double[] x, Model model, int seqs, long seed) {
    return fit(s, x, model.config().hidden(), seqs, seed);
  }

  private static PositionProbe.Result fit(Settings s, double[] x, int dim, int seqs, long seed) {
    return PositionProbe.fit(x, dim, seqs, s.length(), s.trainSeqs(), s.hidden(), s.steps(), s.batch(), 2e-3, seed);
  }

  /**
   * The share of the full head-output probe's gain over chance that the per-head log norms reach, per
   * NoPE seed at block {@code tap}: (chance − MAD_log-norm)/(chance − MAD_heads) (spec 05 §3.3); empty when not probed.
   */
  static double[] logNormShare(Result r, int tap) {
    List<PositionProbe.Result> full = r.all("nope", HEADS, tap), norm = r.all("nope", LOG_NORM_HEADS, tap);
    double[] out = new double[Math.min(full.size(), norm.size())];
    for (int q = 0; q < out.length; q++) out[q] = (r.chance() - norm.get(q).mad()) / (r.chance() - full.get(q).mad());
    return out;
  }
}
