package dev.focus.md.internal;

import org.commonmark.node.Block;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.SourceLine;
import org.commonmark.parser.block.AbstractBlockParser;
import org.commonmark.parser.block.AbstractBlockParserFactory;
import org.commonmark.parser.block.BlockContinue;
import org.commonmark.parser.block.BlockStart;
import org.commonmark.parser.block.MatchedBlockParser;
import org.commonmark.parser.block.ParserState;

/**
 * Block math (spec 03 §2.3): {@code $$} (not {@code $$$}), {@code \[} or {@code \begin{N}} at the
 * start of a line indented 0–3 spaces inside its container, up to the first closer the TeX scan
 * finds, which must end its line (spaces and tabs only after it). Content lines are never Markdown.
 *
 * <p>commonmark-java cannot look ahead, so the opener's closer is looked up in the raw source
 * ({@link SourceText}); the block then closes on that line. When the container ends first, the block
 * is left unclosed and {@link MathRenderer} parses again with that opener refused (and every opener
 * the block swallowed whose closer also lies beyond the container's end).
 */
final class MathBlockParser extends AbstractBlockParser {
  private final MathBlock block;
  private final int closerLine;
  /** Index of the closer's first character in the closer line's content (or, when environment, just after \end{N}). */
  private final int closerColumn;

  private MathBlockParser(MathBlock block, int closerLine, int closerColumn) {
    this.block = block;
    this.closerLine = closerLine;
    this.closerColumn = closerColumn;
  }

  @Override
  public Block getBlock() {
    return block;
  }

  @Override
  public BlockContinue tryContinue(ParserState state) {
    if (block.closed) return BlockContinue.none();
    SourceLine line = state.getLine();
    CharSequence content = line.getContent();
    int lineIndex = line.getSourceSpan().getLineIndex();
    block.lastLine = lineIndex;
    int from = Math.min(state.getIndex(), content.length());
    block.append("\n");
    if (lineIndex == closerLine) {
      int column = closerColumn - line.getSourceSpan().getColumnIndex();
      if (column < from) return BlockContinue.none(); // the closer sits in a container prefix: leave unclosed
      block.append(content.subSequence(from, column));
      block.closed = true;
      return BlockContinue.finished();
    }
    block.append(content.subSequence(from, content.length()));
    return BlockContinue.atIndex(content.length());
  }

  @Override
  public void addLine(SourceLine line) {
    // Content is collected in tryContinue and tryStart, with container prefixes already removed.
  }

  static final class Factory extends AbstractBlockParserFactory {
    private final SourceText source;

    Factory(SourceText source) {
      this.source = source;
    }

    @Override
    public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
      if (state.getIndent() >= 4) return BlockStart.none();
      SourceLine line = state.getLine();
      SourceSpan span = line.getSourceSpan();
      if (span == null) return BlockStart.none();
      CharSequence content = line.getContent();
      int i = state.getNextNonSpaceIndex();
      int lineIndex = span.getLineIndex();
      int lineStart = source.lineStart(lineIndex) + span.getColumnIndex();
      int at = lineStart + i;
      String text = source.text();
      TexIndex index = source.index();

      boolean environment = false;
      int texFrom;
      int closerStart;
      int closerEnd;
      if (at + 1 < text.length() && text.charAt(at) == '$' && text.charAt(at + 1) == '$') {
        if (at + 2 < text.length() && text.charAt(at + 2) == '$') return BlockStart.none();
        texFrom = at + 2;
        closerStart = index.doubleDollarCloser(texFrom);
        closerEnd = closerStart + 2;
      } else if (at + 1 < text.length() && text.charAt(at) == '\\' && text.charAt(at + 1) == '[') {
        texFrom = at + 2;
        closerStart = index.backslashCloser(texFrom, ']');
        closerEnd = closerStart + 2;
      } else {
        String name = Tex.beginName(text, at);
        if (name == null) return BlockStart.none();
        environment = true;
        texFrom = at;
        closerEnd = index.environmentEnd(at, name);
        closerStart = closerEnd;
      }
      if (closerStart < 0 || closerEnd < 0) return BlockStart.none();
      int closerLine = source.lineOf(closerStart);
      if (!Tex.isSpaceOrTab(text, closerEnd, source.lineEnd(closerLine))) return BlockStart.none();
      if (closerEnd > source.limit(lineIndex)) return BlockStart.none();

      MathBlock block = new MathBlock(environment, lineIndex);
      int texEndOnThisLine = closerLine == lineIndex ? closerStart : lineStart + content.length();
      block.append(text.subSequence(texFrom, Math.max(texFrom, texEndOnThisLine)));
      if (closerLine == lineIndex) block.closed = true;
      int closerColumn = (environment ? closerEnd : closerStart) - source.lineStart(closerLine);
      return BlockStart.of(new MathBlockParser(block, closerLine, closerColumn)).atIndex(content.length());
    }
  }
}
