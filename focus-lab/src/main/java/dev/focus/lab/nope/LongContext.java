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
 * Spec 05 E9: the 2-block E3 models (seed 1), trained at L = 64, read the last 64, 128 and 256 bytes
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

  /** One arm at one window length. */
  record Eval(String arm, int length, NopeTraining.LongEval eval) implements Serializable {}

  /** Arm by arm, length by length. */
  record Result(List<Eval> evals) implements Serializable {
    NopeTraining.LongEval get(String arm, int length) {
      for (Eval e : evals) if (e.arm().equals(arm) && e.length() == length) return e.eval();
      return null;
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
      if (ctx.cancelled() || store.model(arm.name()) == null) continue;
      for (int len : s.lengths()) {
        if (arm.position() == PositionKind.LEARNED && len > s.trainLength()) continue;
        out.add(new Eval(arm.name(), len, NopeTraining.longEval(store.model(arm.name()), data, len, maxLen, s.tail(), s.batches(),
            s.batch(), s.seed() + 21)));
      }
    }
    return new Result(out);
  }
}
