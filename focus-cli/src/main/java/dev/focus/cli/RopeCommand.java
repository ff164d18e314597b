package dev.focus.cli;

import dev.focus.position.PositionEncoding;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionSpec;
import dev.focus.position.Rope;
import dev.focus.position.ShortestDecimal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
 * The plan is the position package's ({@link PositionSpec#create}) for the scheme's {@link PositionKind}.
 */
@Command(name = "rope", mixinStandardHelpOptions = true,
    description = "Rotate one vector by a (multi-axis) RoPE at given coordinates (spec 04 §8).")
public final class RopeCommand implements Callable<Integer> {
  @Mixin Options.Scheme scheme;

  @Option(names = "--dim", paramLabel = "D", description = "Vector length (even).") String dim;

  @Option(names = "--base", paramLabel = "B", description = "RoPE base, e.g. 10000.") String base;

  @Option(names = "--coords", paramLabel = "c1,c2[,c3]", description = "The token's coordinates (one per axis of the scheme).") String coords;

  @Option(names = "--vector", paramLabel = "v1,...,vD", description = "The D vector entries.") String vector;

  @Option(names = "--sections", paramLabel = "s1,s2[,s3]", description = "Frequency indices per axis (sum D/2): BLOCKED assignment.") String sections;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PositionKind k = scheme.kind();
    int d = parseInt("--dim", required("--dim", dim));
    if (d < 2 || d % 2 != 0) throw new IllegalArgumentException("--dim " + d + " must be even and >= 2");
    double b = parseDouble("--base", required("--base", base));
    if (!(b > 1) || Double.isInfinite(b)) throw new IllegalArgumentException("--base " + base + " must be a finite number > 1");
    double[] c = parseList("--coords", required("--coords", coords));
    if (c.length != k.scheme().axes()) {
      throw new IllegalArgumentException("--coords has " + c.length + " values but " + k + " takes " + k.scheme().axes());
    }
    double[] v = parseList("--vector", required("--vector", vector));
    if (v.length != d) throw new IllegalArgumentException("--vector has " + v.length + " values but --dim is " + d);
    int[] sec = sections == null ? null : parseInts("--sections", sections);

    PositionEncoding e = PositionSpec.of(k).withBase(b).withSections(sec).create(d, 1, 1);
    if (!(e instanceof Rope rope)) throw new IllegalArgumentException("--scheme " + k + " does not rotate vectors (not a rotary position)");
    rope.table(new double[][] {c}).rotateVector(v, 0);
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) json.append(i == 0 ? "" : ",").append(ShortestDecimal.format(v[i]));
    out.println(json.append(']'));
    out.flush();
    return Main.EXIT_OK;
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
