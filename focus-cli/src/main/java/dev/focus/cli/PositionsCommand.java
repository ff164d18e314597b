package dev.focus.cli;

import dev.focus.io.MemoryBudget;
import dev.focus.position.Layout;
import dev.focus.position.Positions;
import dev.focus.position.ShortestDecimal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Token coordinates of a multimodal layout under a position scheme (spec 04 §8):
 * {@code focus positions --scheme SCHEME --layout LAYOUT [--json]}. With {@code --json}, stdout is a
 * JSON array, one element {@code {"index":k,"kind":"text"|"patch","coords":[...]}} per token (one per
 * line); numbers are integral ({@code 5}) or the shortest round-trip decimal ({@code 4.5}).
 */
@Command(name = "positions", mixinStandardHelpOptions = true,
    description = "Token coordinates of a multimodal layout under a position scheme (spec 04 §8).")
public final class PositionsCommand implements Callable<Integer> {
  @Mixin Options.Scheme scheme;

  @Option(names = "--layout", paramLabel = "LAYOUT", description = "Space-separated segments: T (text token), I{h}x{w} (image, h rows x w cols), V{t}x{h}x{w} (video).") String layout;

  @Mixin Options.JsonOutput json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Estimated heap per token: a coordinate array, its kind and its line of output. */
  static final long BYTES_PER_TOKEN = 160;

  @Override
  public Integer call() {
    if (layout == null) throw new IllegalArgumentException("missing --layout (for example \"T T T I2x3 T T\")");
    var s = scheme.kind().scheme();
    Layout parsed = Layout.parse(layout);
    // Each token keeps its coordinates (an array of up to 3 doubles) and prints a line of text.
    MemoryBudget.require("--layout with " + String.format(java.util.Locale.ROOT, "%,d", parsed.tokens()) + " tokens",
        (long) parsed.tokens() * BYTES_PER_TOKEN);
    Positions p = s.assign(parsed);
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      out.println(json(p));
    } else {
      out.print(table(p));
    }
    out.flush();
    return Main.EXIT_OK;
  }

  /** The JSON array, one element per line. */
  static String json(Positions p) {
    StringBuilder b = new StringBuilder("[");
    for (int t = 0; t < p.tokens(); t++) {
      b.append(t == 0 ? "\n" : ",\n");
      b.append("{\"index\":").append(t).append(",\"kind\":\"").append(p.kind(t).label()).append("\",\"coords\":[");
      double[] c = p.coords(t);
      for (int a = 0; a < c.length; a++) b.append(a == 0 ? "" : ",").append(ShortestDecimal.format(c[a]));
      b.append("]}");
    }
    return b.append(p.tokens() == 0 ? "]" : "\n]").toString();
  }

  /** A readable table: index, kind, coordinates. */
  static String table(Positions p) {
    String axes = switch (p.scheme()) {
      case FLAT -> "(n)";
      case MROPE -> "(t, h, w)";
      case ROPE_TV_3D -> "(row, col, frame)";
      default -> "(row, col)";
    };
    StringBuilder b = new StringBuilder(String.format("%5s  %-5s  %s %s%n", "index", "kind", p.scheme().cliName(), axes));
    for (int t = 0; t < p.tokens(); t++) {
      double[] c = p.coords(t);
      StringBuilder cs = new StringBuilder("(");
      for (int a = 0; a < c.length; a++) cs.append(a == 0 ? "" : ", ").append(ShortestDecimal.format(c[a]));
      b.append(String.format("%5d  %-5s  %s%n", t, p.kind(t).label(), cs.append(')')));
    }
    b.append(String.format("next text: %s%n", fmt(p.cursor().peekText())));
    return b.toString();
  }

  private static String fmt(double[] c) {
    StringBuilder cs = new StringBuilder("(");
    for (int a = 0; a < c.length; a++) cs.append(a == 0 ? "" : ", ").append(ShortestDecimal.format(c[a]));
    return cs.append(')').toString();
  }
}
