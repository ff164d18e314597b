// Every formula of the shared case file is valid TeX (spec 03 §5, "Coverage"): MathJax 3.2.2's TeX
// input (all packages except noundefined, noerrors and bussproofs, which needs an output jax)
// converts it without an error, so the browser checks can treat any MathJax error as a bug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import { AllPackages } from 'mathjax-full/js/input/tex/AllPackages.js';
import { SerializedMmlVisitor } from 'mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js';
import { RESOURCES, readJson } from './harness.js';

RegisterHTMLHandler(liteAdaptor());
const packages = AllPackages.filter((p) => !['noundefined', 'noerrors', 'bussproofs'].includes(p));
const tex = new TeX({ packages, formatError: (jax, err) => { throw err; } });
const doc = mathjax.document('', { InputJax: tex });

for (const c of readJson(RESOURCES + 'math-cases.json')) {
  c.math.forEach((m, k) => {
    test(`${c.id} formula ${k + 1} is valid TeX`, () => {
      const mml = new SerializedMmlVisitor().visitTree(doc.convert(m.tex, { display: m.display }));
      assert.ok(!mml.includes('merror'), mml);
    });
  });
}
