package dev.focus.md.internal;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.Node;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Markdown to unsanitised HTML with the math syntax enabled (spec 03 §2). Immutable; each call
 * builds its own parser, since block openers look up their closers in that call's source.
 */
public final class MathRenderer {
  /** GFM extras beyond tables; tables are parsed by {@link MathTableParser} and rendered by the extension. */
  private static final List<Extension> EXTRAS = List.of(
      StrikethroughExtension.create(), AutolinkExtension.create(), HeadingAnchorExtension.create());
  private static final List<Extension> TABLES = List.of(TablesExtension.create());
  /** Each pass refuses at least one more opener; real inputs settle in one or two. */
  private static final int MAX_PASSES = 10_000;

  private final boolean math;
  private final List<Extension> parseExtensions;
  private final HtmlRenderer html;

  /** The full renderer: GFM tables, strikethrough, autolinks, heading anchors and math. */
  public MathRenderer() {
    this(true, true);
  }

  /**
   * @param math false for stock commonmark-java (stock GFM tables), the baseline tests compare against
   * @param extras strikethrough, autolinks and heading anchors; off to run the CommonMark spec
   *     examples, which assume plain CommonMark plus (here) tables and math
   */
  public MathRenderer(boolean math, boolean extras) {
    this.math = math;
    this.parseExtensions = extras ? EXTRAS : List.of();
    HtmlRenderer.Builder builder = HtmlRenderer.builder().percentEncodeUrls(true).extensions(TABLES)
        .extensions(parseExtensions);
    if (math) builder.nodeRendererFactory(MathHtml::new);
    this.html = builder.build();
  }

  public String render(String markdown) {
    return html.render(parse(markdown));
  }

  /** Parses with block-math openers refused until no block is left unclosed (spec 03 §2.3, "Java"). */
  public Node parse(String markdown) {
    String text = markdown.replace("\r\n", "\n").replace('\r', '\n');
    if (!math) {
      return Parser.builder().extensions(parseExtensions).extensions(TABLES).build().parse(text);
    }
    SourceText source = new SourceText(text);
    Parser parser = Parser.builder()
        .extensions(parseExtensions)
        .includeSourceSpans(IncludeSourceSpans.BLOCKS)
        .customBlockParserFactory(new MathBlockParser.Factory(source))
        .customBlockParserFactory(new MathTableParser.Factory())
        .customInlineContentParserFactory(new MathInlineParser.Factory())
        .build();
    for (int pass = 0; ; pass++) {
      Node document = parser.parse(text);
      List<MathBlock> unclosed = unclosedBlocks(document);
      if (unclosed.isEmpty() || pass == MAX_PASSES) return document;
      for (MathBlock block : unclosed) {
        source.limit(block.startLine, block.lastLine, source.lineEnd(block.lastLine));
      }
    }
  }

  private static List<MathBlock> unclosedBlocks(Node document) {
    List<MathBlock> found = new ArrayList<>();
    document.accept(new AbstractVisitor() {
      @Override
      public void visit(CustomBlock node) {
        if (node instanceof MathBlock && !((MathBlock) node).closed) found.add((MathBlock) node);
        visitChildren(node);
      }
    });
    return found;
  }
}
