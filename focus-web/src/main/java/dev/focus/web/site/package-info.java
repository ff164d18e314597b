/**
 * The research-notebook site: {@link dev.focus.web.site.SitePages} renders the index (reports as
 * posts, newest first), the report pages (Markdown with math from focus-md, ECharts charts with
 * their data inlined, downloads) and the live preview; {@link dev.focus.web.site.Assets} serves
 * MathJax 3, ECharts, marked and DOMPurify from webjars and focus-md's browser extension from its
 * jar; {@link dev.focus.web.site.StaticSite} writes it all as files that open from disk.
 *
 * <p>Math in the browser follows spec 03 section 3: MathJax 3.2.2 CHTML, delimiters {@code \( \)}
 * and {@code \[ \]} only, {@code processHtmlClass: 'math'}, {@code ignoreHtmlClass: 'md-root'}
 * (every content root), {@code startup.typeset: false} with the page typesetting only the wrappers
 * on one promise chain, {@code ui/safe} loaded, and re-rendered content cleared with
 * {@code typesetClear} first while its container keeps {@code translate="no"}.
 */
package dev.focus.web.site;
