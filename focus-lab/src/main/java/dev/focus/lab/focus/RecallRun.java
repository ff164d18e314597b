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

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "focus.recall-run.v1";

  /** The task of one run (its cost: steps × batch × length, the tokens it trains on). */
  static Task<Settings, Run> task(Settings s) {
    return Task.of(KIND, new RecallRun(), s).labelled("E7 " + s.task().name() + " " + s.kind() + " T=" + s.length() + " seed "
        + (s.seedIndex() + 1)).withCost((double) s.steps() * s.task().batch() * s.length()).withProgressUnits(s.steps());
  }

  /**
   * @param seedIndex  which of the plan's seeds; {@code seed} initialises the model and orders the data
   * @param profile    names the scratch directory (with task, kind, length and seed index)
   */
  record Settings(RecallTasks.Task task, String kind, int length, int seedIndex, long seed, int steps, double lr,
                  int evalSequences, String profile) implements Serializable {}

  /**
   * One trained run. headS and headPr are (layers·heads), layer-major, means over the query rows;
   * headGamma is softmax's γ̂ per head (NaN for linear); depthAccuracy (needle) is by depth bin,
   * kvAccuracy (MQAR) by the task's evalKv; null where not measured. seconds is wall time, the only
   * field that is not a function of the settings.
   */
  record Run(String task, String kind, int length, int seed, long steps, double accuracy, int answers, double valLoss,
             double[] headS, double[] headPr, double[] headGamma, double[] depthAccuracy, double[] kvAccuracy,
             double seconds) implements Serializable {
    Run withKvAccuracy(double[] v) {
      return new Run(task, kind, length, seed, steps, accuracy, answers, valLoss, headS, headPr, headGamma, depthAccuracy, v,
          seconds);
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
    ctx.progress().message("E7 " + task.name() + " " + kind + " T=" + len + " seed " + s.seedIndex());
    long t0 = System.nanoTime();
    long seed = s.seed();
    Dataset data = Datasets.open(task.spec(), ctx.dataCache() == null ? ctx.workDir() : ctx.dataCache());
    Dataset trainData = task.kvMin() > 0 ? new RecallTasks.MqarMixture(task.mqar(), task.kvMin()) : data;
    ModelConfig config = Overrides.apply(ModelConfig.llama(data.vocabSize(), task.hidden(), 2 * task.hidden(), 2, task.heads(), len),
        List.of("attention=" + kind, "initStd=" + task.initStd()));
    Model model = new Model(config, seed);
    TrainConfig tc = TrainConfig.defaults(steps).withBatch(task.batch(), len).withLr(s.lr(), s.lr() / 10, Math.max(1, steps / 10))
        .withOptimizer(0.0, 0.9, 0.95, 1e-8, 1.0).withSeed(seed).withEval(0, 4).withCheckpointEvery(0);
    Path dir = ctx.work("e7").resolve(String.format(Locale.ROOT, "%s-%s-T%d-s%d-%s", task.name(), kind, len, s.seedIndex(),
        s.profile()));
    Trainer<Batch> trainer = Trainer.of(new ModelTrainable(model), trainData, tc, dir);
    try {
      trainer.resume();
    } catch (IllegalArgumentException | IOException stale) {
      OutputDir.deleteTree(dir); // written with other settings (or by an earlier version): start over
      model = new Model(config, seed);
      trainer = Trainer.of(new ModelTrainable(model), trainData, tc, dir);
    }
    Trainer<Batch> tr = trainer;
    long before = tr.step();
    tr.run(p -> {
      ctx.progress().step(1);
      if (ctx.cancelled()) tr.requestStop();
    });
    if (before > 0) ctx.progress().step(before);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Run r = measure(model, data, s, seed, tr.step(), seconds);
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
        lossSum / Math.max(1, answers), sumS, sumPr, sumG, depthAcc, null, seconds);
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
