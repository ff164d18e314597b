package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.md.internal.MathRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CommonMark 0.31.2 example, rendered with the math and table syntax on and without the
 * sanitiser, equals the spec's HTML exactly, except the examples listed in {@code excluded.txt}
 * (spec 03 §5). A listed example must contain a math opener and must actually differ.
 */
class CommonMarkSpecTest {
  private static final String DIR = "/dev/focus/md/commonmark/";
  private static final Pattern OPENER = Pattern.compile("\\$|\\\\\\(|\\\\\\[|\\\\begin\\{");
  private static final MathRenderer RENDERER = new MathRenderer(true, false);

  static List<SpecExample> examples() throws IOException {
    return SpecExample.read(DIR + "spec.txt");
  }

  static Map<Integer, String> excluded() throws IOException {
    Map<Integer, String> excluded = new TreeMap<>();
    try (InputStream in = CommonMarkSpecTest.class.getResourceAsStream(DIR + "excluded.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] parts = line.trim().split("\\s+", 2);
        excluded.put(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "");
      }
    }
    return excluded;
  }

  static Stream<SpecExample> exampleStream() throws IOException {
    return examples().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleStream")
  void rendersLikeTheSpecUnlessListed(SpecExample example) throws IOException {
    String actual = RENDERER.render(example.markdown());
    String reason = excluded().get(example.number());
    if (reason == null) {
      assertEquals(example.html(), actual, () -> example + " input:\n" + example.markdown());
    } else {
      assertTrue(OPENER.matcher(example.markdown()).find(),
          () -> example + " is excluded but holds no math opener; input:\n" + example.markdown());
      assertNotEquals(example.html(), actual, () -> example + " is excluded but passes; remove it from excluded.txt");
    }
  }

  @Test
  void theSpecHas652ExamplesAndEveryExclusionHasAReason() throws IOException {
    assertEquals(652, examples().size());
    excluded().forEach((number, reason) -> assertTrue(reason.length() > 10, "example " + number + " needs a reason"));
  }

  @Test
  void theBaselineWithoutMathPassesEveryExample() throws IOException {
    MathRenderer stock = new MathRenderer(false, false);
    for (SpecExample example : examples()) {
      assertEquals(example.html(), stock.render(example.markdown()), () -> example + " input:\n" + example.markdown());
    }
  }
}
