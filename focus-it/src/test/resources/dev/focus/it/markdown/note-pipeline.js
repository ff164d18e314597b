// The note's own fix ([A], kexue.fm/archives/10332), rebuilt from its description in spec 03 §1 for
// report 3's browser comparison (not Focus code, not copied from the note): MathJax 2 finds and
// typesets the math first, so that Markdown never sees it, and marked runs on what is left.
//
//   1. the raw Markdown goes into a detached <div> as HTML (innerHTML), and MathJax 2.7.9 typesets it:
//      tex2jax turns each formula into a <script type="math/tex"> (";mode=display" for display math)
//      holding its TeX, next to its rendered output;
//   2. the TeX of those scripts is saved, in document order, before marked parses the div's innerHTML;
//   3. marked's HTML goes into the page, and the math/tex scripts in it get the saved TeX back, in
//      order (so whatever marked did to the TeX inside them is undone: the note's patch);
//   4. a second typeset, of the live container, which the note uses to restore MathJax's context menu
//      on live nodes.
// One choice of ours, to give the note its best case: the first typeset's output is dropped before
// the parse, and the second typeset renders every formula afresh from its restored script. In a
// detached div MathJax 2's CommonHTML output cannot measure, so tables (pmatrix, aligned, cases)
// come out as "[Math Processing Error]" with no element jax; kept, they would fail those cases.
// Its known weak points (spec 03 §1) are measured, not patched here: `<` read as a tag by the HTML
// parser, math inside code typeset before the code exists, `>` serialised as &gt;, `\$` not an
// escape for tex2jax, and untrusted text reaching innerHTML before anything could sanitise it.

/** MathJax 2's queue as a promise. */
function typeset(el) {
  return new Promise((resolve) => MathJax.Hub.Queue(['Typeset', MathJax.Hub, el], resolve));
}

const MATH_SCRIPTS = 'script[type^="math/tex"]';

/** MathJax 2's output next to each script: preview, frame (inline, display, error). */
const ENGINE_OUTPUT = '.MathJax_Preview, .MathJax_Display, .MathJax_CHTML, .MathJax_Error, [id$="-Frame"]';

/** Renders {@code markdown} into {@code container} the note's way; {@code marked} parses Markdown. */
export async function notePipeline(markdown, container, marked) {
  const scratch = document.createElement('div'); // step 1: detached
  scratch.innerHTML = markdown;
  await typeset(scratch);
  const saved = Array.from(scratch.querySelectorAll(MATH_SCRIPTS), (s) => ({ type: s.type, tex: s.text })); // step 2
  for (const output of scratch.querySelectorAll(ENGINE_OUTPUT)) output.remove();
  container.innerHTML = marked.parse(scratch.innerHTML); // step 3
  const placed = Array.from(container.querySelectorAll(MATH_SCRIPTS));
  for (let i = 0; i < placed.length && i < saved.length; i++) {
    const fresh = document.createElement('script'); // a new element: MathJax typesets it anew
    fresh.type = saved[i].type;
    fresh.text = saved[i].tex;
    placed[i].replaceWith(fresh);
  }
  await typeset(container); // step 4
}
