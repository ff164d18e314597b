package dev.focus.md.internal;

import java.util.Set;
import java.util.regex.Pattern;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * The allow-list applied to every rendered fragment (spec 03 §3, "Sanitising").
 *
 * <ul>
 *   <li>Structure: paragraphs, headings (with {@code id}), lists, block quotes, code, tables
 *       ({@code align} left/center/right), emphasis, strikethrough, line breaks, rules, and the
 *       attribute-free inline marks {@code sup}, {@code sub} and {@code kbd} that Markdown authors
 *       write by hand for superscripts, footnote marks and keys.
 *   <li>Math wrappers: {@code span}/{@code div} keep {@code translate="no"} and only the classes
 *       {@code math}, {@code math-inline}, {@code math-display}, {@code notranslate}; {@code code}
 *       keeps only {@code language-*}.
 *   <li>Links: http, https, mailto and relative URLs, with {@code rel="nofollow noopener"}.
 *       Images: http, https and relative URLs only ({@code data:} is dropped).
 *   <li>Everything else goes: {@code script}, {@code style} (element and attribute), {@code iframe},
 *       event handlers, {@code javascript:} URLs. Text of dropped elements stays as text, except
 *       inside {@code script} and {@code style}.
 * </ul>
 */
public final class SafeHtml {
  private static final Set<String> MATH_CLASSES = Set.of("math", "math-inline", "math-display", "notranslate");
  private static final Pattern LANGUAGE_CLASS = Pattern.compile("language-[A-Za-z0-9_+#.-]+");
  private static final Pattern ALIGN = Pattern.compile("left|center|right");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

  static final PolicyFactory POLICY = new HtmlPolicyBuilder()
      .allowElements("p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
          "em", "strong", "del", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
          "br", "hr", "sup", "sub", "kbd")
      .allowAttributes("id").onElements("h1", "h2", "h3", "h4", "h5", "h6")
      .allowAttributes("start").matching(DIGITS).onElements("ol")
      .allowAttributes("align").matching(ALIGN).onElements("th", "td")
      .allowAttributes("translate").matching(Pattern.compile("no")).onElements("span", "div")
      .allowAttributes("class").matching((element, attribute, value) -> keepClasses(element, value))
          .onElements("span", "div", "code")
      .allowUrlProtocols("http", "https", "mailto")
      .allowAttributes("href", "title").onElements("a")
      .requireRelsOnLinks("nofollow", "noopener")
      .allowAttributes("src", "alt", "title").onElements("img")
      .toFactory();

  private SafeHtml() {}

  public static String sanitize(String html) {
    return POLICY.sanitize(html);
  }

  /** The allowed tokens of a class attribute, in order, or null to drop the attribute. */
  private static String keepClasses(String element, String value) {
    StringBuilder kept = new StringBuilder();
    for (String token : value.split("[ \t\n\f\r]+")) {
      boolean ok = "code".equals(element) ? LANGUAGE_CLASS.matcher(token).matches() : MATH_CLASSES.contains(token);
      if (ok) kept.append(kept.length() == 0 ? "" : " ").append(token);
    }
    return kept.length() == 0 ? null : kept.toString();
  }
}
