package dev.focus.cli;

import dev.focus.io.IoErrors;
import dev.focus.io.MemoryBudget;
import dev.focus.io.Text;
import dev.focus.kernel.KernelProperties;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code focus} command. Each subcommand is one class in this package (registered explicitly in
 * {@link #SUBCOMMANDS}, no reflection scanning).
 *
 * <p>Exit codes: 0 success; 1 an unexpected failure (disk full, a bug); 2 bad input (unknown option,
 * bad value, an {@link IllegalArgumentException} from the library, a missing, existing, unwritable or
 * non-UTF-8 path, a bad {@code -Dfocus.*} property); 130 interrupted. Every error prints one line on
 * stderr ({@link IoErrors} words I/O failures with their path; text from files is escaped by
 * {@link Text}); {@code --debug} adds the stack trace.
 */
@Command(
    name = "focus",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A Java toolkit and lab for decoder-only Transformers.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  /** Every subcommand, in the order `focus --help` lists them. */
  static final Class<?>[] SUBCOMMANDS = {
      LabCommand.class,
      SweepCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      PositionsCommand.class,
      RopeCommand.class,
      SparsityCommand.class,
      InitCommand.class,
      TrainCommand.class,
      LogitsCommand.class,
      AnalyzeCommand.class,
      SampleCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      SetupCommand.class,
      MdCommand.class,
      ServeCommand.class,
      SiteCommand.class,
  };

  @Option(names = "--debug", description = "Print stack traces for errors.", scope = CommandLine.ScopeType.INHERIT) boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI without exiting; tests use this with their own writers. */
  public static int run(String[] args) {
    CommandLine cl = newCommandLine();
    return execute(cl, args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = newCommandLine();
    cl.setOut(out);
    cl.setErr(err);
    return execute(cl, args);
  }

  /** Checks the JVM-wide settings, then runs; an out-of-memory error becomes one line too. */
  private static int execute(CommandLine cl, String[] args) {
    try {
      KernelProperties.validate();
    } catch (IllegalArgumentException e) {
      cl.getErr().println("focus: " + e.getMessage());
      cl.getErr().flush();
      return EXIT_USAGE;
    }
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      cl.getErr().println("focus: out of memory: this JVM may use at most " + MemoryBudget.format(Runtime.getRuntime().maxMemory())
          + "; choose smaller sizes, or raise the limit with FOCUS_JAVA_OPTS=-Xmx<size>");
      cl.getErr().flush();
      return EXIT_FAILURE;
    }
  }

  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : SUBCOMMANDS) cl.addSubcommand(c);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Main::onParameterError);
    cl.setExecutionExceptionHandler(Main::onExecutionError);
    return cl;
  }

  private static boolean debugRequested(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult p = parsed;
    while (p != null) {
      if (p.hasMatchedOption("--debug")) return true;
      p = p.subcommand();
    }
    return false;
  }

  private static int onParameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    // One line, naming the bad option or value (picocli's message) and where to read more.
    err.println("focus: " + ex.getMessage().strip().replace('\n', ' ') + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  private static int onExecutionError(Exception thrown, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean debug = debugRequested(parsed);
    Throwable ex = thrown;
    if (ex instanceof UncheckedIOException && ex.getCause() != null) ex = ex.getCause();
    String who = "focus " + cl.getCommandName() + ": ";
    int code;
    if ((ex instanceof IllegalArgumentException && !(ex instanceof NumberFormatException)) || ex instanceof UserException) {
      err.println(who + Text.quote(ex.getMessage(), 4000));
      code = EXIT_USAGE;
    } else if (ex instanceof IOException io) {
      err.println(who + IoErrors.describe(io));
      code = IoErrors.isBadInput(io) ? EXIT_USAGE : EXIT_FAILURE;
    } else {
      err.println(who + ex.getClass().getSimpleName() + ": " + Text.quote(String.valueOf(ex.getMessage()), 400)
          + (debug ? "" : " (run with --debug for details)"));
      code = EXIT_FAILURE;
    }
    if (debug) thrown.printStackTrace(err);
    err.flush();
    return code;
  }

  /** A user error that is not an argument problem (a missing file, a bad checkpoint): exit 2, one line. */
  public static final class UserException extends RuntimeException {
    public UserException(String message) { super(message); }
    public UserException(String message, Throwable cause) { super(message, cause); }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"focus " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
    }
  }
}
