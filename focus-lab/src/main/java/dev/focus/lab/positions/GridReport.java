package dev.focus.lab.positions;

import static dev.focus.lab.positions.PositionsReport.TEXT;
import static dev.focus.lab.positions.PositionsReport.coord;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.Stats;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Series;
import java.util.ArrayList;
import java.util.List;

/** Section 5 of report 4: the symbol-grid training comparison, from the grid runs and step angles. */
final class GridReport {
  private GridReport() {}

  static void render(Findings f, PositionsExperiment.Grid g, PositionsExperiment.Results r, PositionsRules.Training tr) {
    List<String> trained = g.trained();
    List<String> baselines = trained.stream().filter(x -> !PositionsExperiment.DECIDING.contains(x)).toList();
    List<String> untrained = PositionsExperiment.TRAINED.stream().filter(x -> !trained.contains(x)).toList();
    List<BlockShape> shapes = PositionsExperiment.SHAPES;
    f.md(TEXT.fill("grid", "atQuestions", PositionsExperiment.AT_QUESTIONS, "layers", g.layers(),
        "ropeBase", coord(PositionsExperiment.GRID_BASE), "steps", g.steps(), "initStd", coord(PositionsExperiment.INIT_STD),
        "seeds", g.seeds() == g.otherSeeds() ? g.seeds() + " seeds of every scheme"
            : g.seeds() + " seeds of RoPE-TV and RoPE-Tie (the comparison that decides)"
                + (baselines.isEmpty() ? "" : ", " + g.otherSeeds() + " of " + String.join(", ", baselines))
                + (untrained.isEmpty() ? "" : "; " + String.join(", ", untrained) + " (baselines, shown and not compared) run in the full profile"),
        "evalN", g.evalN()) + "\n");
    f.md(TEXT.fill("grid.tuning") + "\n");
    List<List<String>> angles = new ArrayList<>();
    for (PositionsExperiment.StepAngles a : r.angles()) {
      angles.add(List.of(a.scheme(), Findings.num(a.square()[0], 3), Findings.num(a.square()[1], 3), Findings.num(a.half()[0], 3),
          Findings.num(a.half()[1], 3)));
    }
    f.md(TEXT.fill("grid.angles", "table", Findings.table(List.of("scheme", "row step, 4×4", "column step, 4×4", "row step, 4×2",
        "column step, 4×2"), angles)));
    List<String> header = new ArrayList<>(List.of("scheme"));
    for (String t : List.of("at", "rel")) for (BlockShape s : shapes) header.add(t + " " + s.h() + "×" + s.w());
    List<List<String>> rows = new ArrayList<>();
    for (String scheme : trained) {
      List<String> row = new ArrayList<>(List.of(scheme));
      for (int task = 0; task < 2; task++) {
        for (int sh = 0; sh < shapes.size(); sh++) row.add(cell(tr.acc().get(scheme)[task][sh]));
      }
      rows.add(row);
    }
    f.md(TEXT.fill("grid.accuracy", "seeds", g.seeds() > 1 ? TEXT.fill("grid.accuracy.seeds") : "",
        "table", Findings.table(header, rows)));
    List<List<String>> summary = new ArrayList<>();
    for (String scheme : trained) {
      summary.add(List.of(scheme, pm(tr, scheme, 0, false), pm(tr, scheme, 0, true), pm(tr, scheme, 1, false), pm(tr, scheme, 1, true),
          Findings.num(100 * (tr.mean(scheme, 1, true) - tr.mean(scheme, 1, false)), 3)));
    }
    f.md(TEXT.fill("grid.groups", "table", Findings.table(List.of("scheme", "at, squares", "at, shifted", "rel, squares",
        "rel, shifted", "rel: shifted − squares (points)"), summary)));
    List<String> grounded = new ArrayList<>(), oneAxisOnly = new ArrayList<>();
    List<List<String>> atRows = new ArrayList<>();
    for (String scheme : trained) {
      double a = tr.mean(scheme, 0, false);
      (tr.grounds(scheme) ? grounded : oneAxisOnly).add(scheme);
      atRows.add(List.of(scheme, pct(a), signed(a - PositionsRules.CHANCE), signed(a - PositionsRules.ONE_AXIS_SQUARES),
          tr.grounds(scheme) ? "yes" : "no"));
    }
    String conclusion = grounded.isEmpty() ? TEXT.fill("grid.at.none") : oneAxisOnly.isEmpty() ? TEXT.fill("grid.at.all")
        : TEXT.fill("grid.at.some", "grounded", String.join(", ", grounded), "oneAxisOnly", String.join(", ", oneAxisOnly));
    f.md(TEXT.fill("grid.at", "oneAxis3", pct(PositionsRules.oneAxis(3)), "oneAxis4", pct(PositionsRules.oneAxis(4)),
        "oneAxisSquares", pct(PositionsRules.ONE_AXIS_SQUARES), "margin", Findings.num(100 * tr.atMargin(), 2),
        "table", Findings.table(List.of("scheme", "at, squares (%)", "vs chance (points)", "vs one-axis level (points)", "grounds"), atRows),
        "conclusion", conclusion) + "\n");
    double[][] bars = new double[4][trained.size()];
    for (int i = 0; i < trained.size(); i++) {
      String s = trained.get(i);
      bars[0][i] = 100 * nz(tr.mean(s, 0, false));
      bars[1][i] = 100 * nz(tr.mean(s, 0, true));
      bars[2][i] = 100 * nz(tr.mean(s, 1, false));
      bars[3][i] = 100 * nz(tr.mean(s, 1, true));
    }
    f.chart(Chart.bar("grid-accuracy", "Symbol-grid accuracy: trained on squares, tested on squares and shifted shapes",
        "scheme", "accuracy (%)", trained, Series.of("at, squares", bars[0]), Series.of("at, shifted", bars[1]),
        Series.of("rel, squares", bars[2]), Series.of("rel, shifted", bars[3])));
    List<List<?>> csv = new ArrayList<>();
    for (GridRun.Result run : r.runs()) {
      for (int sh = 0; sh < shapes.size(); sh++) {
        BlockShape b = shapes.get(sh);
        for (int task = 0; task < 2; task++) {
          csv.add(List.of(run.scheme(), run.seedIndex(), task == 0 ? "at" : "rel", b.h() + "x" + b.w(),
              sh < PositionsRules.SQUARES ? "square" : "shifted", run.accuracy()[sh][task]));
        }
      }
    }
    f.data(DataFile.csv("grid-accuracy.csv", List.of("scheme", "seed", "task", "shape", "group", "accuracy"), csv));
  }

  /** A change in accuracy as signed points. */
  static String signed(double d) { return Double.isNaN(d) ? "n/a" : (d >= 0 ? "+" : "−") + Findings.num(100 * Math.abs(d), 3); }

  static double nz(double v) { return Double.isNaN(v) ? 0 : v; }

  static String pct(double v) { return Double.isNaN(v) ? "n/a" : Findings.num(100 * v, 3); }

  /** One shape's accuracy over seeds: "61.2 ± 8.3" (mean ± 95% half-width), the bare mean for one seed. */
  static String cell(double[] perSeed) {
    if (perSeed == null) return "n/a";
    Stats.Interval i = Stats.interval95(perSeed);
    return pct(Stats.mean(perSeed)) + (i.n() > 1 ? " ± " + Findings.num(100 * i.halfWidth(), 2) : "");
  }

  static String pm(PositionsRules.Training tr, String scheme, int task, boolean shifted) {
    Stats.Interval i = Stats.interval95(tr.perSeed(scheme, task, shifted));
    return pct(tr.mean(scheme, task, shifted)) + (i.n() > 1 ? " ± " + Findings.num(100 * i.halfWidth(), 2) : " (1 seed)");
  }
}
