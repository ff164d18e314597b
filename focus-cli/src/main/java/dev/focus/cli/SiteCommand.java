package dev.focus.cli;

import dev.focus.io.OutputDir;
import dev.focus.web.site.StaticSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code focus site --out DIR}: the research-notebook site as static files (relative links, chart
 * data inlined, MathJax and ECharts copied), to open from disk or put on any static host.
 */
@Command(name = "site", mixinStandardHelpOptions = true,
    description = {"Write the research-notebook site as static files that open from disk (file://), no server or network needed.",
        "DIR must be new, empty, or an earlier output of this command (which is replaced)."})
public final class SiteCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "site", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).") Path out;

  @Mixin Options.Runs runDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    OutputDir.check(out, OutputDir.SITE);
    Path runs = runDir.dir;
    if (!Files.isDirectory(runs)) throw new Main.UserException("--runs " + runs + " is not a directory (run 'focus lab' first)");
    StaticSite.Result r = StaticSite.write(runs, out);
    PrintWriter err = spec.commandLine().getErr();
    for (String p : r.problems()) err.println("focus site: skipped " + p);
    err.flush();
    PrintWriter o = spec.commandLine().getOut();
    o.println("Wrote " + r.reports() + (r.reports() == 1 ? " report" : " reports") + " (" + r.files() + " files, "
        + (r.bytes() + 500_000) / 1_000_000 + " MB) to " + r.index().toUri());
    o.flush();
    return Main.EXIT_OK;
  }
}
