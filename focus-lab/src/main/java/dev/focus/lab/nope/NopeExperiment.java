package dev.focus.lab.nope;

import static dev.focus.lab.run.Stats.mean;
import static dev.focus.lab.run.Stats.sd;

import dev.focus.data.DataCache;
import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.data.TextDataset;
import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Progress;
import dev.focus.lab.run.Stats;
import dev.focus.metrics.NopeMeasures;
import dev.focus.metrics.VarianceProfile;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import dev.focus.position.Alibi;
import dev.focus.position.PositionKind;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import dev.focus.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Note 5 (spec 05): why decoder-only models need position encodings (Su 2024, kexue.fm/archives/10347).
 * The causal mask alone puts position into the variance of each head's output (D3: MS_n = σ²/n under
 * uniform attention), so NoPE decoders can learn position, but as one weak absolute scalar per head;
 * an explicit, preferably relative, encoding is cheaper, and without a distance prior attention
 * diffuses on long inputs. Parts: E1 the variance law at initialisation, E2 position probes on frozen
 * causal and bidirectional NoPE stacks, E3 tiny language models with NoPE, RoPE, ALiBi and learned
 * positions, E4 the same probes on those trained models, E5 shuffled prefixes, E9 their loss and
 * attention entropy at 1–4× the training length and Wang et al.'s temperature repair (a global λ, or
 * per-head λ_h trained alone), E7 resolution and offsets ("the token 3 back", "n mod 10") by position
 * bucket, E8 length generalisation on copy (the counterweight of Kazemnejad et al. 2023). E6, the
 * bidirectional masked LM, is not run: the decoder trains causally only.
 *
 * <p>Independent training runs (arms × seeds) run two at a time on the shared pool ({@link #parallelRuns}).
 */
public final class NopeExperiment implements Experiment<NopeExperiment.Unsplit, NopeExperiment.Unsplit> {
  /** Until this experiment is split into sections: the profile and seed in, the rendered findings out. */
  record Unsplit(Profile profile, long seed, Findings findings) {}

  @Override public Unsplit settings(Profile profile, long seed) { return new Unsplit(profile, seed, null); }

  @Override public Unsplit run(Unsplit settings, LabContext ctx) throws Exception { return new Unsplit(settings.profile(), settings.seed(), run(ctx)); }

  @Override public Findings render(Unsplit settings, Unsplit results) { return results.findings(); }

  static final int E1_LEN = 256, E2_LEN = 64, E2_VOCAB = 64;

  @Override public String slug() { return "05-why-decoders-need-positions"; }

  @Override public String title() { return "Why decoders need positions"; }

  /**
   * Quick (E1–E9 with E4, E7 and the E9 repair): 3 min 33 s wall at a load of ≈ 3.8 on 2 cores (other jobs
   * held about 2.7 of them), 245 CPU-seconds, measured 2026-11-28; about 2.5 min on an idle 2-core machine
   * (≈ 60 s of serial work plus the rest on two cores). Full: an estimate, not measured.
   */
  @Override public double expectedMinutes(Profile p) { return p == Profile.MINI ? 0.1 : p == Profile.QUICK ? 3 : 60; }

  /** Numbers the verdicts rest on (also read by the test). */
  static final class Outcome {
    double uniformSlope, headSlope, noScaleSlope, noScaleLogitSd, headMs1;
    final Map<String, double[]> stackSlopes = new LinkedHashMap<>(); // position → {layer-1 slope, layer-2 slope}
    double alibiPlateauRatio, alibiPlateauPredicted, alibiSlowSlope, alibiSlowPredicted;
    double chance, medianGuess, logNormShare = Double.NaN;
    final Map<String, PositionProbe.Result> probes = new LinkedHashMap<>();
    double unigram = Double.NaN;
    String textName = "text";
    final Map<String, double[]> lmLoss = new LinkedHashMap<>();
    final Map<String, NopeTraining.LongEval> longEval = new LinkedHashMap<>();
    final Map<String, Double> copyId = new LinkedHashMap<>(), copyOod = new LinkedHashMap<>();
    final Map<String, double[]> shuffled = new LinkedHashMap<>();
    final Map<String, PositionProbe.Result> trainedProbes = new LinkedHashMap<>(); // "arm/hook" (E4)
    final Map<String, NopeTraining.LongEval> repair = new LinkedHashMap<>();      // "λ=1.25@256", "λh after@64" (E9 repair)
    List<String> repairTrained = List.of();                                       // tensors the λ_h run trained
    double repairFrozenDiff = Double.NaN;                                          // largest change outside the λ_h
    double[][] headScales;                                                         // (layers, heads) trained λ_h
    final Map<String, double[]> resolution = new LinkedHashMap<>();               // "task/arm" → 4 buckets + overall (E7)
  }

  final Outcome outcome = new Outcome();

  Findings run(LabContext ctx) throws Exception {
    Findings f = new Findings().tag("positions").tag("nope").tag("spec 05");
    Profile p = ctx.profile();
    Plan plan = Plan.of(p);
    ctx.progress().total(20 + plan.lmTotalSteps() + lmArmsProbed(plan) + plan.repairSteps() + plan.resolutionTotalSteps()
        + plan.copyTotalSteps() + 5);
    intro(f);
    ctx.progress().message("E1: variance law at initialisation");
    varianceAtInit(f, ctx);
    ctx.progress().step(10);
    if (ctx.cancelled()) return f;
    ctx.progress().message("E2: position probes on frozen random-init stacks");
    probes(f, ctx);
    ctx.progress().step(10);
    if (ctx.cancelled()) return f;
    Map<String, Lm> lms = languageModels(f, ctx, plan);
    if (ctx.cancelled()) return f;
    trainedProbes(f, ctx, plan, lms);
    if (ctx.cancelled()) return f;
    ctx.progress().message("E5: shuffled prefixes");
    shuffledPrefixes(f, ctx, plan, lms);
    if (ctx.cancelled()) return f;
    ctx.progress().message("E9: loss and attention entropy at 1-4x the training length");
    longContext(f, ctx, plan, lms);
    ctx.progress().step(5);
    if (ctx.cancelled()) return f;
    temperatureRepair(f, ctx, plan, lms);
    if (ctx.cancelled()) return f;
    resolution(f, ctx, plan);
    if (ctx.cancelled()) return f;
    lengthGeneralisation(f, ctx, plan);
    if (ctx.cancelled()) return f;
    verdict(f, plan);
    return f;
  }

  /**
   * Sizes by profile. Spec 05 §5: 1500–3000 steps and 3 seeds per comparison; the quick profile runs
   * 1 seed and a quarter of the steps.
   */
  record Plan(int seeds, int lmSteps, List<PositionKind> lmArms, boolean deepArms, int valBatches, int copySteps,
              List<PositionKind> copyArms, List<String> copyTasks, int copyTrainMax, int copyEval, int longBatches,
              int shuffleDraws, int probeSteps, int repairSteps, int resolutionSteps, int resolutionEval) {
    static Plan of(Profile p) {
      List<PositionKind> lm = new ArrayList<>(List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI, PositionKind.LEARNED));
      List<PositionKind> copy = new ArrayList<>(List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI));
      if (p != Profile.MINI) lm.add(PositionKind.SINUSOIDAL);     // E4 probes it beside learned positions
      if (p == Profile.FULL) copy.add(PositionKind.SINUSOIDAL);
      return new Plan(p.pick(1, 1, 3), p.pick(8, 750, 3000), List.copyOf(lm), p == Profile.FULL, p.pick(2, 16, 64),
          p.pick(8, 1000, 3000), List.copyOf(copy), p == Profile.FULL ? List.of("copy", "reverse") : List.of("copy"), 8,
          p.pick(4, 100, 500), p.pick(1, 16, 64), p.pick(32, 2000, 2000), p.pick(40, 1200, 3000), p.pick(4, 200, 200),
          p.pick(8, 400, 1500), p.pick(32, 256, 1024));
    }

    int lmRuns() { return seeds * (lmArms.size() + (deepArms ? 2 : 0)); }

    long lmTotalSteps() { return (long) lmRuns() * lmSteps; }

    long copyTotalSteps() { return (long) seeds * copyArms.size() * copyTasks.size() * copySteps; }

    long resolutionTotalSteps() { return (long) seeds * RESOLUTION_ARMS.size() * RESOLUTION_TASKS.size() * resolutionSteps; }
  }

  // ------------------------------------------------------------------------------------------- text

  static void intro(Findings f) {
    f.md("**The claim** (Su, *Decoder-only的LLM为什么需要位置编码？*, kexue.fm/archives/10347). Without a position "
        + "encoding (NoPE), bidirectional attention sees a set: $F(P\\boldsymbol X)=PF(\\boldsymbol X)$ for every "
        + "permutation $P$ (D1). A causal mask breaks this symmetry: output $n$ averages only the first $n$ tokens, "
        + "like a cumulative sum. With uniform attention and i.i.d. zero-mean values of variance $\\sigma^2$,\n\n"
        + "$$\\boldsymbol y_n=\\frac1n\\sum_{m\\le n}\\boldsymbol v_m,\\qquad "
        + "\\mathbb E\\,\\mathrm{MS}(\\boldsymbol y_n)=\\frac{\\sigma^2}{n}\\quad\\text{(D3)},$$\n\n"
        + "so position sits in the norm of each head's output: $\\boldsymbol y_n\\approx p(n)\\,\\boldsymbol z_n$. "
        + "Su's points: (1) causal NoPE decoders can learn position; (2) but only as a weak, absolute, multiplicative "
        + "scalar per head, so an explicit (preferably relative) encoding spares capacity; (3) neighbouring codes "
        + "$1/\\sqrt n$ and $1/\\sqrt{n+1}$ merge as $n$ grows; (4) with no distance prior, attention can diffuse on long "
        + "inputs.\n\n"
        + "**The counterweight.** Kazemnejad et al. (2023) find that NoPE extrapolates *better* than ALiBi, RoPE and "
        + "absolute encodings on small algorithmic tasks; Haviv et al. (2022) find NoPE language models only slightly "
        + "worse than learned positions, with gaps shrinking with scale.");
  }

  // ------------------------------------------------------------------------------------------- E1

  /** E1: the variance law at initialisation (D3, D4, D5; spec P8, P13 and §5 E1). */
  void varianceAtInit(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    long seed = ctx.seed();
    int L = E1_LEN;
    f.md("## 1. The variance law at initialisation (E1)\n\n"
        + "Three setups, no training. (a) Exact uniform averaging of $\\mathcal N(0,1)$ values, $d=64$ (assumptions "
        + "A1–A2 of D3). (b) One random-init causal head as in spec P13: unit-variance inputs of width 256, "
        + "$W_{q,k,v}\\sim\\mathcal N(0,0.02^2)$, head size $d_h=256$, so $\\sigma^2=256\\cdot0.02^2=0.1024$; once with the "
        + "$1/\\sqrt{d_h}$ logit scale and once without it. (c) The Focus decoder itself at initialisation (width 256, "
        + "4 heads of 64, 2 blocks, std 0.02), with NoPE, RoPE and ALiBi, read through the model observer; every "
        + "sequence holds distinct token ids, so values are i.i.d. across positions. Sequences of $L=256$.\n\n"
        + "When attention is not uniform, D4 replaces $n$ by the effective number of tokens "
        + "$n_\\text{eff}=1/\\sum_m a_{n,m}^2$: $\\mathbb E\\,y_{n,i}^2=\\sigma^2/n_\\text{eff}$. ALiBi's bias alone gives "
        + "$a_{n,m}\\propto r^{n-m}$, $r=e^{-\\lambda_h}$, and $\\sum_m a_{n,m}^2\\to\\frac{1-r}{1+r}=\\tanh(\\lambda_h/2)$ (D5): "
        + "a plateau after about $1/\\lambda_h$ tokens.");

    // (a) exact uniform averaging
    int batchA = p.pick(200, 1000, 2000), d = 64;
    SplittableRandom rng = new SplittableRandom(seed);
    VarianceProfile uni = new VarianceProfile(L, d).trackPair(4, 16).trackPair(8, 32);
    double[] vals = new double[L * d];
    for (int b = 0; b < batchA; b++) {
      for (int i = 0; i < vals.length; i++) vals[i] = rng.nextGaussian();
      uni.add(NopeMeasures.causalUniformAverage(vals, L, d), 0);
    }
    outcome.uniformSlope = uni.fit().slope();

    // (b) one random-init head, with and without 1/√d_h
    int batchB = p.pick(4, 24, 128);
    HeadRun scaled = randomHead(batchB, L, 256, 256, true, seed + 1);
    HeadRun raw = randomHead(batchB, L, 256, 256, false, seed + 1);
    outcome.headSlope = scaled.profile.fit().slope();
    outcome.headMs1 = scaled.profile.meanMs()[0];
    outcome.noScaleSlope = raw.profile.fit().slope();
    outcome.noScaleLogitSd = raw.logitSd;

    // (c) the decoder at init
    int batchC = p.pick(2, 16, 64);
    Map<PositionKind, StackRun> stacks = new LinkedHashMap<>();
    for (PositionKind pos : List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI)) {
      if (ctx.cancelled()) return;
      StackRun s = decoderAtInit(pos, batchC, L, seed + 2);
      stacks.put(pos, s);
      outcome.stackSlopes.put(pos.name().toLowerCase(Locale.ROOT), new double[] {s.slope(0), s.slope(1)});
    }

    int[] show = {1, 2, 16, 64, 256};
    List<String> header = new ArrayList<>(List.of("setup", "$\\mathrm{MS}_1$"));
    for (int n : show) if (n > 1) header.add("$n=" + n + "$");
    header.addAll(List.of("slope", "$n_\\text{eff}(256)$", "$\\mathrm{MS}_{256}n_\\text{eff}/\\mathrm{MS}_1$"));
    f.md("Columns $n=2\\ldots256$ give $n\\,\\mathrm{MS}_n/\\mathrm{MS}_1$, which D3 holds at 1; *slope* is the least-squares "
        + "slope of $\\log\\mathrm{MS}_n$ on $\\log n$ over $n=1..256$ (−1 under D3); the last column is D4's check, 1 "
        + "whenever $\\mathrm{MS}_n=\\sigma^2/n_\\text{eff}$.");
    List<List<String>> rows = new ArrayList<>();
    double[] ones = new double[L];
    for (int n = 0; n < L; n++) ones[n] = n + 1;
    rows.add(row("(a) uniform average, $d=64$", uni.meanMs(), ones, show));
    rows.add(row("(b) random head, $1/\\sqrt{d_h}$", scaled.profile.meanMs(), scaled.nEff, show));
    rows.add(row("(b) random head, no scale", raw.profile.meanMs(), raw.nEff, show));
    for (Map.Entry<PositionKind, StackRun> e : stacks.entrySet()) {
      StackRun s = e.getValue();
      String name = e.getKey().name().toLowerCase(Locale.ROOT);
      for (int l = 0; l < 2; l++) {
        if (e.getKey() == PositionKind.ALIBI && l == 0) {
          float[] slopes = new Alibi(4).logitSlopes();
          for (int h = 0; h < 4; h++) {
            rows.add(row("(c) alibi, layer 1, head " + (h + 1) + " ($\\lambda_h=1/" + Math.round(1 / slopes[h]) + "$)",
                s.profile[0][h].meanMs(), s.nEff[0][h], show));
          }
        } else {
          rows.add(row("(c) " + name + ", layer " + (l + 1) + " (mean of 4 heads)", s.meanMs(l), s.meanNEff(l), show));
        }
      }
    }
    f.md(Findings.table(header, rows));

    // ALiBi: plateau of the λ = 1/4 head and the slow λ = 1/256 head against D5
    StackRun alibi = stacks.get(PositionKind.ALIBI);
    if (alibi != null) {
      float[] slopes = new Alibi(4).logitSlopes();
      double[] fast = alibi.profile[0][0].meanMs(), slow = alibi.profile[0][3].meanMs();
      outcome.alibiPlateauRatio = fast[L - 1] / fast[0];
      outcome.alibiPlateauPredicted = NopeMeasures.alibiSumSquares(slopes[0], L);
      outcome.alibiSlowSlope = alibi.profile[0][3].fit().slope();
      double[] pred = new double[L];
      for (int n = 0; n < L; n++) pred[n] = Math.log(NopeMeasures.alibiSumSquares(slopes[3], n + 1));
      outcome.alibiSlowPredicted = slopeOf(pred);
    }
    NopeExperiment.Outcome o = outcome;
    double[] nope = o.stackSlopes.getOrDefault("nope", new double[] {Double.NaN, Double.NaN});
    double[] rope = o.stackSlopes.getOrDefault("rope", new double[] {Double.NaN, Double.NaN});
    f.mdf("Fitted over $n=1..256$: uniform averaging **%s** (P8 expects $-1\\pm0.01$); the random head **%s** with "
            + "$\\mathrm{MS}_1=%s$ (P13: $-1\\pm0.03$, $0.1024\\pm5\\%%$); the decoder's first layer **%s** (NoPE) and **%s** "
            + "(RoPE); spec E1 expects $-1\\pm0.05$ for both, since the slope comes from the mask, not from the encoding. "
            + "The second layer is another matter: %s (NoPE), %s (RoPE). Its values are read from a residual stream that "
            + "already holds layer 1's prefix averages, so they are not independent across positions (A2 fails) and $n\\,\\mathrm{MS}_n$ grows although $n_\\text{eff}\\approx n$.%n%n"
            + "Without the $1/\\sqrt{d_h}$ scale the logits have s.d. %s and attention is far from uniform: the slope is "
            + "%s, yet $\\mathrm{MS}_n\\,n_\\text{eff}$ stays near $\\sigma^2$ (last column) — D4's $\\sigma^2/n_\\text{eff}$, "
            + "not $\\sigma^2/n$. ALiBi's $\\lambda_h=\\tfrac14$ head ends at $\\mathrm{MS}_{256}/\\mathrm{MS}_1=%s$ against "
            + "D5's $\\sum a^2=%s$ (limit $\\tanh\\tfrac18=%s$); its $\\lambda_h=\\tfrac1{256}$ head still falls with slope "
            + "%s (bias-only prediction %s).",
        Findings.num(o.uniformSlope, 4), Findings.num(o.headSlope, 4), Findings.num(o.headMs1, 4),
        Findings.num(nope[0], 4), Findings.num(rope[0], 4), Findings.num(nope[1], 3), Findings.num(rope[1], 3),
        Findings.num(o.noScaleLogitSd, 3), Findings.num(o.noScaleSlope, 3), Findings.num(o.alibiPlateauRatio, 3),
        Findings.num(o.alibiPlateauPredicted, 3), Findings.num(Math.tanh(0.125), 3), Findings.num(o.alibiSlowSlope, 3),
        Findings.num(o.alibiSlowPredicted, 3));

    // charts: MS_n/MS_1 and n_eff on log-log axes, at log-spaced positions (keeps the page light)
    int[] at = logSpaced(L);
    double[] x = pick(ones, at);
    List<Series> ms = new ArrayList<>();
    ms.add(Series.of("1/n", x, inverse(x)));
    ms.add(Series.of("uniform average", x, pick(ratio(uni.meanMs()), at)));
    ms.add(Series.of("random head, no scale", x, pick(ratio(raw.profile.meanMs()), at)));
    List<Series> ne = new ArrayList<>();
    ne.add(Series.of("n", x, x));
    ne.add(Series.of("random head, no scale", x, pick(raw.nEff, at)));
    for (Map.Entry<PositionKind, StackRun> e : stacks.entrySet()) {
      String name = e.getKey().name().toLowerCase(Locale.ROOT);
      StackRun s = e.getValue();
      if (e.getKey() == PositionKind.ALIBI) {
        ms.add(Series.of("alibi λ=1/4", x, pick(ratio(s.profile[0][0].meanMs()), at)));
        ms.add(Series.of("alibi λ=1/256", x, pick(ratio(s.profile[0][3].meanMs()), at)));
        ne.add(Series.of("alibi λ=1/4", x, pick(s.nEff[0][0], at)));
        ne.add(Series.of("alibi λ=1/256", x, pick(s.nEff[0][3], at)));
      } else {
        ms.add(Series.of(name + " layer 1", x, pick(ratio(s.meanMs(0)), at)));
        ms.add(Series.of(name + " layer 2", x, pick(ratio(s.meanMs(1)), at)));
        ne.add(Series.of(name + " layer 1", x, pick(s.meanNEff(0), at)));
      }
    }
    f.chart(Chart.line("e1-variance", "Mean square of head outputs at init, MS_n / MS_1", "position n", "MS_n / MS_1",
        ms.toArray(Series[]::new)).withLogX().withLogY());
    f.chart(Chart.line("e1-neff", "Effective tokens n_eff = 1/Σa² at init (layer 1)", "position n", "n_eff",
        ne.toArray(Series[]::new)).withLogX().withLogY());

    List<List<?>> csv = new ArrayList<>();
    for (int n = 0; n < L; n++) {
      List<Object> r = new ArrayList<>(List.of(n + 1, g6(uni.meanMs()[n]), g6(uni.sdMs()[n]), g6(scaled.profile.meanMs()[n]),
          g6(scaled.nEff[n]), g6(raw.profile.meanMs()[n]), g6(raw.nEff[n])));
      for (StackRun s : stacks.values()) {
        for (int h = 0; h < 4; h++) { r.add(g6(s.profile[0][h].meanMs()[n])); r.add(g6(s.nEff[0][h][n])); }
        r.add(g6(s.meanMs(1)[n]));
        r.add(g6(s.meanNEff(1)[n]));
      }
      csv.add(r);
    }
    List<String> cols = new ArrayList<>(List.of("n", "uniform_ms", "uniform_sd", "head_ms", "head_neff", "noscale_ms", "noscale_neff"));
    for (PositionKind pos : stacks.keySet()) {
      String name = pos.name().toLowerCase(Locale.ROOT);
      for (int h = 0; h < 4; h++) {
        cols.add(name + "_l1h" + (h + 1) + "_ms");
        cols.add(name + "_l1h" + (h + 1) + "_neff");
      }
      cols.add(name + "_l2_ms");
      cols.add(name + "_l2_neff");
    }
    f.data(DataFile.csv("e1-variance.csv", cols, csv));
  }

  private static List<String> row(String name, double[] ms, double[] nEff, int[] show) {
    List<String> r = new ArrayList<>();
    r.add(name);
    r.add(Findings.num(ms[0], 4));
    for (int n : show) if (n > 1) r.add(Findings.num(n * ms[n - 1] / ms[0], 3));
    double[] logMs = new double[ms.length];
    for (int i = 0; i < ms.length; i++) logMs[i] = Math.log(ms[i]);
    r.add(Findings.num(slopeOf(logMs), 4));
    r.add(Findings.num(nEff[nEff.length - 1], 4));
    r.add(Findings.num(ms[ms.length - 1] * nEff[nEff.length - 1] / ms[0], 3));
    return r;
  }

  /** Least-squares slope of y[n−1] on log n, n = 1..len. */
  static double slopeOf(double[] y) {
    int k = y.length;
    double mx = 0, my = 0;
    for (int i = 0; i < k; i++) { mx += Math.log(i + 1); my += y[i]; }
    mx /= k;
    my /= k;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < k; i++) {
      double dx = Math.log(i + 1) - mx;
      sxy += dx * (y[i] - my);
      sxx += dx * dx;
    }
    return sxy / sxx;
  }

  /** Positions 1..16, then about 12 per decade up to len (1-based). */
  static int[] logSpaced(int len) {
    java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
    for (int n = 1; n <= Math.min(16, len); n++) set.add(n);
    for (double v = 16; v <= len; v *= Math.pow(10, 1.0 / 12)) set.add((int) Math.round(v));
    set.add(len);
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** y at the 1-based positions {@code at}. */
  static double[] pick(double[] y, int[] at) {
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) out[i] = y[at[i] - 1];
    return out;
  }

  /** Six significant digits for the CSV files. */
  private static String g6(double x) { return Findings.num(x, 6); }

  private static double[] ratio(double[] ms) {
    double[] r = new double[ms.length];
    for (int i = 0; i < ms.length; i++) r[i] = ms[i] / ms[0];
    return r;
  }

  private static double[] inverse(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = 1 / x[i];
    return r;
  }

  /** Variance profile and mean n_eff of one random head (E1 b). */
  record HeadRun(VarianceProfile profile, double[] nEff, double logitSd) {}

  /**
   * Spec P13: x ~ N(0, I_c) per token, W_q, W_k, W_v ~ N(0, 0.02²) of shape (d_h, c), one causal
   * softmax head with logits q·k/√d_h (or q·k when {@code scaled} is false); float64.
   */
  static HeadRun randomHead(int batch, int t, int c, int dh, boolean scaled, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] wq = gaussian(rng, dh * c, 0.02), wk = gaussian(rng, dh * c, 0.02), wv = gaussian(rng, dh * c, 0.02);
    VarianceProfile prof = new VarianceProfile(t, dh);
    double[] nEff = new double[t];
    double scale = scaled ? 1 / Math.sqrt(dh) : 1;
    double logitSum = 0, logitSq = 0;
    long logitN = 0;
    double[] x = new double[t * c], q = new double[t * dh], k = new double[t * dh], v = new double[t * dh];
    double[] y = new double[t * dh], s = new double[t];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
      linear(q, x, wq, t, c, dh);
      linear(k, x, wk, t, c, dh);
      linear(v, x, wv, t, c, dh);
      java.util.Arrays.fill(y, 0);
      for (int n = 0; n < t; n++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int m = 0; m <= n; m++) {
          double d = 0;
          for (int i = 0; i < dh; i++) d += q[n * dh + i] * k[m * dh + i];
          s[m] = d * scale;
          logitSum += s[m];
          logitSq += s[m] * s[m];
          logitN++;
          max = Math.max(max, s[m]);
        }
        double z = 0, sq = 0;
        for (int m = 0; m <= n; m++) z += s[m] = Math.exp(s[m] - max);
        for (int m = 0; m <= n; m++) {
          double a = s[m] / z;
          sq += a * a;
          for (int i = 0; i < dh; i++) y[n * dh + i] += a * v[m * dh + i];
        }
        nEff[n] += 1 / sq / batch;
      }
      prof.add(y, 0);
    }
    double mean = logitSum / logitN;
    return new HeadRun(prof, nEff, Math.sqrt(logitSq / logitN - mean * mean));
  }

  /** out (T, O) = in (T, K) · Wᵀ, W stored (O, K), in float64. */
  static void linear(double[] out, double[] in, double[] wt, int t, int kIn, int o) {
    for (int n = 0; n < t; n++) {
      for (int j = 0; j < o; j++) {
        double d = 0;
        int wo = j * kIn, io = n * kIn;
        for (int i = 0; i < kIn; i++) d += in[io + i] * wt[wo + i];
        out[n * o + j] = d;
      }
    }
  }

  private static double[] gaussian(SplittableRandom rng, int n, double std) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) a[i] = rng.nextGaussian() * std;
    return a;
  }

  /** Per layer and head: the variance profile of head outputs and the mean n_eff per position (E1 c). */
  record StackRun(VarianceProfile[][] profile, double[][][] nEff) {
    double slope(int layer) {
      double[] ms = meanMs(layer), lg = new double[ms.length];
      for (int i = 0; i < ms.length; i++) lg[i] = Math.log(ms[i]);
      return slopeOf(lg);
    }

    double[] meanMs(int layer) {
      double[] out = new double[profile[layer][0].meanMs().length];
      for (VarianceProfile vp : profile[layer]) {
        double[] m = vp.meanMs();
        for (int i = 0; i < out.length; i++) out[i] += m[i] / profile[layer].length;
      }
      return out;
    }

    double[] meanNEff(int layer) {
      double[] out = new double[nEff[layer][0].length];
      for (double[] h : nEff[layer]) for (int i = 0; i < out.length; i++) out[i] += h[i] / nEff[layer].length;
      return out;
    }
  }

  /**
   * The Focus decoder at initialisation (width 256, 4 heads, 2 blocks, std 0.02) on sequences of
   * distinct random token ids; head outputs and attention weights come from the model observer.
   */
  static StackRun decoderAtInit(PositionKind pos, int batch, int t, long seed) {
    int heads = 4, layers = 2, vocab = 1024;
    ModelConfig cfg = ModelConfig.llama(vocab, 256, 256, layers, heads, t).withPosition(pos);
    Model model = new Model(cfg, seed);
    int hs = cfg.headSize();
    VarianceProfile[][] prof = new VarianceProfile[layers][heads];
    double[][][] nEff = new double[layers][heads][t];
    for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) prof[l][h] = new VarianceProfile(t, hs);
    model.setObserver(new ModelObserver() {
      @Override public void onHeadOutputs(int layer, float[] y, int b, int seqLen, int nh, int headSize) {
        double[] seq = new double[seqLen * headSize];
        for (int bi = 0; bi < b; bi++) {
          for (int h = 0; h < nh; h++) {
            for (int n = 0; n < seqLen; n++) {
              int src = ((bi * seqLen + n) * nh + h) * headSize;
              for (int i = 0; i < headSize; i++) seq[n * headSize + i] = y[src + i];
            }
            prof[layer][h].add(seq, 0);
          }
        }
      }

      @Override public void onAttentionWeights(int layer, float[] w, int b, int nh, int seqLen) {
        for (int bi = 0; bi < b; bi++) {
          for (int h = 0; h < nh; h++) {
            for (int n = 0; n < seqLen; n++) {
              int row = ((bi * nh + h) * seqLen + n) * seqLen;
              double sq = 0;
              for (int m = 0; m <= n; m++) sq += (double) w[row + m] * w[row + m];
              nEff[layer][h][n] += 1 / sq / batch;
            }
          }
        }
      }
    });
    SplittableRandom rng = new SplittableRandom(seed + 17);
    int chunk = Math.min(batch, 4);
    for (int done = 0; done < batch; done += chunk) {
      int rows = Math.min(chunk, batch - done);
      int[] tokens = new int[rows * t];
      for (int r = 0; r < rows; r++) {
        int[] perm = distinct(rng, vocab, t);
        System.arraycopy(perm, 0, tokens, r * t, t);
      }
      model.logits(tokens, rows, t);
    }
    model.setObserver(null);
    return new StackRun(prof, nEff);
  }

  /** k distinct ids from [0, n) (partial Fisher–Yates). */
  static int[] distinct(SplittableRandom rng, int n, int k) {
    int[] pool = new int[n];
    for (int i = 0; i < n; i++) pool[i] = i;
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    return java.util.Arrays.copyOf(pool, k);
  }

  // ------------------------------------------------------------------------------------------- E2

  /** E2: position probes on frozen random-init causal and bidirectional NoPE stacks. */
  void probes(Findings f, LabContext ctx) {
    Profile p = ctx.profile();
    int L = E2_LEN, trainSeqs = p.pick(40, 300, 400), testSeqs = p.pick(10, 75, 100), seqs = trainSeqs + testSeqs;
    int steps = p.pick(40, 1200, 3000), batch = 128, hidden = 128;
    ModelConfig cfg = ModelConfig.llama(E2_VOCAB, 64, 256, 2, 4, L).withPosition(PositionKind.NOPE);
    Model model = new Model(cfg, ctx.seed() + 5);
    SplittableRandom rng = new SplittableRandom(ctx.seed() + 6);
    int[] tokens = new int[seqs * L];
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(E2_VOCAB);
    outcome.chance = NopeMeasures.probeChance(L);
    outcome.medianGuess = NopeMeasures.medianGuessMad(L);
    f.mdf("## 2. Position probes on frozen random-init stacks (E2)%n%n"
        + "A NoPE decoder at initialisation (width 64, 4 heads, 2 blocks, SwiGLU 256, std 0.02) reads %d sequences of "
        + "$L=%d$ uniform random tokens (vocabulary %d), once with the causal mask and once with a bidirectional one (same "
        + "weights; the bidirectional pass runs the decoder's own blocks with every key visible). A two-layer ReLU probe "
        + "($D\\to%d\\to L$, Adam lr $2\\cdot10^{-3}$, %d steps of %d tokens, features "
        + "standardised on the train split) is trained on %d sequences and scored on the other %d, by the mean absolute "
        + "distance (MAD) between its argmax and the true position. Chance, for a guess independent of the position, is "
        + "$\\mathbb E|U-V|=\\frac{L^2-1}{3L}=%s$ (D7); the best constant guess scores $L/4=%s$.",
        seqs, L, E2_VOCAB, hidden, steps, batch, trainSeqs, testSeqs, Findings.num(outcome.chance, 4),
        Findings.num(outcome.medianGuess, 3));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (boolean causal : new boolean[] {true, false}) {
      if (ctx.cancelled()) return;
      String mask = causal ? "causal" : "bidirectional";
      NopeForward.Taps taps = NopeForward.run(model, tokens, seqs, L, causal);
      Map<String, double[]> points = new LinkedHashMap<>();
      points.put("embeddings", taps.embeddings());
      points.put("layer-1 head outputs", taps.headOutputs()[0]);
      points.put("residual after block 1", taps.residuals()[0]);
      points.put("residual after block 2", taps.residuals()[1]);
      points.put("log-norm per head, layer-1 head outputs", logNorms(taps.headOutputs()[0], seqs * L, 64, 4));
      points.put("log-norm, residual after block 1", logNorms(taps.residuals()[0], seqs * L, 64, 1));
      int k = 0;
      for (Map.Entry<String, double[]> e : points.entrySet()) {
        int dim = e.getValue().length / (seqs * L);
        PositionProbe.Result r = PositionProbe.fit(e.getValue(), dim, seqs, L, trainSeqs, hidden, steps, batch, 2e-3,
            ctx.seed() + 100 + k++);
        outcome.probes.put(mask + "/" + e.getKey(), r);
        rows.add(List.of(mask, e.getKey(), String.valueOf(dim), Findings.num(r.mad(), 3),
            Findings.num(r.mad() / outcome.chance, 3), Findings.num(r.bucketMad()[0], 3), Findings.num(r.bucketMad()[1], 3),
            Findings.num(r.bucketMad()[2], 3), Findings.num(r.bucketMad()[3], 3)));
        csv.add(List.of(mask, e.getKey(), dim, r.mad(), r.bucketMad()[0], r.bucketMad()[1], r.bucketMad()[2], r.bucketMad()[3]));
      }
    }
    f.md(Findings.table(List.of("mask", "hook point", "D", "MAD", "MAD / chance", "n<8", "8≤n<16", "16≤n<32", "n≥32"), rows));
    PositionProbe.Result res = outcome.probes.get("causal/residual after block 1");
    PositionProbe.Result bi = outcome.probes.get("bidirectional/residual after block 1");
    PositionProbe.Result head = outcome.probes.get("causal/layer-1 head outputs");
    PositionProbe.Result logHead = outcome.probes.get("causal/log-norm per head, layer-1 head outputs");
    if (res != null && bi != null) {
      double[] x = new double[L];
      for (int n = 0; n < L; n++) x[n] = n;
      f.chart(Chart.line("e2-probe", "Probe predictions on the residual after block 1 (mean and 10–90% band)",
          "true position", "predicted position", Series.of("truth", x, x), Series.of("causal mean", x, res.meanPred()),
          Series.of("causal p10", x, res.p10()), Series.of("causal p90", x, res.p90()),
          Series.of("bidirectional mean", x, bi.meanPred())));
      double share = (outcome.chance - logHead.mad()) / (outcome.chance - head.mad());
      outcome.logNormShare = share;
      boolean aware = res.mad() < 0.8 * outcome.chance, rising = res.bucketMad()[0] < res.bucketMad()[3];
      f.mdf("On the residual stream after block 1 the causal probe scores MAD %s (%s of chance): %s. Its error is %s for "
              + "$n<8$ and %s for $n\\ge32$, %s, as the $1/\\sqrt n$ code predicts (D6). The bidirectional probe scores %s "
              + "(chance %s): %s. On the causal layer-1 head outputs the four per-head log norms alone reach MAD %s against "
              + "%s for the full 64-d probe, %s of the full probe's gain over chance (spec E2 expects about 95%%; below 50%% "
              + "would speak against position living in the norm).",
          Findings.num(res.mad(), 3), Findings.num(res.mad() / outcome.chance, 2),
          aware ? "position-aware after one block" : "not clearly position-aware (the spec expects about half of chance)",
          Findings.num(res.bucketMad()[0], 3), Findings.num(res.bucketMad()[3], 3),
          rising ? "growing with $n$" : "not growing with $n$", Findings.num(bi.mad(), 3), Findings.num(outcome.chance, 4),
          bi.mad() > 0.9 * outcome.chance ? "at chance, as D1 requires" : "below chance, which D1 forbids (a bug or probe overfit)",
          Findings.num(logHead.mad(), 3), Findings.num(head.mad(), 3), pct(share));
    }
    f.data(DataFile.csv("e2-probes.csv", List.of("mask", "hook", "dim", "mad", "mad_n_lt_8", "mad_8_16", "mad_16_32",
        "mad_ge_32"), csv));
  }

  /** Per row and group of {@code width/groups} columns: log of the l2 norm; (N, groups). */
  static double[] logNorms(double[] x, int rows, int width, int groups) {
    int g = width / groups;
    double[] out = new double[rows * groups];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < groups; k++) {
        double s = 0;
        for (int i = 0; i < g; i++) s += x[r * width + k * g + i] * x[r * width + k * g + i];
        out[r * groups + k] = 0.5 * Math.log(s);
      }
    }
    return out;
  }

  static String pct(double x) { return Double.isNaN(x) ? "n/a" : Findings.num(100 * x, 3) + "%"; }

  // ------------------------------------------------------------------------------------------- E3

  /** One trained language model arm: its validation loss per seed and the seed-0 model and curve. */
  record Lm(String name, PositionKind position, int layers, double[] valLoss, Model model, double[] curve, double seconds) {
    double mean() { return Stats.mean(valLoss); }
  }

  /** The Brown corpus (byte level) when it is in the cache, else a small synthetic text (named in the report). */
  static TextDataset textData(LabContext ctx) throws java.io.IOException {
    if (ctx.dataCache() != null && DataCache.hasBrown(ctx.dataCache())) {
      return TextDataset.brown(ctx.dataCache(), ByteTokenizer.INSTANCE);
    }
    return syntheticText(ctx.seed());
  }

  /**
   * Stand-in text when Brown is not cached (tests run without the network): sentences over 40 words
   * with a bigram preference (each word favours a few successors), so there is order to learn.
   */
  static TextDataset syntheticText(long seed) {
    String[] words = ("the a of and to in is was he it for that on with as his they at be this from by had not "
        + "are but or have one all were her an there been which their we when who").split(" ");
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> docs = new ArrayList<>();
    for (int d = 0; d < 160; d++) {
      StringBuilder sb = new StringBuilder();
      for (int s = 0; s < 12; s++) {
        int w = rng.nextInt(words.length), len = 4 + rng.nextInt(8);
        for (int i = 0; i < len; i++) {
          String word = words[w];
          sb.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word).append(i + 1 < len ? " " : ". ");
          w = (w * 7 + 3 + rng.nextInt(4)) % words.length;
        }
      }
      docs.add(sb.toString().trim());
    }
    return new TextDataset("synthetic-text", ByteTokenizer.INSTANCE, docs.subList(0, 140), docs.subList(140, 160));
  }

  /** E3: tiny language models with each position scheme, plus a unigram baseline. */
  Map<String, Lm> languageModels(Findings f, LabContext ctx, Plan plan) throws java.io.IOException {
    TextDataset data = textData(ctx);
    boolean brown = data.name().equals("brown");
    outcome.textName = brown ? "Brown" : "synthetic-text";
    int T = 64, B = 16;
    long evalSeed = ctx.seed() + 7;
    List<Object[]> arms = new ArrayList<>();
    for (PositionKind pos : plan.lmArms()) arms.add(new Object[] {pos, 2});
    if (plan.deepArms()) {
      arms.add(new Object[] {PositionKind.NOPE, 4});
      arms.add(new Object[] {PositionKind.LEARNED, 4});
    }
    // every (arm, seed) run is independent: the runs share the two cores (each run's own ops then run inline)
    int seeds = plan.seeds(), runs = arms.size() * seeds;
    double[] val = new double[runs], seconds = new double[runs];
    Model[] models = new Model[runs];
    double[][] trainCurves = new double[runs][];
    Progress progress = synced(ctx.progress());
    parallelRuns(runs, j -> {
      PositionKind pos = (PositionKind) arms.get(j / seeds)[0];
      int layers = (Integer) arms.get(j / seeds)[1], s = j % seeds;
      if (ctx.cancelled()) return;
      long t0 = System.nanoTime();
      progress.message("E3: " + posName(pos) + (layers == 2 ? "" : " (" + layers + " blocks)") + " LM, seed " + (s + 1) + "/" + seeds);
      ModelConfig cfg = ModelConfig.llama(data.vocabSize(), 64, 256, layers, 4, T).withPosition(pos);
      Model m = new Model(cfg, ctx.seed() + 1000L * s + 11);
      NopeTraining.Settings st = new NopeTraining.Settings(plan.lmSteps(), B, T, 3e-3, Math.min(100, plan.lmSteps() / 10),
          ctx.seed() + 1000L * s + 12);
      trainCurves[j] = NopeTraining.train(m, data, st, i -> progress.step(1), ctx::cancelled);
      val[j] = NopeTraining.validationLoss(m, data, plan.valBatches(), B, T, evalSeed);
      models[j] = m;
      seconds[j] = (System.nanoTime() - t0) / 1e9;
    });
    Map<String, Lm> out = new LinkedHashMap<>();
    if (ctx.cancelled()) return out;
    for (int a = 0; a < arms.size(); a++) {
      PositionKind pos = (PositionKind) arms.get(a)[0];
      int layers = (Integer) arms.get(a)[1];
      String name = posName(pos) + (layers == 2 ? "" : " (" + layers + " blocks)");
      double sec = 0;
      for (int s = 0; s < seeds; s++) sec += seconds[a * seeds + s] / seeds;
      out.put(name, new Lm(name, pos, layers, java.util.Arrays.copyOfRange(val, a * seeds, (a + 1) * seeds),
          models[a * seeds], trainCurves[a * seeds], sec));
    }
    double unigram = unigramLoss(data, plan.valBatches(), B, T, ctx.seed() + 13, evalSeed);
    outcome.unigram = unigram;
    for (Lm lm : out.values()) outcome.lmLoss.put(lm.name(), lm.valLoss());

    f.mdf("## 3. Tiny language models (E3)%n%n"
            + "%s, byte-level (vocabulary %d). Every arm is the same decoder (width 64, 4 heads, pre-RMSNorm, SwiGLU 256, "
            + "context $L=64$, batch 16) trained with AdamW (lr $3\\cdot10^{-3}$ → $3\\cdot10^{-4}$, cosine, wd 0.1, clip 1) "
            + "for %d steps, %d seed(s); only the position scheme differs. Validation loss (nats per byte) is over the same "
            + "%d windows of 64 bytes for every arm; the unigram baseline is the byte distribution of the training split.",
        brown ? "The Brown corpus (500 documents; validation documents held out)"
            : "**Brown is not in the data cache** (`./focus setup brown`), so this run uses a small synthetic text instead",
        data.vocabSize(), plan.lmSteps(), plan.seeds(), plan.valBatches() * B);
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    Lm nope = out.get("nope");
    for (Lm lm : out.values()) {
      double m = lm.mean();
      rows.add(List.of(lm.name(), String.valueOf(lm.layers()), Findings.num(m, 4) + (plan.seeds() > 1 ? " ± " + Findings.num(sd(lm.valLoss()), 2) : ""),
          perSeed(lm.valLoss()), Findings.num(m / Math.log(2), 4), Findings.num(Math.exp(m), 4),
          nope == null ? "n/a" : Findings.num(100 * (m - nope.mean()) / nope.mean(), 3) + "%", Findings.num(lm.seconds(), 3)));
      for (int s = 0; s < lm.valLoss().length; s++) csv.add(List.of(lm.name(), lm.layers(), s, lm.valLoss()[s]));
    }
    rows.add(List.of("unigram", "–", Findings.num(unigram, 4), "–", Findings.num(unigram / Math.log(2), 4),
        Findings.num(Math.exp(unigram), 4), nope == null ? "n/a" : Findings.num(100 * (unigram - nope.mean()) / nope.mean(), 3) + "%", "–"));
    csv.add(List.of("unigram", 0, 0, unigram));
    f.md(Findings.table(List.of("position", "blocks", "val loss (nats/byte)", "per seed", "bits/byte", "perplexity",
        "vs NoPE", "s per run"), rows));
    List<Series> curves = new ArrayList<>();
    for (Lm lm : out.values()) curves.add(smoothed(lm.name(), lm.curve(), 200));
    f.chart(Chart.line("e3-train", "Training loss (moving average, seed 1)", "step", "loss (nats/byte)", curves.toArray(Series[]::new)));
    f.data(DataFile.csv("e3-lm.csv", List.of("position", "blocks", "seed", "val_loss"), csv));

    Lm rope = out.get("rope"), alibi = out.get("alibi"), learned = out.get("learned");
    if (nope != null && rope != null && alibi != null) {
      double best = Math.min(rope.mean(), alibi.mean());
      boolean clear = plan.seeds() > 1 && clearlyWorse(nope.valLoss(), rope.mean() <= alibi.mean() ? rope.valLoss() : alibi.valLoss());
      f.mdf("NoPE learns: %s nats/byte against %s for the unigram baseline. Against the best relative scheme (%s, %s) NoPE "
              + "is %s by %s%%%s; against learned absolute positions (%s) by %s%%. %s",
          Findings.num(nope.mean(), 4), Findings.num(unigram, 4), rope.mean() <= alibi.mean() ? "RoPE" : "ALiBi",
          Findings.num(best, 4), nope.mean() > best ? "worse" : "better", Findings.num(100 * Math.abs(nope.mean() - best) / best, 3),
          plan.seeds() > 1 ? (clear ? ", a clear difference (more than 2 pooled s.d., same sign on every seed)" : ", not a clear difference by the spec's rule (2 pooled s.d., same sign on every seed)")
              : " (one seed: indicative only; the full profile runs 3)",
          learned == null ? "n/a" : Findings.num(learned.mean(), 4),
          learned == null ? "n/a" : Findings.num(100 * (nope.mean() - learned.mean()) / learned.mean(), 3),
          "Haviv et al. report the same ordering at scale (WikiText-103: NoPos 20.97, learned 20.42, ALiBi 19.71 perplexity).");
    }
    return out;
  }

  /** Progress steps of E4: one per probed 2-block arm. */
  static int lmArmsProbed(Plan plan) { return plan.lmArms().size(); }

  /**
   * Runs {@code job(0..n−1)} on the shared pool ({@link dev.focus.kernel.Parallel}): independent training
   * runs of these tiny models barely use a second core on their own, so two runs at a time roughly halve
   * the wall time on two cores. Each run stays deterministic (its model, data and seed are its own).
   */
  static void parallelRuns(int n, java.util.function.IntConsumer job) {
    dev.focus.kernel.Parallel.forRange(n, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) job.accept(i);
    });
  }

  /** {@code p} with every call synchronised, for runs reporting from two threads. */
  static Progress synced(Progress p) {
    return new Progress() {
      @Override public synchronized void total(long units) { p.total(units); }
      @Override public synchronized void step(long units) { p.step(units); }
      @Override public synchronized void message(String text) { p.message(text); }
      @Override public boolean cancelled() { return p.cancelled(); }
    };
  }

  static String posName(PositionKind p) { return p.name().toLowerCase(Locale.ROOT); }

  static String perSeed(double[] v) {
    List<String> s = new ArrayList<>();
    for (double x : v) s.add(Findings.num(x, 4));
    return String.join(", ", s);
  }

  /** Spec 05 §5: a is clearly worse than b when mean(a) − mean(b) &gt; 2 pooled s.d. and a &gt; b on every seed. */
  static boolean clearlyWorse(double[] a, double[] b) {
    double pooled = Math.sqrt((sd(a) * sd(a) + sd(b) * sd(b)) / 2);
    for (int i = 0; i < Math.min(a.length, b.length); i++) if (!(a[i] > b[i])) return false;
    return mean(a) - mean(b) > 2 * pooled;
  }

  /** Cross-entropy of the add-½ smoothed byte distribution of 200 training batches on the validation windows. */
  static double unigramLoss(TextDataset data, int valBatches, int b, int t, long trainSeed, long evalSeed) {
    double[] counts = new double[data.vocabSize()];
    java.util.Arrays.fill(counts, 0.5);
    double total = 0.5 * counts.length;
    for (int i = 0; i < 200; i++) {
      for (int x : data.batch(dev.focus.data.Split.TRAIN, trainSeed, i, b, t).targets()) { counts[x]++; total++; }
    }
    double sum = 0;
    long n = 0;
    for (int i = 0; i < valBatches; i++) {
      for (int x : data.batch(dev.focus.data.Split.VALIDATION, evalSeed, i, b, t).targets()) { sum -= Math.log(counts[x] / total); n++; }
    }
    return sum / n;
  }

  /** A moving average (window ≈ len/points·2) sampled at about {@code points} steps; NaN steps are skipped. */
  static Series smoothed(String name, double[] y, int points) {
    int n = 0;
    while (n < y.length && !Double.isNaN(y[n])) n++;
    int stride = Math.max(1, n / points), window = Math.max(1, 2 * stride);
    List<double[]> pts = new ArrayList<>();
    for (int i = stride - 1; i < n; i += stride) {
      double s = 0;
      int c = 0;
      for (int j = Math.max(0, i - window + 1); j <= i; j++) { s += y[j]; c++; }
      pts.add(new double[] {i + 1, s / c});
    }
    if (pts.isEmpty()) pts.add(new double[] {1, n > 0 ? y[0] : 0});
    double[] xs = new double[pts.size()], ys = new double[pts.size()];
    for (int i = 0; i < xs.length; i++) { xs[i] = pts.get(i)[0]; ys[i] = pts.get(i)[1]; }
    return Series.of(name, xs, ys);
  }

  // ------------------------------------------------------------------------------------------- E4

  /** Hook points of the E4 probes: the embeddings, then the residual stream after each block. */
  static String tapName(int k) { return k == 0 ? "embeddings" : "after block " + k; }

  /**
   * E4: the position probe of E2 on the trained 2-block models of E3 (seed 1), reading validation
   * windows of text: how much absolute position does each scheme hold, layer by layer?
   */
  void trainedProbes(Findings f, LabContext ctx, Plan plan, Map<String, Lm> lms) throws java.io.IOException {
    TextDataset data = textData(ctx);
    Profile p = ctx.profile();
    int L = 64, trainSeqs = p.pick(40, 300, 400), testSeqs = p.pick(10, 75, 100), seqs = trainSeqs + testSeqs;
    int steps = plan.probeSteps(), batch = 128, hidden = 128;
    int[] tokens = new int[seqs * L];
    for (int s = 0; s < seqs; s += 25) {
      int rows = Math.min(25, seqs - s);
      System.arraycopy(data.batch(dev.focus.data.Split.VALIDATION, ctx.seed() + 61, s / 25, rows, L).tokens(), 0, tokens, s * L, rows * L);
    }
    f.mdf("## 4. Position probes on the trained models (E4)%n%n"
        + "The probe of E2 ($D\\to%d\\to L$, %d steps of %d tokens) now reads the 2-block models of E3 (seed 1) on %d "
        + "validation windows of %d bytes (trained on %d windows, scored on the other %d): the embeddings (after adding "
        + "absolute positions, where a scheme has them) and the residual stream after each block. Chance is %s (D7). "
        + "*Expected* (spec E4): NoPE at chance on the embeddings and position-aware after block 1, its error growing with "
        + "$n$; learned and sinusoidal positions near 0 from the embeddings on; ALiBi (a relative bias) holding less "
        + "absolute position than NoPE. *Against point 3*: NoPE's MAD flat across the buckets.",
        hidden, steps, batch, seqs, L, trainSeqs, testSeqs, Findings.num(NopeMeasures.probeChance(L), 4));
    double chance = NopeMeasures.probeChance(L);
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<Series> byLayer = new ArrayList<>();
    int k = 0;
    for (Lm lm : lms.values()) {
      if (lm.layers() != 2 || ctx.cancelled()) continue;
      ctx.progress().message("E4: probes on the trained " + lm.name() + " model");
      double[][] taps = NopeTraining.residualTaps(lm.model(), tokens, seqs, L);
      double[] x = new double[taps.length], y = new double[taps.length];
      for (int t = 0; t < taps.length; t++) {
        PositionProbe.Result r = PositionProbe.fit(taps[t], lm.model().config().hidden(), seqs, L, trainSeqs, hidden, steps,
            batch, 2e-3, ctx.seed() + 300 + k++);
        outcome.trainedProbes.put(lm.name() + "/" + tapName(t), r);
        x[t] = t;
        y[t] = r.mad();
        double[] b = r.bucketMad();
        rows.add(List.of(lm.name(), tapName(t), Findings.num(r.mad(), 3), Findings.num(r.mad() / chance, 3),
            Findings.num(b[0], 3), Findings.num(b[1], 3), Findings.num(b[2], 3), Findings.num(b[3], 3)));
        csv.add(List.of(lm.name(), tapName(t), r.mad(), b[0], b[1], b[2], b[3]));
      }
      byLayer.add(Series.of(lm.name(), x, y));
      ctx.progress().step(1);
    }
    if (byLayer.isEmpty()) return;
    f.md(Findings.table(List.of("position", "hook point", "MAD", "MAD / chance", "n<8", "8≤n<16", "16≤n<32", "n≥32"), rows));
    double[] cx = {0, 1, 2};
    byLayer.add(Series.of("chance", cx, new double[] {chance, chance, chance}));
    f.chart(Chart.line("e4-mad", "Probe MAD on the trained models by depth (0 = embeddings)", "blocks read",
        "MAD (positions)", byLayer.toArray(Series[]::new)));
    PositionProbe.Result n1 = outcome.trainedProbes.get("nope/after block 1");
    if (n1 != null) {
      double[] x = new double[L];
      for (int n = 0; n < L; n++) x[n] = n;
      f.chart(Chart.line("e4-nope-band", "Trained NoPE, residual after block 1: probe prediction (mean and 10–90% band)",
          "true position", "predicted position", Series.of("truth", x, x), Series.of("mean", x, n1.meanPred()),
          Series.of("p10", x, n1.p10()), Series.of("p90", x, n1.p90())));
    }
    f.data(DataFile.csv("e4-trained-probes.csv", List.of("position", "hook", "mad", "mad_n_lt_8", "mad_8_16", "mad_16_32",
        "mad_ge_32"), csv));
    PositionProbe.Result n0 = outcome.trainedProbes.get("nope/embeddings");
    PositionProbe.Result a0 = outcome.trainedProbes.get("learned/embeddings");
    PositionProbe.Result s0 = outcome.trainedProbes.get("sinusoidal/embeddings");
    if (n0 != null && n1 != null) {
      double nopeBest = bestMad("nope"), alibiBest = bestMad("alibi");
      f.mdf("NoPE: MAD %s on the embeddings (chance %s) and %s after block 1, where its error is %s for $n<8$ and %s for "
              + "$n\\ge32$ (%s). Learned positions: %s on the embeddings%s. The best layer of ALiBi scores %s against %s for "
              + "NoPE's best: %s",
          Findings.num(n0.mad(), 3), Findings.num(chance, 4), Findings.num(n1.mad(), 3), Findings.num(n1.bucketMad()[0], 3),
          Findings.num(n1.bucketMad()[3], 3), nopeRises() ? "growing with $n$, as a $1/\\sqrt n$ code predicts"
              : "not growing with $n$ (spec E4's case against point 3)",
          a0 == null ? "n/a" : Findings.num(a0.mad(), 3),
          s0 == null ? " (sinusoidal positions are not trained in this profile)" : "; sinusoidal: " + Findings.num(s0.mad(), 3),
          Findings.num(alibiBest, 3), Findings.num(nopeBest, 3),
          Double.isNaN(alibiBest) ? "ALiBi was not probed." : alibiBest > nopeBest ? "ALiBi holds less absolute position than NoPE, as expected of a relative scheme."
              : "ALiBi holds at least as much absolute position as NoPE here, against spec E4's expectation.");
    }
  }

  /** The lowest probe MAD over the hook points of one trained arm (NaN when it was not probed). */
  double bestMad(String arm) {
    double best = Double.NaN;
    for (Map.Entry<String, PositionProbe.Result> e : outcome.trainedProbes.entrySet()) {
      if (e.getKey().startsWith(arm + "/") && !(e.getValue().mad() >= best)) best = e.getValue().mad();
    }
    return best;
  }

  /** E4's test of point 3: the trained NoPE probe after block 1 errs at least 2 positions more for n ≥ 32 than for n &lt; 8. */
  boolean nopeRises() {
    PositionProbe.Result r = outcome.trainedProbes.get("nope/after block 1");
    return r != null && r.bucketMad()[3] - r.bucketMad()[0] >= 2;
  }

  // ------------------------------------------------------------------------------------------- E5

  /** E5: do the trained models use order? Loss after shuffling the prefix (Haviv et al.'s test). */
  void shuffledPrefixes(Findings f, LabContext ctx, Plan plan, Map<String, Lm> lms) throws java.io.IOException {
    TextDataset data = textData(ctx);
    int draws = plan.shuffleDraws();
    f.mdf("## 5. Shuffled prefixes (E5)%n%n"
        + "If a NoPE model had no sense of order it would not notice a shuffled context. For %d validation windows and "
        + "$t\\sim\\mathcal U[5,64)$, the E3 models (seed 1) predict byte $t$ from (a) the true prefix, (b) the prefix "
        + "shuffled, (c) the prefix shuffled except its last byte. The unigram baseline is %s nats/byte.",
        draws, Findings.num(outcome.unigram, 4));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<Lm> models = List.copyOf(lms.values());
    double[][] losses = new double[models.size()][];
    parallelRuns(models.size(), j -> {
      if (!ctx.cancelled()) losses[j] = NopeTraining.shuffledPrefix(models.get(j).model(), data, draws, 16, 64, ctx.seed() + 41);
    });
    if (ctx.cancelled()) return;
    for (int j = 0; j < models.size(); j++) {
      Lm lm = models.get(j);
      double[] r = losses[j];
      outcome.shuffled.put(lm.name(), r);
      rows.add(List.of(lm.name(), Findings.num(r[0], 4), Findings.num(r[1], 4), Findings.num(r[2], 4),
          Findings.num(r[1] / r[0], 3), Findings.num(r[2] / r[0], 3)));
      csv.add(List.of(lm.name(), r[0], r[1], r[2]));
    }
    f.md(Findings.table(List.of("position", "true prefix", "shuffled", "shuffled, last kept", "ratio shuffled",
        "ratio last kept"), rows));
    f.data(DataFile.csv("e5-shuffled.csv", List.of("position", "original", "shuffled", "keep_last"), csv));
    double[] nope = outcome.shuffled.get("nope");
    if (nope != null) {
      double otherMin = Double.POSITIVE_INFINITY, otherKeepMin = Double.POSITIVE_INFINITY;
      for (Map.Entry<String, double[]> e : outcome.shuffled.entrySet()) {
        if (e.getKey().equals("nope")) continue;
        otherMin = Math.min(otherMin, e.getValue()[1] / e.getValue()[0]);
        otherKeepMin = Math.min(otherKeepMin, e.getValue()[2] / e.getValue()[0]);
      }
      f.mdf("NoPE's loss goes from %s to %s when the prefix is shuffled (×%s; spec E5 reads a rise below 10%% as evidence "
              + "against point 1; Haviv et al. saw ≈4 → ≈10–11 at scale), so it does use order. With the last byte kept in "
              + "place NoPE's ratio is ×%s against at least ×%s for the models with explicit positions (whose shuffled ratio "
              + "is at least ×%s): %s",
          Findings.num(nope[0], 4), Findings.num(nope[1], 4), Findings.num(nope[1] / nope[0], 3),
          Findings.num(nope[2] / nope[0], 3), Findings.num(otherKeepMin, 3), Findings.num(otherMin, 3),
          nope[2] / nope[0] < otherKeepMin ? "NoPE's sense of order is concentrated on the nearest token, as a code that "
              + "loses resolution with distance would be (D6)." : "NoPE keeps order beyond the last token about as well as the others.");
    }
  }

  // ------------------------------------------------------------------------------------------- E9

  /** E9: the E3 models (seed 1) on windows of 1×, 2× and 4× the training length. */
  void longContext(Findings f, LabContext ctx, Plan plan, Map<String, Lm> lms) throws java.io.IOException {
    TextDataset data = textData(ctx);
    int[] lengths = {64, 128, 256};
    int tail = 16, batch = 8;
    f.mdf("## 6. Longer windows: loss and attention entropy (E9)%n%n"
        + "The 2-block models of E3 (seed 1), trained at $L=64$, read the last 64, 128 and 256 bytes of %d validation "
        + "windows. The loss counts only the last %d targets, the same bytes at every length, so the lengths differ only "
        + "in how much context precedes them. Entropy $H=-\\sum_m a_{n,m}\\ln a_{n,m}$ (nats) and "
        + "$n_\\text{eff}=1/\\sum_m a_{n,m}^2$ are averaged over heads, windows and those last %d query rows; $H/\\ln n$ is 1 "
        + "for uniform attention. Learned absolute positions have no table beyond 64 and are shown at 1× only.",
        plan.longBatches() * batch, tail, tail);
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<Series> lossSeries = new ArrayList<>(), entSeries = new ArrayList<>();
    double[] xs = {64, 128, 256};
    for (Lm lm : lms.values()) {
      if (lm.layers() != 2 || ctx.cancelled()) continue;
      List<Double> ls = new ArrayList<>(), es = new ArrayList<>();
      for (int len : lengths) {
        if (lm.position() == PositionKind.LEARNED && len > 64) continue;
        NopeTraining.LongEval ev = NopeTraining.longEval(lm.model(), data, len, 256, tail, plan.longBatches(), batch, ctx.seed() + 21);
        outcome.longEval.put(lm.name() + "@" + len, ev);
        ls.add(ev.tailLoss());
        es.add(mean(ev.entropy()));
        rows.add(List.of(lm.name(), len + " (" + len / 64 + "×)", Findings.num(ev.tailLoss(), 4),
            Findings.num(ev.entropy()[0], 3) + " / " + Findings.num(ev.entropy()[1], 3),
            Findings.num(ev.normalisedEntropy()[0], 3) + " / " + Findings.num(ev.normalisedEntropy()[1], 3),
            Findings.num(ev.nEff()[0], 3) + " / " + Findings.num(ev.nEff()[1], 3)));
        csv.add(List.of(lm.name(), len, ev.tailLoss(), ev.entropy()[0], ev.entropy()[1], ev.normalisedEntropy()[0],
            ev.normalisedEntropy()[1], ev.nEff()[0], ev.nEff()[1]));
      }
      double[] x = java.util.Arrays.copyOf(xs, ls.size());
      lossSeries.add(Series.of(lm.name(), x, ls.stream().mapToDouble(Double::doubleValue).toArray()));
      entSeries.add(Series.of(lm.name(), x, es.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    double[] lnRef = new double[3];
    for (int i = 0; i < 3; i++) {
      double s = 0;
      for (int n = lengths[i] - tail + 1; n <= lengths[i]; n++) s += Math.log(n);
      lnRef[i] = s / tail;
    }
    entSeries.add(Series.of("uniform (ln n)", xs, lnRef));
    f.md(Findings.table(List.of("position", "window", "loss on last 16", "entropy L1 / L2", "H/ln n L1 / L2",
        "n_eff L1 / L2"), rows));
    f.chart(Chart.line("e9-loss", "Loss on the last 16 bytes against window length (trained at 64)", "window (bytes)",
        "loss (nats/byte)", lossSeries.toArray(Series[]::new)).withLogX());
    f.chart(Chart.line("e9-entropy", "Mean attention entropy of the last 16 queries (both layers)", "window (bytes)",
        "entropy (nats)", entSeries.toArray(Series[]::new)).withLogX());
    f.data(DataFile.csv("e9-long.csv", List.of("position", "window", "tail_loss", "entropy_l1", "entropy_l2", "h_over_ln_n_l1",
        "h_over_ln_n_l2", "neff_l1", "neff_l2"), csv));
    NopeTraining.LongEval n1 = outcome.longEval.get("nope@64"), n4 = outcome.longEval.get("nope@256");
    NopeTraining.LongEval a1 = outcome.longEval.get("alibi@64"), a4 = outcome.longEval.get("alibi@256");
    NopeTraining.LongEval r1 = outcome.longEval.get("rope@64"), r4 = outcome.longEval.get("rope@256");
    if (n1 != null && n4 != null && a1 != null && a4 != null && r1 != null && r4 != null) {
      f.mdf("From 1× to 4×: NoPE's mean entropy goes %s → %s nats (uniform over the window would add $\\ln 4=1.39$) and its "
              + "loss %s → %s; ALiBi's entropy %s → %s, loss %s → %s; RoPE's entropy %s → %s, loss %s → %s. Spec E9 expects "
              + "NoPE's entropy to keep rising and its loss to degrade past about 1.5–2×, ALiBi to stay bounded and RoPE "
              + "to fail first.",
          Findings.num(mean(n1.entropy()), 3), Findings.num(mean(n4.entropy()), 3), Findings.num(n1.tailLoss(), 3),
          Findings.num(n4.tailLoss(), 3), Findings.num(mean(a1.entropy()), 3), Findings.num(mean(a4.entropy()), 3),
          Findings.num(a1.tailLoss(), 3), Findings.num(a4.tailLoss(), 3), Findings.num(mean(r1.entropy()), 3),
          Findings.num(mean(r4.entropy()), 3), Findings.num(r1.tailLoss(), 3), Findings.num(r4.tailLoss(), 3));
    }
  }

  // ------------------------------------------------------------------------------------------- E9 repair

  /** Global logit scales λ of E9's repair (spec 05 §5). */
  static final double[] LAMBDAS = {1, 1.25, 1.5, 2};

  /**
   * E9's temperature repair (Wang et al. 2024): the trained NoPE model of E3 (seed 1), frozen, read at
   * 1× and 4× the training length with a global λ, and with per-head λ_h trained alone at 4×.
   */
  void temperatureRepair(Findings f, LabContext ctx, Plan plan, Map<String, Lm> lms) throws java.io.IOException {
    Lm nope = lms.get("nope");
    if (nope == null) return;
    TextDataset data = textData(ctx);
    int tail = 16, batch = 8, trainBatch = 8, steps = plan.repairSteps(), warmup = Math.min(20, steps / 10);
    double lr = 1e-2;
    f.mdf("## 7. Temperature repair (E9, Wang et al.)%n%n"
            + "Wang et al. (2024) trace NoPE's long-context failure to attention distraction and repair much of it with a "
            + "softmax temperature. The content logit becomes $\\lambda\\lambda_h\\,\\boldsymbol q\\cdot\\boldsymbol "
            + "k/\\sqrt{d_h}$: a global $\\lambda$ (their UniformScale) or a per-head $\\lambda_h$ (HeadScale). The NoPE model "
            + "of E3 (seed 1) is frozen. (a) Copies of it with $\\lambda\\in\\{1, 1.25, 1.5, 2\\}$ and the same weights read "
            + "the windows of section 6. (b) A copy with $\\lambda_h=1$ per layer and head (%d scalars) trains *only* the "
            + "$\\lambda_h$, through the trainer's parameter filter (`trainOnly = head_scale`), for %d steps of %d windows of "
            + "$L=256$ bytes from the training split (AdamW lr $10^{-2}$ → $10^{-3}$, %d warmup steps, no weight decay; "
            + "the spec asks for 200 steps%s). Loss on each window's last %d bytes and mean attention entropy over both "
            + "layers, as in section 6.",
        2 * nope.model().config().heads(), steps, trainBatch, warmup, steps == 200 ? "" : ", fewer in this profile", tail);
    java.util.function.BiFunction<Model, Integer, NopeTraining.LongEval> eval = (m, len) ->
        NopeTraining.longEval(m, data, len, 256, tail, plan.longBatches(), batch, ctx.seed() + 21);
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    double[] loss64 = new double[LAMBDAS.length], loss256 = new double[LAMBDAS.length], ent256 = new double[LAMBDAS.length];
    for (int i = 0; i < LAMBDAS.length; i++) {
      if (ctx.cancelled()) return;
      Model m = NopeTraining.withLogitScales(nope.model(), LAMBDAS[i], false);
      NopeTraining.LongEval e64 = eval.apply(m, 64), e256 = eval.apply(m, 256);
      String key = "λ=" + LAMBDAS[i];
      outcome.repair.put(key + "@64", e64);
      outcome.repair.put(key + "@256", e256);
      loss64[i] = e64.tailLoss();
      loss256[i] = e256.tailLoss();
      ent256[i] = mean(e256.entropy());
      rows.add(repairRow("global λ = " + Findings.num(LAMBDAS[i], 3), e64, e256));
      csv.add(repairCsv("lambda=" + LAMBDAS[i], e64, e256));
    }
    // (b) train only the per-head λₕ at L = 256
    Model scaled = NopeTraining.withLogitScales(nope.model(), 1, true);
    NopeTraining.LongEval b64 = eval.apply(scaled, 64), b256 = eval.apply(scaled, 256);
    outcome.repair.put("λh before@64", b64);
    outcome.repair.put("λh before@256", b256);
    rows.add(repairRow("per-head λₕ = 1 (before)", b64, b256));
    csv.add(repairCsv("head_scale_before", b64, b256));
    ctx.progress().message("E9: training only the per-head λₕ at L = 256");
    java.nio.file.Path runDir = ctx.work("e9-head-scale");
    dev.focus.io.OutputDir.deleteTree(runDir);
    dev.focus.train.TrainConfig tc = dev.focus.train.TrainConfig.defaults(steps).toBuilder().batchSize(trainBatch).seqLen(256)
        .lr(lr).warmup(warmup).weightDecay(0.0).seed(ctx.seed() + 51).evalEvery(0).evalBatches(1).checkpointEvery(0)
        .trainOnly(List.of("head_scale")).build();
    var trainer = dev.focus.train.Trainer.of(new dev.focus.train.ModelTrainable(scaled), data, tc, runDir);
    outcome.repairTrained = trainer.trainedParams().stream().map(dev.focus.train.Trainable.Param::name).toList();
    double[] curve = new double[steps];
    trainer.run(pr -> {
      curve[(int) pr.step() - 1] = pr.loss();
      ctx.progress().step(1);
      if (ctx.cancelled()) trainer.requestStop();
    });
    dev.focus.io.OutputDir.deleteTree(runDir);
    if (ctx.cancelled()) return;
    // every other weight is exactly the E3 model's
    double frozenDiff = 0;
    for (dev.focus.model.Parameter q : scaled.parameters()) {
      if (q.name().endsWith("head_scale")) continue;
      float[] a = q.value(), o = nope.model().parameter(q.name()).value();
      for (int i = 0; i < a.length; i++) frozenDiff = Math.max(frozenDiff, Math.abs(a[i] - o[i]));
    }
    outcome.repairFrozenDiff = frozenDiff;
    int layers = scaled.config().layers(), heads = scaled.config().heads();
    outcome.headScales = new double[layers][heads];
    for (int l = 0; l < layers; l++) {
      float[] v = scaled.parameter("model.layers." + l + ".self_attn.head_scale").value();
      for (int h = 0; h < heads; h++) outcome.headScales[l][h] = v[h];
    }
    NopeTraining.LongEval t64 = eval.apply(scaled, 64), t256 = eval.apply(scaled, 256);
    outcome.repair.put("λh after@64", t64);
    outcome.repair.put("λh after@256", t256);
    rows.add(repairRow("per-head λₕ after " + steps + " steps", t64, t256));
    csv.add(repairCsv("head_scale_after", t64, t256));
    f.md(Findings.table(List.of("setting", "loss on last 16, L=64", "loss on last 16, L=256", "entropy L1 / L2 at 256",
        "n_eff L1 / L2 at 256"), rows));
    List<List<String>> hs = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<String> r = new ArrayList<>(List.of("layer " + (l + 1)));
      for (int h = 0; h < heads; h++) r.add(Findings.num(outcome.headScales[l][h], 3));
      hs.add(r);
    }
    List<String> hh = new ArrayList<>(List.of("trained λₕ"));
    for (int h = 0; h < heads; h++) hh.add("head " + (h + 1));
    f.md(Findings.table(hh, hs));
    f.chart(Chart.line("e9-repair", "Frozen NoPE: loss on the last 16 bytes against the global scale λ", "λ",
        "loss (nats/byte)", Series.of("L = 256 (4×)", LAMBDAS, loss256), Series.of("L = 64 (1×)", LAMBDAS, loss64),
        Series.of("trained λₕ, L = 256", new double[] {1, 2}, new double[] {t256.tailLoss(), t256.tailLoss()}),
        Series.of("trained λₕ, L = 64", new double[] {1, 2}, new double[] {t64.tailLoss(), t64.tailLoss()})));
    f.chart(Chart.line("e9-repair-entropy", "Frozen NoPE at L = 256: mean attention entropy of the last 16 queries", "λ",
        "entropy (nats)", Series.of("global λ", LAMBDAS, ent256),
        Series.of("trained λₕ", new double[] {1, 2}, new double[] {mean(t256.entropy()), mean(t256.entropy())}),
        Series.of("uniform over the window", new double[] {1, 2}, new double[] {lnMean(256, tail), lnMean(256, tail)})));
    f.data(DataFile.csv("e9-repair.csv", List.of("setting", "tail_loss_64", "tail_loss_256", "entropy_256_l1",
        "entropy_256_l2", "neff_256_l1", "neff_256_l2"), csv));
    f.data(DataFile.csv("e9-head-scale-curve.csv", List.of("step", "train_loss"), indexed(curve)));
    Repair r = repair();
    List<String> d256 = new ArrayList<>(), d64 = new ArrayList<>();
    for (int i = 1; i < LAMBDAS.length; i++) {
      d256.add(signed(loss256[i] - loss256[0]));
      d64.add(signed(loss64[i] - loss64[0]));
    }
    int last = LAMBDAS.length - 1;
    f.mdf("The frozen weights stay bit for bit those of E3 (largest change outside the λₕ: %s; the filter trained %d "
            + "tensors). At λ = 1 the copy reproduces section 6 exactly (%s at 4×). NoPE's loss on the last 16 bytes rises "
            + "by %s from 1× to 4× (×%s). Global λ = 1.25, 1.5, 2 change the 4× loss by %s and the 1× loss by %s; at λ = 2 "
            + "the mean entropy at 4× falls from %s to %s nats. The trained λₕ change the 4× loss by %s (%s of the rise) and "
            + "the 1× loss by %s, with mean entropy %s nats at 4×. %s%s",
        Findings.num(frozenDiff, 3), outcome.repairTrained.size(), Findings.num(loss256[0], 4), Findings.num(r.gap(), 3),
        Findings.num(loss256[0] / loss64[0], 3), String.join(", ", d256), String.join(", ", d64),
        Findings.num(ent256[0], 3), Findings.num(ent256[last], 3), signed(-r.headGain256()),
        pct(r.headGain256() / r.gap()), signed(-r.headGain64()), Findings.num(mean(t256.entropy()), 3),
        r.repairs() ? "So a temperature partly repairs NoPE at 4×, as Wang et al. find: the gain at 4× exceeds the gain at "
            + "1× and covers at least a quarter of the rise."
            : "By the rule (a gain at 4× of at least a quarter of the rise, larger than the gain at 1×) no temperature "
            + "repairs NoPE here.",
        loss256[0] / loss64[0] < 1.05 ? " Note the size of the rise: NoPE's loss hardly degrades at 4× at this scale "
            + "(section 6), so the failure Wang et al. repair, a loss that grows past the training length, is barely "
            + "present and there is little for a temperature to win back." : "");
  }

  /** Gains (loss decreases) of the best global λ &gt; 1 and of the trained λₕ at 1× and 4×, and the 1× → 4× rise at λ = 1. */
  record Repair(double gap, int bestIndex, double bestLambda, double bestGain256, double bestGain64, double headGain256,
                double headGain64) {
    /** Wang et al.'s claim, as tested here: one of the two gains at 4× is ≥ ¼ of the rise and larger than its gain at 1×. */
    boolean repairs() {
      return gap > 0 && ((bestGain256 >= 0.25 * gap && bestGain256 > bestGain64) || (headGain256 >= 0.25 * gap && headGain256 > headGain64));
    }
  }

  Repair repair() {
    Map<String, NopeTraining.LongEval> e = outcome.repair;
    if (!e.containsKey("λh after@256")) return null;
    double base64 = e.get("λ=1.0@64").tailLoss(), base256 = e.get("λ=1.0@256").tailLoss();
    int best = 1;                                                   // the best λ > 1
    for (int i = 2; i < LAMBDAS.length; i++) {
      if (e.get("λ=" + LAMBDAS[i] + "@256").tailLoss() < e.get("λ=" + LAMBDAS[best] + "@256").tailLoss()) best = i;
    }
    return new Repair(base256 - base64, best, LAMBDAS[best], base256 - e.get("λ=" + LAMBDAS[best] + "@256").tailLoss(),
        base64 - e.get("λ=" + LAMBDAS[best] + "@64").tailLoss(), base256 - e.get("λh after@256").tailLoss(),
        base64 - e.get("λh after@64").tailLoss());
  }

  private static List<String> repairRow(String name, NopeTraining.LongEval e64, NopeTraining.LongEval e256) {
    return List.of(name, Findings.num(e64.tailLoss(), 4), Findings.num(e256.tailLoss(), 4),
        Findings.num(e256.entropy()[0], 3) + " / " + Findings.num(e256.entropy()[1], 3),
        Findings.num(e256.nEff()[0], 3) + " / " + Findings.num(e256.nEff()[1], 3));
  }

  private static List<?> repairCsv(String name, NopeTraining.LongEval e64, NopeTraining.LongEval e256) {
    return List.of(name, e64.tailLoss(), e256.tailLoss(), e256.entropy()[0], e256.entropy()[1], e256.nEff()[0], e256.nEff()[1]);
  }

  /** Mean of ln n over the last {@code tail} query positions n = len − tail + 1 .. len (uniform attention's entropy). */
  static double lnMean(int len, int tail) {
    double s = 0;
    for (int n = len - tail + 1; n <= len; n++) s += Math.log(n);
    return s / tail;
  }

  private static List<List<?>> indexed(double[] y) {
    List<List<?>> out = new ArrayList<>();
    for (int i = 0; i < y.length; i++) out.add(List.of(i + 1, y[i]));
    return out;
  }

  /** A signed number: +0.012 or −0.034. */
  static String signed(double x) { return (x > 0 ? "+" : "") + Findings.num(x, 3); }

  // ------------------------------------------------------------------------------------------- E7

  /** One arm of E7: a position scheme, with or without a BOS token. */
  record ResolutionArm(String name, PositionKind position, boolean bos) {}

  static final List<ResolutionArm> RESOLUTION_ARMS = List.of(new ResolutionArm("nope", PositionKind.NOPE, false),
      new ResolutionArm("nope+BOS", PositionKind.NOPE, true), new ResolutionArm("rope", PositionKind.ROPE, false),
      new ResolutionArm("alibi", PositionKind.ALIBI, false), new ResolutionArm("learned", PositionKind.LEARNED, false));

  /** E7's tasks (a) and (b), as {@link SyntheticTask#parse} specs without the BOS switch. */
  static final List<String> RESOLUTION_TASKS = List.of("kback:symbols=16,k=3", "mod10:symbols=16");

  static String taskLabel(String spec) { return spec.startsWith("kback") ? "3 back" : "n mod 10"; }

  /** Bucket edges of E7 over the data positions: [0,8), [8,16), [16,32), [32,64). */
  static final int[] E7_BUCKETS = {0, 8, 16, 32, 64};

  /** E7: resolution and offsets (points 2–3): "the token 3 back" and "n mod 10" by position bucket. */
  void resolution(Findings f, LabContext ctx, Plan plan) {
    int L = 64, B = 16;
    f.mdf("## 8. Resolution and offsets (E7)%n%n"
            + "Two tasks over uniform random tokens (16 symbols), $L=%d$ data tokens: (a) output the token 3 back (a fixed "
            + "*relative* offset), (b) output $n \\bmod 10$ for data position $n$ (0-based; an *absolute* position). Arms: "
            + "NoPE without and with a BOS token (D9: a BOS anchor gives an exact counter $1/t$), RoPE, ALiBi and learned "
            + "absolute positions; the 2-block decoder of E3 (width 64), %d steps of %d sequences, %d seed(s); then the "
            + "argmax accuracy over %d fresh sequences per position bucket. Chance is 1/16 on (a) and 1/10 on (b). "
            + "*Expected* (spec E7): RoPE and ALiBi flat on (a); NoPE on (b) degrading with $n$, and BOS helping; NoPE "
            + "slower to learn (a). *Against*: BOS-free NoPE flat across the buckets and equal to learned positions on (b) "
            + "at equal steps.",
        L, plan.resolutionSteps(), B, plan.seeds(), plan.resolutionEval());
    List<String> bucketNames = new ArrayList<>();
    for (int b = 0; b + 1 < E7_BUCKETS.length; b++) bucketNames.add("[" + E7_BUCKETS[b] + "," + E7_BUCKETS[b + 1] + ")");
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    List<String> heatRows = new ArrayList<>();
    List<double[]> heat = new ArrayList<>();
    // every (task, arm, seed) run is independent: two at a time on the shared pool
    int seeds = plan.seeds(), arms = RESOLUTION_ARMS.size(), runs = RESOLUTION_TASKS.size() * arms * seeds;
    double[][] perRun = new double[runs][];                        // buckets, then overall
    Progress progress = synced(ctx.progress());
    parallelRuns(runs, j -> {
      String spec = RESOLUTION_TASKS.get(j / (arms * seeds));
      ResolutionArm arm = RESOLUTION_ARMS.get(j / seeds % arms);
      int s = j % seeds, seqLen = L + (arm.bos() ? 1 : 0);
      if (ctx.cancelled()) return;
      progress.message("E7: " + taskLabel(spec) + ", " + arm.name() + ", seed " + (s + 1));
      SyntheticDataset data = new SyntheticDataset(SyntheticTask.parse(spec + ",bos=" + arm.bos()));
      ModelConfig cfg = ModelConfig.llama(data.vocabSize(), 64, 256, 2, 4, L + 1).withPosition(arm.position());
      Model m = new Model(cfg, ctx.seed() + 3000L * s + 71);
      NopeTraining.Settings st = new NopeTraining.Settings(plan.resolutionSteps(), B, seqLen, 3e-3,
          Math.min(100, plan.resolutionSteps() / 10), ctx.seed() + 3000L * s + 72);
      NopeTraining.train(m, data, st, i -> progress.step(1), ctx::cancelled);
      NopeTraining.PositionAccuracy pa = NopeTraining.positionAccuracy(m, data, plan.resolutionEval(), seqLen,
          arm.bos() ? 1 : 0, ctx.seed() + 73);
      double[] one = new double[E7_BUCKETS.length];
      for (int b = 0; b + 1 < E7_BUCKETS.length; b++) one[b] = pa.over(E7_BUCKETS[b], E7_BUCKETS[b + 1]);
      one[E7_BUCKETS.length - 1] = pa.overall();
      perRun[j] = one;
    });
    if (ctx.cancelled()) return;
    for (int t = 0; t < RESOLUTION_TASKS.size(); t++) {
      String spec = RESOLUTION_TASKS.get(t);
      for (int a = 0; a < arms; a++) {
        ResolutionArm arm = RESOLUTION_ARMS.get(a);
        double[] acc = new double[E7_BUCKETS.length];               // mean over seeds
        for (int s = 0; s < seeds; s++) {
          double[] one = perRun[(t * arms + a) * seeds + s];
          for (int b = 0; b < one.length; b++) acc[b] += one[b] / seeds;
          List<Object> c = new ArrayList<>(List.of(taskLabel(spec), arm.name(), s));
          for (double v : one) c.add(v);
          csv.add(c);
        }
        outcome.resolution.put(taskLabel(spec) + "/" + arm.name(), acc);
        List<String> r = new ArrayList<>(List.of(taskLabel(spec), arm.name()));
        for (double v : acc) r.add(pct(v));
        r.add(pct(acc[E7_BUCKETS.length - 2] - acc[0]));
        rows.add(r);
        heatRows.add((t == 0 ? "a " : "b ") + (arm.bos() ? "BOS" : arm.name()));     // short: the axis clips long labels
        heat.add(java.util.Arrays.copyOf(acc, E7_BUCKETS.length - 1));
      }
    }
    List<String> header = new ArrayList<>(List.of("task", "arm"));
    header.addAll(bucketNames);
    header.addAll(List.of("all", "last − first"));
    f.md(Findings.table(header, rows));
    f.chart(Chart.heatmap("e7-buckets", "Accuracy by data-position bucket (rows: a = 3 back, b = n mod 10; then the arm, BOS = NoPE with BOS)",
        "position bucket", "",
        new dev.focus.report.Heatmap(heatRows, bucketNames, heat.toArray(double[][]::new))));
    List<String> cols = new ArrayList<>(List.of("task", "arm", "seed"));
    for (String b : bucketNames) cols.add("acc_" + b.replaceAll("[^0-9]+", "_").replaceAll("^_|_$", ""));
    cols.add("acc_all");
    f.data(DataFile.csv("e7-resolution.csv", cols, csv));
    double[] nopeMod = outcome.resolution.get("n mod 10/nope"), bosMod = outcome.resolution.get("n mod 10/nope+BOS");
    double[] apeMod = outcome.resolution.get("n mod 10/learned");
    double[] nopeK = outcome.resolution.get("3 back/nope"), ropeK = outcome.resolution.get("3 back/rope");
    double[] alibiK = outcome.resolution.get("3 back/alibi");
    if (nopeMod != null && bosMod != null && apeMod != null && nopeK != null && ropeK != null && alibiK != null) {
      int all = E7_BUCKETS.length - 1, last = all - 1;
      f.mdf("On (b), BOS-free NoPE scores %s on $[0,8)$ and %s on $[32,64)$ (%s); with BOS %s and %s, %s overall against "
              + "%s without (%s); learned positions %s overall. On (a), RoPE spans %s–%s and ALiBi %s–%s across the buckets (%s), NoPE "
              + "reaches %s overall against %s (RoPE) and %s (ALiBi) at the same step count.",
          pct(nopeMod[0]), pct(nopeMod[last]), nopeModDegrades() ? "degrading with $n$, as expected" : "not degrading by 10 points",
          pct(bosMod[0]), pct(bosMod[last]), pct(bosMod[all]), pct(nopeMod[all]),
          bosMod[all] > nopeMod[all] + 0.05 ? "BOS helps, as D9 predicts" : "BOS does not clearly help", pct(apeMod[all]),
          pct(min(ropeK, last)),
          pct(max(ropeK, last)), pct(min(alibiK, last)), pct(max(alibiK, last)),
          flat(ropeK) && flat(alibiK) ? "flat within 5 points, as expected" : "not both flat within 5 points",
          pct(nopeK[all]), pct(ropeK[all]), pct(alibiK[all]));
      double[] ropeMod = outcome.resolution.get("n mod 10/rope");
      if (ropeMod != null && flat(ropeMod) && ropeMod[all] > 0.9) {
        double[] alibiMod = outcome.resolution.get("n mod 10/alibi");
        boolean alibiDrops = alibiMod != null && alibiMod[0] - alibiMod[last] >= 0.10;
        f.mdf("RoPE, a relative scheme, also solves (b) in every bucket (%s overall). Presumably through the first token: "
            + "under the causal mask it alone attends only to itself, so it can be recognised, and RoPE's offset to it is the "
            + "absolute position.%s", pct(ropeMod[all]), alibiDrops ? String.format(Locale.ROOT, " ALiBi's distance bias "
            + "offers no such periodic phase, and it degrades like NoPE (%s → %s).", pct(alibiMod[0]), pct(alibiMod[last])) : "");
      }
    }
  }

  /** E7's test of point 3: BOS-free NoPE's n mod 10 accuracy on [32,64) is at least 10 points below that on [0,8). */
  boolean nopeModDegrades() {
    double[] a = outcome.resolution.get("n mod 10/nope");
    return a != null && a[0] - a[E7_BUCKETS.length - 2] >= 0.10;
  }

  /** Spec E7's case against: BOS-free NoPE flat (within 5 points) and within 5 points of learned positions on n mod 10. */
  boolean resolutionAgainst() {
    double[] a = outcome.resolution.get("n mod 10/nope"), ape = outcome.resolution.get("n mod 10/learned");
    int all = E7_BUCKETS.length - 1;
    return a != null && ape != null && flat(a) && Math.abs(a[all] - ape[all]) <= 0.05;
  }

  /** Max − min over the buckets (not the overall column) is at most 5 points. */
  static boolean flat(double[] acc) { return max(acc, E7_BUCKETS.length - 2) - min(acc, E7_BUCKETS.length - 2) <= 0.05; }

  private static double min(double[] a, int last) {
    double m = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= last; i++) m = Math.min(m, a[i]);
    return m;
  }

  private static double max(double[] a, int last) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= last; i++) m = Math.max(m, a[i]);
    return m;
  }

  // ------------------------------------------------------------------------------------------- E8

  /** E8: train on copy (and reverse in full) with lengths ≤ 8, test exact match up to 16. */
  void lengthGeneralisation(Findings f, LabContext ctx, Plan plan) {
    int trMax = plan.copyTrainMax(), testMax = 2 * trMax, symbols = 16, B = 32;
    f.mdf("## 9. Length generalisation on copy (E8, the counterweight)%n%n"
            + "Kazemnejad et al. train at short lengths and test longer ones; NoPE generalised best there. Here: %s with "
            + "lengths $n\\sim\\mathcal U\\{1..%d\\}$ over %d symbols (`[BOS] x₁…xₙ [SEP] x₁…xₙ [EOS]`, loss on the output "
            + "only), the same 2-block decoder (width 64), %d steps of %d sequences, %d seed(s); then exact match (every "
            + "output token right under teacher forcing, which equals greedy decoding being right) on %d fresh examples per "
            + "length $n=1..%d$.",
        String.join(" and ", plan.copyTasks()), trMax, symbols, plan.copySteps(), B, plan.seeds(), plan.copyEval(), testMax);
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    // every (task, arm, seed) run is independent: two at a time on the shared pool
    int seeds = plan.seeds(), arms = plan.copyArms().size(), runs = plan.copyTasks().size() * arms * seeds;
    double[][] exact = new double[runs][testMax];
    Progress progress = synced(ctx.progress());
    parallelRuns(runs, j -> {
      String task = plan.copyTasks().get(j / (arms * seeds));
      PositionKind pos = plan.copyArms().get(j / seeds % arms);
      int s = j % seeds;
      if (ctx.cancelled()) return;
      progress.message("E8: " + task + ", " + posName(pos) + ", seed " + (s + 1));
      SyntheticDataset train = new SyntheticDataset(SyntheticTask.parse(task + ":symbols=" + symbols + ",min=1,max=" + trMax));
      ModelConfig cfg = ModelConfig.llama(train.vocabSize(), 64, 256, 2, 4, 2 * testMax + 3).withPosition(pos);
      Model m = new Model(cfg, ctx.seed() + 2000L * s + 31);
      NopeTraining.Settings st = new NopeTraining.Settings(plan.copySteps(), B, 2 * trMax + 3, 3e-3,
          Math.min(100, plan.copySteps() / 10), ctx.seed() + 2000L * s + 32);
      NopeTraining.train(m, train, st, i -> progress.step(1), ctx::cancelled);
      for (int n = 1; n <= testMax; n++) {
        SyntheticDataset test = new SyntheticDataset(SyntheticTask.parse(task + ":symbols=" + symbols + ",min=" + n + ",max=" + n));
        exact[j][n - 1] = NopeTraining.exactMatch(m, test, plan.copyEval(), 2 * n + 3, ctx.seed() + 33 + n);
      }
    });
    if (ctx.cancelled()) return;
    for (int t = 0; t < plan.copyTasks().size(); t++) {
      String task = plan.copyTasks().get(t);
      List<Series> series = new ArrayList<>();
      for (int a = 0; a < arms; a++) {
        PositionKind pos = plan.copyArms().get(a);
        double[][] em = java.util.Arrays.copyOfRange(exact, (t * arms + a) * seeds, (t * arms + a + 1) * seeds);
        double[] meanEm = new double[testMax], x = new double[testMax];
        for (int n = 0; n < testMax; n++) {
          x[n] = n + 1;
          for (int s = 0; s < plan.seeds(); s++) meanEm[n] += em[s][n] / plan.seeds();
          for (int s = 0; s < plan.seeds(); s++) csv.add(List.of(task, posName(pos), s, n + 1, em[s][n]));
        }
        double id = 0, ood = 0;
        for (int n = 0; n < trMax; n++) id += meanEm[n] / trMax;
        for (int n = trMax; n < testMax; n++) ood += meanEm[n] / (testMax - trMax);
        outcome.copyOod.put(task + "/" + posName(pos), ood);
        outcome.copyId.put(task + "/" + posName(pos), id);
        rows.add(List.of(task, posName(pos), pct(id), pct(ood), pct(meanEm[trMax]), pct(meanEm[testMax - 1])));
        series.add(Series.of(posName(pos), x, meanEm));
      }
      f.chart(Chart.line("e8-" + task, "Exact match on " + task + " by length (trained on 1.." + trMax + ")", "length n",
          "exact match", series.toArray(Series[]::new)));
    }
    f.md(Findings.table(List.of("task", "position", "in distribution (n ≤ " + trMax + ")", "beyond (" + (trMax + 1) + "–" + testMax + ")",
        "n = " + (trMax + 1), "n = " + testMax), rows));
    f.data(DataFile.csv("e8-length.csv", List.of("task", "position", "seed", "length", "exact_match"), csv));
  }

  // ------------------------------------------------------------------------------------------- verdict

  void verdict(Findings f, Plan plan) {
    Outcome o = outcome;
    double nopeSlope = o.stackSlopes.getOrDefault("nope", new double[] {Double.NaN})[0];
    boolean lawHolds = Math.abs(o.uniformSlope + 1) <= 0.02 && Math.abs(nopeSlope + 1) <= 0.1;
    PositionProbe.Result res = o.probes.get("causal/residual after block 1");
    PositionProbe.Result bi = o.probes.get("bidirectional/residual after block 1");
    boolean causalKnows = res != null && res.mad() < 0.8 * o.chance;
    boolean biBlind = bi != null && bi.mad() > 0.9 * o.chance;
    double[] nope = o.lmLoss.get("nope"), rope = o.lmLoss.get("rope"), alibi = o.lmLoss.get("alibi");
    boolean lmLearns = nope != null && mean(nope) < o.unigram - 0.1;
    double[] shuf = o.shuffled.get("nope");
    boolean usesOrder = shuf != null && shuf[1] > 1.1 * shuf[0];
    boolean point1 = lawHolds && causalKnows && biBlind && lmLearns && usesOrder;

    double[] bestRel = rope == null || alibi == null ? null : mean(rope) <= mean(alibi) ? rope : alibi;
    boolean point2 = nope != null && bestRel != null
        && (plan.seeds() > 1 ? clearlyWorse(nope, bestRel) : mean(nope) > mean(bestRel));

    NopeTraining.LongEval n1 = o.longEval.get("nope@64"), n4 = o.longEval.get("nope@256");
    double dH = n1 == null || n4 == null ? Double.NaN : mean(n4.entropy()) - mean(n1.entropy());
    double lossRatio = n1 == null || n4 == null ? Double.NaN : n4.tailLoss() / n1.tailLoss();
    NopeTraining.LongEval a1 = o.longEval.get("alibi@64"), a4 = o.longEval.get("alibi@256");
    double dHAlibi = a1 == null || a4 == null ? Double.NaN : mean(a4.entropy()) - mean(a1.entropy());
    boolean point4 = dH >= 0.1 && dH > dHAlibi && lossRatio >= 1.05;
    boolean point4Against = dH < 0.1 && lossRatio < 1.05;
    NopeTraining.LongEval r1 = o.longEval.get("rope@64"), r4 = o.longEval.get("rope@256");
    double ropeRatio = r1 == null || r4 == null ? Double.NaN : r4.tailLoss() / r1.tailLoss();

    Double nopeOod = o.copyOod.get("copy/nope"), ropeOod = o.copyOod.get("copy/rope"), alibiOod = o.copyOod.get("copy/alibi");
    boolean counter = nopeOod != null && ropeOod != null && alibiOod != null && nopeOod > 0.05
        && nopeOod >= Math.max(ropeOod, alibiOod);
    Double nopeId = o.copyId.get("copy/nope");

    // point 3 (E7, E4): NoPE's absolute code loses resolution with n
    double[] nopeMod = o.resolution.get("n mod 10/nope"), bosMod = o.resolution.get("n mod 10/nope+BOS");
    double[] apeMod = o.resolution.get("n mod 10/learned");
    boolean degrades = nopeModDegrades(), probeRises = nopeRises(), against3 = resolutionAgainst();
    boolean point3 = degrades && probeRises;
    PositionProbe.Result tp = o.trainedProbes.get("nope/after block 1");
    int lastB = E7_BUCKETS.length - 2, allB = E7_BUCKETS.length - 1;
    Repair rep = repair();

    int held = (point1 ? 1 : 0) + (point2 ? 1 : 0) + (point3 ? 1 : 0) + (point4 ? 1 : 0);
    Verdict v = held == 4 ? Verdict.AGREES : held == 0 ? Verdict.CONTRADICTS : Verdict.PARTLY;
    f.mdf("## Verdict%n%n**%s.**%n%n"
            + "- **Point 1, the causal mask alone carries position: %s.** Variance law at init %s (uniform slope %s, NoPE "
            + "layer-1 slope %s); the frozen causal stack is readable (probe MAD %s vs chance %s: %s) and the bidirectional "
            + "one is not (MAD %s: %s); the NoPE language model %s the unigram baseline (%s vs %s nats/byte) and %s a "
            + "shuffled prefix (loss ×%s).%n"
            + "- **Point 2, explicit relative encodings are more efficient: %s.** NoPE %s vs best of RoPE/ALiBi %s nats/byte%s.%n"
            + "- **Point 3, NoPE's absolute code loses resolution as $n$ grows: %s.** On $n \\bmod 10$ (E7) BOS-free NoPE "
            + "scores %s on $[0,8)$ and %s on $[32,64)$ (the rule: a drop of at least 10 points), with BOS %s → %s, "
            + "learned positions %s overall; the probe on the trained NoPE after block 1 (E4) errs by %s for $n<8$ and %s "
            + "for $n\\ge32$ (the rule: at least 2 positions more). %s%n"
            + "- **Point 4, NoPE's attention diffuses on long inputs: %s.** From 1× to 4× the training length NoPE's mean "
            + "entropy rises by %s nats (ALiBi: %s) and its loss on the last 16 bytes changes by a factor %s (the rule: a "
            + "rise ≥ 0.1 nats and larger than ALiBi's, and a factor ≥ 1.05; against: a rise below 0.1 nats and a factor "
            + "below 1.05). RoPE's loss changes by ×%s over the same range. Temperature repair (Wang et al.; spec: "
            + "\"λ>1 partly repairs NoPE\"): %s%n"
            + "- **Counterweight (Kazemnejad et al.): %s.** Exact match on copy beyond the training lengths: NoPE %s, RoPE %s, "
            + "ALiBi %s. %s%n%n"
            + "Not run: E6, the bidirectional masked-LM control. The Focus decoder trains with a causal mask only "
            + "(the bidirectional pass of E2 is a float64 forward without a backward), so a masked LM cannot be trained "
            + "here; E2 already checks the property E6 rests on (D1: a bidirectional NoPE stack holds no position).",
        v.label(), point1 ? "agrees" : "not shown", lawHolds ? "holds" : "fails", Findings.num(o.uniformSlope, 4),
        Findings.num(nopeSlope, 4), res == null ? "n/a" : Findings.num(res.mad(), 3), Findings.num(o.chance, 4),
        causalKnows ? "below 0.8× chance" : "not below 0.8× chance", bi == null ? "n/a" : Findings.num(bi.mad(), 3),
        biBlind ? "at chance" : "below chance", lmLearns ? "clearly beats" : "does not clearly beat",
        nope == null ? "n/a" : Findings.num(mean(nope), 4), Findings.num(o.unigram, 4),
        usesOrder ? "is hurt by" : "is not clearly hurt by", shuf == null ? "n/a" : Findings.num(shuf[1] / shuf[0], 3),
        point2 ? "agrees" : "not shown", nope == null ? "n/a" : Findings.num(mean(nope), 4),
        bestRel == null ? "n/a" : Findings.num(mean(bestRel), 4),
        plan.seeds() > 1 ? " (the spec's clear-difference rule over " + plan.seeds() + " seeds)" : " (one seed: indicative)",
        point3 ? "agrees" : against3 ? "contradicted" : degrades || probeRises ? "partly shown" : "not shown",
        nopeMod == null ? "n/a" : pct(nopeMod[0]), nopeMod == null ? "n/a" : pct(nopeMod[lastB]),
        bosMod == null ? "n/a" : pct(bosMod[0]), bosMod == null ? "n/a" : pct(bosMod[lastB]),
        apeMod == null ? "n/a" : pct(apeMod[allB]), tp == null ? "n/a" : Findings.num(tp.bucketMad()[0], 3),
        tp == null ? "n/a" : Findings.num(tp.bucketMad()[3], 3),
        against3 ? "BOS-free NoPE is flat across the buckets and within 5 points of learned positions: spec E7's case against."
            : "Spec E7's case against (BOS-free NoPE flat and equal to learned positions on $n \\bmod 10$) does not hold.",
        point4 ? "agrees" : point4Against ? "contradicted" : "mixed", Findings.num(dH, 3), Findings.num(dHAlibi, 3),
        Findings.num(lossRatio, 3), Findings.num(ropeRatio, 3),
        rep == null ? "not run." : String.format(Locale.ROOT, "%s. The best global λ > 1 (%s) changes the 4× loss by %s and the "
            + "1× loss by %s; %d steps of per-head λₕ change them by %s and %s (1× → 4× rise at λ = 1: %s; the rule: a gain "
            + "at 4× of at least a quarter of the rise, larger than the gain at 1×).",
            rep.repairs() ? "partly repairs, as expected" : "no repair by that rule", Findings.num(rep.bestLambda(), 3),
            signed(-rep.bestGain256()), signed(-rep.bestGain64()), plan.repairSteps(), signed(-rep.headGain256()),
            signed(-rep.headGain64()), signed(rep.gap())),
        counter ? "reproduced" : nopeId != null && nopeId < 0.5 ? "inconclusive (NoPE did not learn copy in distribution)" : "not reproduced", nopeOod == null ? "n/a" : pct(nopeOod), ropeOod == null ? "n/a" : pct(ropeOod),
        alibiOod == null ? "n/a" : pct(alibiOod),
        counter ? "Su speaks of long natural-language contexts, so a NoPE win here narrows his point 2 to an efficiency "
            + "argument rather than refuting it."
            : "At this size (2 blocks, width 64) and step count the best extrapolator is not NoPE; Kazemnejad et al. used "
            + "107M-parameter models trained far longer, so this is weak evidence against their finding, not a refutation.");
    f.verdict(v, String.format(Locale.ROOT, "The causal mask alone writes position into head-output variance at init (slope %s) "
            + "and a probe reads it from a frozen causal NoPE stack (MAD %s vs chance %s) but not a bidirectional one (%s). "
            + "Tiny %s LMs: NoPE %s vs RoPE %s, ALiBi %s nats/byte. At 4× the training length NoPE's attention entropy "
            + "rises by %s nats; the best global temperature changes its 4× loss by %s, trained per-head λₕ by %s. n mod 10 "
            + "by bucket (first → last): NoPE %s → %s, with BOS %s → %s. Copy beyond the training lengths: NoPE %s, RoPE %s, "
            + "ALiBi %s.",
        Findings.num(nopeSlope, 3), res == null ? "n/a" : Findings.num(res.mad(), 3), Findings.num(o.chance, 4),
        bi == null ? "n/a" : Findings.num(bi.mad(), 3), o.textName, nope == null ? "n/a" : Findings.num(mean(nope), 4),
        rope == null ? "n/a" : Findings.num(mean(rope), 4), alibi == null ? "n/a" : Findings.num(mean(alibi), 4),
        Findings.num(dH, 3), rep == null ? "n/a" : signed(-rep.bestGain256()), rep == null ? "n/a" : signed(-rep.headGain256()),
        nopeMod == null ? "n/a" : pct(nopeMod[0]), nopeMod == null ? "n/a" : pct(nopeMod[lastB]),
        bosMod == null ? "n/a" : pct(bosMod[0]), bosMod == null ? "n/a" : pct(bosMod[lastB]),
        nopeOod == null ? "n/a" : pct(nopeOod), ropeOod == null ? "n/a" : pct(ropeOod), alibiOod == null ? "n/a" : pct(alibiOod)));
  }
}
