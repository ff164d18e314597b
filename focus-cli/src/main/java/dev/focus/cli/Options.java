package dev.focus.cli;

import dev.focus.data.DataCache;
import dev.focus.data.Dataset;
import dev.focus.data.Datasets;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The option blocks several commands share, as picocli mixins ({@code @Mixin Options.Model model;}):
 * one spelling, one description and one default per option. Training defaults are read from
 * {@link TrainConfig#defaults()}, the one place that holds them.
 */
final class Options {
  private Options() {}

  private static final TrainConfig DEFAULTS = TrainConfig.defaults();

  /** {@code --preset}, {@code --set}, {@code --seed}: a model configuration from a preset plus changes. */
  static final class Model {
    @Option(names = "--preset", defaultValue = "micro",
        description = "Model preset: micro, tiny or small; train also takes mm-tiny or mm-small (images: captioning and generation) (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change one model config value (repeatable), e.g. --set layers=4 or --set position=alibi.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", description = "Seed of the initial weights; train also draws its data with it (default: ${DEFAULT-VALUE}).") long seed = DEFAULTS.seed();

    /** The --set assignments in order, as key → value; one line naming the bad one and the valid keys otherwise. */
    Map<String, String> changes() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String s : sets) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set '" + s + "' must have the form key=value; valid keys: " + String.join(", ", Overrides.KEYS));
        }
        m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
      }
      return m;
    }

    /** The preset with {@code first} applied, then the --set changes. */
    ModelConfig config(Map<String, String> first) {
      Map<String, String> all = new LinkedHashMap<>(first);
      all.putAll(changes());
      return Overrides.apply(ModelConfig.preset(preset), all);
    }
  }

  /** {@code --checkpoint DIR}: a model to read. */
  static final class Checkpoint {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
        description = "Checkpoint directory (config.json + model.safetensors, or Hugging Face shards with model.safetensors.index.json), "
            + "or a run directory whose checkpoint/ holds one.")
    Path dir;

    /**
     * The model in {@link #dir}. For a Hugging Face checkpoint (no Focus keys) one line on stderr says
     * what was read and what it takes in memory, since its 16-bit weights are widened to F32 on load.
     */
    dev.focus.checkpoint.Checkpoint.Loaded load(picocli.CommandLine.Model.CommandSpec spec) {
      dev.focus.checkpoint.Checkpoint.Loaded loaded = dev.focus.checkpoint.Checkpoint.read(dir);
      if (loaded.pretrained()) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("focus " + spec.name() + ": read " + dir + ": " + loaded.summary());
        err.flush();
      }
      return loaded;
    }
  }

  /** {@code --data}, {@code --cache}: a data set by name. */
  static final class Data {
    @Option(names = "--data", required = true, paramLabel = "DATASET",
        description = "Dataset: brown[:bpe=N], mqar, needle, copy, reverse, addition, kback, mod10 [:key=value,...]; with mm-* presets: digits, glyphs-shapes, glyphs-read, glyphs-count.")
    String spec;

    @Mixin Cache cache = new Cache();

    Path cacheDir() { return cache.dir(); }

    Dataset open() throws java.io.IOException { return Datasets.open(spec, cacheDir()); }
  }

  /** {@code --cache} (or {@code --data-dir}): where data sets are; on a cluster, what every node reads. */
  static final class Cache {
    @Option(names = {"--cache", "--data-dir"}, paramLabel = "DIR",
        description = "Data cache (default: $FOCUS_CACHE or ~/.cache/focus). On a cluster: shared storage every node reads; without it each node uses its own cache (run 'focus setup' there once).")
    Path dir;

    Path dir() { return dir != null ? dir : DataCache.dir(); }
  }

  /**
   * Where the planned tasks of the lab and of sweeps run: Apache Spark, embedded in this JVM by
   * default, or a cluster; and where their results and checkpoints are kept.
   */
  static final class Cluster {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master: local[*] (default: this JVM, every core), local[N], spark://HOST:7077 (standalone), yarn, k8s://URL.")
    String master;

    @Option(names = "--work-dir", paramLabel = "DIR|URI",
        description = "Where finished task results and task checkpoints are kept, so nothing finished runs twice: a path (default: RUNS/.work), file:, or any Hadoop URI (hdfs://...). On a cluster, storage every node and the driver see.")
    String workDir;

    @Option(names = "--task-cpus", paramLabel = "N", defaultValue = "1",
        description = "Cores Spark reserves per task (spark.task.cpus); each task on an executor uses that many of Focus's threads (default: ${DEFAULT-VALUE}).")
    int taskCpus;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Any Spark setting (repeatable), e.g. --conf spark.executor.memory=4g.") List<String> conf = new ArrayList<>();

    @Option(names = "--spark-ui", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Start the Spark UI and print its address (default: on; --no-spark-ui to skip it).")
    boolean ui;

    /** The work directory: --work-dir, else {@code fallback}. */
    String workDir(Path fallback) { return workDir != null ? workDir : fallback.toString(); }
  }

  /** The training settings; defaults from {@link TrainConfig#defaults()}. */
  static final class Training {
    @Option(names = "--steps", description = "Optimizer steps (default: ${DEFAULT-VALUE}).") long steps = DEFAULTS.steps();

    @Option(names = "--batch", description = "Sequences per step (default: ${DEFAULT-VALUE}).") int batch = DEFAULTS.batchSize();

    @Option(names = "--seq", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).") int seq = DEFAULTS.seqLen();

    @Option(names = "--accumulate", description = "Micro-batches per step; must divide --batch (default: ${DEFAULT-VALUE}).") int accumulate = DEFAULTS.accumulation();

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") double lr = DEFAULTS.lr();

    @Option(names = "--min-lr", description = "Final learning rate of the cosine (default: lr/10).") Double minLr;

    @Option(names = "--warmup", description = "Warmup steps (default: min(100, steps/10)).") Integer warmup;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).") double weightDecay = DEFAULTS.weightDecay();

    @Option(names = "--clip", description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).") double clip = DEFAULTS.clipNorm();

    @Option(names = "--eval-every", description = "Validation loss every N steps and at the end, 0 = off (default: ${DEFAULT-VALUE}).") int evalEvery = DEFAULTS.evalEvery();

    @Option(names = "--eval-batches", description = "Validation batches per evaluation (default: ${DEFAULT-VALUE}).") int evalBatches = DEFAULTS.evalBatches();

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps, 0 = only at the end (default: ${DEFAULT-VALUE}).") int checkpointEvery = DEFAULTS.checkpointEvery();

    @Option(names = "--train-only", paramLabel = "PATTERN", split = ",",
        description = "Train only the parameters whose name contains a match of PATTERN (a regular expression or plain substring; repeatable or comma-separated), e.g. --train-only head_scale; the rest stay frozen.")
    List<String> trainOnly = new ArrayList<>();

    @Option(names = "--on-nan", paramLabel = "stop|skip",
        description = "A step whose loss or gradient is NaN or infinite: stop the run (exit 1, the last good checkpoint kept) or skip the step without an update (default: ${DEFAULT-VALUE}).")
    TrainConfig.OnNan onNan = DEFAULTS.onNan();

    /** The settings, with the data seed {@code seed}; one line naming the bad option otherwise. */
    TrainConfig config(long seed) {
      try {
        return TrainConfig.builder().steps(steps).batchSize(batch).seqLen(seq).accumulation(accumulate).lr(lr).minLr(minLr)
            .warmup(warmup).weightDecay(weightDecay).clipNorm(clip).seed(seed).evalEvery(evalEvery).evalBatches(evalBatches)
            .checkpointEvery(checkpointEvery).trainOnly(trainOnly).onNan(onNan).build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((e.getMessage().startsWith("trainOnly") ? "--train-only: " : "bad training option: ")
            + e.getMessage());
      }
    }
  }

  /** {@code --out}, {@code --resume}, {@code --force}, {@code --progress}: where a run goes and how it starts. */
  static final class Run {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory, e.g. runs/NAME.") Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.") boolean resume;

    @Option(names = "--force", description = "Delete an existing run in --out and start over.") boolean force;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Show a progress bar on stderr (default: on; --no-progress to hide).")
    boolean progress;
  }

  /** {@code --host}, {@code --port}: where a site is served; this machine only unless --host says otherwise. */
  static final class Server {
    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port of the site, 0 for any free port (default: ${DEFAULT-VALUE}).") int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).") String host;

    /** The port; one line naming --port when it is not one. */
    int port() {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("--port " + port + " is not in 0..65535");
      return port;
    }
  }

  /** {@code --runs DIR}: the directory of runs, which 'focus lab' writes and the site shows. */
  static final class Runs {
    @Option(names = "--runs", defaultValue = "runs", paramLabel = "DIR", description = "Directory of runs, where 'focus lab' writes its reports (default: ${DEFAULT-VALUE}).") Path dir;
  }

  /** {@code --python}: the interpreter of the reference side (PyTorch, numpy) a benchmark compares with. */
  static final class Python {
    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "PATH",
        description = "Python of the reference side, with torch and numpy (default: ${DEFAULT-VALUE}).")
    String path;
  }

  /** {@code --no-torch}, {@code --script} and {@code --python}: the PyTorch side of a benchmark. */
  static final class Torch {
    @Mixin Python python = new Python();

    @Option(names = "--no-torch", description = "Skip the PyTorch side.") boolean skip;

    @Option(names = "--script", paramLabel = "FILE", description = "The PyTorch script the benchmark runs (default: found in the Focus checkout).") java.io.File script;

    /** --script, else {@code relative} in the Focus checkout; null when neither is there. */
    java.io.File script(String relative) {
      if (script != null) return script;
      Path found = Checkout.find(relative);
      return found == null ? null : found.toFile();
    }
  }

  /** {@code --json}: the command's result as JSON on standard output instead of a table. */
  static final class JsonOutput {
    @Option(names = "--json", description = "Print JSON instead of a table.") boolean on;
  }

  /** {@code --tokens IDS | --prompt TEXT | --text FILE}: the tokens a command runs a checkpoint on (an exclusive group). */
  static final class Tokens {
    @Option(names = "--tokens", required = true, paramLabel = "IDS", description = "Token ids separated by spaces or commas, e.g. \"1 2 3\", used as given.") String ids;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
        description = "Text, encoded with the checkpoint's tokenizer.json (else bytes), after the tokenizer's prefix (e.g. <s>).")
    String prompt;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "A UTF-8 text file, encoded as --prompt is.") Path file;

    /** The option given, for messages. */
    String option() { return ids != null ? "--tokens" : prompt != null ? "--prompt" : "--text"; }

    /**
     * The tokens for the checkpoint in {@code checkpoint} with {@code vocab} ids: ids as given (no
     * prefix), or the encoded text after the tokenizer's prefix; with one phrase saying where they came from.
     */
    CheckpointText.Input read(Path checkpoint, int vocab) throws java.io.IOException {
      if (ids != null) {
        int[] body = CheckpointText.parseIds(ids, vocab);
        return new CheckpointText.Input(new int[0], body, body.length + " token ids given on the command line");
      }
      String text = prompt;
      String from = "a prompt";
      if (file != null) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new IllegalArgumentException("--text " + file + ": no such file");
        text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        from = "`" + file.getFileName() + "`";
      }
      CheckpointText tok = CheckpointText.of(checkpoint, vocab);
      int[] body = tok.encode(text);
      return new CheckpointText.Input(tok.prefix(), body, from + ", " + body.length + " tokens by " + tok.describe());
    }
  }

  /** {@code --scheme}: a position scheme by name, for the commands that show its layout rule or its rotation. */
  static final class Scheme {
    static final String NAMES = "flat, rope-tie, rope-tie-frac, rope-tv, rope-tv-3d, mrope, mrope-i or rope-2d";

    @Option(names = "--scheme", paramLabel = "SCHEME", description = NAMES + " (any position kind: its layout rule).") String name;

    /** The kind named; one line when --scheme is missing or names none. */
    dev.focus.position.PositionKind kind() {
      if (name == null) throw new IllegalArgumentException("missing --scheme (" + NAMES + ")");
      return dev.focus.position.PositionKind.parse(name);
    }
  }

  /** {@code --seed}: the seed of a command that samples; the i-th of several samples uses seed + i. */
  static final class SamplingSeed {
    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed; the i-th of several samples uses seed+i (default: ${DEFAULT-VALUE}).") long value;
  }
}
