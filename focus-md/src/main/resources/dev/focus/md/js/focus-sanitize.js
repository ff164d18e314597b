// Focus: the sanitiser policy of dev.focus.md.MathMarkdown#render, for DOMPurify 3 in the browser
// (spec 03 §3, "Sanitising"). Both sides keep the same elements and attributes:
// - structure: p, headings (id), lists (ol start), block quotes, pre/code, tables (th/td align
//   left|center|right), em, strong, del, br, hr, and sup, sub, kbd without attributes;
// - math wrappers: span/div keep translate="no" and only the classes math, math-inline,
//   math-display, notranslate; code keeps only language-* classes;
// - links: http, https, mailto and relative URLs, rel="nofollow noopener"; images: http, https and
//   relative URLs (no data:), alt, title;
// - everything else is dropped: script, style, iframe, event handlers, style attributes,
//   javascript: URLs.
//
//   import DOMPurify from './purify.es.mjs';
//   import { focusSanitizer } from './focus-sanitize.js';
//   const sanitize = focusSanitizer(DOMPurify(window));
//   container.innerHTML = sanitize(html);
//
// Elements a, span and img left with no attribute are unwrapped (their content kept), as the Java
// sanitiser (OWASP) does.

const TAGS = ['p', 'div', 'span', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em',
  'strong', 'del', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img', 'br', 'hr', 'sup', 'sub',
  'kbd'];

/** element → attribute → value check (true keeps, a string replaces, false drops). */
const HEADING = { id: () => true };
const ATTRIBUTES = {
  h1: HEADING, h2: HEADING, h3: HEADING, h4: HEADING, h5: HEADING, h6: HEADING,
  ol: { start: (v) => /^[0-9]{1,9}$/.test(v) },
  th: { align: (v) => /^(left|center|right)$/.test(v) },
  td: { align: (v) => /^(left|center|right)$/.test(v) },
  span: { translate: (v) => v === 'no', class: (v) => keepClasses(v, MATH_CLASS) },
  div: { translate: (v) => v === 'no', class: (v) => keepClasses(v, MATH_CLASS) },
  code: { class: (v) => keepClasses(v, LANGUAGE_CLASS) },
  a: { href: (v) => safeUrl(v, true), title: () => true },
  img: { src: (v) => safeUrl(v, false), alt: () => true, title: () => true },
};

const MATH_CLASS = /^(math|math-inline|math-display|notranslate)$/;
const LANGUAGE_CLASS = /^language-[A-Za-z0-9_+#.-]+$/;

function keepClasses(value, allowed) {
  const kept = value.split(/[ \t\n\f\r]+/).filter((t) => allowed.test(t));
  return kept.length ? kept.join(' ') : false;
}

/** http, https, (links only) mailto, or a relative URL with no scheme. */
function safeUrl(value, link) {
  const v = value.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(v);
  if (!scheme) return true;
  const s = scheme[1].toLowerCase();
  return s === 'http' || s === 'https' || (link && s === 'mailto');
}

const ALL_ATTRIBUTES = [...new Set(Object.values(ATTRIBUTES).flatMap((a) => Object.keys(a)))];

/** DOMPurify configuration (the per-element rules live in the hooks below). */
export const PURIFY_CONFIG = Object.freeze({
  ALLOWED_TAGS: TAGS,
  ALLOWED_ATTR: [...ALL_ATTRIBUTES, 'rel'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  KEEP_CONTENT: true,
});

/**
 * Installs Focus's rules on a DOMPurify instance (hooks are per instance: pass DOMPurify(window),
 * not a shared one you use elsewhere) and returns html → sanitised html.
 */
export function focusSanitizer(purify) {
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    const rules = ATTRIBUTES[node.nodeName.toLowerCase()];
    const rule = rules && rules[data.attrName];
    if (data.attrName === 'rel' && node.nodeName.toLowerCase() === 'a') return; // rewritten below
    const verdict = rule ? rule(data.attrValue) : false;
    if (verdict === false) data.keepAttr = false;
    else if (typeof verdict === 'string') data.attrValue = verdict;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName.toLowerCase() === 'a') {
      if (node.hasAttribute('href')) node.setAttribute('rel', 'nofollow noopener');
      else node.removeAttribute('rel');
    }
  });
  return (html) => {
    const fragment = purify.sanitize(html, { ...PURIFY_CONFIG, RETURN_DOM_FRAGMENT: true });
    unwrapBare(fragment);
    const holder = fragment.ownerDocument.createElement('div');
    holder.appendChild(fragment);
    return holder.innerHTML;
  };
}

/**
 * Like the Java sanitiser, drop a, span and img elements left without attributes (an a whose
 * href was unsafe, a span whose classes were all foreign), keeping their content.
 */
function unwrapBare(root) {
  for (const el of [...root.querySelectorAll('a, span, img')]) {
    if (el.attributes.length > 0) continue;
    el.replaceWith(...el.childNodes);
  }
}
