package dev.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation stands with the code. The sources cite the research notes as "spec 0N §X.Y" (or
 * "spec 0N E3", "P14", "D2", "caveat 3"); spec 0N is docs/experiments/0N-*.md, whose sections keep the
 * notes' numbering, so every citation must name a section or item that page has. Relative links of the
 * README and docs/ must point at files (and headings) that exist, and the README stays a five-minute
 * read (at most 12 KB).
 */
class DocsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path EXPERIMENTS = ROOT.resolve("docs/experiments");

  /** "spec 0N" (any case), then its section list. */
  static final Pattern CITATION = Pattern.compile("(?i)\\bspec\\s+0([1-5])\\b");
  /** One item of a section list: §3.1, section 3, E7 (E7a), P14, D2, A8, M5, caveat 3; separated by , – - / and. */
  static final Pattern ITEM = Pattern.compile(
      "\\G(?:\\s*(?:,|–|-|/|and)\\s*|\\s+)(?:§\\s?(\\d+(?:\\.\\d+)*)|(?i:section)\\s+(\\d+(?:\\.\\d+)*)|([EPDAM]\\d+)[a-z]?\\b|(?i:caveat)\\s+(\\d+))");
  static final Set<String> TEXT = Set.of("java", "js", "mjs", "py", "tsv", "txt", "json", "md", "html", "css", "xml", "sh", "properties");

  record Citation(Path file, int line, int note, String item) {
    @Override public String toString() {
      return ROOT.relativize(file) + ":" + line + ": spec 0" + note + " " + item;
    }
  }

  @Test
  void readmeIsAFiveMinuteRead() throws IOException {
    long bytes = Files.size(ROOT.resolve("README.md"));
    assertTrue(bytes <= 12 * 1024, "README.md is " + bytes + " bytes; keep it at most 12 KB and move reference to docs/");
  }

  @Test
  void everyNoteHasExactlyOnePage() throws IOException {
    for (int n = 1; n <= 5; n++) page(n);
  }

  @Test
  void everySpecCitationInTheSourcesNamesASectionOfItsPage() throws IOException {
    List<Citation> all = new ArrayList<>();
    for (Map.Entry<Path, String> f : sourceTexts().entrySet()) all.addAll(citations(f.getKey(), f.getValue()));
    assertTrue(all.size() > 100, "the scan found only " + all.size() + " citations; is it reading the sources?");
    Map<Integer, Set<String>> anchors = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (Citation c : all) {
      if (c.item() == null) continue; // "spec 03" alone names the page
      Set<String> a = anchors.computeIfAbsent(c.note(), n -> {
        try {
          return anchors(Files.readString(page(n), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      if (!a.contains(c.item())) missing.add(c.toString());
    }
    assertEquals(List.of(), missing, "citations whose section or item is missing from docs/experiments/0N-*.md");
  }

  @Test
  void everyDocsPageNamedInTheSourcesExists() throws IOException {
    Pattern page = Pattern.compile("\\bdocs/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\\.md\\b");
    List<String> missing = new ArrayList<>();
    for (Map.Entry<Path, String> f : sourceTexts().entrySet()) {
      Matcher m = page.matcher(f.getValue());
      while (m.find()) {
        if (!Files.isRegularFile(ROOT.resolve(m.group()))) missing.add(ROOT.relativize(f.getKey()) + ": " + m.group());
      }
    }
    assertEquals(List.of(), missing, "pages the sources name that docs/ does not have");
  }

  @Test
  void theCitationScannerReadsListsAndRejectsUnknownSections() {
    String text = "x (sp" + "ec 04 §3.1, §3.2, §4) y; Sp" + "ec 05 D2, property tests P4 and P5; sp" + "ec 05 E7a;"
        + " sp" + "ec 03 section 3; sp" + "ec 01 caveat 3: z; sp" + "ec 02 §3.1. Next; sp" + "ec 04 §3–§5";
    List<String> items = new ArrayList<>();
    for (Citation c : citations(Path.of("t.java"), text)) items.add(c.note() + " " + c.item());
    assertEquals(List.of("4 §3.1", "4 §3.2", "4 §4", "5 D2", "5 E7", "3 §3", "1 caveat 3", "2 §3.1", "4 §3", "4 §5"), items);
    Set<String> a = anchors("## §3 Title\n### §3.1 Sub\n**§6.7 Crops.** x\n| P14 | y |\n### E1 — z\n- **E5 Retrieval** w\n"
        + "**Caveat 3 — slow.** v\n");
    assertEquals(Set.of("§3", "§3.1", "§6.7", "P14", "E1", "E5", "caveat 3"), a);
    assertFalse(a.contains("§42"));
  }

  @Test
  void relativeLinksInTheReadmeAndDocsResolve() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      String text = withoutCode(Files.readString(page, StandardCharsets.UTF_8))
          .replaceAll("``.*?``", "").replaceAll("`[^`\n]*`", ""); // code spans hold no links
      Matcher m = link.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) continue; // http:, https:, mailto:
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash), anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
        } else if (anchor != null && resolved.toString().endsWith(".md")
            && !headingSlugs(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** The page of note n: exactly one docs/experiments/0n-*.md. */
  static Path page(int n) throws IOException {
    try (Stream<Path> s = Files.list(EXPERIMENTS)) {
      List<Path> p = s.filter(f -> f.getFileName().toString().matches("0" + n + "-.*\\.md")).toList();
      assertEquals(1, p.size(), "exactly one page docs/experiments/0" + n + "-*.md, found " + p);
      return p.get(0);
    }
  }

  /** Every src/main and src/test folder of every module, and scripts/. */
  static List<Path> sourceRoots() throws IOException {
    List<Path> roots = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT)) {
      for (Path module : s.filter(Files::isDirectory).sorted().toList()) {
        for (String sub : List.of("src/main", "src/test")) {
          if (Files.isDirectory(module.resolve(sub))) roots.add(module.resolve(sub));
        }
      }
    }
    if (Files.isDirectory(ROOT.resolve("scripts"))) roots.add(ROOT.resolve("scripts"));
    assertFalse(roots.isEmpty(), "no source folders under " + ROOT);
    return roots;
  }

  /** The text files of every source folder, by path (binary files skipped). */
  static Map<Path, String> sourceTexts() throws IOException {
    Map<Path, String> out = new java.util.TreeMap<>();
    for (Path dir : sourceRoots()) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).filter(DocsTest::isText)
            .filter(p -> !p.toString().contains("/node_modules/")).toList();
      }
      for (Path f : files) {
        try {
          out.put(f, Files.readString(f, StandardCharsets.UTF_8));
        } catch (MalformedInputException binary) {
          // not UTF-8 text
        }
      }
    }
    return out;
  }

  static boolean isText(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && TEXT.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** The citations in one text: "spec 0N" with no item (the page itself), or one per listed item. */
  static List<Citation> citations(Path file, String text) {
    List<Citation> out = new ArrayList<>();
    Matcher m = CITATION.matcher(text);
    while (m.find()) {
      int note = Integer.parseInt(m.group(1));
      int line = 1;
      for (int i = 0; i < m.start(); i++) if (text.charAt(i) == '\n') line++;
      Matcher item = ITEM.matcher(text);
      item.region(m.end(), text.length());
      boolean any = false;
      while (item.find()) {
        String section = item.group(1) != null ? item.group(1) : item.group(2);
        String label = section != null ? "§" + section : item.group(3) != null ? item.group(3) : "caveat " + item.group(4);
        out.add(new Citation(file, line, note, label));
        any = true;
        item.region(item.end(), text.length());
      }
      if (!any) out.add(new Citation(file, line, note, null));
    }
    return out;
  }

  /**
   * What a page defines: "§X.Y" for headings and bold paragraphs that start with it; labels (E1, P14,
   * D2, A8, M5) that start a heading, a bold run or a table row; "caveat N" for a bold "Caveat N".
   */
  static Set<String> anchors(String page) {
    Set<String> out = new LinkedHashSet<>();
    Matcher s = Pattern.compile("(?m)^(?:#{1,6}\\s+|\\*\\*)§(\\d+(?:\\.\\d+)*)").matcher(page);
    while (s.find()) out.add("§" + s.group(1));
    Matcher l = Pattern.compile("(?m)(?:^#{1,6}\\s+|^\\|\\s*|\\*\\*)([EPDAM]\\d+)\\b").matcher(page);
    while (l.find()) out.add(l.group(1));
    Matcher c = Pattern.compile("\\*\\*Caveat (\\d+)\\b").matcher(page);
    while (c.find()) out.add("caveat " + c.group(1));
    return out;
  }

  /** GitHub-style heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  static Set<String> headingSlugs(String page) {
    Set<String> out = new LinkedHashSet<>();
    Matcher h = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(withoutCode(page));
    while (h.find()) {
      out.add(h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
    }
    return out;
  }

  /** The text without fenced code blocks (their lines are not headings or links). */
  static String withoutCode(String text) {
    return text.replaceAll("(?ms)^(```|````).*?^\\1\\s*$", "");
  }
}
