package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.focus.md.internal.MathRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without pipes in math, Focus's table parser renders exactly as commonmark-ext-gfm-tables does
 * (spec 03 §5, "Differential tables"). The inputs ({@code tables.json}, shared with the node test
 * that compares against marked's own table tokenizer) cover the GFM table examples and the edges
 * of splitting: escapes, code spans, missing and extra cells, lazy rows, containers.
 */
class TableDifferentialTest {
  private static final MathRenderer FOCUS = new MathRenderer(true, true);
  private static final MathRenderer STOCK = new MathRenderer(false, true);

  static Stream<String> tables() throws IOException {
    try (InputStream in = TableDifferentialTest.class.getResourceAsStream("/dev/focus/md/tables.json")) {
      return Arrays.stream(new ObjectMapper().readValue(in, String[].class));
    }
  }

  @ParameterizedTest
  @MethodSource("tables")
  void rendersLikeTheStockTableParser(String markdown) {
    assertEquals(STOCK.render(markdown), FOCUS.render(markdown), () -> "input:\n" + markdown);
  }
}
