package dev.focus.lab.nope;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.NopeMeasures;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Spec 05 E2: a NoPE decoder at initialisation reads uniform random tokens once with the causal
 * mask and once with a bidirectional one (same weights; {@link NopeForward}); a {@link PositionProbe}
 * per hook point is trained to read the position back. D1 says the bidirectional stack holds none;
 * D3/D6 say the causal one does, in the norm of each head's output.
 */
public final class FrozenProbes implements Section<FrozenProbes.Settings, FrozenProbes.Result> {
  /** Sequences of {@code length} tokens over {@code vocab}; the probe: {@code hidden} units, {@code steps} Adam steps of {@code batch}. */
  public record Settings(int length, int vocab, int trainSeqs, int testSeqs, int steps, int batch, int hidden, long seed)
      implements Serializable {}

  /** One probe: the mask, the hook point, its feature width and the probe's scores. */
  public record Probe(String mask, String hook, int dim, PositionProbe.Result result) implements Serializable {}

  /** Chance MAD (L²−1)/(3L) (D7), the best constant guess L/4, and every probe in order (causal first). */
  public record Result(double chance, double medianGuess, List<Probe> probes) implements Serializable {
    public Probe probe(String mask, String hook) {
      for (Probe p : probes) if (p.mask().equals(mask) && p.hook().equals(hook)) return p;
      return null;
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) {
    int L = s.length(), seqs = s.trainSeqs() + s.testSeqs();
    ModelConfig cfg = ModelConfig.llama(s.vocab(), 64, 256, 2, 4, L).withPosition(PositionKind.NOPE);
    Model model = new Model(cfg, s.seed() + 5);
    SplittableRandom rng = new SplittableRandom(s.seed() + 6);
    int[] tokens = new int[seqs * L];
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(s.vocab());
    List<Probe> probes = new ArrayList<>();
    for (boolean causal : new boolean[] {true, false}) {
      if (ctx.cancelled()) break;
      String mask = causal ? "causal" : "bidirectional";
      NopeForward.Taps taps = NopeForward.run(model, tokens, seqs, L, causal);
      Map<String, double[]> points = new LinkedHashMap<>();
      points.put("embeddings", taps.embeddings());
      points.put("layer-1 head outputs", taps.headOutputs()[0]);
      points.put("residual after block 1", taps.residuals()[0]);
      points.put("residual after block 2", taps.residuals()[1]);
      points.put("log-norm per head, layer-1 head outputs", logNorms(taps.headOutputs()[0], seqs * L, 64, 4));
      points.put("log-norm, residual after block 1", logNorms(taps.residuals()[0], seqs * L, 64, 1));
      int k = 0; // both masks' probes start from the same seeds: the same probe, other features
      for (Map.Entry<String, double[]> e : points.entrySet()) {
        int dim = e.getValue().length / (seqs * L);
        PositionProbe.Result r = PositionProbe.fit(e.getValue(), dim, seqs, L, s.trainSeqs(), s.hidden(), s.steps(), s.batch(),
            2e-3, s.seed() + 100 + k++);
        probes.add(new Probe(mask, e.getKey(), dim, r));
      }
    }
    return new Result(NopeMeasures.probeChance(L), NopeMeasures.medianGuessMad(L), probes);
  }

  /** Per row and group of {@code width/groups} columns: log of the l2 norm; (N, groups). */
  static double[] logNorms(double[] x, int rows, int width, int groups) {
    int g = width / groups;
    double[] out = new double[rows * groups];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < groups; k++) {
        double sum = 0;
        for (int i = 0; i < g; i++) sum += x[r * width + k * g + i] * x[r * width + k * g + i];
        out[r * groups + k] = 0.5 * Math.log(sum);
      }
    }
    return out;
  }
}
