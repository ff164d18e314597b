package dev.focus.lab.positions;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.position.Layout;
import dev.focus.position.PositionKind;
import dev.focus.position.Positions;
import dev.focus.position.RopeTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 04 E1: the rotary logit ⟨R_p q, R_p' k⟩ around an h×w block in {@code T T T T I{h}x{w} T T T T},
 * from the text token just before the block and just after it, at every patch. With q = k = 1 each
 * pair contributes 2cos(Δ·θᵢ); with q, k ~ U[0,1]^d the mean over draws is a quarter of that plus noise.
 */
public final class LogitMaps implements Section<LogitMaps.Settings, LogitMaps.Result> {
  /** A block shape with its name in chart ids ("wide", "square", "tall"). */
  public record NamedShape(String name, BlockShape shape) implements Serializable {}

  /** Random draws use {@code seed + 1}; the rotary table has {@code dim} dims at {@code base}. */
  public record Settings(List<String> schemes, List<NamedShape> shapes, int draws, long seed, int dim, double base)
      implements Serializable {
    public Settings {
      schemes = List.copyOf(schemes);
      shapes = List.copyOf(shapes);
    }
  }

  /**
   * The maps of one scheme and shape, (h, 2w): columns 0..w−1 from the text before the block,
   * w..2w−1 from the text after it; {@code ones} with q = k = 1, {@code random} the mean over draws.
   */
  public record BlockLogits(String name, String scheme, BlockShape shape, double[][] ones, double[][] random)
      implements Serializable {}

  /** Shape-major, then scheme. */
  public record Result(int draws, List<BlockLogits> maps) implements Serializable {}

  @Override
  public Result run(Settings s, LabContext ctx) {
    ctx.progress().message("logit maps");
    List<BlockLogits> out = new ArrayList<>();
    for (NamedShape ns : s.shapes()) {
      int h = ns.shape().h(), w = ns.shape().w();
      for (String scheme : s.schemes()) {
        out.add(new BlockLogits(ns.name(), scheme, ns.shape(), logitMap(scheme, h, w, 0, s.seed(), s.dim(), s.base()),
            logitMap(scheme, h, w, s.draws(), s.seed() + 1, s.dim(), s.base())));
      }
    }
    return new Result(s.draws(), out);
  }

  /** ⟨R_{p_q} q, R_{p_k} k⟩ for rotary table rows qRow, kRow. */
  static double logit(RopeTable table, int qRow, int kRow, double[] q, double[] k) {
    double[] a = table.rotateVector(q.clone(), qRow), b = table.rotateVector(k.clone(), kRow);
    double s = 0;
    for (int e = 0; e < a.length; e++) s += a[e] * b[e];
    return s;
  }

  /**
   * The logit map of one scheme around an h×w block in "T T T T I{h}x{w} T T T T": (h, 2w) values.
   * {@code draws} = 0 uses q = k = 1; otherwise the mean over draws of q, k ~ U[0,1]^d.
   */
  static double[][] logitMap(String scheme, int h, int w, int draws, long seed, int dim, double base) {
    Positions pos = PositionKind.parse(scheme).scheme().assign(Layout.parse("T T T T I" + h + "x" + w + " T T T T"));
    RopeTable table = SchemeChecks.rope(scheme, dim, base).table(pos.coords());
    int before = 3, after = 4 + h * w;
    double[][] m = new double[h][2 * w];
    SplittableRandom rng = new SplittableRandom(seed);
    int n = Math.max(1, draws);
    for (int s = 0; s < n; s++) {
      double[] q = new double[dim], k = new double[dim];
      for (int e = 0; e < dim; e++) {
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
}
