package dev.focus.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Untrusted Markdown cannot run script: every input of {@code sanitizer-attacks.json} (shared with
 * the node tests) renders to a fragment with only allow-listed elements and attributes, no event
 * handler, no {@code script}/{@code style}/{@code iframe}, and no URL outside http, https, mailto and
 * relative ones.
 */
class SanitizerTest {
  private static final MathMarkdown MD = MathMarkdown.create();
  private static final Set<String> ELEMENTS = Set.of("p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6",
      "blockquote", "pre", "code", "em", "strong", "del", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th",
      "td", "a", "img", "br", "hr", "sup", "sub", "kbd");
  private static final Set<String> MATH_CLASSES = Set.of("math", "math-inline", "math-display", "notranslate");

  static Stream<String> attacks() throws IOException {
    try (InputStream in = SanitizerTest.class.getResourceAsStream("/dev/focus/md/sanitizer-attacks.json")) {
      return Arrays.stream(new ObjectMapper().readValue(in, String[].class));
    }
  }

  @ParameterizedTest
  @MethodSource("attacks")
  void attackRendersToAllowListedHtmlOnly(String markdown) {
    String html = MD.render(markdown);
    for (Element el : Jsoup.parseBodyFragment(html).body().getAllElements()) {
      String tag = el.normalName();
      if (tag.equals("body")) continue;
      assertTrue(ELEMENTS.contains(tag), () -> "element <" + tag + "> in " + html);
      for (Attribute a : el.attributes()) {
        String key = a.getKey().toLowerCase(Locale.ROOT);
        String value = a.getValue();
        assertFalse(key.startsWith("on"), () -> "event handler " + key + " in " + html);
        assertFalse(key.equals("style"), () -> "style attribute in " + html);
        if (key.equals("href") || key.equals("src")) {
          String v = value.trim().toLowerCase(Locale.ROOT);
          boolean scheme = v.matches("^[a-z][a-z0-9+.-]*:.*");
          assertTrue(!scheme || v.startsWith("http:") || v.startsWith("https:") || (key.equals("href") && v.startsWith("mailto:")),
              () -> "URL " + value + " in " + html);
        }
        if (key.equals("class")) {
          for (String token : value.split(" ")) {
            assertTrue(tag.equals("code") ? token.startsWith("language-") : MATH_CLASSES.contains(token),
                () -> "class " + token + " on " + tag + " in " + html);
          }
        }
        if (key.equals("translate")) assertEquals("no", value, html);
      }
    }
  }

  @Test
  void theRawRendererDoesPassAttacksThrough() throws IOException {
    // Guards the test above: without the sanitiser the same inputs do produce script and handlers.
    List<String> raw = attacks().map(MD::renderUnsafe).toList();
    assertTrue(raw.stream().anyMatch(h -> h.contains("<script>")));
    assertTrue(raw.stream().anyMatch(h -> h.contains("onerror=")));
    assertTrue(raw.stream().anyMatch(h -> h.contains("href=\"javascript:")));
    assertTrue(raw.stream().anyMatch(h -> h.contains("<iframe")));
    assertTrue(raw.stream().anyMatch(h -> h.contains("style=")));
  }

  @Test
  void mathWrappersAndTheirAttributesSurvive() {
    String html = MD.render("$x$ and\n\n$$\ny\n$$");
    assertTrue(html.contains("<span class=\"math math-inline notranslate\" translate=\"no\">\\(x\\)</span>"), html);
    assertTrue(html.contains("<div class=\"math math-display notranslate\" translate=\"no\">\\[\ny\n\\]</div>"), html);
  }

  @Test
  void linksGetNofollowNoopenerAndImagesLoseDataUrls() {
    assertEquals("<p><a href=\"https://e.com\" rel=\"nofollow noopener\">e</a></p>",
        HtmlNormalizer.normalize(MD.render("[e](https://e.com)")));
    String img = MD.render("![a](data:image/png;base64,AAAA) ![b](/rel.png)");
    assertFalse(img.contains("data:"), img);
    assertTrue(img.contains("src=\"/rel.png\""), img);
  }

  @Test
  void rawHtmlIsAllowListedNotEscaped() {
    // The documented policy: raw HTML passes the Markdown renderer and then the allow-list.
    assertEquals("<p><strong>b</strong></p>", HtmlNormalizer.normalize(MD.render("<strong>b</strong>")));
    assertEquals("<p>x</p>", HtmlNormalizer.normalize(MD.render("<p style=\"color:red\" onclick=\"alert(1)\">x</p>")));
  }
}
