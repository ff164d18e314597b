package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared case file {@code math-cases.json} (spec 03 §5), read in place; the node tests
 * ({@code src/test/js/math-cases.test.js}) run the same file through the marked extension.
 * Raw output holds exactly the wrappers each case's {@code math} implies, in order; sanitised output
 * equals {@code html} as a normalised DOM, with every wrapper intact.
 */
class MathCasesTest {
  private static final Pattern WRAPPER = Pattern.compile(
      "<(span|div) class=\"math (math-inline|math-display) notranslate\" translate=\"no\">([^<]*)</\\1>");
  private static final MathMarkdown MD = MathMarkdown.create();

  record Case(String id, String markdown, List<String> wrappers, String html) {
    @Override
    public String toString() {
      return id;
    }
  }

  static List<Case> cases() throws IOException {
    JsonNode root;
    try (InputStream in = MathCasesTest.class.getResourceAsStream("/dev/focus/md/math-cases.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<Case> cases = new ArrayList<>();
    for (JsonNode c : root) {
      List<String> wrappers = new ArrayList<>();
      for (JsonNode m : c.get("math")) {
        String tex = escape(m.get("tex").asText());
        boolean display = m.get("display").asBoolean();
        boolean env = m.get("env").asBoolean();
        wrappers.add(env ? tex : display ? "\\[" + tex + "\\]" : "\\(" + tex + "\\)");
      }
      cases.add(new Case(c.get("id").asText(), c.get("markdown").asText(), wrappers, c.get("html").asText()));
    }
    return cases;
  }

  static Stream<Case> caseStream() throws IOException {
    return cases().stream();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static List<String> wrappers(String html) {
    List<String> found = new ArrayList<>();
    Matcher m = WRAPPER.matcher(html);
    while (m.find()) found.add(m.group(3));
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseStream")
  void rawOutputHoldsExactlyTheImpliedWrappers(Case c) {
    String raw = MD.renderUnsafe(c.markdown());
    assertEquals(c.wrappers(), wrappers(raw), () -> "markdown:\n" + c.markdown() + "\nraw:\n" + raw);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseStream")
  void sanitisedOutputEqualsTheExpectedDom(Case c) {
    String raw = MD.renderUnsafe(c.markdown());
    String safe = MD.render(c.markdown());
    assertEquals(HtmlNormalizer.normalize(c.html()), HtmlNormalizer.normalize(safe),
        () -> "markdown:\n" + c.markdown() + "\nraw:\n" + raw + "\nsanitised:\n" + safe);
    assertEquals(c.wrappers().size(), HtmlNormalizer.normalize(safe).split("class=\"math math-", -1).length - 1,
        "a wrapper did not survive sanitising");
  }

  @Test
  void theCaseFileIsLargeAndIdsAreUnique() throws IOException {
    List<Case> cases = cases();
    assertTrue(cases.size() >= 40, "only " + cases.size() + " cases");
    Set<String> ids = new HashSet<>();
    for (Case c : cases) assertTrue(ids.add(c.id()), "duplicate id " + c.id());
  }
}
