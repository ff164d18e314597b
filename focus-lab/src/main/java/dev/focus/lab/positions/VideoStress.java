package dev.focus.lab.positions;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.Positions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The note's own stress cases for M-RoPE [S1]: n×n×n cubes and long, thin videos, read from the
 * position library on {@code T V{t}x{h}x{w} T} (L = 0, patches 1..N, N = thw, the next text at N + 1).
 * Per scheme it records the budget (next text coordinate − L − 1 on the first axis; N when the block
 * is spent like text, the equivalence requirement) and the gaps into and out of the block on every
 * axis (first patch − text before, text after − last patch; equal on every axis is the symmetry
 * requirement). M-RoPE spends max(t, h, w): a cube of n³ tokens moves the text after it by n, and a
 * video of t frames of h×w moves it by t on every axis while its h and w axes advanced by h − 1 and
 * w − 1 inside it, so the gap out of the block on those axes grows with t (spec 04 §5, rule 3).
 * M-RoPE with interleaved frequencies ({@code mrope-i}) has the same coordinates.
 */
public final class VideoStress implements Section<VideoStress.Settings, VideoStress.Result> {
  /** A video of t frames of h × w patches. */
  public record Shape(int t, int h, int w) implements Serializable {}

  public record Settings(List<String> schemes, List<Shape> shapes) implements Serializable {
    public Settings {
      schemes = List.copyOf(schemes);
      shapes = List.copyOf(shapes);
    }
  }

  /** One scheme on one video: its budget and per-axis gaps into and out of the block. */
  public record Cell(String scheme, double budget, double[] gapIn, double[] gapOut) implements Serializable {
    /** The largest |gap out − gap in| over the axes (0 = symmetric). */
    public double asymmetry() {
      double m = 0;
      for (int a = 0; a < gapIn.length; a++) m = Math.max(m, Math.abs(gapOut[a] - gapIn[a]));
      return m;
    }
  }

  /** One video shape: t frames of h × w patches, N = thw tokens, and each scheme's cell. */
  public record Row(Shape shape, List<Cell> cells) implements Serializable {
    public Row {
      cells = List.copyOf(cells);
    }

    public long tokens() { return (long) shape.t() * shape.h() * shape.w(); }
  }

  public record Result(List<Row> rows) implements Serializable {
    public Result {
      rows = List.copyOf(rows);
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) {
    List<Row> rows = new ArrayList<>();
    for (Shape v : s.shapes()) {
      List<Cell> cells = new ArrayList<>();
      for (String scheme : s.schemes()) cells.add(cell(scheme, v.t(), v.h(), v.w()));
      rows.add(new Row(v, cells));
    }
    return new Result(rows);
  }

  static Cell cell(String scheme, int t, int h, int w) {
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse("T V" + t + "x" + h + "x" + w + " T"));
    int last = pos.tokens() - 1;
    double[] before = pos.coords(0), first = pos.coords(1), end = pos.coords(last - 1), after = pos.coords(last);
    double[] in = new double[before.length], out = new double[before.length];
    for (int a = 0; a < before.length; a++) {
      in[a] = first[a] - before[a];
      out[a] = after[a] - end[a];
    }
    return new Cell(scheme, after[0] - before[0] - 1, in, out);
  }
}
