// Shared helpers of the node tests: the marked pipeline with and without Focus's extension, the
// DOMPurify sanitiser with Focus's policy, and the DOM normaliser both languages use.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import createDOMPurify from 'dompurify';
import { Marked, Lexer } from 'marked';
import { focusMath } from '../../main/resources/dev/focus/md/js/focus-math.js';
import { focusSanitizer } from '../../main/resources/dev/focus/md/js/focus-sanitize.js';

const here = fileURLToPath(new URL('.', import.meta.url));
export const RESOURCES = here + '../resources/dev/focus/md/';

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const window = new JSDOM('').window;

/** marked with GFM, as the site configures it; withMath adds Focus's extension. */
export function markedWith(withMath) {
  const marked = new Marked({ gfm: true });
  if (withMath) marked.use(focusMath({ Lexer }));
  return (markdown) => marked.parse(markdown);
}

export const sanitize = focusSanitizer(createDOMPurify(window));

const KEEP_WHITESPACE = new Set(['pre', 'code']);

/**
 * Canonical text of an HTML fragment, compared instead of bytes (spec 03 §5, "Normalisation").
 * Parse; drop whitespace-only text nodes and whitespace at block boundaries, except inside pre,
 * code and math wrappers; write each element as <tag a="v" …> with attributes sorted by name.
 * Documented library differences: heading ids are dropped (commonmark's heading-anchor extension
 * adds them, marked does not); whitespace next to a block element is layout.
 * The Java twin is dev.focus.md.HtmlNormalizer; keep the two in step.
 */
export function normalize(html) {
  const template = window.document.createElement('template');
  template.innerHTML = html;
  return canon(template.content, false);
}

const BLOCKS = new Set(['div', 'p', 'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'h1', 'h2', 'h3', 'h4', 'h5',
  'h6', 'hr']);
const isBlock = (node) => node && node.nodeType === 1 && BLOCKS.has(node.nodeName.toLowerCase());

function canon(node, keep) {
  let out = '';
  for (const child of node.childNodes) {
    if (child.nodeType === 3) {
      let data = child.data;
      if (!keep) {
        // Whitespace at a block boundary is layout (commonmark writes "a\n<div>" in a tight list
        // item, marked "a<div>").
        if (isBlock(child.previousSibling)) data = data.replace(/^[ \t\n\f\r]+/, '');
        if (isBlock(child.nextSibling)) data = data.replace(/[ \t\n\f\r]+$/, '');
        if (/^[ \t\n\f\r]*$/.test(data)) continue;
      }
      out += text(data);
    } else if (child.nodeType === 1) {
      const tag = child.nodeName.toLowerCase();
      const attrs = [...child.attributes]
        .filter((a) => !(a.name === 'id' && /^h[1-6]$/.test(tag)))
        .map((a) => [a.name, a.value])
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      const isMath = (tag === 'span' || tag === 'div') && /(^| )math( |$)/.test(child.getAttribute('class') || '');
      out += '<' + tag + attrs.map(([k, v]) => ' ' + k + '="' + text(v) + '"').join('') + '>';
      out += canon(child, keep || KEEP_WHITESPACE.has(tag) || isMath);
      out += '</' + tag + '>';
    }
  }
  return out;
}

function text(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const WRAPPER = /<(span|div) class="math (math-inline|math-display) notranslate" translate="no">([^<]*)<\/\1>/g;

/** The inner strings of every math wrapper in raw renderer output, in order. */
export function wrappers(html) {
  return [...html.matchAll(WRAPPER)].map((m) => m[3]);
}

/** The wrapper inner strings a case's `math` list implies (spec 03 §3). */
export function expectedWrappers(math) {
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  return math.map((m) => (m.env ? esc(m.tex) : m.display ? '\\[' + esc(m.tex) + '\\]' : '\\(' + esc(m.tex) + '\\)'));
}
