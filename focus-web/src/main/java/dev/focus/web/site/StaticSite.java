package dev.focus.web.site;

import dev.focus.io.OutputDir;
import dev.focus.report.Report;
import dev.focus.report.ReportReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * Writes the research-notebook site as static files that open from disk ({@code file://}): the same
 * pages as the server at the same relative paths (see {@link SitePages}), the data files, and every
 * asset, so the copy needs no server and no network. The preview page needs the server and is left out.
 */
public final class StaticSite {
  private StaticSite() {}

  /** Marks a directory as written by this class, so a rewrite may clear it. */
  public static final String MARKER = OutputDir.SITE_MARKER;

  /**
   * MathJax's other combined bundles (pages load {@code tex-chtml.js}, which loads its extensions,
   * fonts and the menu's renderers lazily from the rest of the tree): about 14 MB never requested.
   */
  static final java.util.regex.Pattern UNUSED_BUNDLES =
      java.util.regex.Pattern.compile("assets/mathjax/(?!tex-chtml\\.js$)(?:tex|mml)-[^/]*\\.js|assets/mathjax/node-main\\.js");

  /** What was written. */
  public record Result(Path index, int reports, List<String> problems, int files, long bytes) {}

  /**
   * Writes the site of {@code runsDir} into {@code outDir}. The directory must be new, empty, or a
   * previous output of this method (which is then replaced).
   *
   * @throws IllegalArgumentException if {@code outDir} holds anything else, or lies inside {@code runsDir}
   */
  public static Result write(Path runsDir, Path outDir) throws IOException {
    return write(runsDir, outDir, new SitePages(SitePages.Mode.STATIC));
  }

  public static Result write(Path runsDir, Path outDir, SitePages pages) throws IOException {
    Objects.requireNonNull(runsDir, "runsDir");
    Objects.requireNonNull(outDir, "outDir");
    Path out = outDir.toAbsolutePath().normalize();
    if (out.startsWith(runsDir.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("output directory " + outDir + " must not lie inside the runs directory " + runsDir);
    }
    // The marker goes in first, so a write that fails part-way (disk full) leaves a directory that the
    // next run recognises as its own and may clear.
    OutputDir.clear(out, OutputDir.SITE);
    Files.writeString(out.resolve(MARKER), "Written by focus site; the next run replaces this directory's contents.\n");
    ReportReader.Scan scan = ReportReader.scan(runsDir);
    Counter n = new Counter();
    n.write(out.resolve("index.html"), pages.index(scan).getBytes(StandardCharsets.UTF_8));
    for (Report r : scan.reports()) {
      n.write(out.resolve(SitePages.reportPath(r.slug())), pages.report(r).getBytes(StandardCharsets.UTF_8));
      for (Report.DataInfo d : r.data()) {
        Path src = ReportReader.dataFile(runsDir, r.slug(), d.name());
        if (src != null) n.copy(src, out.resolve(SitePages.dataPath(r.slug(), d.name())));
      }
    }
    for (Assets.Asset a : Assets.all()) {
      if (UNUSED_BUNDLES.matcher(a.sitePath()).matches()) continue;
      try (InputStream in = a.open()) {
        n.write(out.resolve(a.sitePath()), in.readAllBytes());
      }
    }
    return new Result(out.resolve("index.html"), scan.reports().size(), scan.problems(), n.files, n.bytes);
  }

  private static final class Counter {
    int files;
    long bytes;

    void write(Path p, byte[] content) throws IOException {
      Files.createDirectories(p.getParent());
      Files.write(p, content);
      files++;
      bytes += content.length;
    }

    void copy(Path src, Path dst) throws IOException {
      Files.createDirectories(dst.getParent());
      Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
      files++;
      bytes += Files.size(dst);
    }
  }
}
