package dev.focus.cli;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.metrics.HeadAnalysis;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus analyze --checkpoint DIR (--text FILE | --prompt TEXT | --tokens "IDS") --out DIR}: runs a checkpoint
 * over a text and writes a report in the site's format (report.md, meta.json, heads.csv,
 * positions.csv, context.csv) on how its heads focus (note 1: S*, participation ratio) and diffuse
 * (note 5: entropy against position and context length, the variance law of head outputs).
 *
 * <p>The tokens are cut into windows of {@code --window} tokens (the tokenizer's prefix, e.g.
 * {@code <s>}, starting each window of text), at most {@code --windows} of them, run one at a time
 * with a {@link ModelObserver} feeding {@link HeadAnalysis}. {@code --out} must be a new directory
 * or an earlier report (it is replaced whole, atomically); its name is the report's slug.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Measure how a checkpoint's heads focus and diffuse over a text; write a report (report.md, meta.json, heads.csv).")
public final class AnalyzeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Options.Tokens input;

  @Option(names = "--out", required = true, description = "Report directory to write (its name is the report's slug, e.g. runs/analyze-llama).") Path out;

  @Option(names = "--window", defaultValue = "0", description = "Tokens per window; 0 = the model's context, at most 512 (default: ${DEFAULT-VALUE}).") int window;

  @Option(names = "--windows", defaultValue = "8", description = "Most windows to average over (default: ${DEFAULT-VALUE}).") int windows;

  @Option(names = "--min-keys", defaultValue = "8", description = "Per-head summaries use queries that see at least this many keys (default: ${DEFAULT-VALUE}).") int minKeys;

  @Option(names = "--tail", defaultValue = "16", description = "Queries averaged at each context length (default: ${DEFAULT-VALUE}).") int tail;

  @Option(names = "--title", description = "Report title (default: \"Attention analysis: <checkpoint name>\").") String title;

  /** Largest attention buffer (NH·T² floats) one window may need, so a large --window fails before allocating. */
  static final long MAX_ATTENTION_FLOATS = 1L << 28;

  @Override
  public Integer call() throws IOException {
    if (windows < 1) throw new IllegalArgumentException("--windows=" + windows + " must be >= 1");
    if (window < 0) throw new IllegalArgumentException("--window=" + window + " must be >= 0 (0 = the model's context, at most 512)");
    if (minKeys < 1) throw new IllegalArgumentException("--min-keys=" + minKeys + " must be >= 1");
    if (tail < 1) throw new IllegalArgumentException("--tail=" + tail + " must be >= 1");
    AnalyzeReport.checkOut(out);
    Model model = checkpoint.load(spec).model();
    ModelConfig c = model.config();
    CheckpointText.Input read = input.read(checkpoint.dir, c.vocab());
    int[] prefix = read.prefix(), body = read.body();
    String source = read.source();
    int[][] cut = windows(prefix, body, window == 0 ? defaultWindow(c) : window, windows, c);
    int t = cut[0].length;
    if (t < 2) throw new IllegalArgumentException("the input gives windows of " + t + " token; need at least 2 (give more text or ids)");
    long floats = (long) c.heads() * t * t;
    if (floats > MAX_ATTENTION_FLOATS) {
      throw new IllegalArgumentException("--window=" + t + " needs attention maps of " + c.heads() + "×" + t + "×" + t + " floats per layer, more than "
          + MAX_ATTENTION_FLOATS + "; use a smaller --window");
    }

    HeadAnalysis analysis = new HeadAnalysis(c.layers(), c.heads(), t, c.headSize());
    model.setObserver(new ModelObserver() {
      @Override
      public void onAttentionWeights(int layer, float[] weights, int batch, int heads, int seqLen) {
        analysis.addAttention(layer, weights, batch, heads, seqLen);
      }

      @Override
      public void onHeadOutputs(int layer, float[] values, int batch, int seqLen, int heads, int headSize) {
        analysis.addHeadOutputs(layer, values, batch, seqLen, heads, headSize);
      }
    });
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    try {
      for (int w = 0; w < cut.length; w++) {
        err.printf("analyze: window %d/%d (%d tokens)%n", w + 1, cut.length, t);
        err.flush();
        model.logits(cut[w], 1, t);
      }
    } finally {
      model.setObserver(null);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String name = displayName(Checkpoint.resolve(checkpoint.dir));
    AnalyzeReport.Setup setup = new AnalyzeReport.Setup(title != null ? title : "Attention analysis: " + name, name, c, source,
        cut.length, t, prefix.length, minKeys, tail, seconds);
    Path written = AnalyzeReport.write(out, setup, analysis);
    PrintWriter o = spec.commandLine().getOut();
    o.println("wrote " + written + " (" + cut.length + " windows of " + t + " tokens, " + c.layers() + " layers × " + c.heads()
        + " heads, " + String.format("%.1f", seconds) + " s)");
    o.flush();
    return 0;
  }

  /** The checkpoint directory's name; a run's {@code NAME/checkpoint} is called {@code NAME/checkpoint}. */
  static String displayName(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (abs.getFileName() == null) return abs.toString();
    String name = abs.getFileName().toString();
    return name.equals("checkpoint") && abs.getParent() != null && abs.getParent().getFileName() != null
        ? abs.getParent().getFileName() + "/" + name : name;
  }

  /** The model's context, at most 512 (attention maps grow as T²). */
  static int defaultWindow(ModelConfig c) {
    return Math.min(c.context(), 512);
  }

  /**
   * Up to {@code most} windows of length {@code window}: each is {@code prefix} and then the next
   * {@code window − |prefix|} ids of {@code body}; with fewer ids than one window, a single shorter
   * window of everything. A learned position table bounds the window by the model's context.
   */
  static int[][] windows(int[] prefix, int[] body, int window, int most, ModelConfig c) {
    if (c.position().kind() == dev.focus.position.PositionKind.LEARNED && window > c.context()) {
      throw new IllegalArgumentException("--window=" + window + " exceeds the learned position table of context=" + c.context());
    }
    int per = window - prefix.length;
    if (per < 1) throw new IllegalArgumentException("--window=" + window + " leaves no room after the " + prefix.length + "-token prefix");
    if (body.length == 0) throw new IllegalArgumentException("the input has no tokens");
    int count = Math.max(1, Math.min(most, body.length / per));
    int take = Math.min(per, body.length);
    int[][] out = new int[count][];
    for (int w = 0; w < count; w++) {
      out[w] = Arrays.copyOf(prefix, prefix.length + take);
      System.arraycopy(body, w * take, out[w], prefix.length, take);
    }
    return out;
  }
}
