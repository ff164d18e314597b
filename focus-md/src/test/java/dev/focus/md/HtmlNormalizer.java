package dev.focus.md;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Canonical text of an HTML fragment, compared instead of bytes (spec 03 §5, "Normalisation"):
 * parse (HTML5 rules), drop whitespace-only text nodes and whitespace at block boundaries, except
 * inside {@code pre}, {@code code} and math wrappers, write each element as {@code <tag a="v" …>}
 * with attributes sorted by name. Documented library differences: heading ids are dropped
 * (commonmark's heading-anchor extension adds them, marked does not); whitespace next to a block
 * element is layout. The JavaScript twin is {@code src/test/js/harness.js}'s normalize.
 */
final class HtmlNormalizer {
  private static final Set<String> KEEP_WHITESPACE = Set.of("pre", "code");

  private HtmlNormalizer() {}

  static String normalize(String html) {
    Element body = Jsoup.parseBodyFragment(html).body();
    StringBuilder out = new StringBuilder();
    canon(body, false, out);
    return out.toString();
  }

  private static void canon(Element parent, boolean keep, StringBuilder out) {
    for (Node child : parent.childNodes()) {
      if (child instanceof TextNode) {
        String text = ((TextNode) child).getWholeText();
        if (!keep) {
          // Whitespace at a block boundary is layout (commonmark writes "a\n<div>" in a tight
          // list item, marked "a<div>").
          if (isBlock(child.previousSibling())) text = text.replaceFirst("^[ \t\n\f\r]+", "");
          if (isBlock(child.nextSibling())) text = text.replaceFirst("[ \t\n\f\r]+$", "");
          if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r')) continue;
        }
        out.append(escape(text));
      } else if (child instanceof Element) {
        Element el = (Element) child;
        String tag = el.normalName();
        List<Attribute> attributes = new ArrayList<>();
        for (Attribute a : el.attributes()) {
          if (a.getKey().equals("id") && tag.matches("h[1-6]")) continue;
          attributes.add(a);
        }
        attributes.sort((x, y) -> x.getKey().compareTo(y.getKey()));
        boolean math = (tag.equals("span") || tag.equals("div")) && el.classNames().contains("math");
        out.append('<').append(tag);
        for (Attribute a : attributes) out.append(' ').append(a.getKey()).append("=\"").append(escape(a.getValue())).append('"');
        out.append('>');
        canon(el, keep || KEEP_WHITESPACE.contains(tag) || math, out);
        out.append("</").append(tag).append('>');
      }
    }
  }

  private static final Set<String> BLOCKS = Set.of("div", "p", "ul", "ol", "li", "blockquote", "pre", "table",
      "h1", "h2", "h3", "h4", "h5", "h6", "hr");

  private static boolean isBlock(Node node) {
    return node instanceof Element && BLOCKS.contains(((Element) node).normalName());
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
