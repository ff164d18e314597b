package dev.focus.cli;

import dev.focus.model.Model;
import dev.focus.position.PositionKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code focus logits --checkpoint DIR (--tokens "ID ID …" | --prompt TEXT | --text FILE)}: prints the logits of every
 * position as a JSON array [T][V] on stdout (floats in Java's shortest round-trip form). A prompt is
 * encoded as {@code focus sample} encodes it: the checkpoint's tokenizer.json (its template prefix, e.g.
 * Llama's {@code <s>}, first), else bytes.
 */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Print a checkpoint's logits for a token sequence as JSON [T][V].")
public final class LogitsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Options.Tokens input;

  @Override
  public Integer call() throws java.io.IOException {
    Model model = checkpoint.load(spec).model();
    int[] ids = input.read(checkpoint.dir, model.config().vocab()).all();
    if (ids.length == 0) throw new IllegalArgumentException(input.option() + " is empty and the tokenizer adds no prefix; give some text");
    int context = model.config().context();
    if (ids.length > context) {
      if (model.config().position().kind() == PositionKind.LEARNED) {
        throw new IllegalArgumentException(input.option() + " has " + ids.length + " ids but the model's learned positions cover context="
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
}
