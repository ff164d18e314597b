package dev.focus.web.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.web.SampleRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static writer: every page, download and asset lands where the relative links point. */
class StaticSiteTest {
  @TempDir static Path tmp;
  static Path runs;
  static Path out;
  static StaticSite.Result result;

  @BeforeAll
  static void write() throws Exception {
    runs = tmp.resolve("runs");
    SampleRuns.write(runs);
    out = tmp.resolve("site");
    result = StaticSite.write(runs, out);
  }

  @Test
  void writesIndexReportsDataAndAssets() {
    assertEquals(3, result.reports());
    assertEquals(out.resolve("index.html"), result.index());
    for (String p : List.of("index.html", "reports/attention-entropy.html", "reports/position-bias.html", "reports/hostile-input.html",
        "runs/attention-entropy/loss.csv", "runs/attention-entropy/attention.json", "runs/position-bias/accuracy.json",
        "assets/mathjax/tex-chtml.js", "assets/mathjax/ui/safe.js", "assets/mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
        "assets/echarts/echarts.min.js", "assets/site/site.js", "assets/site/config.js", "assets/site/site.css")) {
      assertTrue(Files.isRegularFile(out.resolve(p)), p + " missing");
    }
    assertFalse(Files.exists(out.resolve("preview.html")), "the preview needs the server");
  }

  @Test
  void everyRelativeLinkResolvesToAWrittenFile() throws Exception {
    Pattern link = Pattern.compile("<(?:a|link|script)\\b[^>]*?\\b(?:href|src)=\"([^\"#]*)\"");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path page : walk.filter(p -> p.toString().endsWith(".html")).toList()) {
        Matcher m = link.matcher(Files.readString(page));
        while (m.find()) {
          String target = m.group(1);
          if (target.equals("data:,")) continue; // the empty favicon
          assertFalse(target.contains(":"), page + " links off-site: " + target);
          checked++;
          if (!Files.isRegularFile(page.getParent().resolve(target).normalize())) broken.add(out.relativize(page) + " -> " + target);
        }
      }
    }
    assertTrue(checked > 20, "only " + checked + " links checked");
    assertEquals(List.of(), broken);
  }

  @Test
  void pagesAndSiteScriptsNameNoOtherHost() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(out)) {
      walk.filter(p -> p.toString().endsWith(".html") || p.startsWith(out.resolve("assets/site"))).filter(Files::isRegularFile)
          .forEach(files::add);
    }
    assertTrue(files.size() >= 8, files.toString());
    for (Path f : files) {
      String text = Files.readString(f);
      assertFalse(text.contains("http:") || text.contains("https:") || text.contains("//cdn"), f + " names another host");
    }
  }

  @Test
  void onlyTheMathJaxBundleThePagesLoadIsCopied() {
    assertTrue(Files.isRegularFile(out.resolve("assets/mathjax/tex-chtml.js")));
    assertTrue(Files.isRegularFile(out.resolve("assets/mathjax/output/svg.js")), "the menu can switch renderers lazily");
    assertFalse(Files.exists(out.resolve("assets/mathjax/tex-svg-full.js")));
    assertFalse(Files.exists(out.resolve("assets/mathjax/tex-chtml-full.js")));
  }

  @Test
  void pagesCarryTheirOwnCsp() throws Exception {
    String page = Files.readString(out.resolve("reports/attention-entropy.html"));
    assertTrue(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;; script-src &#39;self&#39;;"));
    assertFalse(page.contains("<script>"), "no inline script");
  }

  @Test
  void refusesToOverwriteAForeignDirectoryButReplacesItsOwn() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("keep.txt"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaticSite.write(runs, foreign));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertTrue(Files.exists(foreign.resolve("keep.txt")));

    Path again = tmp.resolve("again");
    StaticSite.write(runs, again);
    Files.writeString(again.resolve("reports/stale.html"), "stale");
    StaticSite.write(runs, again);
    assertFalse(Files.exists(again.resolve("reports/stale.html")));
    assertThrows(IllegalArgumentException.class, () -> StaticSite.write(runs, runs.resolve("site")));
  }
}
