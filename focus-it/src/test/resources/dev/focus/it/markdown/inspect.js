// What one method left in the page for one case (spec 03 §4 and report 3's "cases intact per method"):
// the TeX the math engine typeset, any live script, and any of the engine's markup shown as text.
// Shared by the three pages of BrowserMethodsTest; each page passes the TeX its engine reports.

/** Calls made by the cases' payloads (alert(1), steal()) land here instead of running. */
window.__pwned = [];
window.alert = (x) => window.__pwned.push('alert ' + x);
window.steal = () => window.__pwned.push('steal');

/** True for a node inside a math engine's own output or storage (MathJax 2 or 3). */
function engineOwned(node) {
  const el = node.nodeType === 1 ? node : node.parentElement;
  return !!(el && el.closest('mjx-container, script, [class*="MathJax"], [class*="MJX"], [class*="mjx"]'));
}

/**
 * The case's outcome in {@code root}, after the engine typeset it and 200 ms for event handlers to
 * fire (an image that fails to load, an svg's onload): {tex, live, leaked, pwned}.
 *   live:   elements with an on* attribute, script elements other than MathJax 2's math/tex storage,
 *           javascript: URLs;
 *   leaked: text outside the engine's output that shows its markup (the note's code-span failure).
 */
export async function inspect(root, tex) {
  await new Promise((r) => setTimeout(r, 200));
  let live = 0;
  for (const el of root.querySelectorAll('*')) {
    if ([...el.attributes].some((a) => /^on/i.test(a.name))) live++;
    if (el.localName === 'script' && !/^math\/tex/.test(el.getAttribute('type') || '')) live++;
    for (const a of ['href', 'src', 'xlink:href']) {
      if (/^\s*javascript:/i.test(el.getAttribute(a) || '')) live++;
    }
  }
  let leaked = '';
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!engineOwned(n) && /MathJax|math\/tex|<\/?(span|script|mjx)/.test(n.data)) leaked += n.data;
  }
  const pwned = window.__pwned.splice(0).sort().join('; '); // sorted: handlers fire in any order
  return { tex, live, leaked, pwned };
}

/** A fresh container in the page (with {@code className}, if any), for one case. */
export function freshRoot(className) {
  const root = document.createElement('div');
  if (className) root.className = className;
  document.body.appendChild(root);
  return root;
}

/** MathJax 3: typesets {@code root}, inspects it, then clears and removes it. */
export async function typesetAndInspect(root) {
  await MathJax.typesetPromise([root]);
  const out = await inspect(root, MathJax.startup.document.getMathItemsWithin(root).map((m) => m.math));
  MathJax.typesetClear([root]);
  root.remove();
  return out;
}
