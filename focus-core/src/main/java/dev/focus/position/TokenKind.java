package dev.focus.position;

/** What a token is (spec 04 §5): a text token or a patch of an image or video. */
public enum TokenKind {
  TEXT, PATCH;

  /** The JSON spelling: {@code text} or {@code patch}. */
  public String label() { return this == TEXT ? "text" : "patch"; }
}
