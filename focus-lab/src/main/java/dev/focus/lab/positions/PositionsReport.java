package dev.focus.lab.positions;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Template;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Heatmap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders {@link PositionsExperiment.Results} as report 4 with the prose of {@code positions.md}:
 * tables, budgets, checks and logit maps here, the training comparison in {@link GridReport}, then
 * the verdict of {@link PositionsRules#decide}.
 */
final class PositionsReport {
  static final Template TEXT = Template.of(PositionsReport.class, "positions.md");

  private PositionsReport() {}

  static Findings render(PositionsExperiment.Settings s, PositionsExperiment.Results r) {
    Findings f = new Findings().tag("positions").tag("multimodal").tag("spec 04");
    f.md(TEXT.fill("claim"));
    tables(f, r.tables());
    budgets(f, r.tables());
    checks(f, s.checks(), r.checks());
    stress(f, r.stress());
    maps(f, r.maps());
    List<String> trained = s.grid().trained();
    PositionsRules.Training tr = PositionsRules.Training.of(trained, PositionsExperiment.SHAPES.size(), r.runs());
    GridReport.render(f, s.grid(), r, tr);
    VerdictText.render(f, r, PositionsRules.decide(r.checks(), tr, trained));
    return f;
  }

  static String tuple(double[] c) {
    if (c.length == 1) return coord(c[0]);
    StringBuilder sb = new StringBuilder("(");
    for (int a = 0; a < c.length; a++) sb.append(a == 0 ? "" : ", ").append(coord(c[a]));
    return sb.append(')').toString();
  }

  static String coord(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Findings.num(v, 4);
  }

  static void tables(Findings f, PositionTables.Result t) {
    f.md(TEXT.fill("tables"));
    for (PositionTables.Table table : t.tables()) {
      List<String> header = new ArrayList<>(List.of("idx", "kind"));
      header.addAll(t.schemes());
      List<List<String>> rows = new ArrayList<>();
      for (int tok = 0; tok < table.kinds().size(); tok++) {
        List<String> row = new ArrayList<>(List.of(String.valueOf(tok), table.kinds().get(tok)));
        for (PositionTables.Column c : table.columns()) row.add(tuple(c.coords()[tok]));
        rows.add(row);
      }
      String caption = TEXT.fill(table.layout().equals(PositionsExperiment.SEQUENCE_A) ? "tables.caption.a" : "tables.caption.b");
      f.md(TEXT.fill("tables.layout", "layout", table.layout(), "caption", caption, "table", Findings.table(header, rows)));
    }
  }

  static void budgets(Findings f, PositionTables.Result t) {
    f.md(TEXT.fill("budgets"));
    List<String> header = new ArrayList<>(List.of("h × w", "hw"));
    header.addAll(t.schemes());
    List<List<String>> rows = new ArrayList<>();
    for (PositionTables.Budget b : t.budgets()) {
      List<String> row = new ArrayList<>(List.of(b.shape().h() + " × " + b.shape().w(), String.valueOf(b.shape().h() * b.shape().w())));
      for (double v : b.budgets()) row.add(coord(v));
      rows.add(row);
    }
    f.md(Findings.table(header, rows));
    f.md(TEXT.fill("budgets.closed"));
  }

  static void checks(Findings f, SchemeChecks.Settings s, SchemeChecks.Result r) {
    f.md(TEXT.fill("checks", "layouts", s.layouts().size(),
        "layoutList", String.join("; ", s.layouts().stream().map(l -> "`" + l + "`").toList()), "dim", s.dim()) + "\n");
    List<List<String>> rows = new ArrayList<>();
    for (SchemeChecks.SchemeCheck c : r.checks()) {
      rows.add(List.of(c.scheme(),
          mark(c.compatible()) + " (bits ≠: " + c.textBitMismatches() + "; image " + (c.image2d() ? "2-D" : "not 2-D")
              + (c.image2d() ? (c.image2dUnit() ? ", unit" : ", scaled") : "") + ")",
          mark(c.equivalent()) + " (" + gap(c.equivalenceGap()) + ")",
          mark(c.symmetric()) + " (" + gap(c.symmetryGap()) + ")",
          mark(c.cropConsistent()) + " " + String.join(" / ", Arrays.stream(c.cropDiffs()).map(PositionsReport::tuple).toList()),
          c.allThree() ? "**all three**" : "fails " + failures(c)));
    }
    f.md(Findings.table(List.of("scheme", "compatible", "equivalent (largest text misplacement)", "symmetric (largest gap difference)",
        "crop-consistent (Δ in 8×8 / top / left)", "[S1] requirements"), rows));
    List<List<String>> steps = new ArrayList<>();
    for (SchemeChecks.SchemeCheck c : r.checks()) {
      List<String> parts = new ArrayList<>();
      for (double[] g : c.imageSteps()) parts.add(g == null ? "none" : "(" + coord(g[0]) + ", " + coord(g[1]) + ")");
      steps.add(List.of(c.scheme(), String.join(", ", parts)));
    }
    f.md(TEXT.fill("checks.steps", "table", Findings.table(List.of("scheme", "steps for 2×3, 4×4, 5×2, 3×7"), steps)));
    List<List<?>> csv = new ArrayList<>();
    for (SchemeChecks.SchemeCheck c : r.checks()) {
      csv.add(List.of(c.scheme(), c.textBitMismatches(), c.textFlat(), c.image2d(), c.image2dUnit(), c.equivalenceGap(),
          c.symmetryGap(), c.cropConsistent()));
    }
    f.data(DataFile.csv("checks.csv", List.of("scheme", "text_bit_mismatches", "text_flat", "image_2d", "image_unit_steps",
        "equivalence_gap", "symmetry_gap", "crop_consistent"), csv));
  }

  /** The note's stress cases: each video's budget against its N tokens and its largest gap asymmetry, per scheme. */
  static void stress(Findings f, VideoStress.Result r) {
    List<String> header = new ArrayList<>(List.of("video t × h × w", "N = thw"));
    List<String> schemes = r.rows().get(0).cells().stream().map(VideoStress.Cell::scheme).toList();
    for (String scheme : schemes) header.add(scheme + ": budget (asymmetry)");
    header.add("M-RoPE gaps in → out (t, h, w)");
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (VideoStress.Row row : r.rows()) {
      VideoStress.Shape v = row.shape();
      List<String> cells = new ArrayList<>(List.of(v.t() + " × " + v.h() + " × " + v.w(), String.valueOf(row.tokens())));
      String mropeGaps = "";
      for (VideoStress.Cell c : row.cells()) {
        cells.add(coord(c.budget()) + " (" + coord(c.asymmetry()) + ")");
        if (c.scheme().equals("mrope")) mropeGaps = tuple(c.gapIn()) + " → " + tuple(c.gapOut());
        csv.add(List.of(v.t(), v.h(), v.w(), row.tokens(), c.scheme(), c.budget(), c.asymmetry()));
      }
      cells.add(mropeGaps);
      rows.add(cells);
    }
    f.md(TEXT.fill("stress", "table", Findings.table(header, rows)));
    f.data(DataFile.csv("video-stress.csv", List.of("t", "h", "w", "tokens", "scheme", "budget", "asymmetry"), csv));
  }

  /** A gap for the tables: below the checks' tolerance it is float64 rounding of fractional coordinates. */
  static String gap(double g) { return g <= SchemeChecks.TOL ? (g == 0 ? "0" : "< 1e-9") : Findings.num(g, 4); }

  static String mark(boolean ok) { return ok ? "pass" : "**fail**"; }

  static String failures(SchemeChecks.SchemeCheck c) {
    List<String> l = new ArrayList<>();
    if (!c.compatible()) l.add("compatibility");
    if (!c.equivalent()) l.add("equivalence");
    if (!c.symmetric()) l.add("symmetry");
    return String.join(", ", l);
  }

  static void maps(Findings f, LogitMaps.Result r) {
    f.md(TEXT.fill("maps", "draws", r.draws()));
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (LogitMaps.BlockLogits m : r.maps()) {
      int h = m.shape().h(), w = m.shape().w();
      double[][] ones = m.ones(), rand = m.random();
      for (boolean one : new boolean[] {true, false}) {
        String id = "logits-" + m.name() + "-" + m.scheme() + (one ? "-ones" : "-random");
        f.chart(Chart.heatmap(id, m.scheme() + ", " + h + "×" + w + " block, " + (one ? "q = k = 1" : "random q, k (" + r.draws() + " draws)")
                + ": text before (left) | text after (right)", "patch column (before | after)", "patch row",
            new Heatmap(rowLabels(h), colLabels(w), one ? ones : rand)));
      }
      rows.add(List.of(m.scheme(), h + "×" + w, Findings.num(ones[0][0], 3), Findings.num(ones[h - 1][2 * w - 1], 3),
          Findings.num(ones[h - 1][w - 1], 3), Findings.num(ones[0][w], 3), Findings.num(mean(ones, 0, w), 3),
          Findings.num(mean(ones, w, 2 * w), 3)));
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) csv.add(List.of(m.scheme(), h, w, i + 1, j + 1, ones[i][j], ones[i][w + j], rand[i][j], rand[i][w + j]));
      }
    }
    f.md(TEXT.fill("maps.values", "table", Findings.table(List.of("scheme", "block", "before→first", "after→last", "before→last",
        "after→first", "mean before→block", "mean after→block"), rows)));
    f.data(DataFile.csv("logit-maps.csv", List.of("scheme", "h", "w", "row", "col", "ones_before", "ones_after",
        "random_before", "random_after"), csv));
  }

  static List<String> rowLabels(int h) {
    List<String> l = new ArrayList<>();
    for (int i = 1; i <= h; i++) l.add("r" + i);
    return l;
  }

  static List<String> colLabels(int w) {
    List<String> l = new ArrayList<>();
    for (int j = 1; j <= w; j++) l.add("before c" + j);
    for (int j = 1; j <= w; j++) l.add("after c" + j);
    return l;
  }

  static double mean(double[][] m, int c0, int c1) {
    double s = 0;
    int n = 0;
    for (double[] r : m) {
      for (int c = c0; c < c1; c++) {
        s += r[c];
        n++;
      }
    }
    return s / n;
  }
}
