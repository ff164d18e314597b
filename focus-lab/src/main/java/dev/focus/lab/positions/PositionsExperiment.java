package dev.focus.lab.positions;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Note 4 (spec 04): positions for interleaved text and images. RoPE-TV [S1] is claimed to be the
 * scheme that is compatible (text = RoPE-1D, a lone image = RoPE-2D), equivalent (an h×w block
 * spends hw positions) and symmetric (the gap into a block equals the gap out of it). Sections:
 * position tables and budgets ({@link PositionTables}, E1), the three checks on every scheme over a
 * set of layouts ({@link SchemeChecks}, §1, §6), the logit maps around a block ({@link LogitMaps},
 * E1), and a small training comparison on symbol grids, one {@link GridRun} per scheme and seed:
 * spatial grounding and aspect-ratio/crop shift (E3/E4).
 *
 * <p>Legend: L the coordinate of the text token before a block, h rows × w columns of patches,
 * N = hw, d the rotary dim (128 here, base 10⁴), T tokens.
 */
public final class PositionsExperiment implements Experiment<PositionsExperiment.Settings, PositionsExperiment.Results> {
  /** Every multimodal scheme of spec 04 §5. */
  static final List<String> SCHEMES = List.of("flat", "rope-tie", "rope-tie-frac", "rope-tv", "rope-tv-3d", "mrope", "mrope-i");
  /** Image schemes drawn as heat maps (rope-tv-3d equals rope-tv on images up to its constant frame axis). */
  static final List<String> MAPPED = List.of("flat", "rope-tie", "rope-tie-frac", "rope-tv", "mrope", "mrope-i");
  /**
   * Schemes of the training comparison. {@code mrope-i} (M-RoPE's coordinates with interleaved
   * frequencies) separates M-RoPE's coordinate rule from its blocked frequency sections, which leave the
   * column axis of a 16-dim head only the slowest frequencies.
   */
  static final List<String> TRAINED = List.of("flat", "rope-tie", "rope-tv", "mrope", "mrope-i");
  /** Video schemes of the stress cases, and the shapes (t, h, w): cubes, then long thin videos. */
  static final List<String> VIDEO_SCHEMES = List.of("flat", "rope-tv-3d", "mrope");
  static final List<VideoStress.Shape> VIDEO_SHAPES = List.of(video(2, 2, 2), video(4, 4, 4), video(8, 8, 8), video(16, 1, 1),
      video(64, 1, 1), video(64, 2, 2), video(256, 2, 2));
  static final int DIM = 128;
  static final double BASE = 10000.0;
  static final String SEQUENCE_A = "T T T I2x3 T T";
  static final String SEQUENCE_B = "T I3x2 T T I1x4 T";
  /** Image shapes of the budget table. */
  static final List<BlockShape> BUDGET_SHAPES = shapes(1, 1, 2, 3, 3, 2, 4, 4, 2, 8, 8, 2, 16, 16, 1, 64, 24, 32);
  /** Layouts of the checks: blocks of many shapes, leading and adjacent blocks. */
  static final List<String> CHECK_LAYOUTS = List.of(SEQUENCE_A, "T I4x4 T", "T T I1x5 T", "T T I5x1 T", "T I3x7 T T",
      "T I2x3 I3x2 T", "I2x2 T T", "T I6x2 T I2x6 T");
  static final int QUICK_STEPS = 2000;
  /**
   * RoPE base of the grid models. Their heads have 16 dims (8 frequencies) and sequences under 100
   * tokens; with base 10⁴ only the first frequency or two turn noticeably over a few positions.
   */
  static final double GRID_BASE = 100;
  static final double INIT_STD = 0.02;
  /** Cell questions per grid (every relation the anchor allows is asked too). */
  static final int AT_QUESTIONS = 4;
  /** Test shapes: squares seen in training, then the wide/tall crops of the 4×4 grid and thin strips. */
  static final List<BlockShape> SHAPES = shapes(3, 3, 4, 4, 2, 4, 4, 2, 1, 4, 4, 1);

  /** The schemes whose comparison decides the verdict (RoPE-Tie against RoPE-TV); flat and M-RoPE are baselines. */
  static final List<String> DECIDING = List.of("rope-tie", "rope-tv");

  /**
   * Sizes of the training comparison: {@code seeds} of the deciding schemes, {@code otherSeeds} of
   * the baselines flat and M-RoPE, {@code interleavedSeeds} of {@code mrope-i}. Quick trains only the
   * deciding schemes: the baselines are shown, not compared, and went to full to keep quick within 20
   * minutes (issue #13: quick runs the arms that decide; the report says what full adds).
   */
  public record Grid(int seeds, int otherSeeds, int interleavedSeeds, int steps, int evalN, int layers) implements Serializable {
    static Grid of(Profile p) {
      return new Grid(p.pick(2, 3, 5), p.pick(1, 0, 5), p.pick(1, 0, 5), p.pick(4, QUICK_STEPS, 3000), p.pick(8, 200, 1000), 2);
    }

    /** Seeds of {@code scheme}. */
    int seedsOf(String scheme) {
      return DECIDING.contains(scheme) ? seeds : scheme.equals("mrope-i") ? interleavedSeeds : otherSeeds;
    }

    /** The schemes of {@link #TRAINED} this grid trains (at least one seed), in that order. */
    List<String> trained() { return TRAINED.stream().filter(s -> seedsOf(s) > 0).toList(); }
  }

  /** {@code runs}: one grid training per seed and scheme, seed-major. */
  public record Settings(PositionTables.Settings tables, SchemeChecks.Settings checks, VideoStress.Settings stress,
                         LogitMaps.Settings maps, Grid grid, List<GridRun.Settings> runs) implements Serializable {
    public Settings {
      runs = List.copyOf(runs);
    }
  }

  /** How far one cell step turns the fastest rotary pair of a grid model, (row, column) on 4×4 and on 4×2. */
  public record StepAngles(String scheme, double[] square, double[] half) implements Serializable {}

  public record Results(PositionTables.Result tables, SchemeChecks.Result checks, VideoStress.Result stress, LogitMaps.Result maps,
                        List<StepAngles> angles, List<GridRun.Result> runs) implements Serializable {}

  @Override public String slug() { return "04-multimodal-positions"; }

  @Override public String title() { return "Positions for interleaved text, images and video"; }

  @Override
  public double expectedMinutes(Profile profile) { return profile.pick(0.2, 3, 45); }

  @Override
  public Settings settings(Profile p, long seed) {
    Grid g = Grid.of(p);
    List<LogitMaps.NamedShape> maps = p == Profile.FULL
        ? List.of(named("square", 6, 6), named("wide", 4, 8), named("tall", 8, 4)) : List.of(named("wide", 4, 8));
    List<GridRun.Settings> runs = new ArrayList<>();
    for (int s = 0; s < Math.max(g.seeds(), Math.max(g.otherSeeds(), g.interleavedSeeds())); s++) {
      for (String scheme : TRAINED) {
        if (s >= g.seedsOf(scheme)) continue;
        long sd = seed * 31 + s;
        runs.add(new GridRun.Settings(scheme, s, new SymbolGrids.Settings(g.steps(), 32, 3e-3, 2, 4, g.steps() / 2, 64,
            g.layers(), AT_QUESTIONS, GRID_BASE, INIT_STD, sd), g.evalN(), SHAPES));
      }
    }
    return new Settings(new PositionTables.Settings(SCHEMES, List.of(SEQUENCE_A, SEQUENCE_B), BUDGET_SHAPES),
        new SchemeChecks.Settings(SCHEMES, CHECK_LAYOUTS, DIM, BASE), new VideoStress.Settings(VIDEO_SCHEMES, VIDEO_SHAPES),
        new LogitMaps.Settings(MAPPED, maps, 256, seed, DIM, BASE),
        g, runs);
  }

  @Override
  public Results run(Settings s, LabContext ctx) throws Exception {
    long units = 0;
    for (GridRun.Settings r : s.runs()) units += r.train().steps() + r.evalUnits();
    ctx.progress().total(units);
    PositionTables.Result tables = new PositionTables().run(s.tables(), ctx);
    SchemeChecks.Result checks = new SchemeChecks().run(s.checks(), ctx);
    VideoStress.Result stress = new VideoStress().run(s.stress(), ctx);
    LogitMaps.Result maps = new LogitMaps().run(s.maps(), ctx);
    List<StepAngles> angles = new ArrayList<>();
    for (String scheme : TRAINED) {
      angles.add(new StepAngles(scheme, GridRun.stepAngles(scheme, 4, 4, GRID_BASE), GridRun.stepAngles(scheme, 4, 2, GRID_BASE)));
    }
    List<GridRun.Result> runs = ctx.results(gridRuns(s));
    return new Results(tables, checks, stress, maps, angles, runs);
  }

  /** The grid trainings, one task per scheme and seed: the units a cluster runs side by side. */
  @Override
  public List<Task<?, ?>> plan(Settings s) {
    return List.copyOf(gridRuns(s));
  }

  static List<Task<GridRun.Settings, GridRun.Result>> gridRuns(Settings s) {
    List<Task<GridRun.Settings, GridRun.Result>> out = new ArrayList<>();
    for (GridRun.Settings r : s.runs()) out.add(GridRun.task(r));
    return out;
  }

  @Override
  public Findings render(Settings settings, Results results) {
    return PositionsReport.render(settings, results);
  }

  private static LogitMaps.NamedShape named(String name, int h, int w) {
    return new LogitMaps.NamedShape(name, new BlockShape(h, w));
  }

  private static VideoStress.Shape video(int t, int h, int w) { return new VideoStress.Shape(t, h, w); }

  private static List<BlockShape> shapes(int... hw) {
    List<BlockShape> out = new ArrayList<>();
    for (int i = 0; i < hw.length; i += 2) out.add(new BlockShape(hw[i], hw[i + 1]));
    return List.copyOf(out);
  }
}
