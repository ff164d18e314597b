package dev.focus.lab.nope;

import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.NopeMeasures;
import dev.focus.model.Model;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E4: the position probe of E2 on the trained 2-block models of E3 (seed 1), reading
 * validation windows of text: how much absolute position does each scheme hold, at the embeddings
 * and after each block?
 */
final class TrainedProbes implements Section<TrainedProbes.Settings, TrainedProbes.Result> {
  /** The 2-block arms in E3's order; windows of {@code length} bytes; the probe as in E2. */
  record Settings(List<String> arms, int length, int trainSeqs, int testSeqs, int steps, int batch, int hidden, long seed)
      implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }
  }

  /** One probe: the arm, the hook (0 = embeddings, k = after block k) and the scores. */
  record Probe(String arm, int tap, PositionProbe.Result result) implements Serializable {}

  /** Chance MAD at {@code length} and every probe, arm by arm. */
  record Result(double chance, List<Probe> probes) implements Serializable {
    Probe probe(String arm, int tap) {
      for (Probe p : probes) if (p.arm().equals(arm) && p.tap() == tap) return p;
      return null;
    }

    /** The lowest MAD over the hook points of one arm (NaN when it was not probed). */
    double bestMad(String arm) {
      double best = Double.NaN;
      for (Probe p : probes) if (p.arm().equals(arm) && !(p.result().mad() >= best)) best = p.result().mad();
      return best;
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
    int k = 0;
    for (String arm : s.arms()) {
      Model model = store.model(arm);
      if (model == null || ctx.cancelled()) continue;
      ctx.progress().message("E4: probes on the trained " + arm + " model");
      double[][] taps = NopeTraining.residualTaps(model, tokens, seqs, L);
      for (int t = 0; t < taps.length; t++) {
        PositionProbe.Result r = PositionProbe.fit(taps[t], model.config().hidden(), seqs, L, s.trainSeqs(), s.hidden(), s.steps(),
            s.batch(), 2e-3, s.seed() + 300 + k++);
        probes.add(new Probe(arm, t, r));
      }
      ctx.progress().step(1);
    }
    return new Result(NopeMeasures.probeChance(L), probes);
  }
}
