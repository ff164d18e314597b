// The JavaScript twins of PathologicalTest, TableDifferentialTest and SanitizerTest, over the same
// shared inputs (tables.json, sanitizer-attacks.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { RESOURCES, readJson, markedWith, sanitize } from './harness.js';

const focus = markedWith(true);
const stock = markedWith(false);
const N = 100_000;

// Not listed: 10^5 escaped brackets (\[). marked's own reference-link masking regex takes seconds on
// them whenever masking runs, which stock marked also does as soon as the text holds *, _ or ~ (and
// always once any hook is installed); the Java test covers them.
const pathological = {
  "10^5 '$a '": '$a '.repeat(N),
  "10^5 '$'": '$'.repeat(N),
  "10^5 '${'": '${'.repeat(N),
  "'$' then 10^5 '{'": '$' + '{'.repeat(N),
  "10^5 '$$x{'": '$$x{'.repeat(N),
  "10^5 '\\('": '\\('.repeat(N),
  "10^5 '\\begin{a}'": '\\begin{a}'.repeat(N),
  "10^5 lines '$$ {'": '$$ {\n'.repeat(N),
  'unclosed $$ in nested quotes': '> > $$\n> > a\n\n'.repeat(N / 10) + '$$\n',
  'quoted openers, closer outside': '> \\[\n'.repeat(N / 10) + '\\]\n',
};

// Warm the JIT on inputs a tenth the size: the bound is about growth.
for (const md of Object.values(pathological)) focus(md.slice(0, md.length / 10));

for (const [name, md] of Object.entries(pathological)) {
  // CPU time, not wall time: the build machine is shared (see PathologicalTest).
  test(`pathological: ${name} renders in under 3 s of CPU`, () => {
    const start = process.cpuUsage();
    const html = focus(md);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    assert.ok(html.length > 0);
    assert.ok(seconds < 3, `${name} took ${seconds.toFixed(2)} s`);
  });
}

for (const md of readJson(RESOURCES + 'tables.json')) {
  test(`tables without math pipes render as marked's own tokenizer: ${JSON.stringify(md).slice(0, 40)}`, () => {
    assert.equal(focus(md), stock(md), `input:\n${md}`);
  });
}

const ELEMENTS = new Set(['p', 'div', 'span', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em',
  'strong', 'del', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img', 'br', 'hr', 'sup', 'sub',
  'kbd']);
const MATH_CLASSES = new Set(['math', 'math-inline', 'math-display', 'notranslate']);
const window = new JSDOM('').window;

for (const md of readJson(RESOURCES + 'sanitizer-attacks.json')) {
  test(`attack renders to allow-listed HTML only: ${JSON.stringify(md).slice(0, 50)}`, () => {
    const html = sanitize(focus(md));
    const template = window.document.createElement('template');
    template.innerHTML = html;
    for (const el of template.content.querySelectorAll('*')) {
      const tag = el.nodeName.toLowerCase();
      assert.ok(ELEMENTS.has(tag), `element <${tag}> in ${html}`);
      for (const { name, value } of el.attributes) {
        assert.ok(!name.startsWith('on'), `event handler ${name} in ${html}`);
        assert.notEqual(name, 'style', `style attribute in ${html}`);
        if (name === 'href' || name === 'src') {
          const v = value.trim().toLowerCase();
          const scheme = /^[a-z][a-z0-9+.-]*:/.test(v);
          assert.ok(!scheme || v.startsWith('http:') || v.startsWith('https:') || (name === 'href' && v.startsWith('mailto:')),
            `URL ${value} in ${html}`);
        }
        if (name === 'class') {
          for (const t of value.split(' ')) {
            assert.ok(tag === 'code' ? t.startsWith('language-') : MATH_CLASSES.has(t), `class ${t} on ${tag} in ${html}`);
          }
        }
        if (name === 'translate') assert.equal(value, 'no');
      }
    }
  });
}

test('the raw marked output does pass attacks through (guards the test above)', () => {
  const raw = readJson(RESOURCES + 'sanitizer-attacks.json').map(focus);
  for (const needle of ['<script>', 'onerror=', 'href="javascript:', '<iframe', 'style=']) {
    assert.ok(raw.some((h) => h.includes(needle)), needle);
  }
});
