package dev.focus.lab.positions;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Stats;
import dev.focus.multimodal.MultimodalModel;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionScheme;
import dev.focus.position.PositionSpec;
import dev.focus.position.Positions;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;
import dev.focus.position.TokenKind;
import dev.focus.position.VisualSpan;
import dev.focus.report.Chart;
import dev.focus.report.DataFile;
import dev.focus.report.Heatmap;
import dev.focus.report.Series;
import dev.focus.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Note 4 (spec 04): positions for interleaved text and images. RoPE-TV [S1] is claimed to be the
 * scheme that is compatible (text = RoPE-1D, a lone image = RoPE-2D), equivalent (an h×w block
 * spends hw positions) and symmetric (the gap into a block equals the gap out of it). Four parts:
 * position tables and budgets (E1), the logit maps around a block (E1), the three checks on every
 * scheme over a set of layouts (§1, §6), and a small training comparison on symbol grids: spatial
 * grounding and aspect-ratio/crop shift (E3/E4).
 *
 * <p>Legend: L the coordinate of the text token before a block, h rows × w columns of patches,
 * N = hw, d the rotary dim (128 here, base 10⁴), T tokens.
 */
public final class PositionsExperiment implements Experiment {
  /** Every multimodal scheme of spec 04 §5. */
  static final List<String> SCHEMES = List.of("flat", "rope-tie", "rope-tie-frac", "rope-tv", "rope-tv-3d", "mrope");
  /** Image schemes drawn as heat maps (rope-tv-3d equals rope-tv on images up to its constant frame axis). */
  static final List<String> MAPPED = List.of("flat", "rope-tie", "rope-tie-frac", "rope-tv", "mrope");
  /** Schemes of the training comparison. */
  static final List<String> TRAINED = List.of("flat", "rope-tie", "rope-tv", "mrope");
  static final int DIM = 128;
  /** Coordinates are float64; fractional steps (RoPE-Tie-frac) round, so checks allow 1e-9. */
  static final double TOL = 1e-9;
  static final double BASE = 10000.0;
  static final String SEQUENCE_A = "T T T I2x3 T T";
  static final String SEQUENCE_B = "T I3x2 T T I1x4 T";
  /** Image shapes of the budget table (h, w). */
  static final int[][] BUDGET_SHAPES = {{1, 1}, {2, 3}, {3, 2}, {4, 4}, {2, 8}, {8, 2}, {16, 16}, {1, 64}, {24, 32}};
  /** Layouts of the checks: blocks of many shapes, leading and adjacent blocks. */
  static final List<String> CHECK_LAYOUTS = List.of(SEQUENCE_A, "T I4x4 T", "T T I1x5 T", "T T I5x1 T", "T I3x7 T T",
      "T I2x3 I3x2 T", "I2x2 T T", "T I6x2 T I2x6 T");

  @Override public String slug() { return "04-multimodal-positions"; }

  @Override public String title() { return "Positions for interleaved text, images and video"; }

  @Override
  public double expectedMinutes(Profile profile) { return profile.pick(0.2, 3, 45); }

  @Override
  public Findings run(LabContext ctx) throws Exception {
    Findings f = new Findings().tag("positions").tag("multimodal").tag("spec 04");
    Profile p = ctx.profile();
    Grid grid = Grid.of(p);
    ctx.progress().total((long) grid.seeds * TRAINED.size() * (grid.steps + grid.evalUnits()));

    f.md("**The claim** (Su, *“闭门造车”之多模态思路浅谈（三）：位置编码*, kexue.fm/archives/10352): a position "
        + "scheme for interleaved text and images should be\n\n"
        + "* **compatible**: pure text is exactly RoPE-1D, a lone image exactly RoPE-2D (up to a shift β and scale γ);\n"
        + "* **equivalent**: an $h\\times w$ image spends as many positions as $hw$ text tokens, so the next text "
        + "sits at $L+hw+1$;\n"
        + "* **symmetric**: on each axis, the step from the last text token into the block equals the step from the "
        + "block to the next text token.\n\n"
        + "RoPE-TV places patch $(i,j)$ (1-based) at $(\\beta_1+i,\\ \\beta_2+j)$ with\n\n"
        + "$$\\beta_1 = L+\\frac{hw-h}{2},\\qquad \\beta_2 = L+\\frac{hw-w}{2},\\qquad \\text{next text at } L+hw+1,$$\n\n"
        + "so both gaps are $\\big(\\tfrac{hw-h}{2}+1,\\ \\tfrac{hw-w}{2}+1\\big)$. The note argues that RoPE-Tie "
        + "(kexue.fm/archives/10040) breaks equivalence and Qwen2-VL's M-RoPE breaks equivalence and symmetry, and "
        + "hypothesises (spec 04 §9 E4) that unit patch steps keep a model robust when the aspect ratio changes or the "
        + "image is cropped. The note itself reports no experiment and grants that the differences may be small.");

    positionTables(f);
    budgets(f);
    Checks checks = checks(f);
    ctx.progress().message("logit maps");
    logitMaps(f, p, ctx.seed());
    Training tr = training(f, ctx, grid);
    verdict(f, checks, tr);
    return f;
  }

  // ------------------------------------------------------------------ 1. tables and budgets

  /** Coordinates of a layout under a scheme, one string per token. */
  static List<String> column(String scheme, String layout) {
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse(layout));
    List<String> out = new ArrayList<>();
    for (int t = 0; t < pos.tokens(); t++) out.add(tuple(pos.coords(t)));
    return out;
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

  static void positionTables(Findings f) {
    f.md("## 1. Position tables\n\nEvery table below is computed by the position library (`PositionScheme.assign`), "
        + "not typed in. Coordinates are (row, col) for RoPE-Tie and RoPE-TV, (row, col, frame) for RoPE-TV-3D and "
        + "(t, h, w) for M-RoPE; fractions are rounded to 4 digits here only.");
    for (String layout : List.of(SEQUENCE_A, SEQUENCE_B)) {
      Positions flat = PositionScheme.FLAT.assign(Layout.parse(layout));
      Map<String, List<String>> cols = new LinkedHashMap<>();
      for (String s : SCHEMES) cols.put(s, column(s, layout));
      List<String> header = new ArrayList<>(List.of("idx", "kind"));
      header.addAll(SCHEMES);
      List<List<String>> rows = new ArrayList<>();
      for (int t = 0; t < flat.tokens(); t++) {
        List<String> r = new ArrayList<>(List.of(String.valueOf(t), kindLabel(flat, t)));
        for (String s : SCHEMES) r.add(cols.get(s).get(t));
        rows.add(r);
      }
      f.mdf("**`%s`**%s%n%n%s", layout, layout.equals(SEQUENCE_A) ? " (Sequence A of spec 04 §7: $L=2$, $h=2$, $w=3$)"
          : " (a tall image, two text tokens, a one-row image)", Findings.table(header, rows));
    }
  }

  /** "text" or "patch rRcC" (1-based). */
  static String kindLabel(Positions pos, int t) {
    if (pos.kind(t) == TokenKind.TEXT) return "text";
    VisualSpan span = pos.spans().get(pos.spanOf(t));
    int w = ((dev.focus.position.Segment.Image) span.segment()).cols(), k = t - span.start();
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

  static void budgets(Findings f) {
    f.md("## 2. Position budgets\n\nThe budget of a block is how far it moves the text after it: "
        + "$\\text{budget} = (\\text{next text coordinate}) - L - 1$, so $hw$ text tokens have budget $hw$. "
        + "Read from the library on `T I{h}x{w} T`:");
    List<String> header = new ArrayList<>(List.of("h × w", "hw"));
    header.addAll(SCHEMES);
    List<List<String>> rows = new ArrayList<>();
    for (int[] s : BUDGET_SHAPES) {
      List<String> r = new ArrayList<>(List.of(s[0] + " × " + s[1], String.valueOf(s[0] * s[1])));
      for (String scheme : SCHEMES) r.add(coord(budget(scheme, s[0], s[1])));
      rows.add(r);
    }
    f.md(Findings.table(header, rows));
    f.md("Closed forms these match: $hw$ under flat, RoPE-Tie-frac, RoPE-TV and RoPE-TV-3D; $(w+1)(h+1)-1 = hw+h+w$ "
        + "under RoPE-Tie (the next text sits at $L+(w+1)(h+1)$, the figure spec 04 §9 quotes); $\\max(h,w)$ under "
        + "M-RoPE, which compresses a 24×32 image into 32 positions and lets a 1×64 strip cost as much as 64 text "
        + "tokens.");
  }

  // ------------------------------------------------------------------ 3. the checks

  /** Outcome of the checks for one scheme, with the numbers that decide them. */
  record SchemeCheck(String scheme, long textBitMismatches, boolean textFlat, boolean image2d, boolean image2dUnit,
                     String imageSteps, double equivalenceGap, double symmetryGap, boolean cropConsistent, String cropDiffs) {
    boolean compatible() { return textBitMismatches == 0 && textFlat && image2d; }

    boolean equivalent() { return equivalenceGap <= TOL; }

    boolean symmetric() { return symmetryGap <= TOL; }

    boolean allThree() { return compatible() && equivalent() && symmetric(); }
  }

  record Checks(Map<String, SchemeCheck> byScheme) {}

  static Checks checks(Findings f) {
    Map<String, SchemeCheck> out = new LinkedHashMap<>();
    for (String s : SCHEMES) out.put(s, check(s));
    f.mdf("## 3. Compatibility, equivalence, symmetry%n%n"
        + "Each scheme is checked on %d layouts (%s) with the library's coordinates:%n%n"
        + "* **compatible**: (a) 24 text tokens get the flat index $n$ on every axis, and the scheme's rotary table "
        + "(d = %d, base $10^4$, its own pair layout) equals RoPE-1D's **bit for bit** (`Double.doubleToLongBits` of "
        + "every cos, sin and of a rotated random vector); (b) a lone image (2×3, 4×4, 5×2, 3×7) is a 2-D grid: one "
        + "axis moves only with the row, one only with the column, with constant steps $\\gamma$, the others constant "
        + "(RoPE-2D up to shift and scale, which [S3] allows; \"unit\" says whether $\\gamma=1$);%n"
        + "* **equivalent**: every text token $k$ sits at $(k,k[,k])$, as if each block were text; the number is the "
        + "largest misplacement $\\max\\lvert\\text{coord}-k\\rvert$;%n"
        + "* **symmetric**: for each block between two text tokens, left gap (first patch − text before) = right gap "
        + "(text after − last patch) on every axis; the number is the largest difference;%n"
        + "* **crop-consistent** (spec 04 §6.7, not one of the three): patches (2,2) and (3,4) keep their coordinate "
        + "difference in an 8×8 image, its top half (4×8) and its left half (8×4).%n",
        CHECK_LAYOUTS.size(), String.join("; ", CHECK_LAYOUTS.stream().map(l -> "`" + l + "`").toList()), DIM);
    List<List<String>> rows = new ArrayList<>();
    for (SchemeCheck c : out.values()) {
      rows.add(List.of(c.scheme(),
          mark(c.compatible()) + " (bits ≠: " + c.textBitMismatches() + "; image " + (c.image2d() ? "2-D" : "not 2-D")
              + (c.image2d() ? (c.image2dUnit() ? ", unit" : ", scaled") : "") + ")",
          mark(c.equivalent()) + " (" + gap(c.equivalenceGap()) + ")",
          mark(c.symmetric()) + " (" + gap(c.symmetryGap()) + ")",
          mark(c.cropConsistent()) + " " + c.cropDiffs(),
          c.allThree() ? "**all three**" : "fails " + failures(c)));
    }
    f.md(Findings.table(List.of("scheme", "compatible", "equivalent (largest text misplacement)", "symmetric (largest gap difference)",
        "crop-consistent (Δ in 8×8 / top / left)", "[S1] requirements"), rows));
    List<List<String>> steps = new ArrayList<>();
    for (SchemeCheck c : out.values()) steps.add(List.of(c.scheme(), c.imageSteps()));
    f.md("Patch steps (row step, column step) of a lone image, per shape, as measured on the coordinates:\n\n"
        + Findings.table(List.of("scheme", "steps for 2×3, 4×4, 5×2, 3×7"), steps));
    List<List<?>> csv = new ArrayList<>();
    for (SchemeCheck c : out.values()) {
      csv.add(List.of(c.scheme(), c.textBitMismatches(), c.textFlat(), c.image2d(), c.image2dUnit(), c.equivalenceGap(),
          c.symmetryGap(), c.cropConsistent()));
    }
    f.data(DataFile.csv("checks.csv", List.of("scheme", "text_bit_mismatches", "text_flat", "image_2d", "image_unit_steps",
        "equivalence_gap", "symmetry_gap", "crop_consistent"), csv));
    return new Checks(out);
  }

  /** A gap for the tables: below TOL it is float64 rounding of fractional coordinates. */
  static String gap(double g) { return g <= TOL ? (g == 0 ? "0" : "< 1e-9") : Findings.num(g, 4); }

  static String mark(boolean ok) { return ok ? "pass" : "**fail**"; }

  static String failures(SchemeCheck c) {
    List<String> l = new ArrayList<>();
    if (!c.compatible()) l.add("compatibility");
    if (!c.equivalent()) l.add("equivalence");
    if (!c.symmetric()) l.add("symmetry");
    return String.join(", ", l);
  }

  /** The rotary encoding of a scheme at d = 128 (mrope: BLOCKED(16,24,24) + HALF; others ADJACENT). */
  static Rope rope(String scheme) {
    return (Rope) PositionSpec.parse(scheme).withBase(BASE).create(DIM, 1, 1);
  }

  static SchemeCheck check(String scheme) {
    PositionScheme ps = PositionKind.parse(scheme).scheme();
    // (a) compatibility with RoPE-1D on pure text, bit for bit.
    Positions text = ps.assign(Layout.text(24));
    boolean textFlat = true;
    for (int t = 0; t < text.tokens(); t++) for (double c : text.coords(t)) textFlat &= c == t;
    Rope r = rope(scheme);
    Rope oneD = Rope.oneD(DIM, BASE).withLayout(r.layout());
    RopeTable a = r.table(text.coords()), b = oneD.table(PositionScheme.FLAT.assign(Layout.text(24)).coords());
    long mismatches = 0;
    SplittableRandom rng = new SplittableRandom(7);
    for (int t = 0; t < text.tokens(); t++) {
      for (int i = 0; i < DIM / 2; i++) {
        if (Double.doubleToLongBits(a.cos(t, i)) != Double.doubleToLongBits(b.cos(t, i))) mismatches++;
        if (Double.doubleToLongBits(a.sin(t, i)) != Double.doubleToLongBits(b.sin(t, i))) mismatches++;
      }
      double[] v = new double[DIM];
      for (int e = 0; e < DIM; e++) v[e] = rng.nextDouble() * 2 - 1;
      double[] va = a.rotateVector(v.clone(), t), vb = b.rotateVector(v.clone(), t);
      for (int e = 0; e < DIM; e++) if (Double.doubleToLongBits(va[e]) != Double.doubleToLongBits(vb[e])) mismatches++;
    }
    // (b) a lone image is a 2-D grid.
    boolean grid = true, unit = true;
    List<String> stepText = new ArrayList<>();
    for (int[] s : new int[][] {{2, 3}, {4, 4}, {5, 2}, {3, 7}}) {
      double[] g = gridSteps(ps.assign(Layout.parse("I" + s[0] + "x" + s[1])), s[0], s[1]);
      if (g == null) {
        grid = false;
        unit = false;
        stepText.add("none");
      } else {
        unit &= Math.abs(g[0] - 1) <= TOL && Math.abs(g[1] - 1) <= TOL;
        stepText.add("(" + coord(g[0]) + ", " + coord(g[1]) + ")");
      }
    }
    // Equivalence and symmetry over the layouts.
    double eq = 0, sym = 0;
    for (String l : CHECK_LAYOUTS) {
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
    List<String> diffs = new ArrayList<>();
    boolean crop = true;
    double[] ref = null;
    for (int[] s : new int[][] {{8, 8}, {4, 8}, {8, 4}}) {
      Positions pos = ps.assign(Layout.parse("T I" + s[0] + "x" + s[1] + " T"));
      double[] p1 = pos.coords(1 + s[1] + 1), p2 = pos.coords(1 + 2 * s[1] + 3), d = new double[p1.length];
      for (int ax = 0; ax < d.length; ax++) d[ax] = p2[ax] - p1[ax];
      if (ref == null) ref = d;
      else for (int ax = 0; ax < d.length; ax++) crop &= Math.abs(ref[ax] - d[ax]) <= TOL;
      diffs.add(tuple(d));
    }
    return new SchemeCheck(scheme, mismatches, textFlat, grid, unit, String.join(", ", stepText), eq, sym, crop,
        String.join(" / ", diffs));
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

  // ------------------------------------------------------------------ 4. logit maps

  /** ⟨R_{p_q} q, R_{p_k} k⟩ for rotary table rows qRow, kRow. */
  static double logit(RopeTable table, int qRow, int kRow, double[] q, double[] k) {
    double[] a = table.rotateVector(q.clone(), qRow), b = table.rotateVector(k.clone(), kRow);
    double s = 0;
    for (int e = 0; e < a.length; e++) s += a[e] * b[e];
    return s;
  }

  /**
   * The logit map of one scheme around an h×w block in "T T T T I{h}x{w} T T T T": (h, 2w) values,
   * columns 0..w−1 from the text just before the block, w..2w−1 from the text just after it.
   * {@code draws} = 0 uses q = k = 1; otherwise the mean over draws of q, k ~ U[0,1]^d.
   */
  static double[][] logitMap(String scheme, int h, int w, int draws, long seed) {
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse("T T T T I" + h + "x" + w + " T T T T"));
    RopeTable table = rope(scheme).table(pos.coords());
    int before = 3, after = 4 + h * w;
    double[][] m = new double[h][2 * w];
    SplittableRandom rng = new SplittableRandom(seed);
    int n = Math.max(1, draws);
    for (int s = 0; s < n; s++) {
      double[] q = new double[DIM], k = new double[DIM];
      for (int e = 0; e < DIM; e++) {
        q[e] = draws == 0 ? 1 : rng.nextDouble();
        k[e] = draws == 0 ? 1 : rng.nextDouble();
      }
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          int patch = 4 + i * w + j;
          m[i][j] += logit(table, before, patch, q, k) / n;
          m[i][w + j] += logit(table, after, patch, q, k) / n;
        }
      }
    }
    return m;
  }

  static void logitMaps(Findings f, Profile p, long seed) {
    int[][] shapes = p == Profile.FULL ? new int[][] {{6, 6}, {4, 8}, {8, 4}} : new int[][] {{4, 8}};
    String[] names = p == Profile.FULL ? new String[] {"square", "wide", "tall"} : new String[] {"wide"};
    f.md("## 4. Logit maps around a block\n\nFor the layout `T T T T I{h}x{w} T T T T` the map shows, at each "
        + "patch $(r, c)$, the rotary logit $\\langle R_{p}\\,q,\\ R_{p'}\\,k\\rangle$ from the text token just "
        + "before the block (left half of each map) and just after it (right half), with $d=128$, base $10^4$. "
        + "With $q=k=\\mathbf 1$ each pair contributes $2\\cos(\\Delta\\cdot\\theta_i)$; with $q, k\\sim U[0,1]^d$ "
        + "(mean of 256 draws) the expectation is a quarter of that plus noise. A symmetric scheme gives the same "
        + "value before→first patch and after→last patch.");
    List<List<String>> rows = new ArrayList<>();
    List<List<?>> csv = new ArrayList<>();
    for (int si = 0; si < shapes.length; si++) {
      int h = shapes[si][0], w = shapes[si][1];
      for (String scheme : MAPPED) {
        double[][] ones = logitMap(scheme, h, w, 0, seed), rand = logitMap(scheme, h, w, 256, seed + 1);
        for (int[] which : new int[][] {{0, 0}, {1, 1}}) {
          double[][] m = which[0] == 0 ? ones : rand;
          String id = "logits-" + names[si] + "-" + scheme + (which[0] == 0 ? "-ones" : "-random");
          f.chart(Chart.heatmap(id, scheme + ", " + h + "×" + w + " block, " + (which[0] == 0 ? "q = k = 1" : "random q, k (256 draws)")
                  + ": text before (left) | text after (right)", "patch column (before | after)", "patch row",
              new Heatmap(rowLabels(h), colLabels(w), m)));
        }
        rows.add(List.of(scheme, h + "×" + w, Findings.num(ones[0][0], 3), Findings.num(ones[h - 1][2 * w - 1], 3),
            Findings.num(ones[h - 1][w - 1], 3), Findings.num(ones[0][w], 3), Findings.num(mean(ones, 0, w), 3),
            Findings.num(mean(ones, w, 2 * w), 3)));
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) {
            csv.add(List.of(scheme, h, w, i + 1, j + 1, ones[i][j], ones[i][w + j], rand[i][j], rand[i][w + j]));
          }
        }
      }
    }
    f.md("Values with $q=k=\\mathbf 1$ (at most $d = 128$):\n\n" + Findings.table(List.of("scheme", "block", "before→first",
        "after→last", "before→last", "after→first", "mean before→block", "mean after→block"), rows));
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
    for (double[] r : m) for (int c = c0; c < c1; c++) {
      s += r[c];
      n++;
    }
    return s / n;
  }

  // ------------------------------------------------------------------ 5. training comparison

  /** Sizes of the training comparison per profile. */
  record Grid(int seeds, int steps, int evalN, int layers) {
    static Grid of(Profile p) {
      return new Grid(p.pick(1, 1, 3), p.pick(4, QUICK_STEPS, 3000), p.pick(8, 200, 1000), 2);
    }

    long evalUnits() { return Math.max(1, (long) evalN * SHAPES.length / 100); }
  }

  static final int QUICK_STEPS = 2000;
  /** RoPE-TV must reach this accuracy on squares (chance 0.25) before the training comparison counts. */
  static final double LEARNED = 0.4;
  /**
   * RoPE base of the grid models. Their heads have 16 dims (8 frequencies) and sequences under 100
   * tokens; with base 10⁴ only the first frequency or two turn noticeably over a few positions.
   */
  static final double GRID_BASE = 100;
  static final double INIT_STD = 0.02;
  /** Cell questions per grid (every relation the anchor allows is asked too). */
  static final int AT_QUESTIONS = 4;
  /** Test shapes (h, w): squares seen in training, then the wide/tall crops of the 4×4 grid and thin strips. */
  static final int[][] SHAPES = {{3, 3}, {4, 4}, {2, 4}, {4, 2}, {1, 4}, {4, 1}};
  static final int SQUARES = 2;
  static final double CHANCE = 0.25;

  /** Accuracy on a w-wide grid of a model that finds the row (or column) only and guesses uniformly along it. */
  static double oneAxis(int w) { return 1.0 / w + (1 - 1.0 / w) * CHANCE; }

  /** The one-axis level averaged over the two square test shapes (3×3, 4×4). */
  static final double ONE_AXIS_SQUARES = (oneAxis(3) + oneAxis(4)) / 2;

  /** Mean accuracy per scheme, task and shape group, with the per-seed values. */
  record Training(Map<String, double[][][]> acc, int seeds) {
    /** Margin for at against the one-axis level: 2 s.d. across seeds of any scheme, at least 3 points. */
    double atMargin() {
      double m = 0.03;
      for (String s : acc.keySet()) m = Math.max(m, 2 * sd(s, 0, false));
      return m;
    }

    /** Whether a scheme's at accuracy on squares beats the one-axis level by the margin. */
    boolean grounds(String scheme) { return mean(scheme, 0, false) > ONE_AXIS_SQUARES + atMargin(); }

    /** acc.get(scheme)[task][shape][seed]. */
    double mean(String scheme, int task, boolean shifted) {
      double s = 0;
      int n = 0;
      double[][] a = acc.get(scheme)[task];
      for (int sh = shifted ? SQUARES : 0; sh < (shifted ? SHAPES.length : SQUARES); sh++) {
        if (a[sh] == null) continue;
        for (double v : a[sh]) {
          s += v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : s / n;
    }

    /** Standard deviation across seeds of the per-seed group means. */
    double sd(String scheme, int task, boolean shifted) {
      if (seeds < 2) return 0;
      double[] per = new double[seeds];
      for (int s = 0; s < seeds; s++) {
        double sum = 0;
        int n = 0;
        double[][] a = acc.get(scheme)[task];
        for (int sh = shifted ? SQUARES : 0; sh < (shifted ? SHAPES.length : SQUARES); sh++) {
          if (a[sh] == null) continue;
          sum += a[sh][s];
          n++;
        }
        per[s] = sum / n;
      }
      return Stats.sd(per);
    }
  }

  static Training training(Findings f, LabContext ctx, Grid g) {
    f.mdf("## 5. Training comparison: spatial grounding and aspect-ratio/crop shift%n%n"
        + "A grid image of $h\\times w$ cells, each a 2×2-pixel pattern of one symbol (a, b, c, d; one patch per cell), "
        + "is followed by questions, each answered by one character:%n%n"
        + "* **at** (spatial grounding, E3): `r2c3` → the symbol at row 2, column 3 (%d distinct cells per grid);%n"
        + "* **rel** (relations, E3): one cell holds the anchor x; `up`, `dn`, `lt`, `rt` → the symbol next to x in "
        + "that direction (every direction the anchor allows).%n%n"
        + "The questions are shuffled and asked in one sequence, `[BOS] [IMG] p(1,1) … p(h,w) [/IMG] dn b r2c3 a up d …`, "
        + "and only the answers carry a loss. Models are trained on **square** grids only (2×2 to 4×4) and tested on "
        + "fresh squares (3×3, 4×4) and on **shifted** shapes (E4): the top and left halves of a 4×4 grid (2×4, 4×2) "
        + "and 1×4 / 4×1 strips. A relation is the same grid offset in every shape, so a scheme whose patch steps do "
        + "not depend on the shape (RoPE-TV, M-RoPE: unit steps) sees the offsets it was trained on, while flat "
        + "(\"below\" is $w$ tokens later) and RoPE-Tie (row step $w+1$, column step $h+1$) see new ones. "
        + "Same model for every scheme (width 64, %d layers, 4 heads of 16, SwiGLU 128, RoPE base %s, M-RoPE sections "
        + "2/3/3), "
        + "%d steps of batch 32 (the first half on 2×2 and 3×3 grids only: small grids first), AdamW lr "
        + "$3\\cdot10^{-3}$ with cosine decay, init s.d. %s, %d seed(s). Accuracy is exact match of "
        + "each answer (earlier answers given) on %d fresh grids per shape (chance about 25%%).%n",
        AT_QUESTIONS, g.layers(), coord(GRID_BASE), g.steps(), coord(INIT_STD), g.seeds(), g.evalN());
    f.md("*How these settings were chosen* (short single-seed RoPE-TV runs while building this report; at accuracy on "
        + "3×3 / 4×4 in %): the first version (1000 steps, all squares from the start) reached 48 / 39, close to the "
        + "one-axis level below. Init s.d. 0.1 instead of 0.02 gave 50 / 42, 2000 steps 52 / 40, three layers 49 / 38, "
        + "width 128 44 / 38, lr $10^{-2}$ 43 / 35 and eight cell questions per grid 47 / 38: none of them left that level. "
        + "Small grids first did: with the first half of the steps on 2×2 and 3×3, 1000 steps gave 60 / 47, 1500 steps "
        + "75 / 55 on that seed but 52 / 39 on this report's seed, 2000 steps 82 / 58, 61 / 52 and 80 / 52 on three "
        + "seeds (all above the one-axis level). The quick profile therefore uses 2000 steps, but whether RoPE-TV "
        + "grounds at this budget depends on the seed: the table further down says whether it did in this run. M-RoPE "
        + "did not move with the curriculum either (42 / 36 at 1000 steps).\n");
    List<List<String>> angles = new ArrayList<>();
    for (String scheme : TRAINED) {
      double[] a = stepAngles(scheme, 4, 4), b = stepAngles(scheme, 4, 2);
      angles.add(List.of(scheme, Findings.num(a[0], 3), Findings.num(a[1], 3), Findings.num(b[0], 3), Findings.num(b[1], 3)));
    }
    f.md("How far one cell step turns the fastest rotary pair of these 16-dim heads (radians), on a 4×4 grid and on its "
        + "4×2 left half. Bigger angles make neighbours easier to tell apart in a small model; under RoPE-TV and M-RoPE "
        + "they do not change with the shape, under flat and RoPE-Tie they do. M-RoPE's blocked sections leave the "
        + "column axis only the slowest frequencies:\n\n" + Findings.table(List.of("scheme", "row step, 4×4",
        "column step, 4×4", "row step, 4×2", "column step, 4×2"), angles));
    Map<String, double[][][]> acc = new LinkedHashMap<>();
    for (String s : TRAINED) acc.put(s, new double[2][SHAPES.length][]);
    List<List<?>> csv = new ArrayList<>();
    for (int seed = 0; seed < g.seeds(); seed++) {
      for (String scheme : TRAINED) {
        if (ctx.cancelled()) break;
        ctx.progress().message("grids: " + scheme + " seed " + seed);
        long sd = ctx.seed() * 31 + seed;
        MultimodalModel m = SymbolGrids.train(scheme, new SymbolGrids.Settings(g.steps(), 32, 3e-3, 2, 4, g.steps() / 2, 64, g.layers(),
            AT_QUESTIONS, GRID_BASE, INIT_STD, sd), SymbolGrids.CONTEXT, step -> ctx.progress().step(1), ctx::cancelled);
        for (int sh = 0; sh < SHAPES.length; sh++) {
          int h = SHAPES[sh][0], w = SHAPES[sh][1];
          double[] a = SymbolGrids.accuracy(m, h, w, g.evalN(), AT_QUESTIONS, sd * 7919 + sh);
          for (int task = 0; task < 2; task++) {
            double[][] per = acc.get(scheme)[task];
            if (per[sh] == null) per[sh] = new double[g.seeds()];
            per[sh][seed] = a[task];
            csv.add(List.of(scheme, seed, task == 0 ? "at" : "rel", h + "x" + w, sh < SQUARES ? "square" : "shifted", a[task]));
          }
        }
        ctx.progress().step(g.evalUnits());
      }
    }
    Training tr = new Training(acc, g.seeds());
    List<String> header = new ArrayList<>(List.of("scheme"));
    for (String t : List.of("at", "rel")) for (int[] s : SHAPES) header.add(t + " " + s[0] + "×" + s[1]);
    List<List<String>> rows = new ArrayList<>();
    for (String scheme : TRAINED) {
      List<String> r = new ArrayList<>(List.of(scheme));
      for (int task = 0; task < 2; task++) {
        for (int sh = 0; sh < SHAPES.length; sh++) r.add(pct(Stats.mean(acc.get(scheme)[task][sh])));
      }
      rows.add(r);
    }
    f.md("Accuracy (%) by task and test shape" + (g.seeds() > 1 ? ", mean of " + g.seeds() + " seeds" : "") + ":\n\n"
        + Findings.table(header, rows));
    List<List<String>> summary = new ArrayList<>();
    for (String scheme : TRAINED) {
      summary.add(List.of(scheme, pm(tr, scheme, 0, false), pm(tr, scheme, 0, true), pm(tr, scheme, 1, false), pm(tr, scheme, 1, true),
          Findings.num(100 * (tr.mean(scheme, 1, true) - tr.mean(scheme, 1, false)), 3)));
    }
    f.md("By shape group (squares 3×3, 4×4 vs shifted 2×4, 4×2, 1×4, 4×1):\n\n" + Findings.table(List.of("scheme",
        "at, squares", "at, shifted", "rel, squares", "rel, shifted", "rel: shifted − squares (points)"), summary)
        + "\nThe shifted shapes have fewer cells (and strips only two directions), so every scheme may score higher on "
        + "them; what E4 predicts is the *relative* change: RoPE-Tie's should fall behind RoPE-TV's and M-RoPE's.");
    List<String> grounded = new ArrayList<>(), oneAxisOnly = new ArrayList<>();
    List<List<String>> atRows = new ArrayList<>();
    for (String scheme : TRAINED) {
      double a = tr.mean(scheme, 0, false);
      (tr.grounds(scheme) ? grounded : oneAxisOnly).add(scheme);
      atRows.add(List.of(scheme, pct(a), signed(a - CHANCE), signed(a - ONE_AXIS_SQUARES), tr.grounds(scheme) ? "yes" : "no"));
    }
    f.mdf("**Absolute grounding (at)** is the harder skill: a patch must know its own row and column, which relative "
        + "positions give only through the image edges (or, under M-RoPE, through the offset to the [IMG] token), and "
        + "the answer needs both coordinates at once. A model that finds one coordinate only and guesses along the other "
        + "scores $\\frac1w+(1-\\frac1w)\\cdot\\frac14$: %s%% on 3×3, %s%% on 4×4 (%s%% on the two squares), against "
        + "chance 25%%. A scheme *grounds* here when its at accuracy on squares beats that one-axis level by more than "
        + "%s points (the noise margin: 2 s.d. across seeds, at least 3 points):%n%n%s%n"
        + "%s.%n",
        pct(oneAxis(3)), pct(oneAxis(4)), pct(ONE_AXIS_SQUARES), Findings.num(100 * tr.atMargin(), 2),
        Findings.table(List.of("scheme", "at, squares (%)", "vs chance (points)", "vs one-axis level (points)", "grounds"), atRows),
        grounded.isEmpty() ? "No scheme grounds both coordinates in this run, so the verdict rests on the relations"
            : oneAxisOnly.isEmpty() ? "Every scheme grounds both coordinates in this run, so the verdict uses both question types"
            : "Grounding both coordinates: " + String.join(", ", grounded) + "; at the one-axis level or below: "
                + String.join(", ", oneAxisOnly) + ". The verdict uses at only where both RoPE-TV and RoPE-Tie ground");
    double[][] bars = new double[4][TRAINED.size()];
    for (int i = 0; i < TRAINED.size(); i++) {
      String s = TRAINED.get(i);
      bars[0][i] = 100 * nz(tr.mean(s, 0, false));
      bars[1][i] = 100 * nz(tr.mean(s, 0, true));
      bars[2][i] = 100 * nz(tr.mean(s, 1, false));
      bars[3][i] = 100 * nz(tr.mean(s, 1, true));
    }
    f.chart(Chart.bar("grid-accuracy", "Symbol-grid accuracy: trained on squares, tested on squares and shifted shapes",
        "scheme", "accuracy (%)", TRAINED, Series.of("at, squares", bars[0]), Series.of("at, shifted", bars[1]),
        Series.of("rel, squares", bars[2]), Series.of("rel, shifted", bars[3])));
    f.data(DataFile.csv("grid-accuracy.csv", List.of("scheme", "seed", "task", "shape", "group", "accuracy"), csv));
    return tr;
  }

  /**
   * The largest angle |Δcoord[axisOf(i)]|·θ_i over the pairs of a grid model's head (16 dims, base
   * GRID_BASE) between patch (1,1) and (2,1) (row step) and between (1,1) and (1,2) (column step).
   */
  static double[] stepAngles(String scheme, int h, int w) {
    PositionSpec o = PositionSpec.parse(scheme).withBase(GRID_BASE);
    if (scheme.equals("mrope")) o = o.withSections(2, 3, 3);
    dev.focus.position.FrequencyPlan plan = ((Rope) o.create(64, 4, 1)).plan();
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

  /** A change in accuracy as signed points. */
  static String signed(double d) { return Double.isNaN(d) ? "n/a" : (d >= 0 ? "+" : "−") + Findings.num(100 * Math.abs(d), 3); }

  static double nz(double v) { return Double.isNaN(v) ? 0 : v; }

  static String pct(double v) { return Double.isNaN(v) ? "n/a" : Findings.num(100 * v, 3); }

  static String pm(Training tr, String scheme, int task, boolean shifted) {
    return pct(tr.mean(scheme, task, shifted)) + (tr.seeds() > 1 ? " ± " + Findings.num(100 * tr.sd(scheme, task, shifted), 2) : "");
  }

  // ------------------------------------------------------------------ 6. verdict

  static void verdict(Findings f, Checks c, Training tr) {
    Map<String, SchemeCheck> m = c.byScheme();
    SchemeCheck tv = m.get("rope-tv");
    boolean tvAll = tv.allThree() && tv.cropConsistent();
    List<String> passAllThree = new ArrayList<>();
    for (SchemeCheck s : m.values()) if (s.allThree() && !s.scheme().startsWith("rope-tv")) passAllThree.add(s.scheme());
    boolean othersFailOne = true;
    for (SchemeCheck s : m.values()) {
      if (!s.scheme().startsWith("rope-tv") && s.allThree() && s.cropConsistent()) othersFailOne = false;
    }
    boolean staticOk = tvAll && othersFailOne;
    // Training: rel under shift. Shifted shapes have fewer cells and directions, so every scheme may gain on them;
    // E4's claim is relative: RoPE-Tie (shape-dependent steps) should change for the worse against RoPE-TV.
    double tvSq = tr.mean("rope-tv", 1, false), tvSh = tr.mean("rope-tv", 1, true);
    double tieSq = tr.mean("rope-tie", 1, false), tieSh = tr.mean("rope-tie", 1, true);
    double flatSq = tr.mean("flat", 1, false), flatSh = tr.mean("flat", 1, true);
    double mrSq = tr.mean("mrope", 1, false), mrSh = tr.mean("mrope", 1, true);
    double tvD = tvSh - tvSq, tieD = tieSh - tieSq, flatD = flatSh - flatSq, mrD = mrSh - mrSq;
    double noise = Math.max(0.05, 2 * Math.max(tr.sd("rope-tv", 1, true), tr.sd("rope-tie", 1, true)));
    boolean learned = tvSq >= LEARNED;
    boolean tieSuffers = tvD - tieD > noise;
    boolean tvNotBehind = tvSh >= tieSh - noise;
    // At (absolute grounding) joins the verdict only when both RoPE-TV and RoPE-Tie ground both coordinates.
    boolean atBoth = tr.grounds("rope-tv") && tr.grounds("rope-tie");
    double tvAtSq = tr.mean("rope-tv", 0, false), tvAtSh = tr.mean("rope-tv", 0, true);
    double tieAtSq = tr.mean("rope-tie", 0, false), tieAtSh = tr.mean("rope-tie", 0, true);
    double tvAtD = tvAtSh - tvAtSq, tieAtD = tieAtSh - tieAtSq;
    double atNoise = Math.max(0.05, 2 * Math.max(tr.sd("rope-tv", 0, true), tr.sd("rope-tie", 0, true)));
    boolean atTieSuffers = tvAtD - tieAtD > atNoise;
    boolean trainOk = learned && tieSuffers && tvNotBehind && (!atBoth || atTieSuffers);
    List<String> notGrounding = new ArrayList<>();
    for (String s : TRAINED) if (!tr.grounds(s)) notGrounding.add(s);
    String at = atBoth
        ? String.format(Locale.ROOT, "On at, which RoPE-TV and RoPE-Tie both ground, the change from squares to shifted "
            + "shapes is %s points for RoPE-TV (%s%% → %s%%) and %s for RoPE-Tie (%s%% → %s%%; noise margin %s points): "
            + "%s", signed(tvAtD), pct(tvAtSq), pct(tvAtSh), signed(tieAtD), pct(tieAtSq), pct(tieAtSh),
            Findings.num(100 * atNoise, 2), atTieSuffers ? "RoPE-Tie loses relative to RoPE-TV, as E4 expects."
                : "RoPE-Tie does not lose relative to RoPE-TV beyond the margin, against E4.")
        : String.format(Locale.ROOT, "At is left out of the verdict: %s do%s not beat the one-axis level of %s%% by the "
            + "margin on squares (RoPE-TV %s%%, RoPE-Tie %s%%).", String.join(", ", notGrounding),
            notGrounding.size() == 1 ? "es" : "", pct(ONE_AXIS_SQUARES), pct(tvAtSq), pct(tieAtSq));
    Verdict v = !staticOk ? Verdict.CONTRADICTS : trainOk ? Verdict.AGREES : Verdict.PARTLY;
    String training = !learned
        ? String.format(Locale.ROOT, "RoPE-TV reached only %s%% on squares (below %s%%; chance 25%%), too little for the "
            + "comparison to decide.", pct(tvSq), pct(LEARNED))
        : trainOk ? "Relative to its accuracy on squares, RoPE-Tie loses against RoPE-TV on the shifted shapes and RoPE-TV "
            + "is not behind it there, as spec 04 E4 expects."
        : tieSuffers ? String.format(Locale.ROOT, "Relative to squares RoPE-Tie does lose against RoPE-TV, as E4 expects, but "
            + "it learns the relations much faster in these short runs (its patch steps of $w+1$, $h+1$ turn the fastest "
            + "rotary pair %s times further per cell than RoPE-TV's unit steps on a 4×4 grid) and stays ahead on the "
            + "shifted shapes in absolute terms.", Findings.num(stepAngles("rope-tie", 4, 4)[0] / stepAngles("rope-tv", 4, 4)[0], 2))
        : "Relative to squares RoPE-Tie does not lose against RoPE-TV beyond the noise margin: the drop E4 expects for "
            + "RoPE-Tie does not appear in this run.";
    f.mdf("## Verdict%n%n**%s.** On the static checks RoPE-TV is %s (compatible with %d bit mismatches against RoPE-1D, "
            + "equivalence gap %s, symmetry gap %s, crop-consistent %s). The other schemes: %s. %s%n%n"
            + "In training (rel task, trained on squares), the change from squares to shifted shapes is %s points for "
            + "RoPE-TV (%s%% → %s%%), %s for RoPE-Tie (%s%% → %s%%), %s for flat and %s for M-RoPE (noise margin %s "
            + "points). %s%n%n%s",
        v.label(), tvAll ? "the only 2-D scheme passing all three requirements and crop consistency" : "not passing every check",
        tv.textBitMismatches(), gap(tv.equivalenceGap()), gap(tv.symmetryGap()), tv.cropConsistent() ? "yes" : "no",
        othersSummary(m),
        passAllThree.isEmpty() ? "" : "Note that " + String.join(", ", passAllThree) + " also meets the three [S1] requirements "
            + "when a scaled grid counts as RoPE-2D (as [S3] allows); what separates it from RoPE-TV is that its steps "
            + "depend on the image shape (crop consistency).",
        signed(tvD), pct(tvSq), pct(tvSh), signed(tieD), pct(tieSq), pct(tieSh), signed(flatD), signed(mrD),
        Findings.num(100 * noise, 2), training, at);
    f.verdict(v, String.format(Locale.ROOT, "Static checks: RoPE-TV %s; %s. Trained on square symbol grids, RoPE-TV "
            + "answers relation questions on shifted shapes at %s%% (squares %s%%), RoPE-Tie %s%% (squares %s%%), flat %s%%, "
            + "M-RoPE %s%%.%s",
        tvAll ? "passes compatibility, equivalence, symmetry and crop consistency" : "fails " + failures(tv),
        othersSummary(m).replace(" (off by up to", " (up to").replace("; rope-tv-3d passes all", ""),
        pct(tvSh), pct(tvSq), pct(tieSh), pct(tieSq), pct(flatSh), pct(mrSh),
        atBoth ? String.format(Locale.ROOT, " Cell questions (at): RoPE-TV %s%% → %s%%, RoPE-Tie %s%% → %s%% (squares → shifted).",
            pct(tvAtSq), pct(tvAtSh), pct(tieAtSq), pct(tieAtSh))
            : " Cell questions (at) are left out: " + String.join(", ", notGrounding) + " stay at the one-axis level."));
  }

  static String othersSummary(Map<String, SchemeCheck> m) {
    List<String> parts = new ArrayList<>();
    for (SchemeCheck s : m.values()) {
      if (s.scheme().equals("rope-tv")) continue;
      List<String> fails = new ArrayList<>();
      if (!s.compatible()) fails.add("compatibility");
      if (!s.equivalent()) fails.add("equivalence (off by up to " + gap(s.equivalenceGap()) + ")");
      if (!s.symmetric()) fails.add("symmetry (gaps differ by up to " + gap(s.symmetryGap()) + ")");
      if (!s.cropConsistent()) fails.add("crop consistency");
      parts.add(s.scheme() + (fails.isEmpty() ? " passes all" : " fails " + String.join(", ", fails)));
    }
    return String.join("; ", parts);
  }
}
