package dev.focus.lab.nope;

import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.position.PositionKind;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 05 E9: the 2-block E3 models (every seed each arm ran), trained at L = 64, read the last 64, 128 and 256 bytes
 * of validation windows; the loss counts only the last {@code tail} targets, the same bytes at every
 * length. Attention entropy and n_eff are averaged over heads, windows and those query rows.
 * Learned absolute positions have no table beyond the training length and are read at 1× only.
 */
final class LongContext implements Section<LongContext.Settings, LongContext.Result> {
  /** The 2-block arms in order; windows drawn from {@code seed + 21}. */
  record Settings(List<LanguageModels.Arm> arms, List<Integer> lengths, int trainLength, int tail, int batches, int batch,
                  long seed) implements Serializable {
    Settings {
      arms = List.copyOf(arms);
      lengths = List.copyOf(lengths);
    }
  }

  /** One arm's model of one seed (0 = seed 1) at one window length. */
  record Eval(String arm, int seedIndex, int length, NopeTraining.LongEval eval) implements Serializable {}

  /** Arm by arm, seed by seed, length by length. */
  record Result(List<Eval> evals) implements Serializable {
    /** Seed 1's evaluation, or null. */
    NopeTraining.LongEval get(String arm, int length) {
      for (Eval e : evals) if (e.arm().equals(arm) && e.seedIndex() == 0 && e.length() == length) return e.eval();
      return null;
    }

    /** Every seed's evaluation, in seed order (empty when the arm was not read at that length). */
    List<NopeTraining.LongEval> all(String arm, int length) {
      return evals.stream().filter(e -> e.arm().equals(arm) && e.length() == length).map(Eval::eval).toList();
    }
  }

  private final LmStore store;

  LongContext(LmStore store) { this.store = store; }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    TextDataset data = store.text(ctx, s.seed());
    int maxLen = s.lengths().get(s.lengths().size() - 1);
    List<Eval> out = new ArrayList<>();
    for (LanguageModels.Arm arm : s.arms()) {
      for (int q = 0; q < store.seeds(arm.name()) && !ctx.cancelled(); q++) {
        for (int len : s.lengths()) {
          if (arm.position() == PositionKind.LEARNED && len > s.trainLength()) continue;
          out.add(new Eval(arm.name(), q, len, NopeTraining.longEval(store.model(arm.name(), q), data, len, maxLen, s.tail(),
              s.batches(), s.batch(), s.seed() + 21, s.trainLength())));
        }
      }
    }
    return new Result(out);
  }
}
