package dev.focus.web;

import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Heatmap;
import dev.focus.report.ReportMeta;
import dev.focus.report.ReportWriter;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Three sample runs for the site tests, written with the public writer: a math-heavy report with a
 * line chart and an attention heat map, a newer one with scatter and bar charts, and an older
 * hostile one whose text, metadata and chart titles try to run script (each payload would set
 * {@code window.__pwned} and the page title).
 */
public final class SampleRuns {
  private SampleRuns() {}

  /** Slugs in the order the index must list them (newest first). */
  public static final List<String> NEWEST_FIRST = List.of("position-bias", "attention-entropy", "hostile-input");

  /** Number of math wrappers each report's text yields (inline + display), for the typesetting tests. */
  public static final int ENTROPY_FORMULAS = 9;

  public static final String ENTROPY_TEXT = """
      # Does attention entropy grow with length?

      We measure the entropy $H_t = -\\sum_j a_{tj}\\log a_{tj}$ of each row of softmax attention, for
      $t \\le T$ with $T = 256$. Note $0<x<1$ and $a*b*c$ stay math.

      $$
      a_{tj} = \\frac{\\exp(q_t\\cdot k_j/\\sqrt{d})}{\\sum_{i\\le t}\\exp(q_t\\cdot k_i/\\sqrt{d})}
      $$

      {{chart:loss}}

      \\begin{align*}
      H_t &\\le \\log t \\\\
      &= \\log T \\text{ at } t = T
      \\end{align*}

      | quantity | value |
      |---|---|
      | $|v|$ | $P(A|B)$ |

      {{chart:attn}}

      The fee is \\$3 per call; `\\(x\\)` in code and the escaped \\\\(y\\\\) are text.
      """;

  public static final String HOSTILE_TEXT = """
      # Hostile input

      Script: <script>window.__pwned = 'script'; document.title = 'pwned';</script>

      Image: <img src="x" onerror="window.__pwned = 'img'; document.title = 'pwned'">

      Math: $<img src=y onerror="window.__pwned = 'math'">$ and $\\href{javascript:window.__pwned='href'}{x}$.

      Link: [click](javascript:window.__pwned='link') and <a href="javascript:window.__pwned='a'">a</a>.

      <svg onload="window.__pwned='svg'"></svg> <iframe src="javascript:window.__pwned='iframe'"></iframe>

      {{chart:evil}}
      """;

  public static void write(Path runs) throws IOException {
    ReportWriter w = new ReportWriter(runs);

    double[] steps = new double[50];
    double[] loss = new double[50];
    double[] lossLinear = new double[50];
    for (int i = 0; i < 50; i++) {
      steps[i] = i + 1;
      loss[i] = 3.0 * Math.exp(-i / 12.0) + 0.5;
      lossLinear[i] = 3.0 * Math.exp(-i / 20.0) + 0.9;
    }
    int n = 8;
    double[][] attn = new double[n][n];
    for (int q = 0; q < n; q++) {
      double z = 0;
      for (int k = 0; k <= q; k++) z += Math.exp(-(q - k));
      for (int k = 0; k <= q; k++) attn[q][k] = Math.exp(-(q - k)) / z;
    }
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) rows.add(List.of((int) steps[i], loss[i], lossLinear[i]));
    w.write("attention-entropy",
        new ReportMeta("Does attention entropy grow with length?", "2026-11-20T09:00:00Z",
            "Entropy of softmax attention stays below $\\log t$; linear attention sits near it.",
            Verdict.AGREES, List.of("attention", "entropy"),
            List.of(
                Chart.line("loss", "Training loss", "step", "loss", Series.of("softmax", steps, loss),
                    Series.of("linear", steps, lossLinear)).withLogY(),
                Chart.heatmap("attn", "Attention weights, layer 0 head 0", "key", "query",
                    new Heatmap(Heatmap.indexLabels(n), Heatmap.indexLabels(n), attn)))),
        ENTROPY_TEXT,
        List.of(DataFile.csv("loss.csv", List.of("step", "softmax", "linear"), rows), DataFile.json("attention.json", attn)));

    w.write("position-bias",
        new ReportMeta("Do decoders need positions?", "2026-11-25", "",
            Verdict.PARTLY, List.of("positions"),
            List.of(
                Chart.scatter("pos", "Attention vs distance", "distance", "weight",
                    Series.of("NoPE", new double[] {1, 2, 4, 8}, new double[] {0.4, 0.3, 0.2, 0.1})).withLogX(),
                Chart.bar("acc", "Copy accuracy", "encoding", "accuracy", List.of("NoPE", "RoPE", "ALiBi"),
                    Series.of("test", new double[] {0.62, 0.97, 0.95})))),
        """
        # Do decoders need positions?

        A causal mask alone lets a decoder count: with $n$ tokens the first attends to $1$ token,
        the last to $n$, so \\(\\tfrac{1}{t}\\) carries position.

        {{chart:acc}}
        """,
        List.of(DataFile.text("accuracy.json", "{\"NoPE\":0.62,\"RoPE\":0.97,\"ALiBi\":0.95}\n")));

    w.write("hostile-input",
        new ReportMeta("<script>window.__pwned='title'</script> \"quoted\" & <b>bold</b>", "2026-11-10",
            "<img src=z onerror=\"window.__pwned='summary'\"> summary", Verdict.CONTRADICTS,
            List.of("<script>window.__pwned='tag'</script>"),
            List.of(Chart.bar("evil", "</script><script>window.__pwned='chart'</script>", "<b>x</b>", "y",
                List.of("<img src=q onerror=\"window.__pwned='cat'\">"), Series.of("</script>", new double[] {1})))),
        HOSTILE_TEXT, List.of());
  }
}
