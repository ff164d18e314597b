package dev.focus.lab.positions;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionScheme;
import dev.focus.position.PositionSpec;
import dev.focus.position.Positions;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;
import dev.focus.position.TokenKind;
import dev.focus.position.VisualSpan;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 04 §1 and §6: the three requirements of [S1] on every scheme, measured on the library's
 * coordinates, plus crop consistency (§6.7):
 * <ul>
 *   <li>compatible: 24 text tokens get the flat index on every axis and a rotary table equal to
 *       RoPE-1D's bit for bit; a lone image is a 2-D grid (one axis per row, one per column, constant
 *       steps, the rest constant);</li>
 *   <li>equivalent: every text token k sits at (k, k[, k]); the number is the largest misplacement;</li>
 *   <li>symmetric: gap into a block = gap out of it on every axis; the number is the largest difference;</li>
 *   <li>crop-consistent: patches (2,2) and (3,4) keep their coordinate difference in an 8×8 image,
 *       its top half (4×8) and its left half (8×4).</li>
 * </ul>
 */
public final class SchemeChecks implements Section<SchemeChecks.Settings, SchemeChecks.Result> {
  /** Coordinates are float64; fractional steps (RoPE-Tie-frac) round, so checks allow 1e-9. */
  static final double TOL = 1e-9;
  /** Lone images of the 2-D grid check. */
  static final List<BlockShape> GRID_SHAPES = List.of(new BlockShape(2, 3), new BlockShape(4, 4), new BlockShape(5, 2),
      new BlockShape(3, 7));
  /** An 8×8 image, its top half and its left half. */
  static final List<BlockShape> CROPS = List.of(new BlockShape(8, 8), new BlockShape(4, 8), new BlockShape(8, 4));

  /** The schemes, the layouts of the equivalence and symmetry checks, and the rotary table (dim, base). */
  public record Settings(List<String> schemes, List<String> layouts, int dim, double base) implements Serializable {
    public Settings {
      schemes = List.copyOf(schemes);
      layouts = List.copyOf(layouts);
    }
  }

  /**
   * One scheme's outcome. {@code imageSteps[i]} is the (row, column) step of lone image
   * {@code GRID_SHAPES[i]}, null where it is no 2-D grid; {@code cropDiffs[i]} is the coordinate
   * difference of the two patches in {@code CROPS[i]}.
   */
  public record SchemeCheck(String scheme, long textBitMismatches, boolean textFlat, boolean image2d, boolean image2dUnit,
                            double[][] imageSteps, double equivalenceGap, double symmetryGap, boolean cropConsistent,
                            double[][] cropDiffs) implements Serializable {
    public boolean compatible() { return textBitMismatches == 0 && textFlat && image2d; }

    public boolean equivalent() { return equivalenceGap <= TOL; }

    public boolean symmetric() { return symmetryGap <= TOL; }

    public boolean allThree() { return compatible() && equivalent() && symmetric(); }
  }

  /** The checks in scheme order. */
  public record Result(List<SchemeCheck> checks) implements Serializable {
    public SchemeCheck of(String scheme) {
      for (SchemeCheck c : checks) if (c.scheme().equals(scheme)) return c;
      throw new IllegalArgumentException("no scheme " + scheme);
    }
  }

  @Override
  public Result run(Settings s, LabContext ctx) {
    List<SchemeCheck> out = new ArrayList<>();
    for (String scheme : s.schemes()) out.add(check(scheme, s));
    return new Result(out);
  }

  /** The rotary encoding of a scheme at {@code dim} (mrope: BLOCKED(16,24,24) + HALF at 128; others ADJACENT). */
  static Rope rope(String scheme, int dim, double base) {
    return (Rope) PositionSpec.parse(scheme).withBase(base).create(dim, 1, 1);
  }

  static SchemeCheck check(String scheme, Settings s) {
    int dim = s.dim();
    PositionScheme ps = PositionKind.parse(scheme).scheme();
    // (a) compatibility with RoPE-1D on pure text, bit for bit.
    Positions text = ps.assign(Layout.text(24));
    boolean textFlat = true;
    for (int t = 0; t < text.tokens(); t++) for (double c : text.coords(t)) textFlat &= c == t;
    Rope r = rope(scheme, dim, s.base());
    Rope oneD = Rope.oneD(dim, s.base()).withLayout(r.layout());
    RopeTable a = r.table(text.coords()), b = oneD.table(PositionScheme.FLAT.assign(Layout.text(24)).coords());
    long mismatches = 0;
    SplittableRandom rng = new SplittableRandom(7);
    for (int t = 0; t < text.tokens(); t++) {
      for (int i = 0; i < dim / 2; i++) {
        if (Double.doubleToLongBits(a.cos(t, i)) != Double.doubleToLongBits(b.cos(t, i))) mismatches++;
        if (Double.doubleToLongBits(a.sin(t, i)) != Double.doubleToLongBits(b.sin(t, i))) mismatches++;
      }
      double[] v = new double[dim];
      for (int e = 0; e < dim; e++) v[e] = rng.nextDouble() * 2 - 1;
      double[] va = a.rotateVector(v.clone(), t), vb = b.rotateVector(v.clone(), t);
      for (int e = 0; e < dim; e++) if (Double.doubleToLongBits(va[e]) != Double.doubleToLongBits(vb[e])) mismatches++;
    }
    // (b) a lone image is a 2-D grid.
    boolean grid = true, unit = true;
    double[][] steps = new double[GRID_SHAPES.size()][];
    for (int i = 0; i < steps.length; i++) {
      BlockShape sh = GRID_SHAPES.get(i);
      double[] g = gridSteps(ps.assign(Layout.parse(sh.token())), sh.h(), sh.w());
      steps[i] = g;
      if (g == null) {
        grid = false;
        unit = false;
      } else {
        unit &= Math.abs(g[0] - 1) <= TOL && Math.abs(g[1] - 1) <= TOL;
      }
    }
    // Equivalence and symmetry over the layouts.
    double eq = 0, sym = 0;
    for (String l : s.layouts()) {
      Positions pos = ps.assign(Layout.parse(l));
      for (int t = 0; t < pos.tokens(); t++) {
        if (pos.kind(t) != TokenKind.TEXT) continue;
        for (double c : pos.coords(t)) eq = Math.max(eq, Math.abs(c - t));
      }
      for (VisualSpan span : pos.spans()) {
        int before = span.start() - 1, after = span.end();
        if (before < 0 || after >= pos.tokens() || pos.kind(before) != TokenKind.TEXT || pos.kind(after) != TokenKind.TEXT) continue;
        double[] tb = pos.coords(before), first = pos.coords(span.start()), last = pos.coords(span.end() - 1), ta = pos.coords(after);
        for (int ax = 0; ax < tb.length; ax++) sym = Math.max(sym, Math.abs((first[ax] - tb[ax]) - (ta[ax] - last[ax])));
      }
    }
    // Crop consistency: patches (2,2) and (3,4) (1-based) in 8×8, top half 4×8, left half 8×4.
    double[][] diffs = new double[CROPS.size()][];
    boolean crop = true;
    for (int i = 0; i < diffs.length; i++) {
      BlockShape sh = CROPS.get(i);
      Positions pos = ps.assign(Layout.parse("T " + sh.token() + " T"));
      double[] p1 = pos.coords(1 + sh.w() + 1), p2 = pos.coords(1 + 2 * sh.w() + 3), d = new double[p1.length];
      for (int ax = 0; ax < d.length; ax++) d[ax] = p2[ax] - p1[ax];
      diffs[i] = d;
      if (i > 0) for (int ax = 0; ax < d.length; ax++) crop &= Math.abs(diffs[0][ax] - d[ax]) <= TOL;
    }
    return new SchemeCheck(scheme, mismatches, textFlat, grid, unit, steps, eq, sym, crop, diffs);
  }

  /**
   * If the patch coordinates of a lone h×w image (h, w ≥ 2) form a 2-D grid — one axis affine in the
   * row only, another in the column only, both with positive steps, the rest constant — returns the
   * (row, column) steps; else null.
   */
  static double[] gridSteps(Positions pos, int h, int w) {
    int axes = pos.axes();
    int rowAxis = -1, colAxis = -1;
    double rowStep = 0, colStep = 0;
    for (int ax = 0; ax < axes; ax++) {
      double c0 = pos.coords(0)[ax], sr = pos.coords(w)[ax] - c0, sc = pos.coords(1)[ax] - c0;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) if (Math.abs(pos.coords(i * w + j)[ax] - (c0 + i * sr + j * sc)) > TOL) return null;
      }
      if (sr > TOL && Math.abs(sc) <= TOL && rowAxis < 0) {
        rowAxis = ax;
        rowStep = sr;
      } else if (sc > TOL && Math.abs(sr) <= TOL && colAxis < 0) {
        colAxis = ax;
        colStep = sc;
      } else if (Math.abs(sr) > TOL || Math.abs(sc) > TOL) {
        return null;
      }
    }
    return rowAxis >= 0 && colAxis >= 0 ? new double[] {rowStep, colStep} : null;
  }
}
