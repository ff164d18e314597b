package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The snippet of docs/markdown-math.md is this code, and its output comment is what it prints. */
class ReadmeExampleTest {
  private static final String SNIPPET = String.join("\n",
      "MathMarkdown md = MathMarkdown.create(); // immutable, thread-safe",
      "String html = md.render(\"Euler: $e^{i\\\\pi} = -1$\");",
      "// <p>Euler: <span class=\"math math-inline notranslate\" translate=\"no\">\\(e^{i\\pi} &#61; -1\\)</span></p>");

  @Test
  void theDocsShowThisSnippet() throws IOException {
    String page = Files.readString(Path.of("..", "docs", "markdown-math.md"), StandardCharsets.UTF_8);
    assertTrue(page.contains("```java\n" + SNIPPET + "\n```"), "docs/markdown-math.md snippet drifted from ReadmeExampleTest");
  }

  @Test
  void theSnippetPrintsItsComment() {
    MathMarkdown md = MathMarkdown.create(); // immutable, thread-safe
    String html = md.render("Euler: $e^{i\\pi} = -1$");
    String comment = SNIPPET.substring(SNIPPET.lastIndexOf("// ") + 3);
    assertEquals(comment, html.strip());
  }
}
