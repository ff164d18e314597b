package dev.focus.lab.focus;

import static dev.focus.lab.run.Stats.mean;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.metrics.AttentionWeights;
import dev.focus.metrics.Estimators;
import dev.focus.metrics.ElementwiseMap;
import dev.focus.metrics.KeyMask;
import dev.focus.metrics.LogitMap;
import dev.focus.metrics.Predictors;
import dev.focus.metrics.Quadrature;
import dev.focus.metrics.QueryDependence;
import dev.focus.metrics.Sparsity;
import dev.focus.metrics.WeightKind;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Note 1 (spec 01, after Su 2023, kexue.fm/archives/9889): can an attention row concentrate? The
 * analytic claims are checked by closed form against quadrature and Monte Carlo (E1), against length
 * (E2), query scale (E3) and key bias (E4), for general linear attention and query dependence (E5) and
 * in the decoder framing (E6); {@link AttentionFocusTraining} trains small softmax and linear
 * decoders on recall tasks and relates their accuracy to the measured S* of their heads (E7).
 *
 * <p>Notation (spec 01 §2): a row x of n weights, S* = n^{-1/2}‖x‖₁/‖x‖₂, PR = nS*²; Gaussian logits
 * N(β, γ²), t = β/γ. Keys are N(0, I_d) with d = 64 unless stated; a query of norm γ then gives
 * logits q·k ~ N(0, γ²) exactly.
 */
public final class AttentionFocusExperiment implements Experiment<AttentionFocusExperiment.Unsplit, AttentionFocusExperiment.Unsplit> {
  /** Until this experiment is split into sections: the profile and seed in, the rendered findings out. */
  record Unsplit(Profile profile, long seed, Findings findings) {}

  @Override public Unsplit settings(Profile profile, long seed) { return new Unsplit(profile, seed, null); }

  @Override public Unsplit run(Unsplit settings, LabContext ctx) throws Exception { return new Unsplit(settings.profile(), settings.seed(), run(ctx)); }

  @Override public Findings render(Unsplit settings, Unsplit results) { return results.findings(); }

  static final int D = 64;
  static final double[] E1_BETAS = {-2, -1, 0, 1, 2};
  static final LogitMap[] E1_KINDS = {LogitMap.EXP, LogitMap.IDENTITY, LogitMap.RELU, LogitMap.RELU2};
  static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  @Override public String slug() { return "01-attention-focus"; }

  @Override public String title() { return "Can linear attention focus like softmax attention?"; }

  @Override
  public double expectedMinutes(Profile p) {
    // quick measured: 3.9 min (239 s of CPU) at load 4 on 2 cores while another lab run held one core
    return p.pick(0.3, 3.5, 90);
  }

  /** What the analytic parts found, for the verdict and the tests. */
  record Analytic(double[] maxClosedVsQuad, int mcPoints, int mcWithin5, double mcMaxZ, double identityMin,
                  double relu2NegSmallGamma, double relu2PosLimit, double softmaxLargeC, double softmaxFloor,
                  double homogeneousDrift, double relu2AtMinT, double identityMinE4, double decayPrRatio,
                  double linearExactness, double categoricalMaxErr, double linearOverlap, double linearChance,
                  double softmaxOverlap, boolean causalNonSingular, double causalSoftmaxRowS, double causalLinearRowS) {}

  Findings run(LabContext ctx) throws Exception {
    Findings f = new Findings().tag("attention").tag("sparsity").tag("linear attention").tag("spec 01");
    Profile p = ctx.profile();
    AttentionFocusTraining.Plan plan = AttentionFocusTraining.plan(p);
    ctx.progress().total(6 + plan.totalSteps());
    f.md("**The claim** (Su, *注意力机制真的可以“集中注意力”吗？*, kexue.fm/archives/9889): measure how concentrated one "
        + "query's attention row is by the length-normalised ratio\n\n"
        + "$$S^*(x)=\\frac{M_1}{M_2}=\\frac{\\|x\\|_1}{\\sqrt n\\,\\|x\\|_2}\\in[n^{-1/2},1],\\qquad "
        + "\\mathrm{PR}=nS^{*2}\\ \\text{(effective attended keys)}.$$\n\n"
        + "With Gaussian keys the logits $q\\cdot k_j$ are $\\mathcal N(\\beta,\\gamma^2)$ ($\\beta=q\\cdot\\mu$, "
        + "$\\gamma=\\sigma\\|q\\|$, $t=\\beta/\\gamma$) and as $n\\to\\infty$ a map $f$ gives "
        + "$S_f=\\mathbb E|f(\\beta+\\gamma\\varepsilon)|/\\sqrt{\\mathbb E f(\\beta+\\gamma\\varepsilon)^2}$. The note "
        + "claims: softmax reaches any sparsity as $\\gamma$ grows ($S=e^{-\\gamma^2/2}$); plain linear attention has "
        + "the floor $\\sqrt{2/\\pi}$; relu² gets sparse only with a negative mean logit; positive-feature linear "
        + "attention gets sparse only with low-SNR keys, and then mostly query-independently; fixed decay is sparse "
        + "but tied to distance. Weak focus is offered as a likely cause of linear attention's weaker recall.");
    f.mdf("Profile **%s**, seed %d, head size $d=%d$. Intervals are 95%% (±1.96 standard errors over queries or "
        + "Monte Carlo batches).", p.name().toLowerCase(Locale.ROOT), ctx.seed(), D);

    double[] e1 = closedForms(f, ctx);
    step(ctx, "E2 length sweep");
    double[] e2 = lengthSweep(f, ctx);
    step(ctx, "E3 temperature");
    double[] e3 = temperatureSweep(f, ctx);
    step(ctx, "E4 key bias");
    double[] e4 = keyBiasSweep(f, ctx);
    step(ctx, "E5 general linear");
    double[] e5 = generalLinear(f, ctx);
    step(ctx, "E6 decoder framing");
    double[] e6 = decoderFraming(f, ctx);
    step(ctx, "E7 training");
    Analytic a = new Analytic(new double[] {e1[0], e1[1], e1[2], e1[3]}, (int) e1[4], (int) e1[5], e1[6], e1[7], e1[8],
        e1[9], e3[0], e3[1], e3[2], e4[0], e4[1], e2[0], e5[0], e5[1], e5[2], e5[3], e5[4], e6[0] > 0, e6[1], e6[2]);
    AttentionFocusTraining.Outcome trained = ctx.cancelled() ? null : AttentionFocusTraining.run(f, ctx, plan);
    verdict(f, a, trained);
    return f;
  }

  private static void step(LabContext ctx, String message) {
    ctx.progress().step(1);
    ctx.progress().message(message);
  }

  // ================================================================ E1: closed form vs simulation

  /**
   * E1. Returns {max |closed − quadrature| for exp, identity, relu, relu²; Monte Carlo points compared;
   * points within 5 standard errors; max |z|; smallest identity closed form; relu² at β = −2 and the
   * smallest γ; relu² at β = 2 and the largest γ}.
   */
  static double[] closedForms(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int n = p.pick(2000, 20_000, 1_000_000);
    int batches = p.pick(4, 20, 20);
    int points = p.pick(7, 15, 25);
    double[] gammas = logGrid(0.05, 10, points);
    SplittableRandom seeds = new SplittableRandom(ctx.seed() * 1_000_003L + 1);
    double[] maxResid = new double[E1_KINDS.length];
    double[][] worstAt = new double[E1_KINDS.length][2];
    int compared = 0, within = 0, underflow = 0;
    double maxZ = 0, identityMin = Double.POSITIVE_INFINITY, relu2Neg = Double.NaN, relu2Big = Double.NaN;
    List<List<?>> csv = new ArrayList<>();
    List<Chart> charts = new ArrayList<>();
    List<Series> residualSeries = new ArrayList<>();
    int[] kindCompared = new int[E1_KINDS.length], kindWithin = new int[E1_KINDS.length];
    double[] kindMaxZ = new double[E1_KINDS.length];
    for (int ki = 0; ki < E1_KINDS.length; ki++) {
      LogitMap kind = E1_KINDS[ki];
      List<Series> series = new ArrayList<>();
      double[] resid = new double[gammas.length];
      for (double beta : E1_BETAS) {
        double[] closed = new double[gammas.length];
        List<double[]> mc = new ArrayList<>();
        for (int gi = 0; gi < gammas.length; gi++) {
          double g = gammas[gi];
          double c = kind.closedForm(beta, g), q = Predictors.sGaussian(kind, beta, g);
          closed[gi] = c;
          double r = Math.abs(c - q);
          if (Double.isNaN(r)) { // E f² underflows to 0 in double (relu kinds far below the kink): nothing to compare
            underflow++;
            r = 0;
          }
          resid[gi] = Math.max(resid[gi], r);
          if (r > maxResid[ki]) {
            maxResid[ki] = r;
            worstAt[ki][0] = beta;
            worstAt[ki][1] = g;
          }
          if (kind == LogitMap.IDENTITY) identityMin = Math.min(identityMin, c);
          boolean simulate = kind == LogitMap.EXP || kind == LogitMap.IDENTITY
              || n * dev.focus.metrics.SpecialFunctions.normalCdf(beta / g) >= 100;
          double mean = Double.NaN, se = Double.NaN, z = Double.NaN;
          if (simulate) {
            Predictors.Estimate e = Predictors.simulateBatches(kind, beta, g, n, batches, seeds.nextLong());
            mean = e.mean();
            se = e.standardError();
            z = (mean - c) / se;
            mc.add(new double[] {g, mean});
            boolean counted = kind != LogitMap.EXP || g <= 1.5; // spec 01 caveat 3: exp only for γ ≤ 1.5
            if (counted) {
              compared++;
              kindCompared[ki]++;
              if (Math.abs(z) <= 5) {
                within++;
                kindWithin[ki]++;
              }
              maxZ = Math.max(maxZ, Math.abs(z));
              kindMaxZ[ki] = Math.max(kindMaxZ[ki], Math.abs(z));
            }
          }
          csv.add(List.of(kind.cliName(), beta, g, c, q, c - q, simulate ? mean : "", simulate ? se : "", simulate ? z : ""));
        }
        if (kind == LogitMap.RELU2 && beta == -2) relu2Neg = closed[0];
        if (kind == LogitMap.RELU2 && beta == 2) relu2Big = closed[gammas.length - 1];
        boolean plot = kind != LogitMap.IDENTITY || beta >= 0; // identity is even in t
        if (kind == LogitMap.EXP && beta != 0) plot = false;    // exp ignores β: one curve
        if (plot) {
          String b = kind == LogitMap.EXP ? "any β" : "β=" + Findings.num(beta, 2);
          series.add(Series.of("closed " + b, gammas, closed));
          if (!mc.isEmpty()) {
            series.add(Series.of("MC " + b, mc.stream().mapToDouble(v -> v[0]).toArray(),
                mc.stream().mapToDouble(v -> v[1]).toArray()));
          }
        }
      }
      Chart chart = Chart.line("e1-" + kind.cliName(), "E1 · " + kindLabel(kind) + ": S against γ (closed form and Monte Carlo, n = "
          + n + ")", "γ", "S", series.toArray(new Series[0])).withLogX();
      charts.add(kind == LogitMap.EXP ? chart.withLogY() : chart);
      double[] floored = new double[resid.length];
      for (int i = 0; i < resid.length; i++) floored[i] = Math.max(resid[i], 1e-18);
      residualSeries.add(Series.of(kindLabel(kind), gammas, floored));
    }
    f.mdf("## E1 · Closed form, quadrature and Monte Carlo%n%n"
        + "For $f\\in\\{\\exp,\\mathrm{id},\\mathrm{relu},\\mathrm{relu}^2\\}$, $\\beta\\in\\{-2,-1,0,1,2\\}$ and %d values of "
        + "$\\gamma$ on a log grid over $[0.05,10]$: the closed forms of spec 01 §2, our own adaptive Gauss–Kronrod "
        + "quadrature of $S_f$ (split at the kink $\\varepsilon=-t$, centred at $\\gamma$ and $2\\gamma$ for exp), and "
        + "Monte Carlo $S^*$ of $f(\\beta+\\gamma\\varepsilon_i)$ at $n=%d$ in %d independent batches. relu kinds are "
        + "simulated only where $n\\Phi(t)\\ge100$; exp is compared with Monte Carlo only for $\\gamma\\le1.5$ "
        + "(caveat 3: beyond that the finite-$n$ $S^*$ stays above the limit until $n\\gg e^{2\\gamma^2}$, which the exp "
        + "chart shows as the Monte Carlo curve leaving the closed form).%n%n", gammas.length, n, batches);
    List<List<String>> rows = new ArrayList<>();
    for (int ki = 0; ki < E1_KINDS.length; ki++) {
      rows.add(List.of(kindLabel(E1_KINDS[ki]), sci(maxResid[ki]),
          "β=" + Findings.num(worstAt[ki][0], 2) + ", γ=" + Findings.num(worstAt[ki][1], 3),
          kindWithin[ki] + " / " + kindCompared[ki], Findings.num(kindMaxZ[ki], 3)));
    }
    f.md(Findings.table(List.of("kind", "max abs(closed − quadrature)", "at", "MC within 5 s.e.", "max abs(z)"), rows));
    if (underflow > 0) {
      f.mdf("%d grid points (relu kinds at $t\\lesssim-37$) are left out of the residuals: there the quadrature's "
          + "$\\mathbb E f^2$ underflows to 0 in double, while the closed forms stay finite.", underflow);
    }
    f.chart(Chart.line("e1-residual", "E1 · max over β of |closed form − quadrature| (floored at 1e-18)", "γ", "|residual|",
        residualSeries.toArray(new Series[0])).withLogX().withLogY());
    for (Chart c : charts) f.chart(c);
    f.mdf("Identity never goes below its floor: the smallest closed-form value on the grid is %s against "
            + "$\\sqrt{2/\\pi}=%s$. relu² at $\\beta=-2$, $\\gamma=0.05$ ($t=-40$) is %s, while at $\\beta=2$, $\\gamma=10$ it is %s "
            + "(→ $1/\\sqrt6=%s$ as $\\gamma\\to\\infty$).",
        Findings.num(identityMin, 10), Findings.num(SQRT_2_OVER_PI, 10), sci(relu2Neg), Findings.num(relu2Big, 6),
        Findings.num(1 / Math.sqrt(6), 6));
    f.data(DataFile.csv("e1-closed-vs-simulation.csv",
        List.of("kind", "beta", "gamma", "closed", "quadrature", "closed_minus_quadrature", "mc_mean", "mc_se", "mc_z"), csv));
    return new double[] {maxResid[0], maxResid[1], maxResid[2], maxResid[3], compared, within, maxZ, identityMin, relu2Neg, relu2Big};
  }

  // ================================================================ E2: length sweep

  /** E2. Returns {measured decay PR at the largest n / (1+λ)/(1−λ) for λ = 0.9}. */
  static double[] lengthSweep(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int maxLog = p.pick(10, 16, 18), queries = p.pick(4, 20, 32);
    SplittableRandom rng = new SplittableRandom(ctx.seed() * 31 + 2);
    String[] names = {"softmax γ=1", "softmax γ=2", "softmax γ=3", "identity", "relu² t=0", "relu² t=−1", "elu+1"};
    double[] lambdas = {0.9, 0.99, 0.999};
    int lengths = maxLog - 6 + 1;
    double[] ns = new double[lengths];
    double[][] sMean = new double[names.length + lambdas.length][lengths], sCi = new double[names.length + lambdas.length][lengths];
    double[][] pred = new double[names.length + lambdas.length][lengths];
    double[] elu = eluMoments();
    List<List<?>> csv = new ArrayList<>();
    for (int li = 0; li < lengths; li++) {
      int n = 1 << (6 + li);
      ns[li] = n;
      double[] k = gaussian(rng, n * D);
      double[] hk = new double[n * D];
      for (int i = 0; i < hk.length; i++) hk[i] = ElementwiseMap.ELU_PLUS_1.apply(k[i]);
      double[][] s = new double[names.length][queries];
      double[] eluPred = new double[queries];
      double[] x = new double[n];
      for (int qi = 0; qi < queries; qi++) {
        double[] u = unit(gaussian(rng, D));
        double[] logits = matVec(k, u, n); // ~ N(0, 1): ‖u‖ = 1, keys N(0, I)
        for (int g = 0; g < 3; g++) {
          double gamma = g + 1, max = Double.NEGATIVE_INFINITY;
          for (double v : logits) max = Math.max(max, gamma * v);
          for (int j = 0; j < n; j++) x[j] = Math.exp(gamma * logits[j] - max);
          s[g][qi] = Sparsity.sparsity(x);
        }
        s[3][qi] = Sparsity.sparsity(logits);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j]);
        s[4][qi] = Sparsity.sparsity(x);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j] - 1);
        s[5][qi] = Sparsity.sparsity(x);
        double[] z = gaussian(rng, D);
        double[] gq = ElementwiseMap.ELU_PLUS_1.applyAll(z, 0, D);
        s[6][qi] = Sparsity.sparsity(matVec(hk, gq, n));
        eluPred[qi] = Predictors.sIidLinear(gq, elu[0], elu[1]);
      }
      for (int kI = 0; kI < names.length; kI++) {
        sMean[kI][li] = mean(s[kI]);
        sCi[kI][li] = ci95(s[kI]);
      }
      pred[0][li] = Predictors.sExp(1);
      pred[1][li] = Predictors.sExp(2);
      pred[2][li] = Predictors.sExp(3);
      pred[3][li] = Predictors.sIdentity(0);
      pred[4][li] = Predictors.sRelu2(0);
      pred[5][li] = Predictors.sRelu2(-1);
      pred[6][li] = mean(eluPred);
      for (int l = 0; l < lambdas.length; l++) {
        double[] a = new double[n];
        for (int j = 0; j < n; j++) a[j] = Math.pow(lambdas[l], n - 1 - j);
        sMean[names.length + l][li] = Sparsity.sparsity(a);
        pred[names.length + l][li] = Predictors.sDecay(lambdas[l], n);
      }
      for (int kI = 0; kI < names.length + lambdas.length; kI++) {
        String name = kI < names.length ? names[kI] : "decay λ=" + lambdas[kI - names.length];
        csv.add(List.of(name, n, sMean[kI][li], sCi[kI][li], pred[kI][li], n * sMean[kI][li] * sMean[kI][li]));
      }
      if (ctx.cancelled()) break;
    }
    List<Series> sSeries = new ArrayList<>(), prSeries = new ArrayList<>();
    for (int kI = 0; kI < names.length; kI++) {
      sSeries.add(Series.of(names[kI], ns, sMean[kI]));
      sSeries.add(Series.of(names[kI] + " (predictor)", ns, pred[kI]));
    }
    for (int kI = 0; kI < names.length + lambdas.length; kI++) {
      String name = kI < names.length ? names[kI] : "decay λ=" + lambdas[kI - names.length];
      double[] pr = new double[lengths];
      for (int li = 0; li < lengths; li++) pr[li] = ns[li] * sMean[kI][li] * sMean[kI][li];
      prSeries.add(Series.of(name, ns, pr));
    }
    for (double l : lambdas) {
      double[] lim = new double[lengths];
      java.util.Arrays.fill(lim, Predictors.decayPrLimit(l));
      prSeries.add(Series.of("(1+λ)/(1−λ), λ=" + l, ns, lim));
    }
    f.mdf("## E2 · Length sweep%n%n"
        + "Keys $k_j\\sim\\mathcal N(0,I_{%d})$, %d queries per length, $n=2^6\\ldots2^{%d}$. Softmax uses a query of "
        + "norm $\\gamma$ (so the logits are exactly $\\mathcal N(0,\\gamma^2)$); identity and relu² use $\\gamma=1$ and "
        + "a key bias $\\beta=t$; elu+1 is $\\phi(q)\\cdot\\phi(k_j)$ with $q\\sim\\mathcal N(0,I)$, predicted by the "
        + "i.i.d.-feature formula $S=(1+(\\tilde\\sigma/\\tilde\\mu)^2\\|\\tilde q\\|_2^2/\\|\\tilde q\\|_1^2)^{-1/2}$ with the "
        + "population moments of elu+1 of a standard normal ($\\tilde\\mu=%s$, $\\tilde\\sigma=%s$, by quadrature). "
        + "Decay is the row $(\\lambda^{n-1},\\dots,1)$ against its closed form.%n%n",
        D, queries, maxLog, Findings.num(elu[0], 6), Findings.num(elu[1], 6));
    f.chart(Chart.line("e2-sparsity", "E2 · S* against length, with the n → ∞ predictors", "n", "S*",
        sSeries.toArray(new Series[0])).withLogX().withLogY());
    f.chart(Chart.line("e2-pr", "E2 · participation ratio PR = n·S*² against length", "n", "PR",
        prSeries.toArray(new Series[0])).withLogX().withLogY());
    List<List<String>> rows = new ArrayList<>();
    int last = lengths - 1;
    for (int kI = 0; kI < names.length + lambdas.length; kI++) {
      String name = kI < names.length ? names[kI] : "decay λ=" + lambdas[kI - names.length];
      rows.add(List.of(name, Findings.num(sMean[kI][0], 4), Findings.num(sMean[kI][last], 4)
          + (kI < names.length ? " ± " + Findings.num(sCi[kI][last], 2) : ""), Findings.num(pred[kI][last], 4),
          Findings.num(ns[last] * sMean[kI][last] * sMean[kI][last], 4)));
    }
    f.md(Findings.table(List.of("kind", "S* at n=64", "S* at n=" + (int) ns[last], "predictor at n=" + (int) ns[last],
        "PR at n=" + (int) ns[last]), rows));
    double softmax3Ratio = sMean[2][last] / pred[2][last];
    f.mdf("Identity, relu² and elu+1 stay flat at their predicted levels. Softmax at fixed $\\gamma$ does **not** "
            + "sharpen with $n$ (caveat 2): its $S^*$ approaches $e^{-\\gamma^2/2}$ from above and PR grows about like "
            + "$ne^{-\\gamma^2}$; at $\\gamma=3$ the measured $S^*$ at $n=%d$ is still %s× the limit (caveat 3: "
            + "convergence needs $n\\gg e^{2\\gamma^2}\\approx7\\cdot10^7$). Decay PR saturates at $(1+\\lambda)/(1-\\lambda)$ "
            + "(19, 199, 1999) once $n\\gg1/(1-\\lambda)$.",
        (int) ns[last], Findings.num(softmax3Ratio, 3));
    f.data(DataFile.csv("e2-length-sweep.csv", List.of("kind", "n", "s_mean", "s_ci95", "predictor", "pr"), csv));
    double decayRatio = ns[last] * sMean[names.length][last] * sMean[names.length][last] / Predictors.decayPrLimit(0.9);
    return new double[] {decayRatio};
  }

  // ================================================================ E3: temperature

  /** E3. Returns {softmax S* at the largest c, n^{-1/2}, largest relative drift of identity/relu² across c}. */
  static double[] temperatureSweep(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int n = p.pick(512, 4096, 4096), queries = p.pick(4, 20, 32), points = p.pick(7, 21, 41);
    SplittableRandom rng = new SplittableRandom(ctx.seed() * 31 + 3);
    double[] cs = logGrid(0.1, 10, points);
    double[] k = gaussian(rng, n * D);
    double[] hk = new double[n * D];
    for (int i = 0; i < hk.length; i++) hk[i] = ElementwiseMap.ELU_PLUS_1.apply(k[i]);
    String[] names = {"softmax", "identity", "relu²", "elu+1"};
    double[][] s = new double[names.length][points];
    double[][] ci = new double[names.length][points];
    double drift = 0;
    double[][] us = new double[queries][], zs = new double[queries][];
    for (int qi = 0; qi < queries; qi++) {
      us[qi] = unit(gaussian(rng, D));
      zs[qi] = gaussian(rng, D);
    }
    double[] first = new double[2 * queries];
    List<List<?>> csv = new ArrayList<>();
    double[] x = new double[n];
    for (int ci0 = 0; ci0 < points; ci0++) {
      double c = cs[ci0];
      double[][] v = new double[names.length][queries];
      for (int qi = 0; qi < queries; qi++) {
        double[] q = scaled(us[qi], c); // γ = c·γ₀ with γ₀ = 1
        double[] logits = matVec(k, q, n);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        for (int j = 0; j < n; j++) x[j] = Math.exp(logits[j] - max);
        v[0][qi] = Sparsity.sparsity(x);
        v[1][qi] = Sparsity.sparsity(logits);
        for (int j = 0; j < n; j++) x[j] = relu2(logits[j]);
        v[2][qi] = Sparsity.sparsity(x);
        v[3][qi] = Sparsity.sparsity(matVec(hk, ElementwiseMap.ELU_PLUS_1.applyAll(scaled(zs[qi], c), 0, D), n));
        for (int h = 0; h < 2; h++) {
          if (ci0 == 0) first[2 * qi + h] = v[1 + h][qi];
          else drift = Math.max(drift, Math.abs(v[1 + h][qi] - first[2 * qi + h]) / first[2 * qi + h]);
        }
      }
      for (int kI = 0; kI < names.length; kI++) {
        s[kI][ci0] = mean(v[kI]);
        ci[kI][ci0] = ci95(v[kI]);
        csv.add(List.of(names[kI], c, s[kI][ci0], ci[kI][ci0]));
      }
    }
    double[] floor = new double[points];
    List<double[]> shown = new ArrayList<>(); // the n → ∞ prediction while it stays above 1e-3 (a readable log axis)
    for (int i = 0; i < points; i++) {
      floor[i] = 1 / Math.sqrt(n);
      if (Predictors.sExp(cs[i]) >= 1e-3) shown.add(new double[] {cs[i], Predictors.sExp(cs[i])});
    }
    List<Series> series = new ArrayList<>();
    for (int kI = 0; kI < names.length; kI++) series.add(Series.of(names[kI], cs, s[kI]));
    series.add(Series.of("e^(−c²γ₀²/2)", shown.stream().mapToDouble(v -> v[0]).toArray(), shown.stream().mapToDouble(v -> v[1]).toArray()));
    series.add(Series.of("n^(−1/2)", cs, floor));
    f.mdf("## E3 · Temperature (query scale)%n%n"
        + "Fixed keys ($n=%d$), %d queries of norm $c\\gamma_0$ ($\\gamma_0=1$) for %d values of $c$ on a log grid over "
        + "$[0.1,10]$; elu+1 uses $\\phi(c\\,z)$, $z\\sim\\mathcal N(0,I)$.%n%n", n, queries, points);
    f.chart(Chart.line("e3-temperature", "E3 · S* against the query scale c", "c", "S*", series.toArray(new Series[0]))
        .withLogX().withLogY());
    int last = points - 1;
    f.mdf("Softmax falls from %s at $c=0.1$ to %s at $c=10$, against the floor $n^{-1/2}=%s$ (the $n\\to\\infty$ "
            + "prediction $e^{-50}$ is unreachable at finite $n$: one key takes the whole row). Identity and relu² do not "
            + "move: the largest relative change of any query's $S^*$ across $c$ is %s (rounding; both maps are positively "
            + "homogeneous, spec 01 A2). elu+1 stays high: %s at $c=0.1$, %s at $c=10$.",
        Findings.num(s[0][0], 4), Findings.num(s[0][last], 4), Findings.num(floor[0], 4), sci(drift),
        Findings.num(s[3][0], 4), Findings.num(s[3][last], 4));
    f.data(DataFile.csv("e3-temperature.csv", List.of("kind", "c", "s_mean", "s_ci95"), csv));
    return new double[] {s[0][last], floor[0], drift};
  }

  // ================================================================ E4: key bias

  /** E4. Returns {relu² S* at the most negative simulated t, the minimum of identity's measured S*}. */
  static double[] keyBiasSweep(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int n = p.pick(2048, 16_384, 262_144), queries = p.pick(4, 20, 20), points = p.pick(9, 25, 49);
    SplittableRandom rng = new SplittableRandom(ctx.seed() * 31 + 4);
    double[] ts = new double[points];
    for (int i = 0; i < points; i++) ts[i] = -6 + 12.0 * i / (points - 1);
    double[] k = gaussian(rng, n * D);
    double[][] logits = new double[queries][];
    for (int qi = 0; qi < queries; qi++) logits[qi] = matVec(k, unit(gaussian(rng, D)), n); // N(0, 1)
    String[] names = {"softmax", "identity", "relu", "relu²"};
    LogitMap[] maps = {LogitMap.EXP, LogitMap.IDENTITY, LogitMap.RELU, LogitMap.RELU2};
    List<List<double[]>> measured = new ArrayList<>();
    for (int i = 0; i < names.length; i++) measured.add(new ArrayList<>());
    double[][] pred = new double[names.length][points];
    List<List<?>> csv = new ArrayList<>();
    double relu2AtMin = Double.NaN, relu2MinT = Double.NaN, identityMin = Double.POSITIVE_INFINITY;
    double[] x = new double[n];
    for (int ti = 0; ti < points; ti++) {
      double t = ts[ti];
      for (int kI = 0; kI < names.length; kI++) {
        LogitMap m = maps[kI];
        pred[kI][ti] = m.closedForm(t, 1);
        boolean relu = m == LogitMap.RELU || m == LogitMap.RELU2;
        if (relu && n * dev.focus.metrics.SpecialFunctions.normalCdf(t) < 100) {
          csv.add(List.of(names[kI], t, "", "", pred[kI][ti]));
          continue;
        }
        double[] v = new double[queries];
        for (int qi = 0; qi < queries; qi++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            double s = logits[qi][j] + t; // keys shifted by t along q/‖q‖ (‖q‖ = 1): every logit + t
            x[j] = m == LogitMap.EXP ? s : m.apply(s);
            max = Math.max(max, s);
          }
          if (m == LogitMap.EXP) for (int j = 0; j < n; j++) x[j] = Math.exp(x[j] - max);
          v[qi] = Sparsity.sparsity(x);
        }
        double mean = mean(v);
        measured.get(kI).add(new double[] {t, mean});
        csv.add(List.of(names[kI], t, mean, ci95(v), pred[kI][ti]));
        if (m == LogitMap.RELU2 && Double.isNaN(relu2AtMin)) {
          relu2AtMin = mean;
          relu2MinT = t;
        }
        if (m == LogitMap.IDENTITY) identityMin = Math.min(identityMin, mean);
      }
    }
    List<Series> series = new ArrayList<>();
    for (int kI = 0; kI < names.length; kI++) {
      List<double[]> pts = measured.get(kI);
      series.add(Series.of(names[kI] + " (measured)", pts.stream().mapToDouble(v -> v[0]).toArray(),
          pts.stream().mapToDouble(v -> v[1]).toArray()));
      series.add(Series.of(names[kI] + " (closed form)", ts, pred[kI]));
    }
    f.mdf("## E4 · Key bias%n%n"
        + "Keys shifted along $q/\\|q\\|$ so that the logits are $\\mathcal N(t,1)$, $t\\in[-6,6]$ (%d values), "
        + "$n=%d$, %d queries; relu and relu² are simulated only where $n\\Phi(t)\\ge100$.%n%n", points, n, queries);
    f.chart(Chart.line("e4-key-bias", "E4 · S* against t = β/γ", "t", "S*", series.toArray(new Series[0])));
    f.mdf("Softmax is flat at $e^{-1/2}=%s$ (a constant added to every logit cancels). Identity is even with its "
            + "minimum %s near $t=0$ ($\\sqrt{2/\\pi}=%s$). relu² falls to %s at $t=%s$ (closed form %s; → 0 as "
            + "$t\\to-\\infty$) and rises to %s at $t=6$: only a negative mean logit makes it sparse.",
        Findings.num(Predictors.sExp(1), 4), Findings.num(identityMin, 4), Findings.num(SQRT_2_OVER_PI, 4),
        Findings.num(relu2AtMin, 3), Findings.num(relu2MinT, 3), Findings.num(Predictors.sRelu2(relu2MinT), 3),
        Findings.num(pred[3][points - 1], 4));
    f.data(DataFile.csv("e4-key-bias.csv", List.of("kind", "t", "s_mean", "s_ci95", "closed_form"), csv));
    return new double[] {relu2AtMin, identityMin};
  }

  // ================================================================ E5: general linear attention, query dependence

  /**
   * E5. Returns {max |general formula − direct S*|, max |categorical S* − 1/√d|, linear (dense q̃,
   * low-SNR keys) top-m overlap, its chance value, softmax overlap at a matched S*}.
   */
  static double[] generalLinear(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    SplittableRandom rng = new SplittableRandom(ctx.seed() * 31 + 5);
    int n = p.pick(256, 2048, 8192);
    int[] ds = p == Profile.MINI ? new int[] {16} : p == Profile.QUICK ? new int[] {16, 64} : new int[] {16, 64, 256};
    String[] fmNames = {"elu+1", "relu", "exp"};
    ElementwiseMap[] fms = {ElementwiseMap.ELU_PLUS_1, ElementwiseMap.RELU, ElementwiseMap.EXP};
    double exactness = 0;
    List<List<String>> exactRows = new ArrayList<>();
    for (int d : ds) {
      double[] k = gaussian(rng, n * d);
      for (int fi = 0; fi < fms.length; fi++) {
        double[] hk = new double[n * d];
        for (int i = 0; i < hk.length; i++) hk[i] = fms[fi].apply(k[i]);
        Estimators.FeatureMoments mom = Estimators.featureMoments(hk, n, d);
        double worst = 0, sum = 0;
        int reps = 8;
        for (int r = 0; r < reps; r++) {
          double[] gq = fms[fi].applyAll(gaussian(rng, d), 0, d);
          double direct = Sparsity.sparsity(matVec(hk, gq, n));
          double general = Predictors.sGeneralLinear(gq, mom.mean(), mom.covariance());
          worst = Math.max(worst, Math.abs(direct - general));
          sum += direct;
        }
        exactness = Math.max(exactness, worst);
        exactRows.add(List.of(String.valueOf(d), fmNames[fi], Findings.num(sum / reps, 4), sci(worst)));
      }
    }
    // SNR sweep: log-normal key features e^{s z}, dense and one-hot-like q̃
    int d = D, points = p.pick(5, 12, 20);
    double[] ss = new double[points];
    for (int i = 0; i < points; i++) ss[i] = 0.1 + 2.9 * i / (points - 1);
    double[] ratio = new double[points], dense = new double[points], denseP = new double[points], hot = new double[points],
        hotP = new double[points];
    double[] gqDense = new double[d];
    for (int j = 0; j < d; j++) gqDense[j] = 1 + 0.5 * rng.nextDouble();
    double[] gqHot = new double[d];
    java.util.Arrays.fill(gqHot, 1e-3);
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
    // query dependence at the lowest SNR: 64 queries, top-m overlap and shared column mass
    int rows = 64, m = 16;
    double sLow = ss[points - 1];
    double[] hk = new double[n * d];
    for (int j = 0; j < hk.length; j++) hk[j] = Math.exp(sLow * z[j]);
    double[] aDense = new double[rows * n], aHot = new double[rows * n];
    for (int r = 0; r < rows; r++) {
      double[] qd = new double[d];
      for (int j = 0; j < d; j++) qd[j] = 1 + 0.5 * rng.nextDouble();
      System.arraycopy(matVec(hk, qd, n), 0, aDense, r * n, n);
      double[] qh = new double[d];
      java.util.Arrays.fill(qh, 1e-3);
      qh[rng.nextInt(d)] = 1;
      System.arraycopy(matVec(hk, qh, n), 0, aHot, r * n, n);
    }
    double denseS = meanRowSparsity(aDense, rows, n);
    double hotS = meanRowSparsity(aHot, rows, n);
    // softmax at a matched S*: bisect γ so that the mean row S* equals the dense linear one
    double[] k = gaussian(rng, n * d);
    double[] base = new double[rows * n]; // (rows, n) logits of unit queries, N(0, 1)
    for (int r = 0; r < rows; r++) System.arraycopy(matVec(k, unit(gaussian(rng, d)), n), 0, base, r * n, n);
    double lo = 0.05, hi = 6;
    double[] aSoft = null;
    for (int it = 0; it < 30; it++) {
      double g = 0.5 * (lo + hi);
      aSoft = softmaxRows(base, rows, n, g);
      if (meanRowSparsity(aSoft, rows, n) > denseS) lo = g;
      else hi = g;
    }
    double gammaMatched = 0.5 * (lo + hi);
    aSoft = softmaxRows(base, rows, n, gammaMatched);
    double softS = meanRowSparsity(aSoft, rows, n);
    double[] aDecay = AttentionWeights.generate(WeightKind.decay(0.9), null, null, rows, n, d, 1.0, null,
        KeyMask.causal(decayPositions(rows, n))).a();
    QueryDependence.Overlap oDense = QueryDependence.topMOverlap(aDense, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oHot = QueryDependence.topMOverlap(aHot, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oSoft = QueryDependence.topMOverlap(aSoft, rows, n, KeyMask.all(), m, null);
    QueryDependence.Overlap oDecay = QueryDependence.topMOverlap(aDecay, rows, n, KeyMask.causal(decayPositions(rows, n)), m, null);
    double mDense = QueryDependence.sharedColumnMass(aDense, rows, n, KeyMask.all(), m);
    double mHot = QueryDependence.sharedColumnMass(aHot, rows, n, KeyMask.all(), m);
    double mSoft = QueryDependence.sharedColumnMass(aSoft, rows, n, KeyMask.all(), m);
    // categorical construction: keys one-hot over d equally frequent categories, a one-hot query
    double catErr = 0;
    List<String> catCells = new ArrayList<>();
    for (int dc : new int[] {4, 16, 64, 256}) {
      int nc = dc * Math.max(1, 1024 / dc);
      double[] a = new double[nc];
      for (int j = 0; j < nc; j++) a[j] = j % dc == 0 ? 1 : 0; // q̃ = e₀ picks the keys of category 0
      double sc = Sparsity.sparsity(a);
      catErr = Math.max(catErr, Math.abs(sc - 1 / Math.sqrt(dc)));
      catCells.add("$d=" + dc + "$: " + Findings.num(sc, 6));
    }

    f.mdf("## E5 · General linear attention and query dependence%n%n"
        + "**Exactness.** For $a_j=\\tilde q\\cdot\\tilde k_j$ with $\\tilde q=g(q)$, $\\tilde k=h(k)$ and the empirical "
        + "feature mean $\\tilde\\mu$ and $1/n$ covariance $\\tilde\\Sigma$, "
        + "$S=(1+\\tilde q^\\top\\tilde\\Sigma\\tilde q/(\\tilde q^\\top\\tilde\\mu)^2)^{-1/2}$ holds exactly at finite $n$ "
        + "($n=%d$ Gaussian keys, 8 Gaussian queries each):%n%n", n);
    f.md(Findings.table(List.of("d", "feature map", "mean S*", "max abs(formula − direct)"), exactRows));
    List<Series> snr = new ArrayList<>();
    snr.add(Series.of("dense q̃ (measured)", ratio, dense));
    snr.add(Series.of("dense q̃ (i.i.d. formula)", ratio, denseP));
    snr.add(Series.of("one-hot-like q̃ (measured)", ratio, hot));
    snr.add(Series.of("one-hot-like q̃ (i.i.d. formula)", ratio, hotP));
    f.mdf("**Signal-to-noise.** Log-normal key features $\\tilde k=e^{sz}$, $s\\in[0.1,3]$, so "
        + "$\\tilde\\sigma/\\tilde\\mu=\\sqrt{e^{s^2}-1}$; a dense $\\tilde q$ (entries in $[1,1.5]$) and a one-hot-like "
        + "$\\tilde q=e_1+10^{-3}\\mathbf 1$, $d=%d$, $n=%d$.%n%n", d, n);
    f.chart(Chart.line("e5-snr", "E5 · S* of positive-feature linear attention against the key-feature σ̃/μ̃", "σ̃/μ̃", "S*",
        snr.toArray(new Series[0])).withLogX().withLogY());
    f.mdf("$S^*$ falls only as the SNR $\\tilde\\mu/\\tilde\\sigma$ falls, and with a dense $\\tilde q$ only once "
            + "$\\tilde\\sigma/\\tilde\\mu\\gg\\sqrt d$ (%s at $\\tilde\\sigma/\\tilde\\mu=%s$; at finite $n$ the heavy "
            + "log-normal tail keeps the measured value above the formula's). **Caveat 1:** the note's \"$\\|\\tilde q\\|_2/"
            + "\\|\\tilde q\\|_1$ has maximum $\\sqrt d$\" is wrong as written: for $\\tilde q\\ge0$ the ratio lies in "
            + "$[d^{-1/2},1]$ (the one-hot-like query is near 1, the dense one near $d^{-1/2}$), so under i.i.d. features "
            + "the best $S$ is $(1+(\\tilde\\sigma/\\tilde\\mu)^2)^{-1/2}$ at any $d$; larger $d$ helps only through the "
            + "general formula, e.g. keys one-hot over $d$ equally frequent categories with a one-hot query give exactly "
            + "$1/\\sqrt d$ (%s; max error %s).%n%n",
        Findings.num(dense[points - 1], 3), Findings.num(ratio[points - 1], 3), String.join(", ", catCells), sci(catErr));
    List<List<String>> qd = new ArrayList<>();
    qd.add(List.of("linear, dense q̃, s=" + Findings.num(sLow, 2), Findings.num(denseS, 4), Findings.num(oDense.meanJaccard(), 3),
        Findings.num(oDense.chance(), 3), Findings.num(mDense, 3)));
    qd.add(List.of("linear, one-hot-like q̃, s=" + Findings.num(sLow, 2), Findings.num(hotS, 4), Findings.num(oHot.meanJaccard(), 3),
        Findings.num(oHot.chance(), 3), Findings.num(mHot, 3)));
    qd.add(List.of("softmax, γ=" + Findings.num(gammaMatched, 3) + " (matched S*)", Findings.num(softS, 4),
        Findings.num(oSoft.meanJaccard(), 3), Findings.num(oSoft.chance(), 3), Findings.num(mSoft, 3)));
    qd.add(List.of("decay λ=0.9 (queries at different positions)", "—", Findings.num(oDecay.meanJaccard(), 3),
        Findings.num(oDecay.chance(), 3), "—"));
    f.mdf("**Query dependence.** %d queries over the same $n=%d$ keys; overlap is the mean pairwise Jaccard index of "
        + "the rows' top-%d key sets (chance: two random %d-subsets), shared mass is the mass on the %d columns of highest "
        + "mean mass over the mass on the row's own top %d (1 = every query attends to the same keys).%n%n", rows, n, m, m, m, m);
    f.md(Findings.table(List.of("attention", "mean S*", "top-16 overlap", "chance", "shared mass"), qd));
    f.mdf("Sparse linear attention with a dense $\\tilde q$ focuses on the same keys for every query (overlap %s against "
            + "chance %s); softmax at the same $S^*$ stays near chance (%s). Decay's focus is fixed by position (overlap "
            + "%s inside the common window).",
        Findings.num(oDense.meanJaccard(), 3), Findings.num(oDense.chance(), 2), Findings.num(oSoft.meanJaccard(), 3),
        Findings.num(oDecay.meanJaccard(), 3));
    List<List<?>> csv = new ArrayList<>();
    for (int i = 0; i < points; i++) csv.add(List.of(ss[i], ratio[i], dense[i], denseP[i], hot[i], hotP[i]));
    f.data(DataFile.csv("e5-snr.csv", List.of("s", "sigma_over_mu", "dense_s", "dense_formula", "onehot_s", "onehot_formula"), csv));
    return new double[] {exactness, catErr, oDense.meanJaccard(), oDense.chance(), oSoft.meanJaccard()};
  }

  /** Causal query positions spread over the second half of n keys (the common window is the first half). */
  private static int[] decayPositions(int rows, int n) {
    int[] pos = new int[rows];
    for (int r = 0; r < rows; r++) pos[r] = n / 2 + (int) ((long) r * (n / 2 - 1) / Math.max(1, rows - 1));
    return pos;
  }

  // ================================================================ E6: decoder framing

  /** E6. Returns {smallest diagonal entry over all runs, mean softmax row S* and elu+1 row S* at the largest n (rows ≥ 32)}. */
  static double[] decoderFraming(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int[] ns = p == Profile.MINI ? new int[] {64, 128} : new int[] {64, 256, 1024};
    SplittableRandom rng = new SplittableRandom(ctx.seed() * 31 + 6);
    double gamma = 2.5, minDiag = Double.POSITIVE_INFINITY;
    List<List<String>> rows = new ArrayList<>();
    double[] lastSoft = null, lastLin = null;
    for (int n : ns) {
      double[] k = gaussian(rng, n * D);
      double[] qs = new double[n * D], ql = gaussian(rng, n * D);
      for (int r = 0; r < n; r++) System.arraycopy(scaled(unit(gaussian(rng, D)), gamma), 0, qs, r * D, D);
      AttentionWeights.Weights soft = AttentionWeights.generate(WeightKind.softmax(), qs, k, n, n, D, 1.0, null, KeyMask.causal());
      AttentionWeights.Weights lin = AttentionWeights.generate(
          WeightKind.linear(ElementwiseMap.ELU_PLUS_1, ElementwiseMap.ELU_PLUS_1), ql, k, n, n, D, 1.0, null, KeyMask.causal());
      double[] as = soft.a(), al = normaliseRows(lin.a(), n);
      double[] ss = Sparsity.perRow(as, n, n, KeyMask.causal(), Sparsity::sparsity);
      double[] sl = Sparsity.perRow(al, n, n, KeyMask.causal(), Sparsity::sparsity);
      double dS = minDiagonal(as, n), dL = minDiagonal(al, n);
      minDiag = Math.min(minDiag, Math.min(dS, dL));
      rows.add(List.of(String.valueOf(n), "softmax γ=2.5", String.valueOf(QueryDependence.isLowerTriangular(as, n)), sci(dS),
          Findings.num(QueryDependence.logAbsDetTriangular(as, n), 5), Findings.num(meanFrom(ss, 32), 4)));
      rows.add(List.of(String.valueOf(n), "elu+1", String.valueOf(QueryDependence.isLowerTriangular(al, n)), sci(dL),
          Findings.num(QueryDependence.logAbsDetTriangular(al, n), 5), Findings.num(meanFrom(sl, 32), 4)));
      lastSoft = ss;
      lastLin = sl;
    }
    int n = ns[ns.length - 1];
    int stride = Math.max(1, n / 200);
    int pts = (n + stride - 1) / stride;
    double[] xi = new double[pts], ys = new double[pts], yl = new double[pts];
    for (int i = 0, r = 0; r < n; r += stride, i++) {
      xi[i] = r;
      ys[i] = lastSoft[r];
      yl[i] = lastLin[r];
    }
    f.mdf("## E6 · Decoder framing%n%n"
        + "Causal $n\\times n$ matrices (rows normalised to sum 1): softmax with logits $\\mathcal N(0,\\gamma^2)$, "
        + "$\\gamma=2.5$, and elu+1 linear attention with Gaussian $q,k$. A lower-triangular matrix with a positive "
        + "diagonal is non-singular ($\\log|\\det A|=\\sum_i\\log a_{ii}$), so the low-rank argument against linear "
        + "attention does not apply to decoders; the question is how concentrated each row can be.%n%n");
    f.md(Findings.table(List.of("n", "attention", "lower-triangular", "smallest diagonal", "log abs(det)", "mean row S* (rows ≥ 32)"), rows));
    f.chart(Chart.line("e6-rows", "E6 · per-row S* against the row index (n = " + n + ")", "row i", "S*",
        Series.of("softmax γ=2.5", xi, ys), Series.of("elu+1", xi, yl)));
    double meanSoft = meanFrom(lastSoft, 32), meanLin = meanFrom(lastLin, 32);
    f.mdf("Both kinds are non-singular (smallest diagonal entry %s). elu+1 rows stay dense at every $i$ (mean $S^*$ %s) "
        + "while softmax rows are much sparser (mean %s), still above their limit $e^{-\\gamma^2/2}=%s$ at these lengths "
        + "(caveat 3).", sci(minDiag), Findings.num(meanLin, 4), Findings.num(meanSoft, 4),
        Findings.num(Predictors.sExp(gamma), 4));
    return new double[] {minDiag, meanSoft, meanLin};
  }

  // ================================================================ verdict

  static void verdict(Findings f, Analytic a, AttentionFocusTraining.Outcome trained) {
    double maxResid = 0;
    for (double r : a.maxClosedVsQuad()) maxResid = Math.max(maxResid, r);
    boolean closedOk = maxResid < 1e-8;
    boolean mcOk = a.mcWithin5() == a.mcPoints();
    double prLargeC = Math.pow(a.softmaxLargeC() / a.softmaxFloor(), 2); // PR = n·S*² with n^{-1/2} the floor
    boolean softmaxAny = prLargeC < 5;
    boolean floorOk = a.identityMin() >= SQRT_2_OVER_PI - 1e-12 && a.identityMinE4() > SQRT_2_OVER_PI - 0.02;
    boolean relu2Ok = a.relu2NegSmallGamma() < 1e-6 && a.relu2AtMinT() < 0.2 && a.homogeneousDrift() < 1e-9;
    boolean decayOk = Math.abs(a.decayPrRatio() - 1) < 0.01;
    boolean queryDep = a.linearOverlap() > 3 * a.linearChance() && a.softmaxOverlap() < a.linearOverlap();
    boolean core = closedOk && softmaxAny && floorOk && relu2Ok;             // the note's central analytic claims
    boolean rest = mcOk && decayOk && queryDep && a.causalNonSingular();     // simulation, decay, query dependence, framing
    String recall = trained == null ? "not run" : trained.supports() ? "supports" : trained.contradicts() ? "contradicts" : "is inconclusive on";
    Verdict v = !core ? Verdict.CONTRADICTS
        : rest && trained != null && trained.supports() ? Verdict.AGREES : Verdict.PARTLY;
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("closed forms = quadrature (E1)", "max residual " + sci(maxResid), closedOk ? "holds" : "fails"));
    rows.add(List.of("Monte Carlo within 5 s.e. (E1)", a.mcWithin5() + " / " + a.mcPoints() + ", max abs(z) " + Findings.num(a.mcMaxZ(), 3),
        mcOk ? "holds" : "fails"));
    rows.add(List.of("softmax reaches any sparsity as γ grows (E1, E3)", "S* " + Findings.num(a.softmaxLargeC(), 4)
        + " at c = 10 vs floor " + Findings.num(a.softmaxFloor(), 4) + ": PR " + Findings.num(prLargeC, 3) + " keys",
        softmaxAny ? "holds" : "fails"));
    rows.add(List.of("identity floor √(2/π) (E1, E4)", "min closed " + Findings.num(a.identityMin(), 8) + ", min measured "
        + Findings.num(a.identityMinE4(), 4), floorOk ? "holds" : "fails"));
    rows.add(List.of("relu² needs β < 0; homogeneous kinds ignore temperature (E1, E3, E4)", "S " + sci(a.relu2NegSmallGamma())
        + " at t = −40; measured " + Findings.num(a.relu2AtMinT(), 3) + " at the lowest simulated t; drift " + sci(a.homogeneousDrift()),
        relu2Ok ? "holds" : "fails"));
    rows.add(List.of("decay PR → (1+λ)/(1−λ) (E2)", "ratio " + Findings.num(a.decayPrRatio(), 5) + " at λ = 0.9", decayOk ? "holds" : "fails"));
    rows.add(List.of("sparse linear focus is query-independent (E5)", "overlap " + Findings.num(a.linearOverlap(), 3) + " vs chance "
        + Findings.num(a.linearChance(), 3) + "; softmax " + Findings.num(a.softmaxOverlap(), 3), queryDep ? "holds" : "fails"));
    rows.add(List.of("causal matrices are full rank (E6)", "row S*: softmax " + Findings.num(a.causalSoftmaxRowS(), 3) + ", elu+1 "
        + Findings.num(a.causalLinearRowS(), 3), a.causalNonSingular() ? "holds" : "fails"));
    rows.add(List.of("\"‖q̃‖₂/‖q̃‖₁ has maximum √d\" (caveat 1)", "the ratio lies in [d^(−1/2), 1]", "wrong as written"));
    rows.add(List.of("weaker focus ↔ weaker recall (E7, project hypothesis)", trained == null ? "not run" : trained.summary(),
        recall));
    f.mdf("## Verdict%n%n**%s.** ", v.label());
    f.md(Findings.table(List.of("claim", "measured", "result"), rows));
    List<String> failed = new ArrayList<>();
    for (List<String> r : rows) if (r.get(2).equals("fails")) failed.add(r.get(0));
    f.mdf("%s One statement of the note is wrong as written (caveat 1), but nothing rests on it. The trained comparison "
            + "%s the link between weak focus and weak recall; the note offers it as a likely cause, not a proof, and so do we.",
        failed.isEmpty()
            ? "Every analytic claim holds: the closed forms match their quadrature to " + sci(maxResid) + ", softmax sharpens "
                + "without limit as $\\gamma$ grows while identity keeps the floor $\\sqrt{2/\\pi}$ and relu² needs a negative "
                + "mean logit."
            : "Not every check holds: " + String.join("; ", failed) + ".",
        recall);
    f.verdict(v, String.format(Locale.ROOT,
        "Closed forms match quadrature to %s; softmax reaches $S^*=%s$ (floor $n^{-1/2}$) as the query scale grows, "
            + "identity never drops below $\\sqrt{2/\\pi}$, relu² is sparse only for $t<0$. The note's $\\sqrt d$ remark is "
            + "wrong as written. Trained models: %s.",
        sci(maxResid), Findings.num(a.softmaxLargeC(), 3), trained == null ? "not run" : trained.summary()));
  }

  // ================================================================ helpers

  static String kindLabel(LogitMap m) {
    return switch (m) {
      case EXP -> "softmax (exp)";
      case IDENTITY -> "identity";
      case RELU -> "relu";
      case RELU2 -> "relu²";
    };
  }

  static String sci(double v) {
    if (Double.isNaN(v)) return "n/a";
    if (v == 0) return "0";
    return String.format(Locale.ROOT, "%.2e", v);
  }

  static double[] logGrid(double lo, double hi, int points) {
    double[] g = new double[points];
    for (int i = 0; i < points; i++) g[i] = lo * Math.pow(hi / lo, points == 1 ? 0 : i / (double) (points - 1));
    return g;
  }

  static double relu2(double s) {
    return s > 0 ? s * s : 0.0;
  }

  static double[] gaussian(SplittableRandom rng, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
    return x;
  }

  static double[] unit(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return scaled(v, 1 / Math.sqrt(s));
  }

  static double[] scaled(double[] v, double c) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = c * v[i];
    return out;
  }

  /** Row-wise softmax of γ·logits (rows, n), with max subtraction. */
  static double[] softmaxRows(double[] logits, int rows, int n, double gamma) {
    double[] out = new double[rows * n];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < n; j++) max = Math.max(max, gamma * logits[r * n + j]);
      for (int j = 0; j < n; j++) sum += out[r * n + j] = Math.exp(gamma * logits[r * n + j] - max);
      for (int j = 0; j < n; j++) out[r * n + j] /= sum;
    }
    return out;
  }

  /** k (n, d) · v (d) → (n); d = v.length. */
  static double[] matVec(double[] k, double[] v, int n) {
    int d = v.length;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += k[i * d + j] * v[j];
      out[i] = s;
    }
    return out;
  }

  /** Mean and s.d. of elu(z)+1 for z ~ N(0, 1), by quadrature. */
  static double[] eluMoments() {
    double[] pts = {-40, 0, 40};
    double m1 = Quadrature.integrate(z -> dev.focus.metrics.SpecialFunctions.normalPdf(z) * ElementwiseMap.ELU_PLUS_1.apply(z), pts, 1e-14, 0).value();
    double m2 = Quadrature.integrate(z -> {
      double v = ElementwiseMap.ELU_PLUS_1.apply(z);
      return dev.focus.metrics.SpecialFunctions.normalPdf(z) * v * v;
    }, pts, 1e-14, 0).value();
    return new double[] {m1, Math.sqrt(m2 - m1 * m1)};
  }

  static double meanRowSparsity(double[] a, int rows, int cols) {
    double s = 0;
    for (int r = 0; r < rows; r++) s += Sparsity.sparsityOfRange(a, r * cols, (r + 1) * cols);
    return s / rows;
  }

  static double[] normaliseRows(double[] a, int n) {
    double[] out = a.clone();
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int c = 0; c < n; c++) s += out[r * n + c];
      for (int c = 0; c < n; c++) out[r * n + c] /= s;
    }
    return out;
  }

  static double minDiagonal(double[] a, int n) {
    double m = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.min(m, a[i * n + i]);
    return m;
  }

  static double meanFrom(double[] v, int from) {
    double s = 0;
    for (int i = from; i < v.length; i++) s += v[i];
    return s / (v.length - from);
  }

  static double ci95(double[] a) {
    if (a.length < 2) return 0;
    double m = mean(a), s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return 1.96 * Math.sqrt(s / (a.length - 1) / a.length);
  }
}
