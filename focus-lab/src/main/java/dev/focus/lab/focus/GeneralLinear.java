package dev.focus.lab.focus;

import static dev.focus.lab.focus.FocusMath.gaussian;
import static dev.focus.lab.focus.FocusMath.matVec;
import static dev.focus.lab.focus.FocusMath.meanRowSparsity;
import static dev.focus.lab.focus.FocusMath.softmaxRows;
import static dev.focus.lab.focus.FocusMath.unit;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.AttentionWeights;
import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.Estimators;
import dev.focus.metrics.KeyMask;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.QueryDependence;
import dev.focus.metrics.Sparsity;
import dev.focus.metrics.WeightKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Spec 01 E5: general linear attention a_j = q̃·k̃_j. (1) The finite-n formula
 * S = (1 + q̃ᵀΣ̃q̃/(q̃ᵀμ̃)²)^(−1/2) against the direct S*; (2) S* against the key-feature SNR with
 * log-normal features k̃ = e^{sz}, for a dense and a one-hot-like q̃; (3) query dependence at the
 * lowest SNR: top-m overlap and shared column mass of {@code rows} queries, against softmax at a
 * matched S* and fixed decay, and how many distinct top-m key sets the one-hot-like queries produce
 * (each picks one feature column, so at most d: query dependence limited to about d patterns);
 * (4) keys one-hot over d categories with a one-hot query give 1/√d.
 */
public final class GeneralLinear implements Section<GeneralLinear.Settings, GeneralLinear.Result> {
  /** {@code ds}: head sizes of the exactness check; the SNR sweep and query dependence use {@code d}. */
  public record Settings(int n, List<Integer> ds, int d, int points, int rows, int topM, long seed) implements Serializable {
    public Settings {
      ds = List.copyOf(ds);
    }
  }

  /** Mean direct S* over 8 queries and the largest |formula − direct| for one head size and feature map. */
  public record Exactness(int d, String featureMap, double meanS, double maxError) implements Serializable {}

  /** Mean pairwise Jaccard index of the rows' top-m key sets, its chance value, and the shared column mass (NaN: not measured). */
  public record Overlap(String attention, double meanS, double jaccard, double chance, double sharedMass) implements Serializable {}

  /** S* of keys one-hot over d equally frequent categories read by a one-hot query (exactly 1/√d). */
  public record Categorical(int d, double s) implements Serializable {}

  /**
   * The SNR sweep is indexed by {@code ss[i]} with σ̃/μ̃ = {@code ratio[i]}; overlaps are dense linear,
   * one-hot-like linear, softmax at γ = gammaMatched, and decay λ = 0.9. {@code hotPatterns}: distinct
   * top-m key sets over the {@code rows} one-hot-like queries, which drew {@code hotIndices} distinct
   * hot features.
   */
  public record Result(int n, int d, int rows, int topM, List<Exactness> exact, double exactness, double[] ss, double[] ratio,
                       double[] dense, double[] denseFormula, double[] hot, double[] hotFormula, double sLow,
                       double gammaMatched, List<Overlap> overlaps, int hotPatterns, int hotIndices, List<Categorical> categorical,
                       double categoricalMaxError) implements Serializable {
    public Overlap overlap(String prefix) {
      for (Overlap o : overlaps) if (o.attention().startsWith(prefix)) return o;
      throw new IllegalArgumentException("no overlap " + prefix);
    }
  }

  static final String[] FEATURE_NAMES = {"elu+1", "relu", "exp"};
  static final ElementwiseMap[] FEATURES = {ElementwiseMap.ELU_PLUS_1, ElementwiseMap.RELU, ElementwiseMap.EXP};

  @Override
  public Result run(Settings st, LabContext ctx) {
    SplittableRandom rng = new SplittableRandom(st.seed());
    int n = st.n();
    double exactness = 0;
    List<Exactness> exact = new ArrayList<>();
    for (int d : st.ds()) {
      double[] k = gaussian(rng, n * d);
      for (int fi = 0; fi < FEATURES.length; fi++) {
        double[] hk = new double[n * d];
        for (int i = 0; i < hk.length; i++) hk[i] = FEATURES[fi].apply(k[i]);
        Estimators.FeatureMoments mom = Estimators.featureMoments(hk, n, d);
        double worst = 0, sum = 0;
        int reps = 8;
        for (int r = 0; r < reps; r++) {
          double[] gq = FEATURES[fi].applyAll(gaussian(rng, d), 0, d);
          double direct = Sparsity.sparsity(matVec(hk, gq, n));
          double general = Predictors.sGeneralLinear(gq, mom.mean(), mom.covariance());
          worst = Math.max(worst, Math.abs(direct - general));
          sum += direct;
        }
        exactness = Math.max(exactness, worst);
        exact.add(new Exactness(d, FEATURE_NAMES[fi], sum / reps, worst));
      }
    }
    // SNR sweep: log-normal key features e^{s z}, dense and one-hot-like q̃
    int d = st.d(), points = st.points();
    double[] ss = new double[points];
    for (int i = 0; i < points; i++) ss[i] = 0.1 + 2.9 * i / (points - 1);
    double[] ratio = new double[points], dense = new double[points], denseP = new double[points], hot = new double[points],
        hotP = new double[points];
    double[] gqDense = new double[d];
    for (int j = 0; j < d; j++) gqDense[j] = 1 + 0.5 * rng.nextDouble();
    double[] gqHot = new double[d];
    Arrays.fill(gqHot, 1e-3);
    gqHot[0] = 1;
    double[] z = gaussian(rng, n * d);
    for (int i = 0; i < points; i++) {
      double s = ss[i];
      double[] hk = new double[n * d];
      for (int j = 0; j < hk.length; j++) hk[j] = Math.exp(s * z[j]);
      double mu = Math.exp(s * s / 2), sd = Math.sqrt(Math.expm1(s * s)) * mu;
      ratio[i] = sd / mu;
      dense[i] = Sparsity.sparsity(matVec(hk, gqDense, n));
      denseP[i] = Predictors.sIidLinear(gqDense, mu, sd);
      hot[i] = Sparsity.sparsity(matVec(hk, gqHot, n));
      hotP[i] = Predictors.sIidLinear(gqHot, mu, sd);
    }
    // query dependence at the lowest SNR: `rows` queries, top-m overlap and shared column mass
    int rows = st.rows(), m = st.topM();
    double sLow = ss[points - 1];
    double[] hk = new double[n * d];
    for (int j = 0; j < hk.length; j++) hk[j] = Math.exp(sLow * z[j]);
    double[] aDense = new double[rows * n], aHot = new double[rows * n];
    Set<Integer> hotIdx = new HashSet<>();
    for (int r = 0; r < rows; r++) {
      double[] qd = new double[d];
      for (int j = 0; j < d; j++) qd[j] = 1 + 0.5 * rng.nextDouble();
      System.arraycopy(matVec(hk, qd, n), 0, aDense, r * n, n);
      double[] qh = new double[d];
      Arrays.fill(qh, 1e-3);
      int hotAt = rng.nextInt(d);
      qh[hotAt] = 1;
      hotIdx.add(hotAt);
      System.arraycopy(matVec(hk, qh, n), 0, aHot, r * n, n);
    }
    Set<List<Integer>> patterns = new HashSet<>();
    for (int r = 0; r < rows; r++) patterns.add(topSet(aHot, r, n, m));
    double denseS = meanRowSparsity(aDense, rows, n);
    double hotS = meanRowSparsity(aHot, rows, n);
    // softmax at a matched S*: bisect γ so that the mean row S* equals the dense linear one
    double[] k = gaussian(rng, n * d);
    double[] base = new double[rows * n]; // (rows, n) logits of unit queries, N(0, 1)
    for (int r = 0; r < rows; r++) System.arraycopy(matVec(k, unit(gaussian(rng, d)), n), 0, base, r * n, n);
    double lo = 0.05, hi = 6;
    double[] aSoft;
    for (int it = 0; it < 30; it++) {
      double g = 0.5 * (lo + hi);
      aSoft = softmaxRows(base, rows, n, g);
      if (meanRowSparsity(aSoft, rows, n) > denseS) lo = g;
      else hi = g;
    }
    double gammaMatched = 0.5 * (lo + hi);
    aSoft = softmaxRows(base, rows, n, gammaMatched);
    double softS = meanRowSparsity(aSoft, rows, n);
    KeyMask decayMask = KeyMask.causal(decayPositions(rows, n));
    double[] aDecay = AttentionWeights.generate(WeightKind.decay(0.9), null, null, rows, n, d, 1.0, null, decayMask).a();
    QueryDependence.Overlap oDense = QueryDependence.topMOverlap(aDense, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oHot = QueryDependence.topMOverlap(aHot, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oSoft = QueryDependence.topMOverlap(aSoft, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oDecay = QueryDependence.topMOverlap(aDecay, rows, n, KeyMask.causal(decayPositions(rows, n)), m, null);
    List<Overlap> overlaps = List.of(
        new Overlap("linear dense", denseS, oDense.meanJaccard(), oDense.chance(),
            QueryDependence.sharedColumnMass(aDense, rows, n, KeyMask.all(), m)),
        new Overlap("linear one-hot", hotS, oHot.meanJaccard(), oHot.chance(),
            QueryDependence.sharedColumnMass(aHot, rows, n, KeyMask.all(), m)),
        new Overlap("softmax", softS, oSoft.meanJaccard(), oSoft.chance(),
            QueryDependence.sharedColumnMass(aSoft, rows, n, KeyMask.all(), m)),
        new Overlap("decay", Double.NaN, oDecay.meanJaccard(), oDecay.chance(), Double.NaN));
    // categorical construction: keys one-hot over d equally frequent categories, a one-hot query
    double catErr = 0;
    List<Categorical> cat = new ArrayList<>();
    for (int dc : new int[] {4, 16, 64, 256}) {
      int nc = dc * Math.max(1, 1024 / dc);
      double[] a = new double[nc];
      for (int j = 0; j < nc; j++) a[j] = j % dc == 0 ? 1 : 0; // q̃ = e₀ picks the keys of category 0
      double sc = Sparsity.sparsity(a);
      catErr = Math.max(catErr, Math.abs(sc - 1 / Math.sqrt(dc)));
      cat.add(new Categorical(dc, sc));
    }
    return new Result(n, d, rows, m, exact, exactness, ss, ratio, dense, denseP, hot, hotP, sLow, gammaMatched, overlaps,
        patterns.size(), hotIdx.size(), cat, catErr);
  }

  /** The m largest entries of row r (ties to the lower index), as a sorted list of key indices. */
  static List<Integer> topSet(double[] a, int r, int n, int m) {
    Integer[] idx = new Integer[n];
    for (int j = 0; j < n; j++) idx[j] = j;
    Arrays.sort(idx, (x, y) -> {
      int c = Double.compare(a[r * n + y], a[r * n + x]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    Integer[] top = Arrays.copyOf(idx, m);
    Arrays.sort(top);
    return List.of(top);
  }

  /** Causal query positions spread over the second half of n keys (the common window is the first half). */
  private static int[] decayPositions(int rows, int n) {
    int[] pos = new int[rows];
    for (int r = 0; r < rows; r++) pos[r] = n / 2 + (int) ((long) r * (n / 2 - 1) / Math.max(1, rows - 1));
    return pos;
  }
}
