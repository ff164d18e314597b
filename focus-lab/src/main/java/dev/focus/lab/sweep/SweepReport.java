package dev.focus.lab.sweep;

import dev.focus.checkpoint.Json;
import dev.focus.lab.run.Stats;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.ReportMeta;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a sweep writes: {@code results.csv} (a column per grid key, then {@code final_loss},
 * {@code val_loss}, {@code tokens_per_s}, {@code seconds}), {@code results.json} (the same rows with
 * the loss curves), and a report page in the site's format: per setting (a combination of the grid's
 * keys other than {@code seed}) the mean and 95% interval over seeds ({@link Stats#interval95}), and
 * the mean training-loss curve of each setting.
 */
public final class SweepReport {
  private SweepReport() {}

  /** The key whose values are seeds: rows that differ only in it form one setting. */
  public static final String SEED = "seed";

  /** One finished run: its grid point, its result and the seconds it took. */
  public record Row(Map<String, String> point, SweepRun.Result result, double seconds) {}

  /** What the runner publishes: the page's text, its metadata and its data files. */
  public record Page(String markdown, ReportMeta meta, List<DataFile> files) {}

  public static final List<String> MEASURES = List.of("final_loss", "val_loss", "tokens_per_s", "seconds");

  /** The page of a finished sweep; {@code what} names the model and data ("micro on mqar:kv=4, 300 steps"). */
  public static Page page(String title, String what, Grid grid, List<Row> rows) {
    List<String> header = new ArrayList<>(grid.keys());
    header.addAll(MEASURES);
    List<List<Object>> csv = new ArrayList<>();
    List<Map<String, Object>> json = new ArrayList<>();
    for (Row r : rows) {
      List<Object> line = new ArrayList<>(r.point().values());
      line.add(fmt(r.result().finalLoss()));
      line.add(fmt(r.result().valLoss()));
      line.add(String.format(Locale.ROOT, "%.1f", r.result().tokensPerSecond()));
      line.add(String.format(Locale.ROOT, "%.2f", r.seconds()));
      csv.add(line);
      Map<String, Object> o = new LinkedHashMap<>(r.point());
      o.put("final_loss", finite(r.result().finalLoss()));
      o.put("val_loss", finite(r.result().valLoss()));
      o.put("tokens_per_s", r.result().tokensPerSecond());
      o.put("seconds", r.seconds());
      o.put("loss_curve", curve(r.result().curveStep(), r.result().curveLoss()));
      o.put("val_curve", curve(r.result().valStep(), r.result().valCurve()));
      json.add(o);
    }
    Map<String, List<Row>> settings = settings(rows);
    List<String> keys = grid.keys().stream().filter(k -> !k.equals(SEED)).toList();
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append(String.format(Locale.ROOT, "%d runs of %s: %d setting(s) × %d seed(s). Each cell is the mean over seeds with its "
        + "95%% interval (Student's t; one seed gives no interval).%n%n", rows.size(), what, settings.size(),
        settings.isEmpty() ? 0 : settings.values().iterator().next().size()));
    md.append('|');
    for (String k : keys) md.append(' ').append(k).append(" |");
    md.append(" runs | final loss | val loss | tokens/s |\n|");
    md.append("---|".repeat(keys.size() + 4)).append('\n');
    List<Series> curves = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : settings.entrySet()) {
      List<Row> rs = e.getValue();
      md.append('|');
      for (String k : keys) md.append(' ').append(rs.get(0).point().get(k)).append(" |");
      md.append(' ').append(rs.size()).append(" | ")
          .append(cell(rs, r -> r.result().finalLoss(), 4)).append(" | ")
          .append(cell(rs, r -> r.result().valLoss(), 4)).append(" | ")
          .append(cell(rs, r -> r.result().tokensPerSecond(), 0)).append(" |\n");
      Series s = meanCurve(e.getKey().isEmpty() ? "all" : e.getKey(), rs);
      if (s != null) curves.add(s);
    }
    md.append("\n{{chart:loss}}\n\nThe raw numbers are in `results.csv` (one row per run) and `results.json` (with the curves).\n");
    Chart chart = Chart.line("loss", "Training loss, mean over seeds", "step", "loss", curves.toArray(new Series[0]));
    ReportMeta meta = ReportMeta.of(title, String.format(Locale.ROOT, "A sweep of %d runs: %s.", rows.size(), what),
        Verdict.NOT_APPLICABLE, List.of("sweep")).withCharts(curves.isEmpty() ? List.of() : List.of(chart));
    return new Page(md.toString(), meta, List.of(DataFile.csv("results.csv", header, csv),
        DataFile.text("results.json", Json.writePretty(json) + "\n")));
  }

  /** Rows grouped by their point without the seed, in first-seen order. */
  static Map<String, List<Row>> settings(List<Row> rows) {
    Map<String, List<Row>> out = new LinkedHashMap<>();
    for (Row r : rows) {
      StringBuilder k = new StringBuilder();
      for (Map.Entry<String, String> e : r.point().entrySet()) {
        if (e.getKey().equals(SEED)) continue;
        k.append(k.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
      }
      out.computeIfAbsent(k.toString(), x -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static String cell(List<Row> rs, java.util.function.ToDoubleFunction<Row> f, int digits) {
    double[] v = rs.stream().mapToDouble(f).filter(Double::isFinite).toArray();
    return v.length == 0 ? "–" : Stats.interval95(v).format(digits).replace(" (1 seed)", "");
  }

  /** The mean of the seeds' curves at the steps they share. */
  private static Series meanCurve(String name, List<Row> rs) {
    double[] x = rs.get(0).result().curveStep();
    if (x.length == 0) return null;
    double[] y = new double[x.length];
    for (Row r : rs) {
      if (r.result().curveLoss().length != x.length) return null;
      for (int i = 0; i < x.length; i++) y[i] += r.result().curveLoss()[i] / rs.size();
    }
    for (double v : y) if (!Double.isFinite(v)) return null;
    return Series.of(name, x, y);
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Map<String, Object> curve(double[] step, double[] loss) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", list(step));
    m.put("loss", list(loss));
    return m;
  }

  private static List<Double> list(double[] a) {
    List<Double> out = new ArrayList<>(a.length);
    for (double v : a) out.add(v);
    return out;
  }
}
