package dev.focus.lab.focus;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Datasets;
import dev.focus.data.Split;
import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.io.OutputDir;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.metrics.Estimators;
import dev.focus.metrics.Sparsity;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import dev.focus.model.Overrides;
import dev.focus.train.ModelTrainable;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One E7 run: trains (or resumes, from the scratch directory) a two-layer Llama-style decoder with
 * the given attention on one task and length, then measures exact-match accuracy of the answer
 * tokens (argmax of the logits at the target positions of validation batches), for MQAR also at
 * each evaluation number of pairs, and, from a {@link ModelObserver}, S* and PR of every head's
 * attention row at those query positions (over the visible keys 0..t).
 */
final class RecallRun implements Section<RecallRun.Settings, RecallRun.Run>, Serializable {
  private static final long serialVersionUID = 1L;

  /** Needle accuracy is also reported in this many depth bins of equal width. */
  static final int DEPTH_BINS = 4;

  /**
   * The task kind; bump the version when a change here changes what a run computes (v2: the training
   * curve, and the arm's feature map, width and heads in the settings; the final numbers of v1's arms are
   * unchanged, since the curve's evaluations only read the weights and the validation batches).
   */
  static final String KIND = "focus.recall-run.v2";

  /** The training curve is measured after each 1/CURVE_POINTS of the steps (the last point is the final measurement). */
  static final int CURVE_POINTS = 5;

  /** The task of one run (its cost: steps × batch × length, the tokens it trains on). */
  static Task<Settings, Run> task(Settings s) {
    return Task.of(KIND, new RecallRun(), s).labelled("E7 " + s.task().name() + " " + s.arm() + " T=" + s.length() + " seed "
        + (s.seedIndex() + 1)).withCost((double) s.steps() * s.task().batch() * s.length()).withProgressUnits(s.steps());
  }

  /**
   * @param seedIndex  which of the plan's seeds; {@code seed} initialises the model and orders the data
   * @param profile    names the scratch directory (with task, arm, length and seed index)
   * @param feature    linear attention's feature map φ as {@code linearFeature} writes it (elu_plus_1, relu, relu2);
   *                   empty for softmax
   * @param hidden     model width; {@code heads} of head size hidden/heads (the task's own for the main arms)
   */
  record Settings(RecallTasks.Task task, String kind, int length, int seedIndex, long seed, int steps, double lr,
                  int evalSequences, String profile, String feature, int hidden, int heads) implements Serializable {
    /** The main arms of a task (its own width and heads; linear with elu+1). */
    static Settings main(RecallTasks.Task task, String kind, int length, int seedIndex, long seed, int steps, double lr,
                         int evalSequences, String profile) {
      return new Settings(task, kind, length, seedIndex, seed, steps, lr, evalSequences, profile,
          kind.equals("linear") ? "elu_plus_1" : "", task.hidden(), task.heads());
    }

    int headDim() { return hidden / heads; }

    /** True for the task's own softmax and linear (elu+1) arms, false for a sweep arm. */
    boolean isMain() {
      return hidden == task.hidden() && heads == task.heads() && feature.equals(kind.equals("linear") ? "elu_plus_1" : "");
    }

    /** "softmax", "linear" for the main arms; "elu+1 d_h=16" and the like for a sweep arm. */
    String arm() { return isMain() ? kind : RecallTasks.Arm.label(feature, headDim()); }
  }

  /**
   * One trained run. headS and headPr are (layers·heads), layer-major, means over the query rows;
   * headGamma is softmax's γ̂ per head (NaN for linear); depthAccuracy (needle) is by depth bin,
   * kvAccuracy (MQAR) by the task's evalKv; null where not measured. seconds is wall time, the only
   * field that is not a function of the settings. arm is {@link Settings#arm()} and headDim the head
   * size. curveAccuracy, curveLoss and curveS (sharpest-head S*) are the training curve: point k after
   * (k+1)/{@link #CURVE_POINTS} of the steps, on the same validation sequences as the final numbers, the
   * last point being them (NaN for points a resumed run did not see; null when not measured).
   */
  record Run(String task, String kind, int length, int seed, long steps, double accuracy, int answers, double valLoss,
             double[] headS, double[] headPr, double[] headGamma, double[] depthAccuracy, double[] kvAccuracy,
             double seconds, String arm, int headDim, double[] curveAccuracy, double[] curveLoss, double[] curveS)
      implements Serializable {
    Run withKvAccuracy(double[] v) {
      return new Run(task, kind, length, seed, steps, accuracy, answers, valLoss, headS, headPr, headGamma, depthAccuracy, v,
          seconds, arm, headDim, curveAccuracy, curveLoss, curveS);
    }

    Run withCurve(double[] acc, double[] loss, double[] s) {
      return new Run(task, kind, length, seed, steps, accuracy, answers, valLoss, headS, headPr, headGamma, depthAccuracy,
          kvAccuracy, seconds, arm, headDim, acc, loss, s);
    }

    int sharpest() {
      int best = 0;
      for (int i = 1; i < headS.length; i++) if (headS[i] < headS[best]) best = i;
      return best;
    }
  }

  @Override
  public Run run(Settings s, LabContext ctx) throws IOException {
    RecallTasks.Task task = s.task();
    String kind = s.kind();
    int len = s.length(), steps = s.steps();
    ctx.progress().message("E7 " + task.name() + " " + s.arm() + " T=" + len + " seed " + s.seedIndex());
    long t0 = System.nanoTime();
    long seed = s.seed();
    Dataset data = Datasets.open(task.spec(), ctx.dataCache() == null ? ctx.workDir() : ctx.dataCache());
    Dataset trainData = task.kvMin() > 0 ? new RecallTasks.MqarMixture(task.mqar(), task.kvMin()) : data;
    ModelConfig config = config(s, data.vocabSize());
    Model model = new Model(config, seed);
    TrainConfig tc = trainConfig(s);
    // v2 in the name: a v1 scratch directory holds a finished run without its curve
    Path dir = ctx.work("e7").resolve(String.format(Locale.ROOT, "%s-%s-%s-w%dh%d-T%d-s%d-%s-v2", task.name(), kind,
        s.feature().isEmpty() ? "exp" : s.feature(), s.hidden(), s.heads(), len, s.seedIndex(), s.profile()));
    Trainer<Batch> trainer = Trainer.of(new ModelTrainable(model), trainData, tc, dir);
    try {
      trainer.resume();
    } catch (IllegalArgumentException | IOException stale) {
      OutputDir.deleteTree(dir); // written with other settings (or by an earlier version): start over
      model = new Model(config, seed);
      trainer = Trainer.of(new ModelTrainable(model), trainData, tc, dir);
    }
    Trainer<Batch> tr = trainer;
    Model trained = model;
    long before = tr.step();
    double[] cAcc = new double[CURVE_POINTS], cLoss = new double[CURVE_POINTS], cS = new double[CURVE_POINTS];
    java.util.Arrays.fill(cAcc, Double.NaN);
    java.util.Arrays.fill(cLoss, Double.NaN);
    java.util.Arrays.fill(cS, Double.NaN);
    tr.run(p -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) tr.requestStop();
      // the curve: measuring reads the weights and validation batches of (seed, VALIDATION, i) only, so training
      // (its batches depend on (seed, TRAIN, step)) is unchanged
      for (int k = 1; k < CURVE_POINTS; k++) {
        if (p.step() == (long) steps * k / CURVE_POINTS) {
          Run at = measure(trained, data, s, seed, p.step(), 0);
          cAcc[k - 1] = at.accuracy();
          cLoss[k - 1] = at.valLoss();
          cS[k - 1] = at.headS()[at.sharpest()];
        }
      }
    });
    if (before > 0) ctx.progress().step(before);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Run r = measure(model, data, s, seed, tr.step(), seconds);
    cAcc[CURVE_POINTS - 1] = r.accuracy();
    cLoss[CURVE_POINTS - 1] = r.valLoss();
    cS[CURVE_POINTS - 1] = r.headS()[r.sharpest()];
    r = r.withCurve(cAcc, cLoss, cS);
    if (task.evalKv().isEmpty()) return r;
    // MQAR: accuracy at each number of pairs, on its own validation data (the spec's own kv is r itself)
    SyntheticTask.Mqar m = task.mqar();
    double[] kvAcc = new double[task.evalKv().size()];
    for (int i = 0; i < kvAcc.length; i++) {
      int kv = task.evalKv().get(i);
      kvAcc[i] = kv == m.kvPairs() ? r.accuracy()
          : measure(model, new SyntheticDataset(new SyntheticTask.Mqar(m.vocab(), kv, m.powerA(), m.randomNonQueries())), s,
              seed, tr.step(), seconds).accuracy();
    }
    return r.withKvAccuracy(kvAcc);
  }

  /** The run's model: a two-layer Llama-style decoder of the arm's width, heads, attention and feature map. */
  static ModelConfig config(Settings s, int vocab) {
    RecallTasks.Task task = s.task();
    List<String> set = new ArrayList<>(List.of("attention=" + s.kind(), "initStd=" + task.initStd()));
    if (!s.feature().isEmpty()) set.add("linearFeature=" + s.feature());
    // relu² has no feature vectors for the rotary numerator (LinearAttention, RoFormer eq. 19), so it runs without
    // positions: its arm differs from the others in positions too, and the within-kind test leaves it out
    if (s.feature().equals("relu2")) set.add("position=nope");
    return Overrides.apply(ModelConfig.llama(vocab, s.hidden(), 2 * s.hidden(), 2, s.heads(), s.length()), set);
  }

  /** AdamW lr → lr/10 after a tenth of the steps as warm-up, β = (0.9, 0.95), no weight decay, clip 1. */
  static TrainConfig trainConfig(Settings s) {
    int steps = s.steps();
    return TrainConfig.defaults(steps).withBatch(s.task().batch(), s.length()).withLr(s.lr(), s.lr() / 10, Math.max(1, steps / 10))
        .withOptimizer(0.0, 0.9, 0.95, 1e-8, 1.0).withSeed(s.seed()).withEval(0, 4).withCheckpointEvery(0);
  }

  /** Accuracy and per-head S*, PR at the answer positions over validation sequences. */
  static Run measure(Model model, Dataset data, Settings s, long seed, long steps, double seconds) {
    RecallTasks.Task task = s.task();
    String kind = s.kind();
    int len = s.length();
    int layers = model.config().layers(), heads = model.config().heads(), vocab = model.config().vocab();
    double[] sumS = new double[layers * heads], sumPr = new double[layers * heads], sumG = new double[layers * heads];
    long[] rowsSeen = new long[1];
    int[][] current = new int[1][];
    ModelObserver obs = new ModelObserver() {
      @Override
      public void onAttentionWeights(int layer, float[] w, int batch, int nh, int t) {
        int[] targets = current[0];
        for (int b = 0; b < batch; b++) {
          for (int pos = 0; pos < t; pos++) {
            if (targets[b * t + pos] == Batch.IGNORE) continue;
            for (int h = 0; h < nh; h++) {
              int off = ((b * nh + h) * t + pos) * t;
              double[] row = new double[pos + 1];
              for (int j = 0; j <= pos; j++) row[j] = w[off + j];
              Sparsity.RowStats st = Sparsity.rowStats(row);
              sumS[layer * nh + h] += st.sparsity();
              sumPr[layer * nh + h] += st.participationRatio();
              if (kind.equals("softmax")) sumG[layer * nh + h] += logGamma(row);
            }
            if (layer == 0) rowsSeen[0]++;
          }
        }
      }
    };
    int correct = 0, answers = 0;
    double lossSum = 0;
    SyntheticTask.Needle needle = SyntheticTask.parse(task.spec()) instanceof SyntheticTask.Needle nd ? nd : null;
    double[] depthHits = new double[DEPTH_BINS], depthCount = new double[DEPTH_BINS];
    int batches = Math.max(1, s.evalSequences() / task.batch());
    model.setObserver(obs);
    try {
      for (int i = 0; i < batches; i++) {
        Batch b = data.batch(Split.VALIDATION, seed, i, task.batch(), len);
        current[0] = b.targets();
        float[] logits = model.logits(b.tokens(), b.batch(), len);
        for (int p = 0; p < b.batch() * len; p++) {
          int target = b.targets()[p];
          if (target == Batch.IGNORE) continue;
          int best = 0;
          double max = Double.NEGATIVE_INFINITY, z = 0;
          for (int v = 0; v < vocab; v++) {
            if (logits[p * vocab + v] > max) {
              max = logits[p * vocab + v];
              best = v;
            }
          }
          for (int v = 0; v < vocab; v++) z += Math.exp(logits[p * vocab + v] - max);
          lossSum += Math.log(z) - (logits[p * vocab + target] - max);
          if (best == target) correct++;
          answers++;
          if (needle != null) {
            int bin = Math.min(DEPTH_BINS - 1, (int) (DEPTH_BINS * needle.depth(b.tokens(), (p / len) * len, len)));
            depthCount[bin]++;
            if (best == target) depthHits[bin]++;
          }
        }
      }
    } finally {
      model.setObserver(null);
    }
    double rows = Math.max(1, rowsSeen[0]);
    for (int i = 0; i < sumS.length; i++) {
      sumS[i] /= rows;
      sumPr[i] /= rows;
      sumG[i] = kind.equals("softmax") ? sumG[i] / rows : Double.NaN;
    }
    double[] depthAcc = null;
    if (needle != null) {
      depthAcc = new double[DEPTH_BINS];
      for (int i = 0; i < DEPTH_BINS; i++) depthAcc[i] = depthCount[i] == 0 ? Double.NaN : depthHits[i] / depthCount[i];
    }
    return new Run(task.name(), kind, len, s.seedIndex(), steps, (double) correct / Math.max(1, answers), answers,
        lossSum / Math.max(1, answers), sumS, sumPr, sumG, depthAcc, null, seconds, s.arm(), s.headDim(), null, null, null);
  }

  /**
   * γ̂ of a softmax row: the 1/n standard deviation of log a_j, which equals that of the logits (a constant
   * shift does not change it; spec 01 §3 logit-moment estimator). Zero weights (underflow) are skipped.
   */
  static double logGamma(double[] row) {
    int n = 0;
    for (double v : row) if (v > 0) n++;
    if (n < 2) return 0;
    double[] logs = new double[n];
    int i = 0;
    for (double v : row) if (v > 0) logs[i++] = Math.log(v);
    return Estimators.logitMoments(logs).gamma();
  }
}
