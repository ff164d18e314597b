package dev.focus.cli;

import dev.focus.position.AxisAssignment;
import dev.focus.position.FrequencyPlan;
import dev.focus.position.PairLayout;
import dev.focus.position.PositionScheme;
import dev.focus.position.RopeTable;
import dev.focus.position.ShortestDecimal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Rotates one vector by a (multi-axis) RoPE at given coordinates (spec 04 §8):
 * {@code focus rope --scheme SCHEME --dim D --base B --coords c1,c2[,c3] --vector v1,...,vD [--sections s1,s2,s3]}.
 * Prints the rotated vector as a JSON array of D float64 numbers (θ_i = 1/B^(2i/D), φ = coord·θ_i).
 *
 * <p>Plans: {@code flat} one coordinate, ADJACENT; {@code rope-tie}, {@code rope-tie-frac},
 * {@code rope-tv} (row, col), ADJACENT + INTERLEAVED(2); {@code rope-tv-3d} (row, col, frame),
 * ADJACENT + INTERLEAVED(3); {@code mrope} (t, h, w), HALF + BLOCKED(sections; 16,24,24 at D = 128).
 * {@code --sections} on another multi-axis scheme selects BLOCKED (ADJACENT); on flat it is an error.
 */
@Command(name = "rope", mixinStandardHelpOptions = true,
    description = "Rotate one vector by a (multi-axis) RoPE at given coordinates (spec 04 §8).")
public final class RopeCommand implements Callable<Integer> {
  @Option(names = "--scheme", paramLabel = "SCHEME", description = "flat, rope-tie, rope-tie-frac, rope-tv, rope-tv-3d or mrope.")
  String scheme;

  @Option(names = "--dim", paramLabel = "D", description = "Vector length (even).")
  String dim;

  @Option(names = "--base", paramLabel = "B", description = "RoPE base, e.g. 10000.")
  String base;

  @Option(names = "--coords", paramLabel = "c1,c2[,c3]", description = "The token's coordinates (one per axis of the scheme).")
  String coords;

  @Option(names = "--vector", paramLabel = "v1,...,vD", description = "The D vector entries.")
  String vector;

  @Option(names = "--sections", paramLabel = "s1,s2[,s3]", description = "Frequency indices per axis (sum D/2): BLOCKED assignment.")
  String sections;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (scheme == null) throw new IllegalArgumentException("missing --scheme (flat, rope-tie, rope-tie-frac, rope-tv, rope-tv-3d or mrope)");
    PositionScheme s = PositionScheme.fromName(scheme);
    int d = parseInt("--dim", required("--dim", dim));
    if (d < 2 || d % 2 != 0) throw new IllegalArgumentException("--dim " + d + " must be even and >= 2");
    double b = parseDouble("--base", required("--base", base));
    if (!(b > 1) || Double.isInfinite(b)) throw new IllegalArgumentException("--base " + base + " must be a finite number > 1");
    double[] c = parseList("--coords", required("--coords", coords));
    if (c.length != s.axes()) {
      throw new IllegalArgumentException("--coords has " + c.length + " values but " + s.cliName() + " takes " + s.axes());
    }
    double[] v = parseList("--vector", required("--vector", vector));
    if (v.length != d) throw new IllegalArgumentException("--vector has " + v.length + " values but --dim is " + d);
    int[] sec = sections == null ? null : parseInts("--sections", sections);

    FrequencyPlan plan = FrequencyPlan.of(d, b, axes(s, d, sec), s == PositionScheme.MROPE ? PairLayout.HALF : PairLayout.ADJACENT);
    RopeTable.of(plan, new double[][] {c}).rotateVector(v, 0);
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) json.append(i == 0 ? "" : ",").append(ShortestDecimal.format(v[i]));
    out.println(json.append(']'));
    out.flush();
    return Main.EXIT_OK;
  }

  private static AxisAssignment axes(PositionScheme s, int d, int[] sec) {
    if (sec != null) {
      if (s.axes() == 1) throw new IllegalArgumentException("--sections is not allowed with --scheme flat");
      if (sec.length != s.axes()) {
        throw new IllegalArgumentException("--sections has " + sec.length + " values but " + s.cliName() + " has " + s.axes() + " axes");
      }
      int sum = 0;
      for (int x : sec) {
        if (x < 0) throw new IllegalArgumentException("--sections value " + x + " must be >= 0");
        sum += x;
      }
      if (sum != d / 2) throw new IllegalArgumentException("--sections sum to " + sum + " but must sum to D/2=" + d / 2);
      return new AxisAssignment.Blocked(sec);
    }
    if (s == PositionScheme.MROPE) {
      if (d != 128) throw new IllegalArgumentException("--scheme mrope with --dim " + d + " needs --sections (the default 16,24,24 is for D=128)");
      return new AxisAssignment.Blocked(new int[] {16, 24, 24});
    }
    if (s.axes() == 2 && d % 4 != 0) {
      throw new IllegalArgumentException("--dim " + d + " must be divisible by 4 under " + s.cliName() + " (INTERLEAVED(2))");
    }
    return new AxisAssignment.Interleaved(s.axes());
  }

  private static String required(String name, String value) {
    if (value == null) throw new IllegalArgumentException("missing " + name);
    return value;
  }

  private static int parseInt(String name, String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + s + "' is not an integer");
    }
  }

  private static double parseDouble(String name, String s) {
    double x;
    try {
      x = Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + s + "' is not a number");
    }
    if (!Double.isFinite(x)) throw new IllegalArgumentException(name + " value '" + s + "' is not a finite number");
    return x;
  }

  private static double[] parseList(String name, String s) {
    String[] parts = s.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) out[i] = parseDouble(name, parts[i]);
    return out;
  }

  private static int[] parseInts(String name, String s) {
    String[] parts = s.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) out[i] = parseInt(name, parts[i]);
    return out;
  }
}
