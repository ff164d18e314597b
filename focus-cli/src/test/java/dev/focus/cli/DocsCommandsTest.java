package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines that docs/positions.md and docs/model.md show run, and print what the pages say
 * (STYLE.md §2.14; the sparsity and train lines run in their commands' tests). In a shown output a line
 * "..." stands for any number of lines.
 */
class DocsCommandsTest {
  @TempDir Path tmp;

  @Test
  void positionsAndRopeExamplesPrintWhatThePageShows() throws IOException {
    int checked = 0;
    for (List<String> block : codeBlocks(page("positions.md"))) {
      String command = block.get(0);
      if (!command.startsWith("./focus positions ") && !command.startsWith("./focus rope ")) continue;
      Cli.Run r = Cli.run(args(command).toArray(new String[0]));
      assertEquals(0, r.code(), command + ": " + r.err());
      List<String> expected = block.subList(1, block.size());
      assertTrue(matches(expected, List.of(r.out().strip().split("\\R"))),
          command + "\nshown:\n" + String.join("\n", expected) + "\nprinted:\n" + r.out());
      checked++;
    }
    assertEquals(2, checked, "docs/positions.md shows one focus positions and one focus rope example");
  }

  @Test
  void initLogitsAndSampleLinesOfTheModelPageRun() throws IOException {
    List<String> lines = new ArrayList<>();
    for (List<String> block : codeBlocks(page("model.md"))) {
      for (String l : block) if (l.startsWith("./focus init ") || l.startsWith("./focus logits ") || l.startsWith("./focus sample ")) lines.add(l);
    }
    assertEquals(3, lines.size(), "init, logits and sample lines in docs/model.md: " + lines);
    Path ckpt = tmp.resolve("init-tiny");
    for (String line : lines) {
      String l = line.replaceAll("\\s+#.*$", "").replace("runs/init-tiny", ckpt.toString())
          .replace("runs/brown-micro/checkpoint", ckpt.toString());
      Cli.Run r = Cli.run(args(l).toArray(new String[0]));
      assertEquals(0, r.code(), line + ": " + r.err());
      if (l.startsWith("./focus logits ")) {
        List<?> rows = (List<?>) Json.parse(r.out());
        assertEquals(3, rows.size(), "one row of logits per token");
        assertEquals(256, ((List<?>) rows.get(0)).size(), "the tiny preset's vocabulary");
      }
      if (l.startsWith("./focus sample ")) assertTrue(r.out().startsWith("The "), "the sample continues its prompt: " + r.out());
    }
  }

  /**
   * The worked example of docs/checkpoints.md: a Hugging Face-format BF16 sharded Llama directory (no
   * Focus keys) through logits, sample, analyze and site. Each "./focus" block prints what it shows
   * (stderr lines first, then stdout), a shown line ending in "…" matching any line that starts with
   * what precedes it; the paths are the page's, moved into a temporary directory.
   */
  @Test
  void huggingFaceCheckpointExampleOfTheCheckpointsPageRuns() throws IOException {
    String page = page("checkpoints.md");
    page = page.substring(page.indexOf("### Worked example"), page.indexOf("### How it is tested"));
    Path work = tmp.resolve("work"), runs = tmp.resolve("runs");
    Files.writeString(tmp.resolve("notes.txt"), "The quick brown fox jumps over the lazy dog. A second sentence follows the first one.\n");
    int ran = 0;
    for (List<String> block : codeBlocks(page)) {
      String command = block.get(0);
      if (command.startsWith("cp -r ")) {
        String[] parts = command.split(" ");
        Path from = Path.of("..").resolve(parts[2]);
        assertTrue(Files.isDirectory(from), command + ": the page copies a directory of the repository");
        assertEquals("work/tiny-llama", parts[3]);
        PretrainedCommandsTest.copy(from.getFileName().toString(), work.resolve("tiny-llama"));
        continue;
      }
      assertTrue(command.startsWith("./focus "), "a block of the example starts with a command: " + command);
      List<String> a = new ArrayList<>();
      for (String arg : args(command)) {
        a.add(arg.replace("work/tiny-llama", work.resolve("tiny-llama").toString()).replace("runs/analyze-tiny-llama",
            runs.resolve("analyze-tiny-llama").toString()).replace("notes.txt", tmp.resolve("notes.txt").toString()));
      }
      if (a.get(0).equals("site")) a.addAll(List.of("--runs", runs.toString(), "--out", tmp.resolve("site").toString()));
      Cli.Run r = Cli.run(a.toArray(new String[0]));
      assertEquals(0, r.code(), command + ": " + r.err());
      List<String> printed = new ArrayList<>();
      for (String l : (r.err() + r.out()).split("\\R")) if (!l.isBlank()) printed.add(l.replace(work.toString(), "work"));
      List<String> shown = block.subList(1, block.size());
      assertEquals(shown.size(), printed.size(), command + "\nshown:\n" + String.join("\n", shown) + "\nprinted:\n" + String.join("\n", printed));
      for (int i = 0; i < shown.size(); i++) {
        String want = shown.get(i), got = printed.get(i);
        assertTrue(want.endsWith("…") ? got.startsWith(want.substring(0, want.length() - 1)) : got.equals(want),
            command + ": line " + (i + 1) + " shown as\n" + want + "\nprinted as\n" + got);
      }
      ran++;
    }
    assertEquals(4, ran, "logits, sample, analyze and site");
    assertTrue(Files.readString(tmp.resolve("site").resolve("index.html")).contains("analyze-tiny-llama"), "the site lists the report");
  }

  /**
   * The masked-LM worked example of docs/training.md: its train and eval lines run (2 steps, on a small
   * Brown fixture) and print lines of the shape the page shows (numbers stand for any number).
   */
  @Test
  void maskedLmExampleOfTheTrainingPageRuns() throws IOException {
    String page = page("training.md");
    page = page.substring(page.indexOf("## Masked-LM objective"), page.indexOf("## Determinism"));
    Path cache = TrainCommandTest.brownFixture(tmp.resolve("cache"));
    int ran = 0;
    for (List<String> block : codeBlocks(page)) {
      String command = block.get(0);
      if (!command.startsWith("./focus train ") && !command.startsWith("./focus eval ")) continue;
      List<String> a = new ArrayList<>();
      for (String arg : args(command)) a.add(arg.replace("runs/", tmp.resolve("runs").toString() + "/"));
      if (a.contains("--steps")) a.set(a.indexOf("--steps") + 1, "2");
      if (a.get(0).equals("train")) a.addAll(List.of("--no-progress", "--eval-batches", "1"));
      a.addAll(List.of("--cache", cache.toString()));
      Cli.Run r = Cli.run(a.toArray(new String[0]));
      assertEquals(0, r.code(), command + ": " + r.err());
      List<String> printed = new ArrayList<>();
      for (String l : (r.err() + r.out()).split("\\R")) {
        if (!l.isBlank() && !l.startsWith("WARNING")) printed.add(shape(l.replace(tmp.resolve("runs").toString() + "/", "runs/")));
      }
      List<String> shown = block.subList(1, block.size()).stream().map(DocsCommandsTest::shape).toList();
      assertEquals(shown, printed, command);
      ran++;
    }
    assertEquals(4, ran, "two trainings (RoPE, NoPE) and their evaluations");
  }

  /** A line with every number (and run of spaces) replaced, so a 2-step run matches the page's 1000-step one. */
  static String shape(String line) {
    return line.replaceAll("-?[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?", "#").replaceAll(" +", " ").strip();
  }

  // ------------------------------------------------------------------------------------------ helpers

  static String page(String name) throws IOException {
    return Files.readString(Path.of("..", "docs", name), StandardCharsets.UTF_8);
  }

  /** The lines of every fenced code block of a page. */
  static List<List<String>> codeBlocks(String page) {
    List<List<String>> out = new ArrayList<>();
    List<String> block = null;
    for (String line : page.split("\n", -1)) {
      if (line.startsWith("```")) {
        if (block == null) {
          block = new ArrayList<>();
        } else {
          out.add(block);
          block = null;
        }
      } else if (block != null) {
        block.add(line);
      }
    }
    return out;
  }

  /** The arguments of a "./focus …" line: split at spaces, double quotes grouping. */
  static List<String> args(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false, any = false;
    for (char c : line.substring("./focus ".length()).toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) out.add(cur.toString());
        cur.setLength(0);
        any = false;
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) out.add(cur.toString());
    return out;
  }

  /** Whether {@code actual} equals {@code shown}, where a shown "..." matches any run of lines. */
  static boolean matches(List<String> shown, List<String> actual) {
    if (shown.isEmpty()) return actual.isEmpty();
    if (shown.get(0).equals("...")) {
      for (int k = 0; k <= actual.size(); k++) if (matches(shown.subList(1, shown.size()), actual.subList(k, actual.size()))) return true;
      return false;
    }
    return !actual.isEmpty() && shown.get(0).equals(actual.get(0)) && matches(shown.subList(1, shown.size()), actual.subList(1, actual.size()));
  }
}
