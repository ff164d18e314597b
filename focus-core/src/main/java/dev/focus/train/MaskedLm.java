package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Seeds;
import dev.focus.data.Split;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The masked-LM objective of an encoder (Devlin et al. 2019, BERT §3.1 "Masked LM" and appendix A.1):
 * in every sequence of T tokens, k = max(1, round(rate·T)) positions, drawn uniformly without
 * replacement, become the targets (the loss is over them only); each chosen token is replaced by
 * [MASK] with probability {@code maskShare} (80%), by an id drawn uniformly from the data's ids with
 * probability {@code randomShare} (10%), and left as it is otherwise (10%). The target is always the
 * original token. A fixed count per sequence (as BERT's data pipeline does, rather than an independent
 * coin per token) keeps the number of targets of every batch equal: B·k.
 *
 * <p><b>[MASK]</b> is a reserved id: {@code maskId}, by default the data's vocabulary size V, one past
 * its last id (for the byte tokenizer 261, after the bytes and the five specials). No tokenizer
 * produces it and no data contains it, so the data's ids keep their meaning and a masked-LM model
 * simply has V+1 embeddings; a decoder of the same data is unchanged.
 *
 * <p><b>Determinism.</b> The choice for row b of step s of a split comes from its own generator,
 * seeded by (seed, split, s, b) through {@link Seeds} and salted so that it is independent of the
 * data's draw of the window: the inputs of step s are a function of (seed, s), and a resumed run
 * trains on the same masks as an uninterrupted one.
 *
 * @param maskId      the id of [MASK] (≥ dataVocab, so that it is no data id)
 * @param dataVocab   V: the data's ids are 0..V−1; random replacements are drawn from them
 * @param rate        share of positions chosen as targets, in (0, 1]
 * @param maskShare   probability that a chosen token becomes [MASK]
 * @param randomShare probability that it becomes a random id (the rest stay unchanged)
 */
public record MaskedLm(int maskId, int dataVocab, double rate, double maskShare, double randomShare) implements Objective {
  /** Salt of the masking generator (ASCII "mlm"), so its stream differs from the window's. */
  private static final long SALT = 0x6D6C6DL;

  public MaskedLm {
    if (dataVocab < 1) throw new IllegalArgumentException("dataVocab=" + dataVocab + " must be >= 1");
    if (maskId < dataVocab) throw new IllegalArgumentException("maskId=" + maskId + " must not be a data id (0.." + (dataVocab - 1) + ")");
    if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("rate=" + rate + " must be in (0, 1]");
    if (!(maskShare >= 0 && randomShare >= 0 && maskShare + randomShare <= 1)) {
      throw new IllegalArgumentException("maskShare=" + maskShare + " and randomShare=" + randomShare + " must be >= 0 with a sum <= 1");
    }
  }

  /** BERT's rule for data of {@code dataVocab} ids: 15% of the positions, 80/10/10, [MASK] = dataVocab. */
  public static MaskedLm bert(int dataVocab) { return new MaskedLm(dataVocab, dataVocab, 0.15, 0.8, 0.1); }

  /** What happens to one position. */
  public enum Action {
    /** Not a target: input kept, no loss. */
    NONE,
    /** A target whose input becomes [MASK]. */
    MASK,
    /** A target whose input becomes a random data id. */
    RANDOM,
    /** A target whose input stays the original token. */
    UNCHANGED
  }

  /**
   * The masking of one sequence.
   *
   * @param actions (T) what happens at each position
   * @param random  (T) the id drawn for each {@link Action#RANDOM} position (−1 elsewhere)
   */
  public record Plan(Action[] actions, int[] random) {}

  /** k, the number of targets in a sequence of {@code t} tokens: max(1, round(rate·t)), at most t. */
  public int targetsPerSequence(int t) { return Math.min(t, Math.max(1, (int) Math.round(rate * t))); }

  /** The masking of row {@code row} of step {@code step} of {@code split}, for sequences of {@code t} tokens. */
  public Plan plan(long seed, Split split, long step, int row, int t) {
    SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.example(seed, split, step, row) ^ SALT));
    Action[] actions = new Action[t];
    Arrays.fill(actions, Action.NONE);
    int[] random = new int[t];
    Arrays.fill(random, -1);
    int[] order = new int[t];
    for (int i = 0; i < t; i++) order[i] = i;
    int k = targetsPerSequence(t);
    for (int i = 0; i < k; i++) { // the first k draws of a Fisher–Yates shuffle: k distinct uniform positions
      int j = i + rng.nextInt(t - i), pos = order[j];
      order[j] = order[i];
      order[i] = pos;
      double u = rng.nextDouble();
      if (u < maskShare) {
        actions[pos] = Action.MASK;
      } else if (u < maskShare + randomShare) {
        actions[pos] = Action.RANDOM;
        random[pos] = rng.nextInt(dataVocab);
      } else {
        actions[pos] = Action.UNCHANGED;
      }
    }
    return new Plan(actions, random);
  }

  /**
   * The masked-LM batch of {@code b}'s token windows (its next-token targets are not used): inputs with
   * the chosen positions replaced, targets = the original tokens there and {@link Batch#IGNORE} elsewhere.
   */
  @Override
  public Batch apply(Batch b, Split split, long seed, long step) {
    int t = b.seqLen();
    int[] tokens = b.tokens().clone(), targets = new int[tokens.length];
    Arrays.fill(targets, Batch.IGNORE);
    for (int r = 0; r < b.batch(); r++) {
      Plan p = plan(seed, split, step, r, t);
      for (int i = 0; i < t; i++) {
        int at = r * t + i;
        switch (p.actions()[i]) {
          case NONE: continue;
          case MASK: tokens[at] = maskId; break;
          case RANDOM: tokens[at] = p.random()[i]; break;
          default: break;
        }
        targets[at] = b.tokens()[at];
      }
    }
    return new Batch(tokens, targets, b.batch(), t);
  }

  /** V+1 when [MASK] is the id right after the data's (maskId+1 in general). */
  @Override public int vocabNeeded(int dataVocab) { return Math.max(dataVocab, maskId + 1); }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "mlm(rate=%s,mask=%s,random=%s,maskId=%d)", rate, maskShare, randomShare, maskId);
  }
}
