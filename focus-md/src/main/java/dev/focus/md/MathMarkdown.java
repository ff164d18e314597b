package dev.focus.md;

import dev.focus.md.internal.MathRenderer;
import dev.focus.md.internal.SafeHtml;

/**
 * Markdown with LaTeX math, rendered to a sanitised HTML fragment (spec 03, "Markdown with math").
 *
 * <p>Math is its own syntax inside the Markdown parser, not a pre- or post-pass: {@code $…$},
 * {@code \(…\)} are inline, {@code $$…$$}, {@code \[…\]} and {@code \begin{N}…\end{N}} are display
 * (spec 03 §2). The TeX is emitted HTML-escaped, unchanged otherwise, inside wrappers that MathJax 3
 * typesets and browsers do not translate (spec 03 §3):
 *
 * <pre>{@code
 * <span class="math math-inline notranslate" translate="no">\(TEX\)</span>
 * <div class="math math-display notranslate" translate="no">\[TEX\]</div>
 * }</pre>
 *
 * <p>{@link #render} runs the result through an allow-list sanitiser (OWASP Java HTML Sanitizer):
 * untrusted Markdown cannot run script. Instances are immutable and thread-safe.
 */
public final class MathMarkdown {
  /**
   * Class-path location of the browser twin: a marked extension (plain ES module) implementing the
   * same rules for live previews; see the module README. Load with
   * {@code MathMarkdown.class.getResourceAsStream(BROWSER_EXTENSION)}.
   */
  public static final String BROWSER_EXTENSION = "/dev/focus/md/js/focus-math.js";

  /** Class-path folder holding every browser resource of this module (the extension and its helpers). */
  public static final String BROWSER_RESOURCES = "/dev/focus/md/js/";

  private final MathRenderer renderer;

  private MathMarkdown(MathRenderer renderer) {
    this.renderer = renderer;
  }

  /** A renderer with GFM tables, strikethrough, autolinks, heading anchors and math. */
  public static MathMarkdown create() {
    return new MathMarkdown(new MathRenderer());
  }

  /**
   * Renders Markdown to a sanitised HTML fragment (UTF-8 text, block elements separated by LF).
   *
   * @throws IllegalArgumentException if {@code markdown} is null
   */
  public String render(String markdown) {
    return SafeHtml.sanitize(renderUnsafe(markdown));
  }

  /**
   * Renders Markdown to HTML <em>without</em> sanitising: raw HTML in the input passes through as
   * CommonMark says. For tests and trusted input only; never serve this to a browser.
   *
   * @throws IllegalArgumentException if {@code markdown} is null
   */
  public String renderUnsafe(String markdown) {
    if (markdown == null) throw new IllegalArgumentException("markdown must not be null");
    return renderer.render(markdown);
  }

  /** Sanitises an HTML fragment with the same allow-list {@link #render} uses. */
  public static String sanitize(String html) {
    if (html == null) throw new IllegalArgumentException("html must not be null");
    return SafeHtml.sanitize(html);
  }
}
