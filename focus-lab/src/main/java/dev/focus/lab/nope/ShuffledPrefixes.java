package dev.focus.lab.nope;

import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E5 (Haviv et al.'s test): the E3 models (seed 1) predict byte t, t ~ U[5, 64), from (a)
 * the true prefix, (b) the prefix shuffled, (c) the prefix shuffled except its last byte.
 */
final class ShuffledPrefixes implements Section<ShuffledPrefixes.Settings, ShuffledPrefixes.Result> {
  /** Every E3 arm in order, {@code draws} validation windows, drawn from {@code seed + 41}. */
  record Settings(List<String> arms, int draws, long seed) implements Serializable {
    Settings {
      arms = List.copyOf(arms);
    }
  }

  /** One arm's losses: {original, shuffled, shuffled with the last byte kept}. */
  record Shuffled(String arm, double[] loss) implements Serializable {}

  record Result(int draws, List<Shuffled> arms) implements Serializable {
    double[] loss(String arm) {
      for (Shuffled s : arms) if (s.arm().equals(arm)) return s.loss();
      return null;
    }
  }

  private final LmStore store;

  ShuffledPrefixes(LmStore store) { this.store = store; }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    TextDataset data = store.text(ctx, s.seed());
    List<String> arms = s.arms();
    double[][] losses = new double[arms.size()][];
    LanguageModels.parallelRuns(arms.size(), j -> {
      if (!ctx.cancelled()) losses[j] = NopeTraining.shuffledPrefix(store.model(arms.get(j)), data, s.draws(), 16, 64, s.seed() + 41);
    });
    List<Shuffled> out = new ArrayList<>();
    for (int j = 0; j < arms.size(); j++) if (losses[j] != null) out.add(new Shuffled(arms.get(j), losses[j]));
    return new Result(s.draws(), out);
  }
}
