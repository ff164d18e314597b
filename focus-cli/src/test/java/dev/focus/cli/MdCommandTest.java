package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.md.MathMarkdown;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code focus md [FILE]}: Markdown from a file or standard input to the sanitised fragment on stdout. */
class MdCommandTest {
  private static final String MARKDOWN = "# 能量\n\nIf $0<x<1$ then\n\n$$\nE = mc^2\n$$\n\n<script>alert(1)</script>\n";
  private static final String SPAN = "<span class=\"math math-inline notranslate\" translate=\"no\">\\(0&lt;x&lt;1\\)</span>";
  private static final String DIV = "<div class=\"math math-display notranslate\" translate=\"no\">\\[\nE &#61; mc^2\n\\]</div>";

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 1];
    full[0] = "md";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void rendersAFileToExactlyTheLibraryOutput(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("note.md");
    Files.writeString(file, MARKDOWN, StandardCharsets.UTF_8);
    Run r = run(file.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(MathMarkdown.create().render(MARKDOWN), r.out());
    assertTrue(r.out().contains(SPAN), r.out());
    assertTrue(r.out().contains(DIV), r.out());
    assertTrue(r.out().contains("能量"), "UTF-8 text survives: " + r.out());
    assertTrue(!r.out().contains("script"), r.out());
  }

  @Test
  void readsStandardInputWithoutAFileOrWithDash() {
    for (String[] args : new String[][] {{}, {"-"}}) {
      InputStream saved = System.in;
      try {
        System.setIn(new ByteArrayInputStream(MARKDOWN.getBytes(StandardCharsets.UTF_8)));
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        assertEquals(MathMarkdown.create().render(MARKDOWN), r.out());
      } finally {
        System.setIn(saved);
      }
    }
  }

  @Test
  void aMissingFileExitsTwoWithOneLineNamingIt(@TempDir Path dir) {
    String missing = dir.resolve("absent.md").toString();
    Run r = run(missing);
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(missing), r.err());
  }
}
