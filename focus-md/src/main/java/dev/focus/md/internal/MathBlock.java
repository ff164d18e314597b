package dev.focus.md.internal;

import org.commonmark.node.CustomBlock;

/** Display math on lines of its own (spec 03 §2.3). TeX and flags are fields, not children. */
public final class MathBlock extends CustomBlock {
  private final StringBuilder tex = new StringBuilder();
  private final boolean environment;
  final int startLine;
  int lastLine;
  boolean closed;

  MathBlock(boolean environment, int startLine) {
    this.environment = environment;
    this.startLine = startLine;
    this.lastLine = startLine;
  }

  void append(CharSequence piece) {
    tex.append(piece);
  }

  public String tex() {
    return tex.toString();
  }

  public boolean environment() {
    return environment;
  }
}
