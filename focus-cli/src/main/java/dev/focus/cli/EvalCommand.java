package dev.focus.cli;

import dev.focus.checkpoint.Json;
import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import dev.focus.model.Model;
import dev.focus.model.Overrides;
import dev.focus.train.Objective;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code focus eval --checkpoint DIR --data DATASET --context 64,128,256 [--split val]}: mean
 * cross-entropy (nats per target token) and perplexity at each context length, over the same
 * deterministic batches for every length, weighted by the number of targets. A decoder is scored on
 * next-token prediction, an encoder (mask=bidirectional) on the masked-LM objective (the masked
 * positions of each batch, drawn from the seed as in training).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Loss and perplexity of a checkpoint per context length.")
public final class EvalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  @Mixin Options.Data data;

  @Option(names = "--context", split = ",", defaultValue = "64,128,256", description = "Context lengths (default: ${DEFAULT-VALUE}).") List<Integer> contexts;

  @Option(names = "--split", defaultValue = "val", description = "train or val (default: ${DEFAULT-VALUE}).") String split;

  @Option(names = "--batch", defaultValue = "8", description = "Sequences per batch (default: ${DEFAULT-VALUE}).") int batch;

  @Option(names = "--batches", defaultValue = "8", description = "Batches per context length (default: ${DEFAULT-VALUE}).") int batches;

  @Option(names = "--seed", defaultValue = "0", description = "Data seed (default: ${DEFAULT-VALUE}).") long seed;

  @Option(names = "--objective", paramLabel = "next-token|mlm", description = "What to score (default: next-token for a decoder, mlm for an encoder).") String objective;

  @Mixin Options.JsonOutput json;

  @Override
  public Integer call() throws Exception {
    Split s;
    switch (split.toLowerCase()) {
      case "val": case "validation": s = Split.VALIDATION; break;
      case "train": s = Split.TRAIN; break;
      default: throw new IllegalArgumentException("--split=" + split + " must be train or val");
    }
    if (batch < 1 || batches < 1) throw new IllegalArgumentException("--batch and --batches must be >= 1");
    Model model = checkpoint.load(spec).model();
    Dataset ds = data.open();
    if (ds.vocabSize() > model.config().vocab()) {
      throw new IllegalArgumentException("dataset " + ds.name() + " uses " + ds.vocabSize() + " token ids but the model's vocab is "
          + model.config().vocab());
    }
    Objective goal = Objective.parse(objective != null ? objective : model.config().causal() ? "next-token" : "mlm", ds);
    goal.check(Overrides.describe(model.config()), ds.vocabSize());
    List<Object> rows = new ArrayList<>();
    for (int t : contexts) {
      if (t < 1) throw new IllegalArgumentException("--context " + t + " must be >= 1");
      ds.checkSeqLen(t);
      double total = 0;
      long count = 0;
      for (int i = 0; i < batches; i++) {
        Batch b = goal.apply(ds.batch(s, seed, i, batch, t), s, seed, i);
        int n = b.countTargets();
        if (n == 0) continue;
        total += (double) model.loss(b.tokens(), b.targets(), b.batch(), b.seqLen()) * n;
        count += n;
      }
      double loss = count == 0 ? Double.NaN : total / count;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("context", (long) t);
      row.put("loss", loss);
      row.put("perplexity", Math.exp(loss));
      row.put("targets", count);
      rows.add(row);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("checkpoint", checkpoint.dir.toString());
      o.put("data", ds.name());
      o.put("split", s.name().toLowerCase());
      o.put("objective", goal.describe());
      o.put("results", rows);
      out.println(Json.write(o));
    } else {
      out.printf("%s on %s (%s split, %d×%d sequences per length, %s)%n", checkpoint.dir, ds.name(), s.name().toLowerCase(), batches,
          batch, goal.describe());
      out.printf("%8s %10s %12s %10s%n", "context", "loss", "perplexity", "targets");
      for (Object r : rows) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        out.printf("%8d %10.4f %12.3f %10d%n", m.get("context"), m.get("loss"), m.get("perplexity"), m.get("targets"));
      }
    }
    out.flush();
    return 0;
  }
}
