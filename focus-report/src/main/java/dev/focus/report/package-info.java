/**
 * The report format: what {@code focus lab} writes and {@code focus serve} / {@code focus site} show.
 *
 * <h2>A run directory</h2>
 * <pre>
 * runs/&lt;slug&gt;/            slug: [a-z0-9][a-z0-9_-]{0,63}; anything else is refused
 *   report.md              Markdown with math (spec 03); the first "# " heading is the page title
 *   meta.json              {@link dev.focus.report.ReportMeta}: title, date, summary, verdict, tags, charts
 *   *.json, *.csv          raw data, offered for download ({@link dev.focus.report.ReportNames#DATA_FILE})
 * </pre>
 *
 * <h2>meta.json</h2>
 * <pre>{@code
 * {
 *   "title": "Can linear attention focus?",
 *   "date": "2026-11-28T12:30:00Z",                 // ISO-8601; a bare date is fine; index: newest first
 *   "summary": "Entropy stays high: $H \\approx \\log T$.",  // Markdown + math; "" = first paragraph of report.md
 *   "verdict": "agrees",                           // agrees | partly | contradicts | n/a
 *   "tags": ["attention", "note-1"],
 *   "charts": [
 *     { "id": "loss", "title": "Training loss", "kind": "line",        // line | scatter | bar | heatmap
 *       "xLabel": "step", "yLabel": "loss", "logX": false, "logY": true,
 *       "series": [ { "name": "softmax", "x": [1, 2, 3], "y": [2.1, 1.7, 1.5] } ] },
 *     { "id": "acc", "title": "Accuracy", "kind": "bar", "categories": ["softmax", "linear"],
 *       "series": [ { "name": "test", "y": [0.98, 0.61] } ] },
 *     { "id": "attn", "title": "Attention, head 0", "kind": "heatmap", "xLabel": "key", "yLabel": "query",
 *       "heatmap": { "rows": ["q0", "q1"], "cols": ["k0", "k1"], "values": [[1, 0], [0.4, 0.6]] } }
 *   ]
 * }
 * }</pre>
 * Unknown keys are errors; values must be finite; log axes need positive values.
 *
 * <h2>Placing charts</h2>
 * A line of report.md holding only {@code {{chart:ID}}} (outside fenced code) is replaced by chart
 * {@code ID}. Charts the text does not place appear after it, in meta order. The writer rejects a
 * placeholder that names no chart; the site shows a visible note for one in a hand-written report.
 *
 * <h2>Writing</h2>
 * {@link dev.focus.report.ReportWriter} validates everything above and replaces the run
 * directory whole; {@link dev.focus.report.ReportReader} reads it back (skipping symbolic
 * links and oversized files) for the site.
 */
package dev.focus.report;
