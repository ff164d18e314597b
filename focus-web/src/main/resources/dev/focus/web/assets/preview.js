// Focus live preview: Markdown + math rendered in the browser as you type.
// marked + focus-md's math extension parse, DOMPurify with focus-md's policy sanitises,
// site.js typesets the new content on its promise chain. With the box ticked, the Java renderer
// (POST ../api/render, served site only) renders instead, and DOMPurify still checks its output.
import { Marked, Lexer } from '../marked/marked.esm.js';
import { focusMath } from '../focus-md/focus-math.js';
import { focusSanitizer } from '../focus-md/focus-sanitize.js';

const input = document.getElementById('preview-input');
const output = document.getElementById('preview-output');
const status = document.getElementById('preview-status');
const useServer = document.getElementById('preview-server');

const marked = new Marked({ gfm: true });
marked.use(focusMath({ Lexer }));

// focus-md's DOMPurify policy: the same allow-list as the Java sanitiser (spec 03 section 3), on a
// DOMPurify instance of our own (its hooks are per instance).
const sanitize = focusSanitizer(window.DOMPurify(window));

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
