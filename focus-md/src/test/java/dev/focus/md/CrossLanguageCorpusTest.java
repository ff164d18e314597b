package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.focus.md.internal.MathRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Writes the Java renders of {@code cross-corpus.json} (500 mixtures of math and Markdown
 * fragments) to {@code target/cross-language/renders.json}; the node test
 * {@code src/test/js/cross-language.test.js}, which runs after this one in {@code mvn verify},
 * checks that the marked extension renders each the same way wherever the two libraries agree
 * without math.
 */
class CrossLanguageCorpusTest {
  @Test
  void writesJavaRendersForTheNodeComparison() throws IOException {
    String[] corpus;
    try (InputStream in = getClass().getResourceAsStream("/dev/focus/md/cross-corpus.json")) {
      corpus = new ObjectMapper().readValue(in, String[].class);
    }
    MathMarkdown focus = MathMarkdown.create();
    MathRenderer stock = new MathRenderer(false, true);
    List<Map<String, String>> renders = new ArrayList<>();
    for (String markdown : corpus) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("markdown", markdown);
      r.put("focus", focus.render(markdown));
      r.put("stock", MathMarkdown.sanitize(stock.render(markdown)));
      renders.add(r);
    }
    Path out = Path.of("target", "cross-language", "renders.json");
    Files.createDirectories(out.getParent());
    new ObjectMapper().writeValue(out.toFile(), renders);
    assertTrue(renders.stream().filter(r -> r.get("focus").contains("class=\"math ")).count() > corpus.length / 2,
        "the corpus should be mostly math");
  }
}
