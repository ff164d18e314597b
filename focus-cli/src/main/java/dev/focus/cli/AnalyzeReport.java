package dev.focus.cli;

import dev.focus.io.OutputDir;
import dev.focus.metrics.HeadAnalysis;
import dev.focus.metrics.HeadAnalysis.Metric;
import dev.focus.metrics.Summary;
import dev.focus.metrics.VarianceProfile;
import dev.focus.model.ModelConfig;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Heatmap;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportNames;
import dev.focus.report.ReportWriter;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The report {@code focus analyze} writes from a {@link HeadAnalysis}: report.md with heat maps
 * (layers × heads) and charts, meta.json, and the raw numbers as heads.csv (one row per layer and
 * head), positions.csv (per layer, head and position) and context.csv (per layer, head and context
 * length). Column meanings are in the report text and in docs/tokenizers-and-analysis.md.
 */
final class AnalyzeReport {
  private AnalyzeReport() {}

  /** What was analysed and how. */
  record Setup(String title, String checkpoint, ModelConfig config, String source, int windows, int window, int prefix,
      int minKeys, int tail, double seconds) {}

  static final List<String> HEADS_COLUMNS = List.of("layer", "head", "windows", "window", "sparsity_mean", "sparsity_min",
      "sparsity_max", "participation_ratio_mean", "entropy_mean", "entropy_over_ln_n_mean", "entropy_at_window",
      "entropy_over_ln_n_at_window", "variance_slope", "variance_intercept", "mean_square_first", "mean_square_last");

  /** Refuses an --out that is not a valid slug, or exists and is neither empty nor a report (the writer replaces the directory whole). */
  static void checkOut(Path out) {
    Path name = out.toAbsolutePath().normalize().getFileName();
    if (name == null || !ReportNames.isSlug(name.toString())) {
      throw new IllegalArgumentException("--out " + out + ": the directory name is the report's slug and must match "
          + ReportNames.SLUG.pattern() + " (lower case, digits, - and _)");
    }
    OutputDir.check(out, OutputDir.REPORT);
  }

  /** Writes the report to {@code out} (replacing an earlier report there); returns the directory. */
  static Path write(Path out, Setup s, HeadAnalysis a) throws IOException {
    checkOut(out);
    Path abs = out.toAbsolutePath().normalize();
    List<Chart> charts = new ArrayList<>();
    int layers = a.layers(), heads = a.heads(), t = a.positions();
    int[] contexts = contexts(t, s.tail());

    // Per-head numbers.
    double[][] sparsity = new double[layers][heads], pr = new double[layers][heads], hNorm = new double[layers][heads];
    double[][] slope = new double[layers][heads];
    List<List<Object>> headRows = new ArrayList<>(), positionRows = new ArrayList<>(), contextRows = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        Summary sp = a.summary(Metric.SPARSITY, l, h, s.minKeys());
        sparsity[l][h] = sp.mean();
        pr[l][h] = a.summary(Metric.PARTICIPATION_RATIO, l, h, s.minKeys()).mean();
        hNorm[l][h] = a.summary(Metric.NORMALISED_ENTROPY, l, h, s.minKeys()).mean();
        VarianceProfile.Fit fit = a.varianceFit(l, h, 1);
        slope[l][h] = fit.slope();
        double[] ms = a.meanSquareByPosition(l, h);
        headRows.add(List.of(l, h, s.windows(), t, sp.mean(), sp.min(), sp.max(), pr[l][h],
            a.summary(Metric.ENTROPY, l, h, s.minKeys()).mean(), hNorm[l][h], a.tailMean(Metric.ENTROPY, l, h, t, s.tail()),
            a.tailMean(Metric.NORMALISED_ENTROPY, l, h, t, s.tail()), fit.slope(), fit.intercept(), ms[0], ms[t - 1]));
        double[] ps = a.byPosition(Metric.SPARSITY, l, h), pp = a.byPosition(Metric.PARTICIPATION_RATIO, l, h);
        double[] pe = a.byPosition(Metric.ENTROPY, l, h), pn = a.byPosition(Metric.NORMALISED_ENTROPY, l, h);
        for (int n = 1; n <= t; n++) positionRows.add(List.of(l, h, n, ps[n - 1], pp[n - 1], pe[n - 1], pn[n - 1], ms[n - 1]));
        for (int ctx : contexts) {
          contextRows.add(List.of(l, h, ctx, a.tailMean(Metric.SPARSITY, l, h, ctx, s.tail()), a.tailMean(Metric.ENTROPY, l, h, ctx, s.tail()),
              a.tailMean(Metric.NORMALISED_ENTROPY, l, h, ctx, s.tail())));
        }
      }
    }
    List<String> rowLabels = labels(layers, i -> "L" + i), colLabels = labels(heads, i -> "H" + i);
    charts.add(Chart.heatmap("sparsity", "Mean S* per head (1 = uniform, 1/√n = one key)", "head", "layer",
        new Heatmap(rowLabels, colLabels, finite(sparsity))));
    charts.add(Chart.heatmap("participation", "Mean participation ratio per head (attended tokens)", "head", "layer",
        new Heatmap(rowLabels, colLabels, finite(pr))));
    charts.add(Chart.heatmap("entropy", "Mean entropy / ln n per head (1 = uniform over the prefix)", "head", "layer",
        new Heatmap(rowLabels, colLabels, finite(hNorm))));
    boolean anySlope = Arrays.stream(slope).flatMapToDouble(Arrays::stream).anyMatch(Double::isFinite);
    if (anySlope) {
      charts.add(Chart.heatmap("variance-slope", "Slope of log MS_n on log n per head (−1 under note 5's law)", "head", "layer",
          new Heatmap(rowLabels, colLabels, finite(slope))));
    }

    // Per-layer profiles (means over heads).
    double[] x = new double[t];
    for (int n = 1; n <= t; n++) x[n - 1] = n;
    List<Series> sp = new ArrayList<>(), en = new ArrayList<>(), ms = new ArrayList<>(), ctxSeries = new ArrayList<>();
    double[] cx = Arrays.stream(contexts).asDoubleStream().toArray();
    for (int l = 0; l < layers; l++) {
      int layer = l;
      sp.add(Series.of("L" + l, x, headMean(heads, h -> a.byPosition(Metric.SPARSITY, layer, h))));
      en.add(Series.of("L" + l, x, headMean(heads, h -> a.byPosition(Metric.ENTROPY, layer, h))));
      double[] m = headMean(heads, h -> a.meanSquareByPosition(layer, h));
      if (Arrays.stream(m).allMatch(v -> v > 0)) ms.add(Series.of("L" + l, x, m));
      double[] ce = new double[contexts.length];
      for (int i = 0; i < contexts.length; i++) {
        double sum = 0;
        for (int h = 0; h < heads; h++) sum += a.tailMean(Metric.ENTROPY, layer, h, contexts[i], s.tail());
        ce[i] = sum / heads;
      }
      ctxSeries.add(Series.of("L" + l, cx, ce));
    }
    double[] lnN = Arrays.stream(x).map(Math::log).toArray();
    en.add(Series.of("ln n (uniform)", x, lnN));
    double[] lnCtx = new double[contexts.length];
    for (int i = 0; i < contexts.length; i++) lnCtx[i] = uniformTail(contexts[i], s.tail());
    ctxSeries.add(Series.of("uniform over the prefix", cx, lnCtx));
    charts.add(Chart.line("sparsity-position", "S* by query position (mean over heads)", "position n", "S*", sp.toArray(Series[]::new)).withLogX());
    charts.add(Chart.line("entropy-position", "Attention entropy by query position (mean over heads)", "position n", "entropy (nats)",
        en.toArray(Series[]::new)).withLogX());
    charts.add(Chart.line("entropy-context", "Entropy of the last " + s.tail() + " queries by context length (mean over heads)",
        "context length", "entropy (nats)", ctxSeries.toArray(Series[]::new)).withLogX());
    if (!ms.isEmpty()) {
      double first = ms.get(0).y()[0];
      ms.add(Series.of("MS₁/n (the law)", x, Arrays.stream(x).map(n -> first / n).toArray()));
      charts.add(Chart.line("variance-position", "Mean square of head outputs by position (mean over heads)", "position n", "MS_n",
          ms.toArray(Series[]::new)).withLogX().withLogY());
    }

    String text = markdown(s, a, sparsity, pr, hNorm, slope, contexts, !ms.isEmpty());
    String summary = String.format(Locale.ROOT, "%s: %d layers × %d heads over %d windows of %d tokens. Mean S* %s, mean H/ln n %s, "
        + "median variance slope %s.", s.checkpoint(), layers, heads, s.windows(), t, num(mean(sparsity)), num(mean(hNorm)), num(median(slope)));
    ReportMeta meta = ReportMeta.of(s.title(), summary, Verdict.NOT_APPLICABLE, List.of("analysis", "note-1", "note-5")).withCharts(charts);
    List<DataFile> data = List.of(
        DataFile.csv("heads.csv", HEADS_COLUMNS, headRows),
        DataFile.csv("positions.csv", List.of("layer", "head", "position", "sparsity", "participation_ratio", "entropy",
            "entropy_over_ln_n", "mean_square"), positionRows),
        DataFile.csv("context.csv", List.of("layer", "head", "context", "sparsity", "entropy", "entropy_over_ln_n"), contextRows));
    return new ReportWriter(abs.getParent()).write(abs.getFileName().toString(), meta, text, data);
  }

  /** Models with at most this many heads in all get a per-head table in the text (larger ones: heads.csv). */
  static final int MAX_TABLE_ROWS = 64;

  private static String markdown(Setup s, HeadAnalysis a, double[][] sparsity, double[][] pr, double[][] hNorm, double[][] slope,
      int[] contexts, boolean hasVariancePosition) {
    ModelConfig c = s.config();
    int[] sharp = argBest(sparsity, true), diffuse = argBest(hNorm, false);
    StringBuilder md = new StringBuilder();
    md.append("# ").append(s.title()).append("\n\n");
    md.append(String.format(Locale.ROOT, "Checkpoint `%s` (%d layers, %d heads of size %d, %d key/value heads, %s attention, %s positions, "
        + "context %d) read %s. It ran over %d window%s of %d tokens%s, one at a time, in %.1f s; each number below is a mean over "
        + "those windows. Query $n$ (1-based) sees keys $1..n$ under the causal mask.%n%n",
        s.checkpoint(), c.layers(), c.heads(), c.headSize(), c.kvHeads(), c.attention().name().toLowerCase(Locale.ROOT),
        c.position().kind().cliName(), c.context(), s.source(), s.windows(), s.windows() == 1 ? "" : "s", s.window(),
        s.prefix() > 0 ? " (each starting with the tokenizer's " + s.prefix() + "-token prefix)" : "", s.seconds()));
    md.append("## 1. Do the heads focus? (note 1)\n\n");
    md.append(String.format(Locale.ROOT, "The sparsity of a row of attention weights over its $n$ visible keys is "
        + "$S^*=\\frac{\\|a\\|_1}{\\sqrt n\\,\\|a\\|_2}\\in[n^{-1/2},1]$: 1 when the query spreads evenly, $n^{-1/2}$ when it "
        + "attends to one key. The participation ratio $\\mathrm{PR}=nS^{*2}$ counts the keys it effectively attends to. "
        + "Per-head means use queries with $n\\ge %d$. Sharpest head: layer %d head %d ($S^*=%s$); mean over all heads %s.%n%n",
        s.minKeys(), sharp[0], sharp[1], num(sparsity[sharp[0]][sharp[1]]), num(mean(sparsity))));
    md.append("{{chart:sparsity}}\n\n{{chart:participation}}\n\n{{chart:sparsity-position}}\n\n");
    md.append("## 2. Does attention diffuse with position and length? (note 5)\n\n");
    md.append(String.format(Locale.ROOT, "The entropy $H=-\\sum_m a_{n,m}\\ln a_{n,m}$ of a row is at most $\\ln n$, reached by "
        + "uniform attention; $H/\\ln n$ near 1 means the head averages its whole prefix. Most diffuse head: layer %d head %d "
        + "($H/\\ln n=%s$). Against context length $L$ the chart shows the mean entropy of the last %d queries of a window of "
        + "length $L$ (lengths %s). Under the causal mask those rows do not depend on later tokens, so they are read from the "
        + "same windows.%n%n", diffuse[0], diffuse[1], num(hNorm[diffuse[0]][diffuse[1]]), s.tail(),
        Arrays.stream(contexts).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "))));
    md.append("{{chart:entropy}}\n\n{{chart:entropy-position}}\n\n{{chart:entropy-context}}\n\n");
    md.append("## 3. The variance law of head outputs (note 5)\n\n");
    md.append(String.format(Locale.ROOT, "With uniform attention over i.i.d. zero-mean values of variance $\\sigma^2$, a head's "
        + "output $y_n$ has mean square $\\mathrm{MS}_n=\\frac1{d}\\sum_i y_{n,i}^2=\\sigma^2/n$, so position is readable from its "
        + "norm: a slope of $-1$ of $\\log\\mathrm{MS}_n$ on $\\log n$. Fitted over $n=1..%d$ per head: median slope %s (layer 0: "
        + "%s); a slope near 0 means the head's output norm carries no position.%n%n", a.positions(), num(median(slope)),
        num(median(new double[][] {slope[0]}))));
    if (Arrays.stream(slope).flatMapToDouble(Arrays::stream).anyMatch(Double::isFinite)) md.append("{{chart:variance-slope}}\n\n");
    if (hasVariancePosition) md.append("{{chart:variance-position}}\n\n");
    if (c.layers() * c.heads() <= MAX_TABLE_ROWS) {
      md.append("## Per head\n\n| layer | head | $S^*$ | PR | $H/\\ln n$ | variance slope |\n|---|---|---|---|---|---|\n");
      for (int l = 0; l < c.layers(); l++) {
        for (int h = 0; h < c.heads(); h++) {
          md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s |%n", l, h, num(sparsity[l][h]), num(pr[l][h]),
              num(hNorm[l][h]), num(slope[l][h])));
        }
      }
      md.append('\n');
    }
    md.append("## Data\n\n");
    md.append("- `heads.csv`: one row per layer and head: `sparsity_mean/min/max` (S* over positions $n\\ge$ " + s.minKeys()
        + "), `participation_ratio_mean`, `entropy_mean` (nats), `entropy_over_ln_n_mean`, `entropy_at_window` and "
        + "`entropy_over_ln_n_at_window` (last " + s.tail() + " queries), `variance_slope` and `variance_intercept` (log MS on "
        + "log n), `mean_square_first`/`_last` (MS at $n=1$ and $n=" + a.positions() + "$).\n");
    md.append("- `positions.csv`: every metric per layer, head and position $n$.\n");
    md.append("- `context.csv`: S*, entropy and $H/\\ln n$ of the last " + s.tail() + " queries per layer, head and context length.\n");
    return md.toString();
  }

  /** Context lengths 16, 32, … below the window, and the window itself (or just the window when it is short). */
  static int[] contexts(int window, int tail) {
    List<Integer> out = new ArrayList<>();
    for (int l = Math.max(2, Math.min(16, tail)); l < window; l *= 2) out.add(l);
    out.add(window);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Entropy of uniform attention averaged over the last {@code tail} queries before {@code context}. */
  private static double uniformTail(int context, int tail) {
    double s = 0;
    int k = 0;
    for (int n = Math.max(1, context - tail + 1); n <= context; n++, k++) s += Math.log(n);
    return s / k;
  }

  private static double[] headMean(int heads, IntFunction<double[]> perHead) {
    double[] sum = null;
    int[] count = null;
    for (int h = 0; h < heads; h++) {
      double[] v = perHead.apply(h);
      if (sum == null) {
        sum = new double[v.length];
        count = new int[v.length];
      }
      for (int i = 0; i < v.length; i++) {
        if (Double.isNaN(v[i])) continue;
        sum[i] += v[i];
        count[i]++;
      }
    }
    for (int i = 0; i < sum.length; i++) sum[i] = count[i] == 0 ? 0 : sum[i] / count[i];
    return sum;
  }

  /** NaN (no value: e.g. a window shorter than --min-keys) becomes 0 in a heat map, which needs finite values. */
  private static double[][] finite(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) out[i] = Arrays.stream(m[i]).map(v -> Double.isFinite(v) ? v : 0).toArray();
    return out;
  }

  private static int[] argBest(double[][] m, boolean lowest) {
    int[] best = {0, 0};
    double b = Double.NaN;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        double v = m[i][j];
        if (Double.isNaN(v)) continue;
        if (Double.isNaN(b) || (lowest ? v < b : v > b)) {
          b = v;
          best = new int[] {i, j};
        }
      }
    }
    return best;
  }

  private static double mean(double[][] m) {
    return Summary.of(Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray()).mean();
  }

  private static double median(double[][] m) {
    return Summary.of(Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray()).median();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static List<String> labels(int n, IntFunction<String> f) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(f.apply(i));
    return out;
  }
}
