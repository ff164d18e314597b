// The shared case file (src/test/resources/dev/focus/md/math-cases.json), read in place, through
// marked + Focus's extension + DOMPurify with Focus's policy. dev.focus.md.MathCasesTest runs the
// same file through the Java renderer, so the two cannot drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES, readJson, markedWith, sanitize, normalize, wrappers, expectedWrappers } from './harness.js';

const cases = readJson(RESOURCES + 'math-cases.json');
const render = markedWith(true);

test('the case file is not empty and ids are unique', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length);
});

for (const c of cases) {
  test(`${c.id}: raw output holds exactly the wrappers its math implies`, () => {
    const raw = render(c.markdown);
    assert.deepEqual(wrappers(raw), expectedWrappers(c.math), `markdown:\n${c.markdown}\nraw:\n${raw}`);
  });
  test(`${c.id}: sanitised output equals the expected HTML as a DOM`, () => {
    const raw = render(c.markdown);
    const safe = sanitize(raw);
    assert.equal(normalize(safe), normalize(c.html), `markdown:\n${c.markdown}\nraw:\n${raw}`);
    assert.deepEqual(wrappers(safe).length, c.math.length, 'a wrapper did not survive sanitising');
  });
}
