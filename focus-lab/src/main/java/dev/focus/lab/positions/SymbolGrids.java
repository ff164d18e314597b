package dev.focus.lab.positions;

import dev.focus.data.PixelImage;
import dev.focus.multimodal.CaptionVocab;
import dev.focus.multimodal.DiffusionSchedule;
import dev.focus.multimodal.DocumentPart;
import dev.focus.multimodal.MultimodalBatch;
import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalModel;
import dev.focus.multimodal.NoisePredictor;
import dev.focus.multimodal.PackedSequence;
import dev.focus.multimodal.Packer;
import dev.focus.train.TrainConfig;
import dev.focus.train.TrainTask;
import dev.focus.train.Trainable;
import dev.focus.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.BooleanSupplier;

/**
 * Symbol grids for spec 04 §9 E3/E4: an h×w grid image whose 2×2-pixel patches each hold one symbol
 * (one patch = one token), followed by questions, each answered by one character:
 *
 * <pre>
 *   [BOS] [IMG] p(1,1) … p(h,w) [/IMG] r2c3 a dn b up d …[EOS]
 *   r2c3 → the symbol at row 2, column 3                  (task AT: absolute grounding)
 *   up, dn, lt, rt → the symbol next to the single x cell  (task REL: relations)
 * </pre>
 *
 * Relations are translation-invariant on the grid: under a 2-D scheme with unit patch steps
 * (rope-tv, mrope) "above" is always the same coordinate offset, under flat it is w positions back,
 * and under rope-tie one row step of w+1. Only the answers carry a loss (every other target is
 * IGNORE), and several questions share one image so that each step trains on many answers.
 *
 * <p>Legend: h rows, w columns of patches, P = 2 pixels per patch side, D = P² = 4.
 */
final class SymbolGrids {
  /** Symbols a–d fill the grid; x marks the anchor of a relation question. */
  static final String SYMBOLS = "abcd";
  static final char ANCHOR = 'x';
  static final int PATCH = 2;
  /** The longest packed example accepted (a 6×6 grid with four relation and four cell questions fits). */
  static final int CONTEXT = 96;
  private static final int[][] PATTERN = {
      {1, 1, 0, 0}, // a: top bar
      {1, 0, 1, 0}, // b: left bar
      {1, 0, 0, 1}, // c: diagonal
      {0, 1, 1, 0}, // d: anti-diagonal
      {1, 1, 1, 1}, // x: full
  };
  static final String[] RELATIONS = {"up", "dn", "lt", "rt"};
  private static final int[][] STEP = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};

  enum Task { AT, REL }

  /** One question about the grid, its task and its one-character answer. */
  record Question(Task task, String text, char answer) {}

  /** A grid image (h rows × w columns) with its questions, asked in order after the image. */
  record Example(PixelImage image, int rows, int cols, List<Question> questions) {
    /** The text after [/IMG]: "q1 a1 q2 a2 … " then [EOS]. */
    String text() {
      StringBuilder sb = new StringBuilder();
      for (Question q : questions) sb.append(q.text()).append(' ').append(q.answer()).append(' ');
      return sb.append("[EOS]").toString();
    }
  }

  private SymbolGrids() {}

  /**
   * A random h×w grid with one anchor x (when it has at least two cells), every relation question
   * the anchor allows (up to four, shuffled in with the others) and {@code at} questions about
   * distinct random cells.
   */
  static Example example(int h, int w, int at, SplittableRandom rng) {
    char[][] g = new char[h][w];
    for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) g[i][j] = SYMBOLS.charAt(rng.nextInt(SYMBOLS.length()));
    List<Question> qs = new ArrayList<>();
    if (h * w >= 2) {
      int r = rng.nextInt(h), c = rng.nextInt(w);
      g[r][c] = ANCHOR;
      for (int rel = 0; rel < 4; rel++) {
        int rr = r + STEP[rel][0], cc = c + STEP[rel][1];
        if (rr >= 0 && rr < h && cc >= 0 && cc < w) qs.add(new Question(Task.REL, RELATIONS[rel], g[rr][cc]));
      }
    }
    int[] cells = new int[h * w];
    for (int k = 0; k < cells.length; k++) cells[k] = k;
    for (int k = 0; k < Math.min(at, cells.length); k++) {
      int pick = k + rng.nextInt(cells.length - k), cell = cells[pick];
      cells[pick] = cells[k];
      cells[k] = cell;
      qs.add(new Question(Task.AT, "r" + (cell / w + 1) + "c" + (cell % w + 1), g[cell / w][cell % w]));
    }
    for (int k = qs.size() - 1; k > 0; k--) {
      int o = rng.nextInt(k + 1);
      Question t = qs.get(k);
      qs.set(k, qs.get(o));
      qs.set(o, t);
    }
    return new Example(image(g), h, w, List.copyOf(qs));
  }

  /** The grid as a binary image of (2h)×(2w) pixels, one 2×2 pattern per cell. */
  static PixelImage image(char[][] g) {
    int h = g.length, w = g[0].length;
    int[] px = new int[4 * h * w];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        int s = g[i][j] == ANCHOR ? 4 : SYMBOLS.indexOf(g[i][j]);
        int[] p = PATTERN[s];
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) px[(2 * i + y) * (2 * w) + 2 * j + x] = p[2 * y + x];
      }
    }
    return new PixelImage(2 * h, 2 * w, 1, 2, px);
  }

  /** A packed example whose only targets are the answers; {@code answerRows} gets the row of each answer's prediction. */
  static PackedSequence pack(Example e, Packer packer, int[] answerRows) {
    PackedSequence s = packer.pack(List.of(new DocumentPart.Text("[BOS]"), new DocumentPart.Image(e.image(), 0),
        new DocumentPart.Text(e.text())));
    int[] targets = new int[s.length()];
    java.util.Arrays.fill(targets, PackedSequence.IGNORE);
    int row = s.spans()[0][1] + 1; // first character after [/IMG]
    for (int k = 0; k < e.questions().size(); k++) {
      row += e.questions().get(k).text().length(); // the space after the question predicts the answer
      targets[row] = s.tokens()[row + 1];
      answerRows[k] = row;
      row += 3; // the space, the answer and the space after it
    }
    return new PackedSequence(s.tokens(), s.patches(), s.patchDim(), s.imageId(), s.patchRow(), s.imageTime(), s.spans(),
        s.grids(), targets);
  }

  /** The small model of the comparison: 4 heads of width/4, SwiGLU 2·width (the report uses width 64). */
  static MultimodalConfig config(String scheme, int context, int width, int layers, double ropeBase, double initStd) {
    return MultimodalConfig.builder().hidden(width).layers(layers).heads(4).intermediate(2 * width).vocab(CaptionVocab.size())
        .patchDim(PATCH * PATCH).timeFeatures(8).position(scheme).ropeBase(ropeBase).target(NoisePredictor.Target.EPS)
        .imageWeight(0.0).context(context).initStd(initStd).vqCodes(0).build();
  }

  /**
   * Training: steps of {@code batch} square grids side × side, side in [squareLo, squareHi] (below
   * squareHi during the first {@code curriculum} steps); a model of {@code width} (4 heads, SwiGLU 2·width)
   * with weights drawn at s.d. {@code initStd}.
   */
  record Settings(int steps, int batch, double lr, int squareLo, int squareHi, int curriculum, int width, int layers,
                  int atQuestions, double ropeBase, double initStd, long seed) implements java.io.Serializable {}

  /**
   * Trains a fresh model under {@code scheme} on square grids with every relation the anchor allows
   * and {@code atQuestions} cell questions each; the batch of step s depends only on (seed, s). Calls {@code onStep} after each step; stops early when
   * {@code stop} says so.
   */
  static MultimodalModel train(String scheme, Settings s, int context, IntConsumer onStep, BooleanSupplier stop) {
    MultimodalModel model = new MultimodalModel(config(scheme, context, s.width(), s.layers(), s.ropeBase(), s.initStd()), s.seed());
    // AdamW β = (0.9, 0.95), weight decay 0.01, clip 1; lr → lr/10 after min(50, steps/10) warmup steps
    TrainConfig tc = TrainConfig.defaults(s.steps()).toBuilder().batchSize(s.batch()).lr(s.lr()).warmup(Math.min(50, s.steps() / 10))
        .weightDecay(0.01).seed(s.seed()).evalEvery(0).checkpointEvery(0).build();
    Packer packer = new Packer(PATCH, context);
    TrainTask<MultimodalBatch> task = new TrainTask<>() {
      @Override public List<Trainable.Param> params() { return model.params(); }

      @Override public void zeroGrad() { model.zeroGrad(); }

      @Override public MultimodalBatch batch(long step) {
        SplittableRandom rng = new SplittableRandom(s.seed() * 1_000_003L + step);
        List<PackedSequence> seqs = new ArrayList<>();
        for (int i = 0; i < s.batch(); i++) {
          int side = side(s, (int) step, rng);
          seqs.add(pack(example(side, side, s.atQuestions(), rng), packer, new int[4 + s.atQuestions()]));
        }
        return SymbolGrids.batch(seqs, model);
      }

      @Override public Loss forwardBackward(MultimodalBatch b) { return Loss.of(model.forwardBackward(b).total()); }
    };
    try {
      new Trainer<>(task, tc, null).stopWhen(stop).run(p -> onStep.accept((int) p.step() - 1));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // an in-memory run writes nothing
    }
    return model;
  }

  /**
   * The side of a training grid at {@code step}: uniform in [squareLo, squareHi], but during the first
   * {@code curriculum} steps the largest side is left out (small grids first).
   */
  static int side(Settings s, int step, SplittableRandom rng) {
    int hi = step < s.curriculum() ? Math.max(s.squareLo(), s.squareHi() - 1) : s.squareHi();
    return s.squareLo() + rng.nextInt(hi - s.squareLo() + 1);
  }

  private static MultimodalBatch batch(List<PackedSequence> seqs, MultimodalModel model) {
    return MultimodalBatch.of(seqs, null, DiffusionSchedule.standard(), model.scheme(), model.config().target());
  }

  /**
   * Exact-match accuracy of the answers (argmax over the vocabulary, earlier answers given) on n fresh
   * h×w grids, per task: {AT, REL}.
   */
  static double[] accuracy(MultimodalModel model, int h, int w, int n, int at, long seed) {
    Packer packer = new Packer(PATCH, model.config().context());
    SplittableRandom rng = new SplittableRandom(seed);
    int[] right = new int[2], asked = new int[2];
    int v = model.config().vocab(), chunk = 32;
    for (int start = 0; start < n; start += chunk) {
      List<PackedSequence> seqs = new ArrayList<>();
      List<Example> exs = new ArrayList<>();
      List<int[]> rows = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + chunk); i++) {
        Example e = example(h, w, at, rng);
        int[] r = new int[e.questions().size()];
        seqs.add(pack(e, packer, r));
        exs.add(e);
        rows.add(r);
      }
      MultimodalBatch b = batch(seqs, model);
      float[] logits = model.outputs(b).logits();
      for (int i = 0; i < seqs.size(); i++) {
        for (int k = 0; k < rows.get(i).length; k++) {
          int row = i * b.seqLen() + rows.get(i)[k], best = 0;
          for (int j = 1; j < v; j++) if (logits[row * v + j] > logits[row * v + best]) best = j;
          Question q = exs.get(i).questions().get(k);
          asked[q.task().ordinal()]++;
          if (best == seqs.get(i).targets()[rows.get(i)[k]]) right[q.task().ordinal()]++;
        }
      }
    }
    return new double[] {asked[0] == 0 ? Double.NaN : (double) right[0] / asked[0], asked[1] == 0 ? Double.NaN : (double) right[1] / asked[1]};
  }
}
