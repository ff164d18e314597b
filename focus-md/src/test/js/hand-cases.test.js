// The lab's hand-written cases of report 3 (focus-lab/src/main/resources/dev/focus/lab/markdown/hand-cases.json,
// read in place), through the browser twin: marked + Focus's extension + DOMPurify with Focus's policy.
// Their expected TeX was written by hand, not taken from either twin; the lab runs the Java twin on
// them, so this keeps the browser twin to the same independent expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readJson, markedWith, sanitize, wrappers } from './harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const file = readJson(here + '../../../../focus-lab/src/main/resources/dev/focus/lab/markdown/hand-cases.json');
const render = markedWith(true);

/** The TeX inside a wrapper: entities decoded, \( \) or \[ \] removed, trimmed (the file's comparison rule). */
function tex(inner) {
  let s = inner.replace(/&#(x?)([0-9a-fA-F]+);/g, (_, x, n) => String.fromCodePoint(parseInt(n, x ? 16 : 10)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  if ((s.startsWith('\\(') && s.endsWith('\\)')) || (s.startsWith('\\[') && s.endsWith('\\]'))) s = s.slice(2, -2);
  return s.replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');
}

test('the hand-written case file has cases of every category', () => {
  const categories = new Set(file.cases.map((c) => c.category));
  assert.deepEqual([...categories].sort(), ['delimiter', 'mangling', 'security']);
});

for (const c of file.cases) {
  test(`hand-written ${c.category} case '${c.name}': the sanitised browser twin gives the expected TeX`, () => {
    const safe = sanitize(render(c.markdown));
    assert.deepEqual(wrappers(safe).map(tex), c.tex.map((t) => t.trim()), `markdown:\n${c.markdown}\nhtml:\n${safe}`);
    assert.doesNotMatch(safe, /<[^>]*\son[a-z]+\s*=/i, 'an event handler survived');
    assert.doesNotMatch(safe, /<script|(href|src)\s*=\s*"?\s*javascript:/i, 'a script survived');
  });
}
