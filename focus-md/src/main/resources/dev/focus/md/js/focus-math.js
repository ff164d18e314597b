// Focus: Markdown with LaTeX math for marked 18 (spec 03, "Markdown with math").
//
// The browser twin of dev.focus.md.MathMarkdown: the same rules (§2), the same output contract (§3),
// checked against the same case file (focus-md/src/test/resources/dev/focus/md/math-cases.json).
//
//   import { Marked, Lexer } from './marked.esm.js';
//   import { focusMath } from './focus-math.js';
//   const html = new Marked({ gfm: true }).use(focusMath({ Lexer })).parse(markdown);   // then sanitise
//
// Pieces (spec 03 §2.1):
// - block and inline extensions; tokens carry text, display, env and no child tokens;
// - hooks.provideLexer installs a Lexer subclass that records the source each block and inline pass
//   starts from, so rules can look at the original text (same offsets) and index it once;
// - hooks.emStrongMask blanks *, _ and ~ inside math, so emphasis and strikethrough never pair across it;
// - tokenizer overrides: link and reflink refuse a label that math crosses; url (GFM bare links)
//   stops where math starts; blockquote ends before a math opener (never a lazy line); table
//   splits rows with pipes inside math kept as content.
//
// Known difference from the Java twin: marked fixes the extent of a list item before block
// extensions run, so a non-indented line right after a math block that ends a list item stays in
// the item (CommonMark starts a new paragraph).

// No imports: marked's Lexer class is passed in, so the module works wherever marked is served from.

// ---------------------------------------------------------------------------------------------
// §2.2 definitions and the TeX scan

/** Whitespace per spec 03 §2.2 (not JS \s). */
export function isWhitespace(c) {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
}

function isDigit(c) {
  return c >= '0' && c <= '9';
}

function isBlank(s, from, to) {
  for (let i = from; i < to; i++) if (!isWhitespace(s[i])) return false;
  return true;
}

function isSpaceOrTab(s, from, to) {
  for (let i = from; i < to; i++) if (s[i] !== ' ' && s[i] !== '\t') return false;
  return true;
}

/** N of a \begin{N} at p (ASCII letters plus an optional *), or null. */
function beginName(s, p) {
  if (!s.startsWith('\\begin{', p)) return null;
  let i = p + 7;
  const start = i;
  while (i < s.length && /[A-Za-z]/.test(s[i])) i++;
  if (i === start) return null;
  if (s[i] === '*') i++;
  if (s[i] !== '}') return null;
  return s.slice(start, i);
}

/**
 * Closer look-ups for the TeX scan over one text, each amortised O(1) (the same tables as the Java
 * TexIndex): a backslash and the next character are one unit; the $ forms track brace depth, floored
 * at 0. Entry i answers "scanning from i".
 */
export class TexIndex {
  constructor(text) {
    this.s = text;
    this.n = text.length;
    this.dollar = null;
    this.dollars = null;
    this.paren = null;
    this.bracket = null;
    this.envs = new Map();
  }

  dollarCloser(from) {
    if (!this.dollar) this.#fillDollar();
    return from >= this.n ? -1 : this.dollar[from];
  }

  doubleDollarCloser(from) {
    if (!this.dollar) this.#fillDollar();
    return from >= this.n ? -1 : this.dollars[from];
  }

  backslashCloser(from, close) {
    if (!this.paren) this.#fillBackslash();
    if (from >= this.n) return -1;
    return close === ')' ? this.paren[from] : this.bracket[from];
  }

  /** Index just after the \end{name} balancing the \begin{name} at begin, or -1. */
  environmentEnd(begin, name) {
    let ends = this.envs.get(name);
    if (!ends) {
      ends = this.#matchEnvironments(name);
      this.envs.set(name, ends);
    }
    const end = ends.get(begin);
    return end !== undefined ? end : this.#scanEnvironment(begin, name);
  }

  #fillDollar() {
    const { s, n } = this;
    const d1 = new Int32Array(n + 2);
    const d2 = new Int32Array(n + 2);
    const br = new Int32Array(n + 2);
    d1[n] = d1[n + 1] = d2[n] = d2[n + 1] = br[n] = br[n + 1] = -1;
    for (let i = n - 1; i >= 0; i--) {
      const c = s[i];
      if (c === '\\') {
        const next = Math.min(i + 2, n);
        d1[i] = d1[next]; d2[i] = d2[next]; br[i] = br[next];
      } else if (c === '{') {
        const close = br[i + 1];
        if (close < 0) {
          d1[i] = d2[i] = br[i] = -1;
        } else {
          d1[i] = d1[close + 1]; d2[i] = d2[close + 1]; br[i] = br[close + 1];
        }
      } else if (c === '}') {
        d1[i] = d1[i + 1]; d2[i] = d2[i + 1]; br[i] = i;
      } else if (c === '$') {
        d1[i] = i;
        d2[i] = i + 1 < n && s[i + 1] === '$' ? i : d2[i + 1];
        br[i] = br[i + 1];
      } else {
        d1[i] = d1[i + 1]; d2[i] = d2[i + 1]; br[i] = br[i + 1];
      }
    }
    this.dollar = d1;
    this.dollars = d2;
  }

  #fillBackslash() {
    const { s, n } = this;
    const p = new Int32Array(n + 2);
    const b = new Int32Array(n + 2);
    p[n] = p[n + 1] = b[n] = b[n + 1] = -1;
    for (let i = n - 1; i >= 0; i--) {
      if (s[i] === '\\') {
        const next = i + 1 < n ? s[i + 1] : '';
        const after = Math.min(i + 2, n);
        p[i] = next === ')' ? i : p[after];
        b[i] = next === ']' ? i : b[after];
      } else {
        p[i] = p[i + 1];
        b[i] = b[i + 1];
      }
    }
    this.paren = p;
    this.bracket = b;
  }

  #matchEnvironments(name) {
    const { s, n } = this;
    const ends = new Map();
    const open = [];
    const begin = '\\begin{' + name + '}';
    const end = '\\end{' + name + '}';
    let i = 0;
    while (i < n) {
      if (s[i] !== '\\') { i++; continue; }
      if (s.startsWith(begin, i)) {
        open.push(i);
        i += begin.length;
      } else if (s.startsWith(end, i)) {
        if (open.length) ends.set(open.pop(), i + end.length);
        i += end.length;
      } else {
        i += 2;
      }
    }
    for (const begin of open) ends.set(begin, -1); // unbalanced: known, not worth a rescan
    return ends;
  }

  #scanEnvironment(at, name) {
    const { s, n } = this;
    const begin = '\\begin{' + name + '}';
    const end = '\\end{' + name + '}';
    if (!s.startsWith(begin, at)) return -1;
    let depth = 1;
    let i = at + begin.length;
    while (i < n) {
      if (s[i] !== '\\') i++;
      else if (s.startsWith(begin, i)) { depth++; i += begin.length; }
      else if (s.startsWith(end, i)) { i += end.length; if (--depth === 0) return i; }
      else i += 2;
    }
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// §2.4 inline rules

/**
 * The outcome at position p of the indexed text: null when p is no opener (CommonMark's rules
 * apply), {length, math: null} for literal dollars, {length, math: {tex, display, env}} for math.
 */
export function matchInline(index, p) {
  const s = index.s;
  const n = s.length;
  const c = s[p];
  if (c === '$') {
    let run = 1;
    while (p + run < n && s[p + run] === '$') run++;
    if (run >= 3) return { length: run, math: null };
    if (run === 2) {
      const q = index.doubleDollarCloser(p + 2);
      if (q < 0 || isBlank(s, p + 2, q)) return { length: 2, math: null };
      return { length: q + 2 - p, math: { tex: s.slice(p + 2, q), display: true, env: false } };
    }
    if (p + 1 >= n || isWhitespace(s[p + 1])) return { length: 1, math: null };
    const q = index.dollarCloser(p + 1);
    if (q < 0 || isWhitespace(s[q - 1]) || (q + 1 < n && isDigit(s[q + 1]))) return { length: 1, math: null };
    return { length: q + 1 - p, math: { tex: s.slice(p + 1, q), display: false, env: false } };
  }
  if (c !== '\\' || p + 1 >= n) return null;
  const next = s[p + 1];
  if (next === '(' || next === '[') {
    const q = index.backslashCloser(p + 2, next === '(' ? ')' : ']');
    if (q < 0 || isBlank(s, p + 2, q)) return null;
    return { length: q + 2 - p, math: { tex: s.slice(p + 2, q), display: next === '[', env: false } };
  }
  const name = beginName(s, p);
  if (name === null) return null;
  const end = index.environmentEnd(p, name);
  if (end < 0) return null;
  return { length: end - p, math: { tex: s.slice(p, end), display: true, env: true } };
}

/**
 * Math spans of an inline text as [start, end) pairs, reading left to right with the precedence of
 * spec 03 §2.4: code spans and escapes first where they start first.
 */
export function mathSpans(index) {
  const s = index.s;
  const spans = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '`') {
      let run = 1;
      while (s[i + run] === '`') run++;
      const close = closingBackticks(s, i + run, s.length, run);
      i = close >= 0 ? close + run : i + run;
    } else if (c === '$' || c === '\\') {
      const m = matchInline(index, i);
      if (m && m.math) spans.push([i, i + m.length]);
      if (m) i += m.length;
      else i += c === '\\' ? 2 : 1;
    } else {
      i++;
    }
  }
  return spans;
}

function closingBackticks(s, from, to, run) {
  let i = from;
  while (i < to) {
    if (s[i] !== '`') { i++; continue; }
    const start = i;
    while (i < to && s[i] === '`') i++;
    if (i - start === run) return start;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// §2.3 block rules

const BLOCK_OPENER = /^ {0,3}(?:\$\$(?!\$)|\\\[|\\begin\{[A-Za-z]+\*?\})/;

/**
 * A block at offset `at` of the indexed container text (at a line start): {length, tex, env} or null.
 * The closer is the first one the TeX scan finds, on any line (the opener's included), followed only
 * by spaces or tabs; content lines are never Markdown; unclosed means no block.
 */
export function matchBlock(index, at) {
  const s = index.s;
  const head = BLOCK_OPENER.exec(s.slice(at, Math.min(s.length, at + 80)));
  if (!head) return null;
  let p = at;
  while (s[p] === ' ') p++;
  let texFrom;
  let closerStart;
  let closerEnd;
  let env = false;
  if (s[p] === '$') {
    texFrom = p + 2;
    closerStart = index.doubleDollarCloser(texFrom);
    closerEnd = closerStart + 2;
  } else if (s[p + 1] === '[') {
    texFrom = p + 2;
    closerStart = index.backslashCloser(texFrom, ']');
    closerEnd = closerStart + 2;
  } else {
    env = true;
    texFrom = p;
    closerEnd = index.environmentEnd(p, beginName(s, p));
    closerStart = closerEnd;
  }
  if (closerStart < 0 || closerEnd < 0) return null;
  let lineEnd = s.indexOf('\n', closerEnd);
  if (lineEnd < 0) lineEnd = s.length;
  if (!isSpaceOrTab(s, closerEnd, lineEnd)) return null;
  const tex = env ? s.slice(texFrom, closerEnd) : s.slice(texFrom, closerStart);
  return { length: Math.min(s.length, lineEnd + 1) - at, tex, env };
}

// ---------------------------------------------------------------------------------------------
// §3 output contract

/** Escapes exactly & < > " (not marked's escape, which also changes '). */
export function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const INLINE_OPEN = '<span class="math math-inline notranslate" translate="no">';
const DISPLAY_SPAN_OPEN = '<span class="math math-display notranslate" translate="no">';
const DISPLAY_DIV_OPEN = '<div class="math math-display notranslate" translate="no">';

function wrapTex(tex, display, env) {
  const escaped = escapeHtml(tex);
  if (env) return escaped;
  return display ? '\\[' + escaped + '\\]' : '\\(' + escaped + '\\)';
}

export function renderInline(token) {
  return (token.display ? DISPLAY_SPAN_OPEN : INLINE_OPEN) + wrapTex(token.text, token.display, token.env) + '</span>';
}

export function renderBlock(token) {
  return DISPLAY_DIV_OPEN + wrapTex(token.text, true, token.env) + '</div>\n';
}

// ---------------------------------------------------------------------------------------------
// §2.5 table rows

/**
 * Splits a table row like marked's splitCells, except that math found by the inline rules is kept
 * whole: a | inside math is content and \| inside math is not rewritten. Code spans hide openers but
 * not pipes (GFM).
 */
export function splitCells(row, count) {
  const index = new TexIndex(row);
  const cells = [];
  let cell = [];
  let text = '';
  const flush = () => {
    if (text) cell.push({ text, math: false });
    text = '';
  };
  let codeEnd = -1;
  let i = 0;
  while (i < row.length) {
    const c = row[i];
    if (i >= codeEnd && c === '`') {
      let run = 1;
      while (row[i + run] === '`') run++;
      const close = closingBackticks(row, i + run, row.length, run);
      if (close >= 0) codeEnd = close + run;
      text += row.slice(i, i + run);
      i += run;
      continue;
    }
    if (i >= codeEnd && (c === '$' || c === '\\')) {
      const m = matchInline(index, i);
      if (m && m.math) {
        flush();
        cell.push({ text: row.slice(i, i + m.length), math: true });
        i += m.length;
        continue;
      }
      if (m) {
        text += row.slice(i, i + m.length);
        i += m.length;
        continue;
      }
    }
    if (c === '\\' && i + 1 < row.length) {
      text += row.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '|') {
      flush();
      cells.push(cell);
      cell = [];
      i++;
      continue;
    }
    text += c;
    i++;
  }
  flush();
  cells.push(cell);
  const joined = (parts) => parts.map((p) => (p.math ? p.text : p.text.replace(/\\\|/g, '|'))).join('');
  const raw = cells.map((parts) => parts.map((p) => p.text).join(''));
  let result = cells;
  if (!raw[0].trim()) { result = result.slice(1); raw.shift(); }
  if (result.length > 0 && !raw[raw.length - 1].trim()) result = result.slice(0, -1);
  let out = result.map((parts) => joined(parts).trim());
  if (count) {
    if (out.length > count) out = out.slice(0, count);
    else while (out.length < count) out.push('');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The marked extension

/** A source a block or inline pass started from, indexed on first use. */
class Frame {
  constructor(text) {
    this.text = text;
    this.indexCache = null;
    this.spans = null;
    this.blockStarts = null;
    this.nextDollar = undefined;
    this.dollarFrom = undefined;
  }

  get index() {
    if (!this.indexCache) this.indexCache = new TexIndex(this.text);
    return this.indexCache;
  }
}

/** Offsets of the line starts of a container text where a math block matches, ascending. */
function blockStartsOf(frame) {
  if (!frame.blockStarts) {
    const starts = [];
    const s = frame.text;
    let at = 0;
    while (at < s.length) {
      if (matchBlock(frame.index, at)) starts.push(at);
      const nl = s.indexOf('\n', at);
      if (nl < 0) break;
      at = nl + 1;
    }
    frame.blockStarts = starts;
  }
  return frame.blockStarts;
}

function firstAtLeast(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : -1;
}

/**
 * The extension. Use: new Marked({ gfm: true }).use(focusMath({ Lexer })), with Lexer from marked
 * 18. Each call returns an independent extension (its own lexer bookkeeping).
 */
export function focusMath({ Lexer } = {}) {
  if (typeof Lexer !== 'function') throw new TypeError('focusMath({ Lexer }) needs marked\'s Lexer class');
  const blockFrames = [];
  const inlineFrames = [];

  class FocusLexer extends Lexer {
    blockTokens(src, tokens = [], lastParagraphClipped = false) {
      blockFrames.push(new Frame(src));
      try {
        return super.blockTokens(src, tokens, lastParagraphClipped);
      } finally {
        blockFrames.pop();
      }
    }

    inlineTokens(src, tokens = []) {
      inlineFrames.push(new Frame(src));
      try {
        return super.inlineTokens(src, tokens);
      } finally {
        inlineFrames.pop();
      }
    }
  }

  // A frame whose text ends with src (the remaining input a tokenizer sees), with src's offset.
  const locate = (frames, src) => {
    // Tokenizers only ever see suffixes of the pass's source; checking the first and last
    // characters (not the whole suffix) keeps this O(1).
    const top = frames[frames.length - 1];
    const offset = top ? top.text.length - src.length : -1;
    if (top && offset >= 0 && top.text[offset] === src[0] && top.text[top.text.length - 1] === src[src.length - 1]) {
      return { frame: top, offset };
    }
    return { frame: new Frame(src), offset: 0 };
  };

  const inMath = (src) => {
    const { frame, offset } = locate(inlineFrames, src);
    if (!frame.spans) frame.spans = mathSpans(frame.index);
    return { spans: frame.spans, offset };
  };

  // True when some math span starting inside the bracketed label at src[open..] crosses its end.
  const mathCrossesLabel = (src) => {
    if (src[0] !== '[' && !(src[0] === '!' && src[1] === '[')) return false;
    const open = src[0] === '!' ? 1 : 0;
    let depth = 0;
    let end = -1;
    for (let i = open + 1; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') { i++; continue; }
      if (c === '[') depth++;
      else if (c === ']') {
        if (depth === 0) { end = i; break; }
        depth--;
      }
    }
    if (end < 0) return false;
    const { spans, offset } = inMath(src);
    const from = offset + open;
    const to = offset + end;
    for (const [a, b] of spans) if (a > from && a < to && b > to) return true;
    return false;
  };

  return {
    gfm: true,
    hooks: {
      provideLexer() {
        return this.block
          ? (src, options) => new FocusLexer(options).lex(src)
          : (src, options) => new FocusLexer(options).inlineTokens(src);
      },
      emStrongMask(masked) {
        const top = inlineFrames[inlineFrames.length - 1];
        if (!top || top.text.length !== masked.length) return masked;
        if (!top.spans) top.spans = mathSpans(top.index);
        if (top.spans.length === 0) return masked;
        let out = '';
        let last = 0;
        for (const [a, b] of top.spans) {
          out += masked.slice(last, a) + masked.slice(a, b).replace(/[*_~]/g, 'a');
          last = b;
        }
        return out + masked.slice(last);
      },
    },
    tokenizer: {
      link(src) {
        return mathCrossesLabel(src) ? undefined : false;
      },
      reflink(src) {
        return mathCrossesLabel(src) ? undefined : false;
      },
      url(src) {
        // GFM bare URLs end where math starts (commonmark's autolink extension only sees the text
        // before a math node): run marked's own rule on the text up to the next math span.
        const { spans, offset } = inMath(src);
        let cut = -1;
        for (let lo = 0, hi = spans.length; lo < hi;) {
          const mid = (lo + hi) >> 1;
          if (spans[mid][0] <= offset) lo = mid + 1;
          else { hi = mid; cut = spans[mid][0] - offset; }
        }
        if (cut < 0) return false;
        return Object.getPrototypeOf(this).url.call(this, src.slice(0, cut)) || undefined;
      },
      blockquote(src) {
        // A math opener is a block start, so it is never a lazy continuation line of a quoted
        // paragraph: the quote ends before the next line (outside the quote) where a block matches.
        const { frame, offset } = locate(blockFrames, src);
        const next = firstAtLeast(blockStartsOf(frame), offset + 1);
        if (next < 0) return false;
        return Object.getPrototypeOf(this).blockquote.call(this, src.slice(0, next - offset)) || undefined;
      },
      table(src) {
        const cap = this.rules.block.table.exec(src);
        if (!cap || !this.rules.other.tableDelimiter.test(cap[2])) return undefined;
        const headers = splitCells(cap[1]);
        const aligns = cap[2].replace(this.rules.other.tableAlignChars, '').split('|');
        const rows = cap[3]?.trim() ? cap[3].replace(this.rules.other.tableRowBlankLine, '').split('\n') : [];
        if (headers.length !== aligns.length) return undefined;
        const token = { type: 'table', raw: cap[0].replace(/\n+$/, ''), header: [], align: [], rows: [] };
        for (const a of aligns) {
          if (this.rules.other.tableAlignRight.test(a)) token.align.push('right');
          else if (this.rules.other.tableAlignCenter.test(a)) token.align.push('center');
          else if (this.rules.other.tableAlignLeft.test(a)) token.align.push('left');
          else token.align.push(null);
        }
        headers.forEach((text, i) => {
          token.header.push({ text, tokens: this.lexer.inline(text), header: true, align: token.align[i] });
        });
        for (const row of rows) {
          token.rows.push(splitCells(row, token.header.length).map((text, i) => ({
            text, tokens: this.lexer.inline(text), header: false, align: token.align[i],
          })));
        }
        return token;
      },
    },
    extensions: [
      {
        name: 'focusMathBlock',
        level: 'block',
        start(src) {
          // src is the remaining container text minus its first character; offer the next line
          // start where a block matches, so a paragraph stops there (an opener interrupts it).
          const { frame, offset } = locate(blockFrames, src);
          const next = firstAtLeast(blockStartsOf(frame), offset + 1);
          return next < 0 ? undefined : next - offset;
        },
        tokenizer(src) {
          const { frame, offset } = locate(blockFrames, src);
          const m = matchBlock(frame.index, offset);
          if (!m) return undefined;
          return { type: 'focusMathBlock', raw: src.slice(0, m.length), text: m.tex, display: true, env: m.env };
        },
        renderer: renderBlock,
      },
      {
        name: 'focusMath',
        level: 'inline',
        start(src) {
          // The next $ (a backslash already stops marked's text rule). Remembered per pass, so a
          // long text without dollars is searched once, not once per text token.
          const { frame, offset } = locate(inlineFrames, src);
          if (!(frame.nextDollar >= offset || (frame.nextDollar === -1 && frame.dollarFrom <= offset))) {
            frame.dollarFrom = offset;
            frame.nextDollar = frame.text.indexOf('$', offset);
          }
          return frame.nextDollar < 0 ? undefined : frame.nextDollar - offset;
        },
        tokenizer(src) {
          const c = src[0];
          if (c !== '$' && c !== '\\') return undefined;
          const { frame, offset } = locate(inlineFrames, src);
          const m = matchInline(frame.index, offset);
          if (!m) return undefined;
          const raw = src.slice(0, m.length);
          if (!m.math) return { type: 'text', raw, text: escapeHtml(raw), escaped: true };
          return { type: 'focusMath', raw, text: m.math.tex, display: m.math.display, env: m.math.env };
        },
        renderer: renderInline,
      },
    ],
  };
}

export default focusMath;
