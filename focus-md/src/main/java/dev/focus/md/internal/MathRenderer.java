package dev.focus.md.internal;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** Markdown to unsanitised HTML with the math syntax enabled. */
public final class MathRenderer {
  private final List<Extension> extensions = List.of(
      TablesExtension.create(), StrikethroughExtension.create(), AutolinkExtension.create(),
      HeadingAnchorExtension.create());
  private final Parser parser = Parser.builder().extensions(extensions).build();
  private final HtmlRenderer html = HtmlRenderer.builder().extensions(extensions).build();

  public String render(String markdown) {
    return html.render(parser.parse(markdown));
  }
}
