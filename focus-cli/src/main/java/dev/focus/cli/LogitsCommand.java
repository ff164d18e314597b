package dev.focus.cli;

import dev.focus.model.Model;
import dev.focus.position.PositionKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus logits --checkpoint DIR (--tokens "ID ID …" | --prompt TEXT)}: prints the logits of every
 * position as a JSON array [T][V] on stdout (floats in Java's shortest round-trip form). A prompt is
 * encoded as {@code focus sample} encodes it: the checkpoint's tokenizer.json (its template prefix, e.g.
 * Llama's {@code <s>}, first), else bytes.
 */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Print a checkpoint's logits for a token sequence as JSON [T][V].")
public final class LogitsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  /** The tokens: ids as given, or text. */
  static final class Input {
    @Option(names = "--tokens", required = true, description = "Token ids separated by spaces or commas, e.g. \"1 2 3\".")
    String tokens;

    @Option(names = "--prompt", required = true, description = "Text, encoded with the checkpoint's tokenizer.json (else bytes).")
    String prompt;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Override
  public Integer call() throws java.io.IOException {
    Model model = checkpoint.load(spec).model();
    int[] ids;
    if (input.tokens != null) {
      ids = parseIds(input.tokens, model.config().vocab());
    } else {
      CheckpointText text = CheckpointText.of(checkpoint.dir, model.config().vocab());
      int[] prefix = text.prefix(), body = text.encode(input.prompt);
      ids = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
      System.arraycopy(body, 0, ids, prefix.length, body.length);
      if (ids.length == 0) throw new IllegalArgumentException("--prompt is empty and the tokenizer adds no prefix; give some text");
    }
    int context = model.config().context();
    if (ids.length > context) {
      if (model.config().position().kind() == PositionKind.LEARNED) {
        throw new IllegalArgumentException((input.tokens != null ? "--tokens" : "--prompt") + " has " + ids.length + " ids but the model's learned positions cover context="
            + context + "; give at most " + context);
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("focus logits: note: " + ids.length + " tokens exceed the model's context=" + context
          + "; positions past it were never trained");
      err.flush();
    }
    float[] logits = model.logits(ids, 1, ids.length);
    int v = model.config().vocab();
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder sb = new StringBuilder(v * 12 + 4);
    out.print('[');
    for (int t = 0; t < ids.length; t++) { // one position at a time: the text of [T][V] may be larger than one string
      sb.setLength(0);
      if (t > 0) sb.append(',');
      sb.append('[');
      for (int j = 0; j < v; j++) {
        if (j > 0) sb.append(',');
        sb.append(logits[t * v + j]);
      }
      out.print(sb.append(']'));
    }
    out.println(']');
    out.flush();
    return 0;
  }

  /** Token ids from "1 2 3" or "1,2,3", each in [0, vocab). */
  static int[] parseIds(String text, int vocab) {
    String s = text.trim();
    if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1).trim();
    if (s.isEmpty()) throw new IllegalArgumentException("--tokens is empty; give at least one token id");
    String[] parts = s.split("[\\s,]+");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        ids[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--tokens: '" + parts[i] + "' is not an integer token id");
      }
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException("--tokens: id " + ids[i] + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
    return ids;
  }
}
