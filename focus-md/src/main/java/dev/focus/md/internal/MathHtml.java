package dev.focus.md.internal;

import java.util.Set;
import org.commonmark.node.Node;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlWriter;

/**
 * The output contract of spec 03 §3, byte for byte:
 *
 * <pre>{@code
 * inline          <span class="math math-inline notranslate" translate="no">\(TEX\)</span>
 * display block   <div class="math math-display notranslate" translate="no">\[TEX\]</div>  + LF
 * environment     the same div holding \begin…\end{N} without \[ \]
 * display inline  a span with the display classes
 * }</pre>
 */
final class MathHtml implements NodeRenderer {
  static final String INLINE_OPEN = "<span class=\"math math-inline notranslate\" translate=\"no\">";
  static final String DISPLAY_SPAN_OPEN = "<span class=\"math math-display notranslate\" translate=\"no\">";
  static final String DISPLAY_DIV_OPEN = "<div class=\"math math-display notranslate\" translate=\"no\">";

  private final HtmlWriter html;

  MathHtml(HtmlNodeRendererContext context) {
    this.html = context.getWriter();
  }

  @Override
  public Set<Class<? extends Node>> getNodeTypes() {
    return Set.of(MathInline.class, MathBlock.class);
  }

  @Override
  public void render(Node node) {
    if (node instanceof MathBlock) {
      MathBlock block = (MathBlock) node;
      html.line();
      html.raw(DISPLAY_DIV_OPEN + wrap(block.tex(), true, block.environment()) + "</div>");
      html.line();
    } else {
      MathInline math = (MathInline) node;
      String open = math.display() ? DISPLAY_SPAN_OPEN : INLINE_OPEN;
      html.raw(open + wrap(math.tex(), math.display(), math.environment()) + "</span>");
    }
  }

  static String wrap(String tex, boolean display, boolean environment) {
    String escaped = escape(tex);
    if (environment) return escaped;
    return display ? "\\[" + escaped + "\\]" : "\\(" + escaped + "\\)";
  }

  /** Escapes exactly {@code & < > "} (spec 03 §3); {@code '} stays as is. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        default: out.append(c);
      }
    }
    return out.toString();
  }
}
