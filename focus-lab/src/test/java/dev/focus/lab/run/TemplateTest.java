package dev.focus.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {
  static final Template T = Template.parse("test.md", """
      <!-- intro -->
      ## Result

      The naive pipeline mangles **{{bad}} of {{cases}}**; $\\frac{{1}}{2}$ stays.

      <!-- chart -->
      {{chart:e1}} and S* = {{s|sig3}}, {{ratio|%.2f}}×, {{count|%d}} runs.
      <!-- lead -->
       a leading space stays
      """);

  @Test
  void fragmentsFillTheirKeysAndKeepEverythingElse() {
    assertEquals(Set.of("intro", "chart", "lead"), T.names());
    assertEquals("## Result\n\nThe naive pipeline mangles **13 of 15**; $\\frac{{1}}{2}$ stays.",
        T.fill("intro", "bad", 13, "cases", 15), "TeX braces around a digit are no key; trailing blank lines go");
    assertEquals("{{chart:e1}} and S* = 0.123, 2.50×, 7 runs.", T.fill("chart", "s", 0.12345, "ratio", 2.5, "count", 7));
    assertEquals(" a leading space stays", T.fill("lead"));
  }

  @Test
  void aMissingOrUnusedKeyOrFragmentIsAnError() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> T.fill("intro", "bad", 1));
    assertTrue(missing.getMessage().contains("{{cases}}"), missing.getMessage());
    IllegalArgumentException unused = assertThrows(IllegalArgumentException.class,
        () -> T.fill("intro", "bad", 1, "cases", 2, "typo", 3));
    assertTrue(unused.getMessage().contains("typo"), unused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> T.fill("nowhere"));
    assertThrows(IllegalArgumentException.class, () -> T.fill("chart", "s", "not a number", "ratio", 1.0, "count", 1));
    assertThrows(IllegalArgumentException.class, () -> Template.parse("x.md", "text before any fragment\n<!-- a -->\n"));
  }

  @Test
  void everyResourceTemplateParses() {
    for (String r : new String[] {"focus/attention-focus.md", "lossless/lossless-input.md", "markdown/markdown-math.md",
        "positions/positions.md", "nope/nope.md"}) {
      String pkg = r.substring(0, r.indexOf('/'));
      Template t = Template.of(packageClass(pkg), r.substring(r.indexOf('/') + 1));
      assertTrue(t.names().size() >= 5, r + " has " + t.names());
    }
  }

  private static Class<?> packageClass(String pkg) {
    try {
      return Class.forName("dev.focus.lab." + pkg + "." + switch (pkg) {
        case "focus" -> "AttentionFocusExperiment";
        case "lossless" -> "LosslessInputExperiment";
        case "markdown" -> "MarkdownMathExperiment";
        case "positions" -> "PositionsExperiment";
        default -> "NopeExperiment";
      });
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
