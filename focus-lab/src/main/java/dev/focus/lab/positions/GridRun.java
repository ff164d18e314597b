package dev.focus.lab.positions;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import dev.focus.multimodal.MultimodalModel;
import dev.focus.position.FrequencyPlan;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionSpec;
import dev.focus.position.Positions;
import dev.focus.position.Rope;
import java.io.Serializable;
import java.util.List;

/**
 * Spec 04 §9 E3/E4, one unit of the training comparison: a fresh model under one scheme trained on
 * square symbol grids ({@link SymbolGrids}), then scored on fresh grids of every test shape.
 */
public final class GridRun implements Section<GridRun.Settings, GridRun.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "positions.grid-run.v1";

  /** The task of one run (its cost: training steps). */
  static Task<Settings, Result> task(Settings s) {
    return Task.of(KIND, new GridRun(), s).labelled("grids " + s.scheme() + " seed " + s.seedIndex()).withCost(s.train().steps())
        .withProgressUnits(s.train().steps() + s.evalUnits());
  }

  /**
   * @param seedIndex  which of the comparison's seeds this is (the training seed is in {@code train})
   * @param shapes     test shapes; shape i is scored on {@code evalN} grids drawn from seed
   *                   {@code train.seed() * 7919 + i}
   */
  public record Settings(String scheme, int seedIndex, SymbolGrids.Settings train, int evalN, List<BlockShape> shapes)
      implements Serializable {
    public Settings {
      shapes = List.copyOf(shapes);
    }

    /** Progress units of the evaluation (one per 100 scored grids, at least 1), stepped after it. */
    long evalUnits() { return Math.max(1, (long) evalN * shapes.size() / 100); }
  }

  /** {@code accuracy[shape][task]}: exact-match accuracy of the answers, task 0 = at, 1 = rel (NaN: none asked). */
  public record Result(String scheme, int seedIndex, double[][] accuracy) implements Serializable {}

  @Override
  public Result run(Settings s, LabContext ctx) {
    ctx.progress().message("grids: " + s.scheme() + " seed " + s.seedIndex());
    MultimodalModel m = SymbolGrids.train(s.scheme(), s.train(), SymbolGrids.CONTEXT, step -> ctx.progress().step(1),
        ctx::cancelled);
    double[][] acc = new double[s.shapes().size()][];
    for (int sh = 0; sh < acc.length; sh++) {
      BlockShape b = s.shapes().get(sh);
      acc[sh] = SymbolGrids.accuracy(m, b.h(), b.w(), s.evalN(), s.train().atQuestions(), s.train().seed() * 7919 + sh);
    }
    ctx.progress().step(s.evalUnits());
    return new Result(s.scheme(), s.seedIndex(), acc);
  }

  /**
   * The largest angle |Δcoord[axisOf(i)]|·θᵢ over the pairs of a grid model's head (width 64, 4
   * heads of 16 dims at {@code base}; M-RoPE sections 2/3/3) between patch (1,1) and (2,1) (row
   * step) and between (1,1) and (1,2) (column step) of {@code T I{h}x{w} T}.
   */
  static double[] stepAngles(String scheme, int h, int w, double base) {
    PositionSpec o = PositionSpec.parse(scheme).withBase(base);
    if (scheme.equals("mrope")) o = o.withSections(2, 3, 3);
    FrequencyPlan plan = ((Rope) o.create(64, 4, 1)).plan();
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse("T I" + h + "x" + w + " T"));
    double[] p = pos.coords(1), down = pos.coords(1 + w), right = pos.coords(2);
    double[] theta = plan.theta();
    int[] axis = plan.axisOf();
    double row = 0, col = 0;
    for (int i = 0; i < theta.length; i++) {
      row = Math.max(row, Math.abs(down[axis[i]] - p[axis[i]]) * theta[i]);
      col = Math.max(col, Math.abs(right[axis[i]] - p[axis[i]]) * theta[i]);
    }
    return new double[] {row, col};
  }
}
