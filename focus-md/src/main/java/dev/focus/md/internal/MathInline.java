package dev.focus.md.internal;

import org.commonmark.node.CustomNode;

/**
 * Inline math. The TeX and the flags are fields, not child text nodes, so that post-processors
 * (autolinks, heading anchors) never see or change them (spec 03 §2.1).
 */
public final class MathInline extends CustomNode {
  private final String tex;
  private final boolean display;
  private final boolean environment;

  MathInline(String tex, boolean display, boolean environment) {
    this.tex = tex;
    this.display = display;
    this.environment = environment;
  }

  /** The exact source between the delimiters (for environments, {@code \begin…\end} included). */
  public String tex() {
    return tex;
  }

  /** Display math ({@code $$}, {@code \[}, environments) inside a paragraph. */
  public boolean display() {
    return display;
  }

  /** A {@code \begin{N}…\end{N}} environment: rendered without {@code \[ \]}. */
  public boolean environment() {
    return environment;
  }
}
