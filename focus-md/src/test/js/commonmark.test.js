// CommonMark 0.31.2 examples through marked (spec 03 §5, "JS"): marked alone fails some examples,
// so the baseline is marked with the same options and no extension. Every example the baseline
// passes must still pass with Focus's extension, unless listed in commonmark-excluded.txt (example
// number and reason; only inputs holding $, \(, \[ or \begin{ may be listed, and a listed example
// that passes fails the test). Examples compare as normalised DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RESOURCES, markedWith, normalize } from './harness.js';

const FENCE = '`'.repeat(32);

function examples() {
  const text = readFileSync(RESOURCES + 'commonmark/spec.txt', 'utf8');
  const out = [];
  let markdown = null;
  let html = null;
  for (const line of text.split('\n')) {
    if (markdown === null) {
      if (line === FENCE + ' example') markdown = [];
    } else if (html === null) {
      if (line === '.') html = [];
      else markdown.push(line);
    } else if (line === FENCE) {
      const tabs = (lines) => lines.map((l) => l + '\n').join('').replace(/→/g, '\t');
      out.push({ number: out.length + 1, markdown: tabs(markdown), html: tabs(html) });
      markdown = null;
      html = null;
    } else {
      html.push(line);
    }
  }
  return out;
}

function excluded() {
  const path = fileURLToPath(new URL('commonmark-excluded.txt', import.meta.url));
  const map = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [number, ...reason] = line.trim().split(/\s+/);
    map.set(Number(number), reason.join(' '));
  }
  return map;
}

const all = examples();
const skip = excluded();
const baseline = markedWith(false);
const focus = markedWith(true);
const OPENER = /\$|\\\(|\\\[|\\begin\{/;

const passes = (render, ex) => {
  try {
    return normalize(render(ex.markdown)) === normalize(ex.html);
  } catch {
    return false;
  }
};

test('the spec has 652 examples', () => assert.equal(all.length, 652));

test('no example the baseline passes fails with the extension, unless listed', () => {
  const broken = [];
  let baselinePasses = 0;
  for (const ex of all) {
    if (!passes(baseline, ex)) continue;
    baselinePasses++;
    const ok = passes(focus, ex);
    if (skip.has(ex.number)) {
      assert.ok(OPENER.test(ex.markdown), `example ${ex.number} is listed but holds no math opener`);
      assert.ok(!ok, `example ${ex.number} is listed but passes; remove it from commonmark-excluded.txt`);
    } else if (!ok) {
      broken.push(ex.number);
    }
  }
  assert.deepEqual(broken, [], `examples broken by the extension: ${broken.join(', ')}`);
  assert.ok(baselinePasses > 500, `the baseline passes only ${baselinePasses} examples`);
});
