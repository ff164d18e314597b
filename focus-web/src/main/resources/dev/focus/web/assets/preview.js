// Focus live preview: Markdown + math rendered in the browser as you type.
// marked + focus-md's math extension parse, DOMPurify sanitises (the allow-list of spec 03 section 3),
// site.js typesets the new content on its promise chain. With the box ticked, the Java renderer
// (POST ../api/render, served site only) renders instead, and DOMPurify still checks its output.
import { Marked, Lexer } from '../marked/marked.esm.js';
import { focusMath } from '../focus-md/focus-math.js';

const input = document.getElementById('preview-input');
const output = document.getElementById('preview-output');
const status = document.getElementById('preview-status');
const useServer = document.getElementById('preview-server');

const marked = new Marked({ gfm: true });
marked.use(focusMath({ Lexer }));

const KEEP_CLASSES = new Set(['math', 'math-inline', 'math-display', 'notranslate']);
const LANGUAGE = /^language-[A-Za-z0-9_+#.-]+$/;
const purify = window.DOMPurify;
purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName !== 'class') return;
  const keep = data.attrValue.split(/[ \t\n\f\r]+/)
    .filter((c) => KEEP_CLASSES.has(c) || (node.nodeName === 'CODE' && LANGUAGE.test(c)));
  if (keep.length) data.attrValue = keep.join(' ');
  else data.keepAttr = false;
});

function sanitize(html) {
  return purify.sanitize(html, {
    ADD_ATTR: ['translate'],
    FORBID_TAGS: ['style', 'form', 'input', 'textarea', 'select', 'button'],
    FORBID_ATTR: ['style', 'id', 'name']
  });
}

let generation = 0;
let timer = 0;

function render() {
  const mine = ++generation;
  const text = input.value;
  const html = useServer && useServer.checked
    ? fetch('api/render', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: text })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error('server said ' + r.status))))
    : Promise.resolve(marked.parse(text));
  html.then((h) => {
    if (mine !== generation) return null;
    return window.focusSite.replace(output, sanitize(h)).then(() => {
      if (mine === generation) {
        output.setAttribute('data-generation', String(mine));
        status.textContent = '';
      }
    });
  }).catch((e) => { status.textContent = 'Could not render: ' + e.message; });
}

input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(render, 60);
});
if (useServer) useServer.addEventListener('change', render);
render();
