package dev.focus.cli;

import dev.focus.data.Dataset;
import dev.focus.io.OutputDir;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Task;
import dev.focus.lab.run.TaskPlan;
import dev.focus.lab.run.TaskResult;
import dev.focus.lab.sweep.Grid;
import dev.focus.lab.sweep.SweepReport;
import dev.focus.lab.sweep.SweepRun;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.TrainConfig;
import dev.focus.report.ReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus sweep}: trains one model per combination of a grid of model and training settings, each
 * combination a task on Spark (this JVM by default, or {@code --master URL}), and writes the results
 * to {@code --out}: results.csv, results.json and a report page the site lists beside the lab's.
 *
 * <p>Every combination is resolved with the options {@code focus train} reads (the same mixins, so
 * one parser and one set of defaults): a grid key that is a model key becomes {@code --set KEY=V}, a
 * training option ({@code lr}, {@code steps}, {@code batch}, …) becomes {@code --KEY V}, {@code seed}
 * becomes {@code --seed V}. A bad key or value is refused, naming it, before anything runs. Finished
 * runs are kept in the work directory, so an interrupted sweep resumes where it stopped (a run cut
 * short resumes from its last checkpoint).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train one model per combination of a grid of settings and tabulate the results.",
        "e.g. focus sweep --data mqar:kv=4 --preset micro --steps 300 --grid attention=softmax,linear position=rope,nope seed=1..3 --out runs/sweep-mqar"})
public final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--grid", required = true, arity = "1..*", paramLabel = "KEY=V1,V2",
      description = "Axes of the grid: any model key (as --set takes), training option (lr, steps, batch, seq, warmup, ...) or seed; A..B is an integer range. Every combination is one run.")
  List<String> grid = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the sweep's report goes, e.g. runs/sweep-NAME.") Path out;

  @Mixin Options.Model model;

  @Mixin Options.Data data;

  @Mixin Options.Training training;

  @Mixin Options.Cluster cluster;

  private volatile boolean cancelled;

  /** The options a combination is resolved with: focus train's model and training mixins. */
  @Command(name = "combination")
  static final class Combination {
    @Mixin Options.Model model;
    @Mixin Options.Training training;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
    if (model.preset.startsWith("mm-")) throw new IllegalArgumentException("focus sweep trains the decoder presets, not " + model.preset);
    Path outDir = out.toAbsolutePath().normalize();
    if (outDir.getParent() == null) throw new IllegalArgumentException("--out " + outDir + " must name a folder inside another");
    OutputDir.check(outDir, OutputDir.REPORT); // a new or empty folder, or an earlier report; never anything else
    Grid g = Grid.parse(grid, validKeys());
    Dataset dataset = data.open();
    List<Map<String, String>> points = g.combinations();
    List<Task<SweepRun.Settings, SweepRun.Result>> tasks = new ArrayList<>();
    for (Map<String, String> point : points) tasks.add(SweepRun.task(resolve(point, dataset), label(point)));

    String what = String.format(Locale.ROOT, "%s on %s, %d steps", model.preset, data.spec, tasks.get(0).settings().train().steps());
    stdout.printf(Locale.ROOT, "focus sweep: %d runs (%s)%n", tasks.size(), what);
    stdout.flush();
    Path work = outDir.getParent().resolve(".work");
    List<TaskResult<?>> results;
    Thread hook = new Thread(() -> cancelled = true, "focus-sweep-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Distributed d = Distributed.start(cluster, "sweep", cluster.workDir(work), data.cache.dir, data.cacheDir(), Profile.QUICK,
        model.seed, stderr); Distributed.TaskBar bar = new Distributed.TaskBar("sweep", stderr, () -> cancelled)) {
      results = d.runner().run(tasks, bar);
      bar.close();
      stderr.println("focus sweep: " + TaskPlan.estimate(tasks, d.runner().store()).describe(1, 2, 4, 8));
    } catch (CancellationException e) {
      stderr.println("focus sweep: interrupted; finished runs are kept, rerun the same command to continue");
      stderr.flush();
      return 130;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
    List<SweepReport.Row> rows = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskResult<?> r = results.get(i);
      rows.add(new SweepReport.Row(points.get(i), (SweepRun.Result) r.value(), r.seconds()));
    }
    SweepReport.Page page = SweepReport.page("Sweep " + outDir.getFileName(), what, g, rows);
    Path written = new ReportWriter(outDir.getParent()).write(outDir.getFileName().toString(), page.meta(), page.markdown(), page.files());
    stdout.printf(Locale.ROOT, "wrote %s (results.csv, results.json, report.md)%n", written);
    stdout.flush();
    return Main.EXIT_OK;
  }

  /** Grid keys: every model key, the training options without dashes, and seed. */
  static Set<String> validKeys() {
    Set<String> keys = new LinkedHashSet<>(Overrides.KEYS);
    for (OptionSpec o : trainingOptions()) keys.add(o.longestName().substring(2));
    keys.add("seed");
    return keys;
  }

  private static List<OptionSpec> trainingOptions() {
    CommandSpec s = new CommandLine(new Combination()).getCommandSpec();
    return s.mixins().get("training").options();
  }

  /**
   * The run of one grid point: the command's own model and training options, then the point's
   * values, parsed by the same mixins; vocab from the dataset unless set, checks as {@code focus train}.
   */
  SweepRun.Settings resolve(Map<String, String> point, Dataset dataset) {
    List<String> args = new ArrayList<>(givenArgs());
    Set<String> trainingKeys = new LinkedHashSet<>();
    for (OptionSpec o : trainingOptions()) trainingKeys.add(o.longestName().substring(2));
    for (Map.Entry<String, String> e : point.entrySet()) {
      if (e.getKey().equals("seed")) {
        args.add("--seed");
        args.add(e.getValue());
      } else if (trainingKeys.contains(e.getKey())) {
        args.add("--" + e.getKey());
        args.add(e.getValue());
      } else {
        args.add("--set");
        args.add(e.getKey() + "=" + e.getValue());
      }
    }
    Combination c = new Combination();
    CommandLine cl = new CommandLine(c);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOverwrittenOptionsAllowed(true); // the grid's value replaces the command line's
    try {
      cl.parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException("--grid " + label(point) + ": " + e.getMessage().strip().replace('\n', ' '));
    }
    try {
      TrainConfig tc = c.training.config(c.model.seed);
      dataset.checkSeqLen(tc.seqLen());
      Map<String, String> first = new LinkedHashMap<>();
      if (!c.model.changes().containsKey("vocab")) first.put("vocab", Integer.toString(dataset.vocabSize()));
      ModelConfig config = c.model.config(first);
      if (config.vocab() < dataset.vocabSize()) {
        throw new IllegalArgumentException("vocab=" + config.vocab() + " is smaller than dataset " + dataset.name() + "'s "
            + dataset.vocabSize() + " ids");
      }
      if (config.context() < tc.seqLen()) {
        throw new IllegalArgumentException("--seq=" + tc.seqLen() + " exceeds the model context=" + config.context());
      }
      tc.trained(Model.specs(config).stream().map(Model.Spec::name).toList());
      return SweepRun.Settings.of(data.spec, config, tc);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((point.isEmpty() ? "" : "--grid " + label(point) + ": ") + e.getMessage(), e);
    }
  }

  /** The model and training options given on this command line, as arguments. */
  private List<String> givenArgs() {
    List<String> args = new ArrayList<>();
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    Set<String> names = new LinkedHashSet<>();
    CommandSpec combination = new CommandLine(new Combination()).getCommandSpec();
    for (OptionSpec o : combination.options()) names.add(o.longestName());
    for (OptionSpec o : pr.matchedOptions()) {
      if (!names.contains(o.longestName())) continue;
      for (String v : o.originalStringValues()) {
        args.add(o.longestName());
        args.add(v);
      }
    }
    return args;
  }

  private static String label(Map<String, String> point) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : point.entrySet()) b.append(b.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
    return b.toString();
  }
}
