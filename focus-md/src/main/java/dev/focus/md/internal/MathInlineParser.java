package dev.focus.md.internal;

import java.util.Set;
import org.commonmark.node.Text;
import org.commonmark.parser.beta.InlineContentParser;
import org.commonmark.parser.beta.InlineContentParserFactory;
import org.commonmark.parser.beta.InlineParserState;
import org.commonmark.parser.beta.ParsedInline;
import org.commonmark.parser.beta.Position;
import org.commonmark.parser.beta.Scanner;

/**
 * Inline math as an inline content parser with triggers {@code $} and {@code \} (spec 03 §2.1). Custom
 * parsers run before commonmark's backslash and backtick parsers; when there is no opener this one
 * returns {@link ParsedInline#none()} and the built-in escape handles {@code \(}, {@code \$}, …
 *
 * <p>The rules work on the text of the whole inline content (a paragraph, heading or table cell),
 * read once per content and indexed ({@link TexIndex}), so a scan is never repeated per opener.
 */
final class MathInlineParser implements InlineContentParser {
  private Scanner scanner;
  private TexIndex index;
  private Position lastPosition;
  private int lastOffset;

  static final class Factory implements InlineContentParserFactory {
    @Override
    public Set<Character> getTriggerCharacters() {
      return Set.of('$', '\\');
    }

    @Override
    public InlineContentParser create() {
      return new MathInlineParser();
    }
  }

  @Override
  public ParsedInline tryParse(InlineParserState state) {
    Scanner sc = state.scanner();
    Position here = sc.position();
    int offset = offsetOf(sc, here);
    InlineMath.Result result = InlineMath.match(index, offset);
    if (result.isNone()) return ParsedInline.none();
    for (int k = 0; k < result.length; k++) sc.next();
    if (result.math != null) return ParsedInline.of(result.math, sc.position());
    return ParsedInline.of(new Text(index.text().subSequence(offset, offset + result.length).toString()), sc.position());
  }

  /** Offset of {@code here} in the indexed text (read from the first trigger to the end of the content). */
  private int offsetOf(Scanner sc, Position here) {
    if (sc != scanner) {
      StringBuilder rest = new StringBuilder();
      while (sc.hasNext()) {
        rest.append(sc.peek());
        sc.next();
      }
      sc.setPosition(here);
      scanner = sc;
      index = new TexIndex(rest);
      lastPosition = here;
      lastOffset = 0;
      return 0;
    }
    lastOffset += sc.getSource(lastPosition, here).getContent().length();
    lastPosition = here;
    return lastOffset;
  }
}
