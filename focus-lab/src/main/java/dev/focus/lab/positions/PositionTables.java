package dev.focus.lab.positions;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionScheme;
import dev.focus.position.Positions;
import dev.focus.position.Segment;
import dev.focus.position.TokenKind;
import dev.focus.position.VisualSpan;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 04 E1: the coordinates every scheme gives two interleaved layouts (Sequence A of §7 and a
 * second one), and the position budget of an h×w block — how far it moves the text after it,
 * (next text coordinate) − L − 1 on {@code T I{h}x{w} T} — all read from the position library.
 */
public final class PositionTables implements Section<PositionTables.Settings, PositionTables.Result> {
  public record Settings(List<String> schemes, List<String> layouts, List<BlockShape> budgetShapes) implements Serializable {
    public Settings {
      schemes = List.copyOf(schemes);
      layouts = List.copyOf(layouts);
      budgetShapes = List.copyOf(budgetShapes);
    }
  }

  /** One scheme's coordinates of a layout: {@code coords[t]} is token t's tuple (1 to 3 axes). */
  public record Column(String scheme, double[][] coords) implements Serializable {}

  /** A layout's tokens ("text" or "patch rRcC", 1-based) and each scheme's coordinates. */
  public record Table(String layout, List<String> kinds, List<Column> columns) implements Serializable {}

  /** The budget of one block shape under each scheme, in the settings' scheme order. */
  public record Budget(BlockShape shape, double[] budgets) implements Serializable {}

  public record Result(List<String> schemes, List<Table> tables, List<Budget> budgets) implements Serializable {}

  @Override
  public Result run(Settings s, LabContext ctx) {
    List<Table> tables = new ArrayList<>();
    for (String layout : s.layouts()) {
      Positions flat = PositionScheme.FLAT.assign(Layout.parse(layout));
      List<String> kinds = new ArrayList<>();
      for (int t = 0; t < flat.tokens(); t++) kinds.add(kindLabel(flat, t));
      List<Column> columns = new ArrayList<>();
      for (String scheme : s.schemes()) {
        Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse(layout));
        double[][] c = new double[pos.tokens()][];
        for (int t = 0; t < c.length; t++) c[t] = pos.coords(t);
        columns.add(new Column(scheme, c));
      }
      tables.add(new Table(layout, kinds, columns));
    }
    List<Budget> budgets = new ArrayList<>();
    for (BlockShape b : s.budgetShapes()) {
      double[] per = new double[s.schemes().size()];
      for (int i = 0; i < per.length; i++) per[i] = budget(s.schemes().get(i), b.h(), b.w());
      budgets.add(new Budget(b, per));
    }
    return new Result(s.schemes(), tables, budgets);
  }

  /** "text" or "patch rRcC" (1-based). */
  static String kindLabel(Positions pos, int t) {
    if (pos.kind(t) == TokenKind.TEXT) return "text";
    VisualSpan span = pos.spans().get(pos.spanOf(t));
    int w = ((Segment.Image) span.segment()).cols(), k = t - span.start();
    return "patch r" + (k / w + 1) + "c" + (k % w + 1);
  }

  /**
   * Positions an h×w block spends in place of text: (coordinate of the text after it) − L − 1, read
   * from the library on "T I{h}x{w} T" (L = 0).
   */
  static double budget(String scheme, int h, int w) {
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse("T I" + h + "x" + w + " T"));
    return pos.coords(pos.tokens() - 1)[0] - pos.coords(0)[0] - 1;
  }
}
