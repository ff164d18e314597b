package dev.focus.lab.nope;

import dev.focus.attention.Mask;
import dev.focus.data.Batch;
import dev.focus.data.Split;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.position.PositionKind;
import dev.focus.train.MaskedLm;
import java.io.IOException;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Spec 05 E6, one unit of the bidirectional control: an encoder (mask=bidirectional; the E3 model's
 * width 64, 4 heads, SwiGLU 256, 2 blocks) with one position scheme trained on the masked-LM
 * objective ({@link MaskedLm#bert}: 15% of the bytes, 80/10/10), then scored on fixed validation
 * batches, and the two checks of D1 on the trained model:
 * <ul>
 *   <li><b>permutation:</b> the largest |F(PX) − P F(X)| over the logits of {@code checkRows} masked
 *       validation windows, each under its own random permutation P. A NoPE encoder gives float32
 *       rounding only (its sums over keys run in another order); positions give O(1).</li>
 *   <li><b>[MASK] rows:</b> the largest difference between the logits of two [MASK] positions of the
 *       same window. Their inputs are equal and, without positions, so is everything they compute from
 *       (same query, same keys in the same order): exactly 0 for NoPE, bit for bit.</li>
 * </ul>
 */
public final class MaskedLmRun implements Section<MaskedLmRun.Settings, MaskedLmRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "nope.mlm-run.v1";

  /**
   * @param position  the encoder's position scheme
   * @param seedIndex which of the comparison's seeds (0-based): the model starts from {@code seed + 1000·seedIndex + 21}
   *                  and draws its batches and masks from {@code seed + 1000·seedIndex + 22}
   * @param evalSeed  the validation batches' (and masks') seed, shared by every run and the bag baseline
   * @param textSeed  the seed of the stand-in text when Brown is not cached ({@link LmStore#syntheticText})
   */
  public record Settings(PositionKind position, int seedIndex, int steps, int batch, int window, int valBatches, int checkRows,
                         long seed, long evalSeed, long textSeed) implements Serializable {}

  /**
   * @param valLoss          masked-LM validation loss (nats per masked byte)
   * @param curve            training loss of every step
   * @param permutation      max |F(PX) − P F(X)| over the logits of the permutation check
   * @param logitScale       max |F(X)| over the same logits (what the deviation compares to)
   * @param maskRowSpread    max difference between two [MASK] rows' logits of one window
   * @param maskPairs        how many pairs of [MASK] rows that compared
   */
  public record Result(PositionKind position, int seedIndex, double valLoss, double[] curve, double permutation, double logitScale,
                       double maskRowSpread, long maskPairs, double seconds) implements Serializable {}

  /** The task of one run (its cost: training steps). */
  static Task<Settings, Result> task(Settings s) {
    return Task.of(KIND, new MaskedLmRun(), s).labelled("E6 " + LanguageModels.posName(s.position()) + " MLM seed " + (s.seedIndex() + 1))
        .withCost(s.steps()).withProgressUnits(s.steps());
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    long t0 = System.nanoTime();
    TextDataset data = LmStore.shared(ctx, s.textSeed());
    MaskedLm mlm = MaskedLm.bert(data.vocabSize());
    ctx.progress().message("E6: " + LanguageModels.posName(s.position()) + " masked LM, seed " + (s.seedIndex() + 1));
    Model m = new Model(config(data.vocabSize(), s.position(), s.window()), s.seed() + 1000L * s.seedIndex() + 21);
    NopeTraining.Settings ts = new NopeTraining.Settings(s.steps(), s.batch(), s.window(), 3e-3, Math.min(100, s.steps() / 10),
        s.seed() + 1000L * s.seedIndex() + 22);
    double[] curve = NopeTraining.train(m, data, ts, mlm, i -> ctx.progress().step(1), ctx::cancelled);
    double val = validationLoss(m, data, mlm, s.valBatches(), s.batch(), s.window(), s.evalSeed());
    double[] perm = permutationCheck(m, data, mlm, s.checkRows(), s.window(), s.evalSeed());
    double[] rows = maskRowCheck(m, data, mlm, s.checkRows(), s.window(), s.evalSeed());
    return new Result(s.position(), s.seedIndex(), val, curve, perm[0], perm[1], rows[0], (long) rows[1],
        (System.nanoTime() - t0) / 1e9);
  }

  /** The E6 encoder: E3's decoder shape with every key visible, [MASK] as the id after the data's. */
  static ModelConfig config(int dataVocab, PositionKind position, int window) {
    return ModelConfig.llama(dataVocab + 1, 64, 256, 2, 4, window).withPosition(position).withMask(Mask.Kind.BIDIRECTIONAL);
  }

  /** Validation batch {@code i}: the data's window from {@code evalSeed}, masked by the objective's draw for (VALIDATION, evalSeed, i). */
  static Batch validationBatch(TextDataset data, MaskedLm mlm, int i, int batch, int window, long evalSeed) {
    return mlm.apply(data.batch(Split.VALIDATION, evalSeed, i, batch, window), Split.VALIDATION, evalSeed, i);
  }

  /** Mean cross-entropy over the masked positions of {@code batches} validation batches (each has B·k of them). */
  static double validationLoss(Model m, TextDataset data, MaskedLm mlm, int batches, int batch, int window, long evalSeed) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < batches; i++) {
      Batch b = validationBatch(data, mlm, i, batch, window, evalSeed);
      int c = b.countTargets();
      sum += (double) c * m.loss(b.tokens(), b.targets(), b.batch(), b.seqLen());
      count += c;
    }
    return sum / count;
  }

  /**
   * D1 on the trained model: {max |F(PX)[b,i] − F(X)[b,π_b(i)]|, max |F(X)|} over the logits of
   * {@code rows} masked validation windows, where (PX)[b,i] = X[b,π_b(i)] and π_b is a uniform
   * permutation drawn from {@code evalSeed + 1}.
   */
  static double[] permutationCheck(Model m, TextDataset data, MaskedLm mlm, int rows, int window, long evalSeed) {
    Batch b = validationBatch(data, mlm, 0, rows, window, evalSeed);
    int v = m.config().vocab(), t = window;
    SplittableRandom rng = new SplittableRandom(evalSeed + 1);
    int[][] pi = new int[rows][];
    int[] permuted = new int[rows * t];
    for (int r = 0; r < rows; r++) {
      pi[r] = permutation(t, rng);
      for (int i = 0; i < t; i++) permuted[r * t + i] = b.tokens()[r * t + pi[r][i]];
    }
    float[] y = m.logits(b.tokens(), rows, t), yp = m.logits(permuted, rows, t);
    double dev = 0, scale = 0;
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < t; i++) {
        int at = (r * t + i) * v, from = (r * t + pi[r][i]) * v;
        for (int j = 0; j < v; j++) {
          dev = Math.max(dev, Math.abs(yp[at + j] - y[from + j]));
          scale = Math.max(scale, Math.abs(y[at + j]));
        }
      }
    }
    return new double[] {dev, scale};
  }

  /** {max difference between the logits of two [MASK] positions of one window, number of pairs compared}. */
  static double[] maskRowCheck(Model m, TextDataset data, MaskedLm mlm, int rows, int window, long evalSeed) {
    Batch b = validationBatch(data, mlm, 0, rows, window, evalSeed);
    int v = m.config().vocab(), t = window;
    float[] y = m.logits(b.tokens(), rows, t);
    double spread = 0;
    long pairs = 0;
    for (int r = 0; r < rows; r++) {
      int first = -1;
      for (int i = 0; i < t; i++) {
        if (b.tokens()[r * t + i] != mlm.maskId()) continue;
        if (first < 0) { first = i; continue; }
        pairs++;
        for (int j = 0; j < v; j++) spread = Math.max(spread, Math.abs(y[(r * t + i) * v + j] - y[(r * t + first) * v + j]));
      }
    }
    return new double[] {spread, pairs};
  }

  /** A uniform permutation of 0..n−1 (Fisher–Yates). */
  static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1), tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
