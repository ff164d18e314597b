// Focus site: runs first on every page (a plain script in <head>, before MathJax loads).
// 1. Records Content-Security-Policy violations, so tests (and curious readers) can see any.
// 2. Configures MathJax 3 as spec 03 section 3 requires.
(function () {
  'use strict';
  window.__focusCsp = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__focusCsp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || 0) + ' ' + (e.sample || ''));
  });

  window.MathJax = {
    loader: {
      // TeX from a model is untrusted: ui/safe filters \href, \class, \style and friends.
      load: ['ui/safe']
    },
    tex: {
      // Only the delimiters focus-md emits inside its wrappers, so stray dollars are never typeset.
      inlineMath: [['\\(', '\\)']],
      displayMath: [['\\[', '\\]']],
      processEnvironments: true
    },
    options: {
      // Whole-word class regexes: every content root carries md-root (ignored), every formula
      // wrapper carries math (processed), so nothing outside a wrapper is ever typeset.
      processHtmlClass: 'math',
      ignoreHtmlClass: 'md-root'
    },
    startup: {
      // The page typesets its own wrappers (site.js), on one promise chain.
      typeset: false
    }
  };
})();
