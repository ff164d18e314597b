package dev.focus.md.internal;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.Block;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.InlineParser;
import org.commonmark.parser.SourceLine;
import org.commonmark.parser.SourceLines;
import org.commonmark.parser.block.AbstractBlockParser;
import org.commonmark.parser.block.AbstractBlockParserFactory;
import org.commonmark.parser.block.BlockContinue;
import org.commonmark.parser.block.BlockStart;
import org.commonmark.parser.block.MatchedBlockParser;
import org.commonmark.parser.block.ParserState;

/**
 * GFM tables whose row splitter knows about math (spec 03 §2.5). It produces the nodes of
 * commonmark-ext-gfm-tables (rendered by that extension) and follows the GFM table rules as that
 * extension implements them; the one difference is {@link #split}: math found by the inline rules is
 * kept whole, so a {@code |} inside math is content and {@code \|} inside math is not rewritten.
 * Every other unescaped {@code |} separates cells, including one inside a code span.
 */
final class MathTableParser extends AbstractBlockParser {
  private final TableBlock block = new TableBlock();
  private final List<SourceLine> rows = new ArrayList<>();
  private final List<Column> columns;
  private boolean lazyRows = true;

  /** A delimiter-row cell: alignment (null when none) and width in characters. */
  private static final class Column {
    final TableCell.Alignment alignment;
    final int width;

    Column(TableCell.Alignment alignment, int width) {
      this.alignment = alignment;
      this.width = width;
    }
  }

  private MathTableParser(List<Column> columns, SourceLine header) {
    this.columns = columns;
    rows.add(header);
  }

  @Override
  public Block getBlock() {
    return block;
  }

  @Override
  public boolean canHaveLazyContinuationLines() {
    return lazyRows;
  }

  @Override
  public BlockContinue tryContinue(ParserState state) {
    CharSequence content = state.getLine().getContent();
    int start = state.getNextNonSpaceIndex();
    int pipe = indexOf(content, '|', start);
    if (pipe < 0) return BlockContinue.none();
    if (pipe == start && Tex.isSpaceOrTab(content, pipe + 1, content.length())) {
      // A lone pipe is not a row: it ends the table and must not come back as a lazy line.
      lazyRows = false;
      return BlockContinue.none();
    }
    return BlockContinue.atIndex(state.getIndex());
  }

  @Override
  public void addLine(SourceLine line) {
    rows.add(line);
  }

  @Override
  public void parseInlines(InlineParser inlineParser) {
    List<SourceSpan> spans = block.getSourceSpans();
    TableHead head = new TableHead();
    if (!spans.isEmpty()) head.addSourceSpan(spans.get(0));
    block.appendChild(head);
    TableRow headerRow = new TableRow();
    headerRow.setSourceSpans(head.getSourceSpans());
    head.appendChild(headerRow);

    List<SourceLine> headerCells = split(rows.get(0));
    int width = headerCells.size();
    for (int i = 0; i < width; i++) {
      TableCell cell = parseCell(headerCells.get(i), i, inlineParser);
      cell.setHeader(true);
      headerRow.appendChild(cell);
    }

    TableBody body = null;
    for (int r = 2; r < rows.size(); r++) { // 0 is the header, 1 the delimiter row
      SourceSpan span = r < spans.size() ? spans.get(r) : null;
      List<SourceLine> cells = split(rows.get(r));
      TableRow row = new TableRow();
      if (span != null) row.addSourceSpan(span);
      for (int i = 0; i < width; i++) { // a body row never has more cells than the header
        SourceLine cell = i < cells.size() ? cells.get(i) : SourceLine.of("", null);
        row.appendChild(parseCell(cell, i, inlineParser));
      }
      if (body == null) {
        body = new TableBody();
        block.appendChild(body);
      }
      body.appendChild(row);
      if (span != null) body.addSourceSpan(span);
    }
  }

  private TableCell parseCell(SourceLine cell, int column, InlineParser inlineParser) {
    TableCell tableCell = new TableCell();
    if (cell.getSourceSpan() != null) tableCell.addSourceSpan(cell.getSourceSpan());
    if (column < columns.size()) {
      tableCell.setAlignment(columns.get(column).alignment);
      tableCell.setWidth(columns.get(column).width);
    }
    CharSequence content = cell.getContent();
    int start = 0;
    int end = content.length();
    while (start < end && isSpaceOrTab(content.charAt(start))) start++;
    while (end > start && isSpaceOrTab(content.charAt(end - 1))) end--;
    inlineParser.parse(SourceLines.of(cell.substring(start, end)), tableCell);
    return tableCell;
  }

  /**
   * Splits a row into cells. Leading and trailing pipes are dropped; {@code \|} outside math becomes
   * {@code |} without splitting (GFM, backslashes are not escaped first); math spans found by
   * {@link InlineMath} from an unescaped opener are copied verbatim; code spans hide openers but not
   * pipes.
   */
  static List<SourceLine> split(SourceLine line) {
    CharSequence row = line.getContent();
    int n = row.length();
    int cellStart = 0;
    while (cellStart < n && isSpaceOrTab(row.charAt(cellStart))) cellStart++;
    int cellEnd = n;
    if (cellStart < n && row.charAt(cellStart) == '|') {
      cellStart++;
      while (cellEnd > cellStart && isSpaceOrTab(row.charAt(cellEnd - 1))) cellEnd--;
    }
    TexIndex index = new TexIndex(row.subSequence(0, cellEnd));
    List<SourceLine> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean escaped = false;
    int codeEnd = -1; // inside a code span until this index (exclusive)
    for (int i = cellStart; i < cellEnd; i++) {
      char c = row.charAt(i);
      boolean wasEscaped = escaped;
      escaped = false;
      if (i >= codeEnd && !wasEscaped) {
        if (c == '`') {
          int run = 1;
          while (i + run < cellEnd && row.charAt(i + run) == '`') run++;
          int close = closingBackticks(row, i + run, cellEnd, run);
          if (close >= 0) codeEnd = close + run;
          cell.append(row, i, i + run);
          i += run - 1;
          continue;
        }
        if (c == '$' || c == '\\') {
          InlineMath.Result m = InlineMath.match(index, i);
          if (!m.isNone()) {
            cell.append(row, i, i + m.length);
            i += m.length - 1;
            continue;
          }
        }
      }
      if (c == '\\') {
        if (i + 1 < cellEnd && row.charAt(i + 1) == '|') {
          cell.append('|');
          i++;
        } else {
          cell.append('\\');
          escaped = !wasEscaped;
        }
      } else if (c == '|') {
        cells.add(SourceLine.of(cell.toString(), line.substring(cellStart, i).getSourceSpan()));
        cell.setLength(0);
        cellStart = i + 1;
      } else {
        cell.append(c);
      }
    }
    if (cell.length() > 0) {
      cells.add(SourceLine.of(cell.toString(), line.substring(cellStart, n).getSourceSpan()));
    }
    return cells;
  }

  /** Start of the next backtick run of exactly {@code run} characters in [from, to), or -1. */
  private static int closingBackticks(CharSequence s, int from, int to, int run) {
    int i = from;
    while (i < to) {
      if (s.charAt(i) != '`') {
        i++;
        continue;
      }
      int start = i;
      while (i < to && s.charAt(i) == '`') i++;
      if (i - start == run) return start;
    }
    return -1;
  }

  /** GFM delimiter row: cells of {@code :?-+:?} separated by single pipes, at least one pipe. */
  private static List<Column> parseDelimiterRow(CharSequence s) {
    List<Column> columns = new ArrayList<>();
    int pipes = 0;
    boolean sawPipe = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '|') {
        i++;
        if (++pipes > 1) return null; // no empty column between two pipes
        sawPipe = true;
      } else if (c == '-' || c == ':') {
        if (pipes == 0 && !columns.isEmpty()) return null; // columns need a pipe between them
        int width = 0;
        boolean left = c == ':';
        if (left) {
          i++;
          width++;
        }
        int dashes = 0;
        while (i < s.length() && s.charAt(i) == '-') {
          i++;
          dashes++;
        }
        if (dashes == 0) return null;
        width += dashes;
        boolean right = i < s.length() && s.charAt(i) == ':';
        if (right) {
          i++;
          width++;
        }
        columns.add(new Column(alignment(left, right), width));
        pipes = 0;
      } else if (c == ' ' || c == '\t') {
        i++;
      } else {
        return null;
      }
    }
    return sawPipe ? columns : null;
  }

  private static TableCell.Alignment alignment(boolean left, boolean right) {
    if (left && right) return TableCell.Alignment.CENTER;
    if (left) return TableCell.Alignment.LEFT;
    if (right) return TableCell.Alignment.RIGHT;
    return null;
  }

  private static boolean isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
  }

  private static int indexOf(CharSequence s, char c, int from) {
    for (int i = Math.max(0, from); i < s.length(); i++) if (s.charAt(i) == c) return i;
    return -1;
  }

  static final class Factory extends AbstractBlockParserFactory {
    @Override
    public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
      // The delimiter row first: fetching the paragraph's lines copies them, which is quadratic
      // over a long paragraph if done on every line.
      SourceLine line = state.getLine();
      SourceLine delimiter = line.substring(state.getIndex(), line.getContent().length());
      List<Column> columns = parseDelimiterRow(delimiter.getContent());
      if (columns == null || columns.isEmpty()) return BlockStart.none();
      List<SourceLine> paragraph = matched.getParagraphLines().getLines();
      if (paragraph.isEmpty()) return BlockStart.none();
      SourceLine header = paragraph.get(paragraph.size() - 1);
      if (indexOf(header.getContent(), '|', 0) < 0) return BlockStart.none();
      if (columns.size() < split(header).size()) return BlockStart.none();
      return BlockStart.of(new MathTableParser(columns, header)).atIndex(state.getIndex()).replaceParagraphLines(1);
    }
  }
}
