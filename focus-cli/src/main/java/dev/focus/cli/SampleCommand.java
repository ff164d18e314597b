package dev.focus.cli;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Decoder;
import dev.focus.io.MemoryBudget;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus sample}: generates text from a checkpoint with incremental decoding (KV cache for
 * softmax attention, recurrent state for linear attention). The prompt is encoded with the
 * checkpoint's tokenizer.json when it has one (its template prefix, e.g. Llama's {@code <s>}, first),
 * else with the byte tokenizer (a [BOS] is prepended when the vocabulary has specials); the output is
 * decoded with the same tokenizer when it can render every id, else printed as ids. Decoding stops
 * after an end-of-sequence id that config.json names ({@code eos_token_id} of a Hugging Face checkpoint).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  @Option(names = "--prompt", defaultValue = "", description = "Prompt text (the checkpoint's tokenizer.json, else bytes).") String prompt;

  @Option(names = "--tokens", defaultValue = "200", description = "Tokens to generate (default: ${DEFAULT-VALUE}).") int tokens;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Softmax temperature; 0 = greedy (default: ${DEFAULT-VALUE}).") double temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).") int topK;

  @Mixin Options.SamplingSeed seed;

  @Option(names = "--ids", description = "Print token ids instead of text.") boolean ids;

  @Override
  public Integer call() throws java.io.IOException {
    if (tokens < 0) throw new IllegalArgumentException("--tokens=" + tokens + " must be >= 0");
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("--temperature=" + temperature + " must be a finite number >= 0");
    }
    if (topK < 0) throw new IllegalArgumentException("--top-k=" + topK + " must be >= 0");
    Checkpoint.Loaded loaded = checkpoint.load(spec);
    Model model = loaded.model();
    int vocab = model.config().vocab();
    CheckpointText text = CheckpointText.of(checkpoint.dir, vocab);
    int[] promptIds = text.encode(prompt);
    int[] prefix = text.prefix();
    // A KV cache entry per layer and token (softmax), and the drawn ids: checked before decoding starts.
    ModelConfig c = model.config();
    long perToken = c.attention() == ModelConfig.AttentionKind.LINEAR ? 0 : 8L * c.layers() * c.kvHeads() * c.headSize();
    MemoryBudget.arrayLength("--tokens " + tokens, tokens);
    MemoryBudget.require("--tokens " + tokens + " (a cache of " + perToken + " bytes per token)",
        MemoryBudget.times(perToken + 4, tokens + 1L + prefix.length + promptIds.length));
    int[] context = java.util.Arrays.copyOf(prefix, prefix.length + promptIds.length);
    System.arraycopy(promptIds, 0, context, prefix.length, promptIds.length);
    if (context.length == 0) context = new int[] {0};
    int[] generated = generate(model, context, tokens, temperature, topK, seed.value, loaded.eosIds());
    PrintWriter out = spec.commandLine().getOut();
    if (generated.length < tokens && generated.length > 0 && contains(loaded.eosIds(), generated[generated.length - 1])) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("focus sample: note: stopped after " + generated.length + " of " + tokens + " tokens at the end-of-sequence id "
          + generated[generated.length - 1] + " (config.json's eos_token_id)");
      err.flush();
    } else if (generated.length < tokens) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("focus sample: note: stopped after " + generated.length + " of " + tokens + " tokens: the model's learned positions "
          + "end at context=" + c.context() + " (the prompt took " + context.length + ")");
      err.flush();
    }
    if (ids || !text.canDecode()) {
      StringBuilder sb = new StringBuilder();
      for (int id : generated) sb.append(sb.length() == 0 ? "" : " ").append(id);
      out.println(sb);
    } else {
      // Decode prompt and continuation together, so a character or word split across them renders whole.
      int[] all = java.util.Arrays.copyOf(promptIds, promptIds.length + generated.length);
      System.arraycopy(generated, 0, all, promptIds.length, generated.length);
      out.println(text.decode(all));
    }
    out.flush();
    return 0;
  }

  /** Feeds {@code prompt}, then draws {@code n} tokens; returns the drawn ids. */
  public static int[] generate(Model model, int[] prompt, int n, double temperature, int topK, long seed) {
    return generate(model, prompt, n, temperature, topK, seed, new int[0]);
  }

  /** As {@link #generate(Model, int[], int, double, int, long)}, stopping after any of {@code eos} is drawn (it is kept). */
  public static int[] generate(Model model, int[] prompt, int n, double temperature, int topK, long seed, int[] eos) {
    Decoder d = model.decoder();
    SplittableRandom rng = new SplittableRandom(seed);
    int limit = model.config().position().kind() == dev.focus.position.PositionKind.LEARNED
        ? model.config().context() : Integer.MAX_VALUE;
    if (prompt.length > limit) throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds context=" + limit);
    float[] logits = d.prefill(prompt);
    int[] out = new int[n];
    int produced = 0;
    for (int i = 0; i < n; i++) {
      int next = pick(logits, temperature, topK, rng);
      out[produced++] = next;
      if (d.position() >= limit || i == n - 1 || contains(eos, next)) break;
      logits = d.step(next);
    }
    return java.util.Arrays.copyOf(out, produced);
  }

  private static boolean contains(int[] ids, int id) {
    for (int x : ids) if (x == id) return true;
    return false;
  }

  /** Greedy at temperature 0; else a draw from softmax(logits/temperature) restricted to the top k. */
  static int pick(float[] logits, double temperature, int topK, SplittableRandom rng) {
    int v = logits.length;
    int best = 0;
    for (int j = 1; j < v; j++) if (logits[j] > logits[best]) best = j;
    if (temperature == 0) return best;
    double cutoff = Double.NEGATIVE_INFINITY;
    if (topK > 0 && topK < v) {
      float[] sorted = logits.clone();
      java.util.Arrays.sort(sorted);
      cutoff = sorted[v - topK];
    }
    double[] p = new double[v];
    double sum = 0;
    for (int j = 0; j < v; j++) {
      if (logits[j] < cutoff) continue;
      p[j] = Math.exp((logits[j] - logits[best]) / temperature);
      sum += p[j];
    }
    double u = rng.nextDouble() * sum;
    for (int j = 0; j < v; j++) {
      u -= p[j];
      if (u < 0 && p[j] > 0) return j;
    }
    return best;
  }
}
