package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MathMarkdownTest {
  private static final MathMarkdown MD = MathMarkdown.create();

  @Test
  void nullInputIsRejectedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MD.render(null));
    assertTrue(e.getMessage().contains("markdown"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MathMarkdown.sanitize(null));
  }

  @Test
  void crlfAndCrLineEndingsBehaveLikeLf() {
    String lf = MD.renderUnsafe("$$\nx\n$$\n\n$a\nb$");
    assertEquals(lf, MD.renderUnsafe("$$\r\nx\r\n$$\r\n\r\n$a\r\nb$"));
    assertEquals(lf, MD.renderUnsafe("$$\rx\r$$\r\r$a\rb$"));
  }

  @Test
  void headingsGetAnchorsAndBareUrlsBecomeLinks() {
    String html = MD.render("# Results\n\nsee https://example.com and ~~old~~");
    assertTrue(html.contains("<h1 id=\"results\">Results</h1>"), html);
    assertTrue(html.contains("href=\"https://example.com\""), html);
    assertTrue(html.contains("<del>old</del>"), html);
  }

  @Test
  void theBrowserResourcesAreOnTheClassPath() throws IOException {
    for (String name : List.of(MathMarkdown.BROWSER_EXTENSION, MathMarkdown.BROWSER_RESOURCES + "focus-sanitize.js")) {
      try (InputStream in = MathMarkdown.class.getResourceAsStream(name)) {
        assertNotNull(in, name);
        String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(js.contains("export function"), name);
      }
    }
  }

  @Test
  void oneInstanceRendersConcurrentlyWithTheSameResults() throws Exception {
    String input = "| a | $|x|$ |\n|---|---|\n| 1 | 2 |\n\n> $$\n> y\n> $$\n\n$z$ and \\(w\\)";
    String expected = MD.render(input);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) results.add(pool.submit(() -> MD.render(input)));
      for (Future<String> f : results) assertEquals(expected, f.get());
    } finally {
      pool.shutdown();
    }
  }
}
